package pipeline

// Attempt outputs. Each attempt has one file, out/<node>.<n>.log, holding stdout and stderr
// interleaved in the order their lines completed. (The executor runs a node's command with its
// stderr on its stdout, the one way to keep the order it wrote them in; the stderr records
// are the executor's own messages about the node.) Records are text lines:
//
//	o<text>\n   a stdout line
//	e<text>\n   a stderr line
//	x\n         the attempt's output ended (written by Close)
//
// Text never holds '\n' (it is the separator), so the format needs no escaping and stays
// greppable. Lines longer than MaxOutputLine are split into several records.
//
// Following a live attempt: FollowOutput is told of changes in the file's directory by the
// store's DirNotifier (the process's one watch.Hub; no polling of the data) rather than
// subscribing in-process, so a viewer in another process (or after a restart of
// Podium) works the same way. It ends at the 'x' record. A writer that dies without Close
// leaves no 'x': the writer holds an flock on its file, and the follower checks that lock once a
// second while no events arrive, ending when nobody holds it.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Output streams, named as docker names them.
const (
	StreamStdout = "stdout"
	StreamStderr = "stderr"

	// MaxOutputLine is the longest line stored as one record; longer lines are split.
	MaxOutputLine = 1 << 20

	markStdout = 'o'
	markStderr = 'e'
	markEnd    = 'x'

	// outputFlushDelay bounds how long written output stays in the writer's buffer, so live
	// views see it soon while huge outputs still go out in large writes.
	outputFlushDelay = 100 * time.Millisecond
	// outputBufSize is the writer's and reader's buffer size.
	outputBufSize = 256 << 10
	// followLivenessCheck is how often a follower with nothing new checks the writer is alive.
	followLivenessCheck = time.Second
	// maxOutputNameLen keeps output file names under the 255-byte limit of file systems.
	maxOutputNameLen = 180
)

// DirNotifier tells a follower that something happened in a directory. watch.Hub is one: this
// package takes the interface so that it owns no file watcher, and the process's one is shared.
type DirNotifier interface {
	// NotifyDir signals on changed after changes in dir (coalesced), until stop is called.
	NotifyDir(dir string) (changed <-chan struct{}, stop func(), err error)
}

// OutputLine is one line of an attempt's output.
type OutputLine struct {
	Stream string // StreamStdout or StreamStderr
	Text   string // without the newline
}

// OutputWriter writes one attempt's output. It is safe for concurrent use by the stdout and
// stderr copiers. Partial lines wait per stream for their newline (or MaxOutputLine bytes).
type OutputWriter struct {
	mu      sync.Mutex
	file    string
	f       *os.File
	bw      *bufio.Writer
	pending [2][]byte // partial lines of stdout, stderr
	timer   *time.Timer
	closed  bool
	err     error
}

// streamWriter is the io.Writer for one stream of an OutputWriter.
type streamWriter struct {
	w      *OutputWriter
	stream int
}

