package docker

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// Stream names which output a line came from.
type Stream uint8

const (
	Stdout Stream = iota + 1
	Stderr
)

func (s Stream) String() string {
	if s == Stderr {
		return "stderr"
	}
	return "stdout"
}

// LogLine is one line of a container's output. Text has no trailing newline.
type LogLine struct {
	Stream Stream
	Time   time.Time // zero unless LogOptions.Timestamps
	Text   string
}

// LogOptions select which part of a container's log to read.
type LogOptions struct {
	Follow     bool
	Timestamps bool
	Since      time.Time // zero: from the start
	Until      time.Time // zero: to the end; else the lines logged at or before it
	Tail       int       // lines from the end; 0 or negative: all
	// MaxLine caps one line's length; longer lines are split (0: 1 MiB). This keeps a
	// 90,000-character line from becoming a problem for anyone downstream.
	MaxLine int
}

// Logs streams a container's output to sink, one line at a time, stdout and stderr apart,
// until the log ends (or, with Follow, until ctx is done or the container is removed).
// A TTY container's output has no separate streams and arrives as Stdout. Logs calls sink
// from the calling goroutine only, in the order the engine logged the lines.
func (e *Engine) Logs(ctx context.Context, id string, opts LogOptions, sink func(LogLine)) error {
	return e.LogBatches(ctx, id, opts, func(lines []LogLine) {
		for _, l := range lines {
			sink(l)
		}
	})
}

// logReadBuf is how much of a log stream one read takes in: every whole line in it goes to the
// sink as one batch.
const logReadBuf = 64 << 10

// stdcopyHeader is the size of a frame's header in the engine's multiplexed stream: the
// stream (1 byte), three zero bytes, and the frame's length (big endian, 4 bytes).
const stdcopyHeader = 8

// LogBatches is Logs for a reader that must keep up with a fast producer: sink gets the lines
// of each read from the engine at once, in order, in a slice that is the sink's to keep. The
// stream is demultiplexed and cut into lines in place, and the lines of one batch share one
// string allocation for their text.
func (e *Engine) LogBatches(ctx context.Context, id string, opts LogOptions, sink func([]LogLine)) error {
	tty := false
	if c, err := e.Inspect(ctx, id); err == nil {
		tty = c.Tty
	} else {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	lo := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: opts.Follow, Timestamps: opts.Timestamps}
	if !opts.Since.IsZero() {
		lo.Since = engineTime(opts.Since)
	}
	if !opts.Until.IsZero() {
		lo.Until = engineTime(opts.Until)
	}
	if opts.Tail > 0 {
		lo.Tail = fmt.Sprint(opts.Tail)
	}
	rc, err := e.cli.ContainerLogs(ctx, id, lo)
	if err != nil {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	defer rc.Close()
	stop := context.AfterFunc(ctx, func() { rc.Close() })
	defer stop()

	maxLine := opts.MaxLine
	if maxLine <= 0 {
		maxLine = 1 << 20
	}
	// This goroutine alone reads the stream and calls sink, so lines arrive in the order the
	// engine logged them, stdout and stderr interleaved, and sink is never called concurrently.
	err = demuxLog(rc, tty, newLineBatch(maxLine, opts.Timestamps), sink)
	if err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	return nil
}

// engineTime is t as the engine's since and until take it: seconds and nanoseconds.
func engineTime(t time.Time) string {
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

// demuxLog reads a log stream (the engine's multiplexed frames, or a TTY's raw bytes) in
// reads of up to logReadBuf, hands each frame's bytes to the line writer of its stream, and
// gives sink the lines each read completed. A line left unfinished at the end is the last one.
func demuxLog(r io.Reader, tty bool, lb *lineBatch, sink func([]LogLine)) error {
	buf := make([]byte, logReadBuf)
	have := 0      // bytes kept at the start of buf: part of a frame header
	left := 0      // bytes of the current frame still to come
	cur := lb.w[0] // the writer of the current frame's stream
	for {
		n, rerr := r.Read(buf[have:])
		p := buf[:have+n]
		have = 0
		for len(p) > 0 {
			if tty {
				cur.Write(p)
				break
			}
			if left == 0 {
				if len(p) < stdcopyHeader {
					have = copy(buf, p)
					break
				}
				switch p[0] {
				case 0, 1:
					cur = lb.w[0]
				case 2:
					cur = lb.w[1]
				case 3: // the engine's own error, written into the stream
					size := int(binary.BigEndian.Uint32(p[4:8]))
					msg := p[stdcopyHeader:min(stdcopyHeader+size, len(p))]
					return fmt.Errorf("the engine: %s", bytes.TrimSpace(msg))
				default:
					return fmt.Errorf("unknown stream %d in the log stream", p[0])
				}
				left = int(binary.BigEndian.Uint32(p[4:8]))
				p = p[stdcopyHeader:]
				continue
			}
			k := min(left, len(p))
			cur.Write(p[:k])
			left -= k
			p = p[k:]
		}
		if rerr != nil {
			lb.w[0].flush()
			lb.w[1].flush()
		}
		if lines := lb.take(); len(lines) > 0 {
			sink(lines)
		}
		if rerr != nil {
			return rerr
		}
	}
}

// lineBatch collects the lines of one read from both streams, in order. Their text is kept in
// one byte slice until take makes it one string, which the lines' texts are parts of.
type lineBatch struct {
	w     [2]*lineWriter // stdout, stderr
	arena []byte
	lines []LogLine
	spans [][2]int // where each line's text is in arena; -1 for a line whose Text is set
}

func newLineBatch(maxLine int, stamps bool) *lineBatch {
	lb := &lineBatch{}
	lb.w[0] = &lineWriter{max: maxLine, stamps: stamps, stream: Stdout, batch: lb}
	lb.w[1] = &lineWriter{max: maxLine, stamps: stamps, stream: Stderr, batch: lb}
	return lb
}

// add takes a line whose text is b (copied), or l.Text when b is nil.
func (lb *lineBatch) add(l LogLine, b []byte) {
	span := [2]int{-1, -1}
	if b != nil {
		span = [2]int{len(lb.arena), len(lb.arena) + len(b)}
		lb.arena = append(lb.arena, b...)
	}
	lb.lines = append(lb.lines, l)
	lb.spans = append(lb.spans, span)
}

// take hands over the lines collected since the last take.
func (lb *lineBatch) take() []LogLine {
	if len(lb.lines) == 0 {
		return nil
	}
	text := string(lb.arena)
	out := make([]LogLine, len(lb.lines))
	for i, l := range lb.lines {
		if sp := lb.spans[i]; sp[0] >= 0 {
			l.Text = text[sp[0]:sp[1]]
		}
		out[i] = l
	}
	lb.arena, lb.lines, lb.spans = lb.arena[:0], lb.lines[:0], lb.spans[:0]
	if cap(lb.arena) > 4*logReadBuf {
		lb.arena = nil // a huge line passed: do not keep its room
	}
	return out
}

// lineWriter cuts what is written to it into lines for sink: a line ends at '\n' (a trailing
// '\r' is dropped) or after max bytes, whichever comes first. With stamps, the RFC 3339 stamp
// the engine puts before each line becomes the line's Time; pieces of a split line share it.
type lineWriter struct {
	max    int
	stamps bool
	stream Stream
	sink   func(LogLine) // where lines go, unless batch
	batch  *lineBatch

	buf  []byte
	cont bool      // buf continues a line already partly emitted
	t    time.Time // that line's stamp
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		// Take no more than fits in the current piece.
		if room := w.max - len(w.buf); len(chunk) > room {
			w.buf = append(w.buf, chunk[:room]...)
			w.emit(false)
			p = p[room:]
			continue
		}
		w.buf = append(w.buf, chunk...)
		if i < 0 {
			break
		}
		w.emit(true)
		p = p[i+1:]
	}
	return n, nil
}

// flush emits a last line that had no newline.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.emit(true)
	}
}