// OutputName is the attempt's output file name relative to the run directory. Node paths are
// escaped so that distinct paths give distinct names: bytes other than [A-Za-z0-9_-] become
// %XX, then '/' separators become '.'; the root is "%2F". Very long names are shortened with a
// hash.
func OutputName(path string, attempt int) string {
	p := strings.TrimPrefix(path, "/")
	var b strings.Builder
	if p == "" {
		b.WriteString("%2F")
	}
	for _, seg := range strings.SplitAfter(p, "/") {
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			switch {
			case c == '/':
				b.WriteByte('.')
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	name := b.String()
	if len(name) > maxOutputNameLen {
		sum := sha256.Sum256([]byte(path))
		name = name[:maxOutputNameLen-17] + "~" + hex.EncodeToString(sum[:8])
	}
	return outDir + "/" + name + "." + strconv.Itoa(attempt) + ".log"
}

// OutputWriter creates (truncating) the file for the node's attempt and holds a lock on it
// until Close, which tells followers the writer is alive.
func (s *Store) OutputWriter(r *Run, path string, attempt int) (*OutputWriter, error) {
	if _, err := r.Node(path); err != nil {
		return nil, err
	}
	file := filepath.Join(s.RunDir(r), filepath.FromSlash(OutputName(path, attempt)))
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("output of %s attempt %d: %w", path, attempt, err)
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("output of %s attempt %d: %w", path, attempt, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("output %s is already being written: %w", file, err)
	}
	return &OutputWriter{file: file, f: f, bw: bufio.NewWriterSize(f, outputBufSize)}, nil
}

// Stdout is the writer for the attempt's stdout.
func (w *OutputWriter) Stdout() io.Writer { return streamWriter{w: w, stream: 0} }

// Stderr is the writer for the attempt's stderr.
func (w *OutputWriter) Stderr() io.Writer { return streamWriter{w: w, stream: 1} }

// Write implements io.Writer for one stream.
func (s streamWriter) Write(p []byte) (int, error) { return s.w.write(s.stream, p) }

// Write appends p to the named stream ("stdout" or "stderr").
func (w *OutputWriter) Write(stream string, p []byte) (int, error) {
	switch stream {
	case StreamStdout:
		return w.write(0, p)
	case StreamStderr:
		return w.write(1, p)
	}
	return 0, fmt.Errorf("output %s: unknown stream %q", w.file, stream)
}

// Close writes the partial lines left, the end record, flushes and syncs the file, and
// releases its lock. Close after Close is a no-op.
func (w *OutputWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	for s := range w.pending {
		if len(w.pending[s]) > 0 {
			w.emit(s, w.pending[s], nil)
			w.pending[s] = nil
		}
	}
	if w.err == nil {
		_ = w.bw.WriteByte(markEnd)
		_ = w.bw.WriteByte('\n')
		if err := w.bw.Flush(); err != nil {
			w.err = fmt.Errorf("output %s: %w", w.file, err)
		}
	}
	if err := w.f.Sync(); err != nil && w.err == nil {
		w.err = fmt.Errorf("output %s: %w", w.file, err)
	}
	_ = syscall.Flock(int(w.f.Fd()), syscall.LOCK_UN)
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("output %s: %w", w.file, err)
	}
	return w.err
}

// write splits p into lines of the stream, keeping a trailing partial line pending.
func (w *OutputWriter) write(stream int, p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, fmt.Errorf("output %s: write after close", w.file)
	}
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	pend := w.pending[stream]
	for len(p) > 0 {
		seg, complete := p, false
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			seg, p, complete = p[:i], p[i+1:], true
		} else {
			p = nil
		}
		for len(pend)+len(seg) > MaxOutputLine {
			k := MaxOutputLine - len(pend)
			w.emit(stream, pend, seg[:k])
			pend, seg = pend[:0], seg[k:]
		}
		if complete {
			w.emit(stream, pend, seg)
			pend = pend[:0]
		} else {
			pend = append(pend, seg...)
		}
	}
	w.pending[stream] = pend
	if w.err != nil {
		return 0, w.err
	}
	if w.bw.Buffered() > 0 && w.timer == nil {
		w.timer = time.AfterFunc(outputFlushDelay, w.timedFlush)
	}
	return n, nil
}

// emit writes one record made of a and b; errors stick in w.err.
func (w *OutputWriter) emit(stream int, a, b []byte) {
	if w.err != nil {
		return
	}
	mark := byte(markStdout)
	if stream == 1 {
		mark = markStderr
	}
	_ = w.bw.WriteByte(mark)
	_, _ = w.bw.Write(a)
	_, _ = w.bw.Write(b)
	if err := w.bw.WriteByte('\n'); err != nil {
		w.err = fmt.Errorf("output %s: %w", w.file, err)
	}
}

// timedFlush pushes buffered records to the file for live followers.
func (w *OutputWriter) timedFlush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.timer = nil
	if w.closed || w.err != nil {
		return
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("output %s: %w", w.file, err)
	}
}

// ReadOutput reads a whole attempt's output (finished or not: complete records only).
func (s *Store) ReadOutput(r *Run, path string, attempt int) ([]OutputLine, error) {
	var lines []OutputLine
	err := s.ScanOutput(r, path, attempt, func(l OutputLine) { lines = append(lines, l) })
	return lines, err
}

// ScanOutput calls fn for each line of an attempt's output without holding it all in memory.
func (s *Store) ScanOutput(r *Run, path string, attempt int, fn func(OutputLine)) error {
	file := filepath.Join(s.RunDir(r), filepath.FromSlash(OutputName(path, attempt)))
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("output of %s attempt %d: %w", path, attempt, err)
	}
	defer f.Close()
	rd := &recordReader{br: bufio.NewReaderSize(f, outputBufSize)}
	for {
		rec, err := rd.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("output %s: %w", file, err)
		}
		l, end, err := parseRecord(rec)
		if err != nil {
			return fmt.Errorf("output %s: %w", file, err)
		}
		if end {
			return nil
		}
		fn(l)
	}
}

// FollowOutput calls fn for every line of the attempt's output, the existing ones first, then
// those written later, until the attempt's output ends (its writer's Close, or the writer's
// process is gone), or ctx is done (returning ctx's error). It waits for the file to appear
// if the attempt has not started. It needs the store's Notifier.
func (s *Store) FollowOutput(ctx context.Context, r *Run, path string, attempt int, fn func(OutputLine)) error {
	file := filepath.Join(s.RunDir(r), filepath.FromSlash(OutputName(path, attempt)))
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("follow output %s: %w", file, err)
	}
	if s.Notifier == nil {
		return fmt.Errorf("follow output %s: the run store has no notifier", file)
	}
	changed, stop, err := s.Notifier.NotifyDir(dir)
	if err != nil {
		return fmt.Errorf("follow output %s: %w", file, err)
	}
	defer stop()
	tick := time.NewTicker(followLivenessCheck)
	defer tick.Stop()

	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	var rd *recordReader
	last := false // the writer is gone: read what is left, then stop
	for {
		if f == nil {
			f, err = os.Open(file)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("follow output %s: %w", file, err)
			}
			if err == nil {
				rd = &recordReader{br: bufio.NewReaderSize(f, outputBufSize)}
			}
		}
		if rd != nil {
			for {
				rec, err := rd.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return fmt.Errorf("follow output %s: %w", file, err)
				}
				l, end, err := parseRecord(rec)
				if err != nil {
					return fmt.Errorf("follow output %s: %w", file, err)
				}
				if end {
					return nil
				}
				fn(l)
			}
		}
		if last {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed: // any change in the directory: read on
		case <-tick.C:
			if f != nil {
				held, err := lockHeld(file)
				if err != nil {
					return fmt.Errorf("follow output %s: %w", file, err)
				}
				last = !held
			}
		}
	}
}

// recordReader reads '\n'-terminated records, keeping a trailing incomplete one for later
// (a live file may end mid-record).
type recordReader struct {
	br      *bufio.Reader
	partial []byte
}

// next returns the next complete record without its newline, or io.EOF when none is complete
// yet. The slice is valid until the next call.
func (rd *recordReader) next() ([]byte, error) {
	for {
		chunk, err := rd.br.ReadSlice('\n')
		switch {
		case err == nil:
			if len(rd.partial) == 0 {
				return chunk[:len(chunk)-1], nil
			}
			rd.partial = append(rd.partial, chunk...)
			rec := rd.partial[:len(rd.partial)-1]
			rd.partial = rd.partial[:0]
			return rec, nil
		case errors.Is(err, bufio.ErrBufferFull):
			rd.partial = append(rd.partial, chunk...)
		case errors.Is(err, io.EOF):
			rd.partial = append(rd.partial, chunk...)
			return nil, io.EOF
		default:
			return nil, err
		}
	}
}

// parseRecord decodes one record; end is true for the end-of-output record.
func parseRecord(rec []byte) (l OutputLine, end bool, err error) {
	if len(rec) == 0 {
		return l, false, errors.New("empty record")
	}
	switch rec[0] {
	case markStdout:
		return OutputLine{Stream: StreamStdout, Text: string(rec[1:])}, false, nil
	case markStderr:
		return OutputLine{Stream: StreamStderr, Text: string(rec[1:])}, false, nil
	case markEnd:
		return l, true, nil
	}
	return l, false, fmt.Errorf("unknown record mark %q", rec[0])
}