// emit sends buf as one line; end says whether it ends a line (rather than being cut at max).
func (w *lineWriter) emit(end bool) {
	b := w.buf
	if end {
		b = bytes.TrimSuffix(b, []byte{'\r'})
	}
	l := LogLine{Stream: w.stream}
	if w.stamps {
		if w.cont {
			l.Time = w.t
		} else {
			l.Time, b = splitStamp(b)
			w.t = l.Time
		}
	}
	w.cont = !end
	if w.stamps && len(b) > dockerPartial {
		l.Text, b = dropPartialStamps(string(b)), nil // rare: a line the engine logged in pieces
	}
	switch {
	case w.batch != nil:
		w.batch.add(l, b)
	case b != nil:
		l.Text = string(b)
		w.sink(l)
	default:
		w.sink(l)
	}
	w.buf = w.buf[:0]
}

// scanLines calls fn for each line of r (without its newline), splitting lines longer than max.
func scanLines(r io.Reader, max int, fn func(string)) error {
	if max <= 0 {
		max = 1 << 20
	}
	w := &lineWriter{max: max, stream: Stdout, sink: func(l LogLine) { fn(l.Text) }}
	_, err := io.Copy(w, r)
	w.flush()
	if errors.Is(err, io.ErrClosedPipe) {
		return nil
	}
	return err
}

// splitStamp is splitTimestamp on bytes: the engine's fixed layout (nine digits of
// nanoseconds, UTC) is read without an allocation, any other through time.Parse.
func splitStamp(b []byte) (time.Time, []byte) {
	if len(b) >= dockerStampLen && b[dockerStampLen-1] == ' ' {
		if t, ok := parseEngineStamp(b[:dockerStampLen-1]); ok {
			return t, b[dockerStampLen:]
		}
	}
	i := bytes.IndexByte(b, ' ')
	if i <= 0 {
		return time.Time{}, b
	}
	t, err := time.Parse(time.RFC3339Nano, string(b[:i]))
	if err != nil {
		return time.Time{}, b
	}
	return t, b[i+1:]
}

// parseEngineStamp reads "2006-01-02T15:04:05.000000000Z"; false for anything else.
func parseEngineStamp(b []byte) (time.Time, bool) {
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range b[from:to] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != '.' || b[29] != 'Z' {
		return time.Time{}, false
	}
	var v [7]int
	for i, r := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 29}} {
		n, ok := num(r[0], r[1])
		if !ok {
			return time.Time{}, false
		}
		v[i] = n
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59 {
		return time.Time{}, false
	}
	return time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6], time.UTC), true
}

// splitTimestamp separates the RFC 3339 stamp docker puts before each line with Timestamps.
func splitTimestamp(s string) (time.Time, string) {
	i := strings.IndexByte(s, ' ')
	if i <= 0 {
		return time.Time{}, s
	}
	t, err := time.Parse(time.RFC3339Nano, s[:i])
	if err != nil {
		return time.Time{}, s
	}
	return t, s[i+1:]
}
