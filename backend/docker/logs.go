package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
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
	tty := false
	if c, err := e.Inspect(ctx, id); err == nil {
		tty = c.Tty
	} else {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	lo := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: opts.Follow, Timestamps: opts.Timestamps}
	if !opts.Since.IsZero() {
		lo.Since = fmt.Sprintf("%d.%09d", opts.Since.Unix(), opts.Since.Nanosecond())
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
	out := &lineWriter{max: maxLine, stamps: opts.Timestamps, stream: Stdout, sink: sink}
	if tty {
		_, err = io.Copy(out, rc)
		out.flush()
	} else {
		errw := &lineWriter{max: maxLine, stamps: opts.Timestamps, stream: Stderr, sink: sink}
		_, err = stdcopy.StdCopy(out, errw, rc)
		out.flush()
		errw.flush()
	}
	if err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	return nil
}

// lineWriter cuts what is written to it into lines for sink: a line ends at '\n' (a trailing
// '\r' is dropped) or after max bytes, whichever comes first. With stamps, the RFC 3339 stamp
// the engine puts before each line becomes the line's Time; pieces of a split line share it.
type lineWriter struct {
	max    int
	stamps bool
	stream Stream
	sink   func(LogLine)

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
	l := LogLine{Stream: w.stream, Text: string(b)}
	if w.stamps {
		if w.cont {
			l.Time = w.t
		} else {
			l.Time, l.Text = splitTimestamp(l.Text)
			w.t = l.Time
		}
		l.Text = dropPartialStamps(l.Text)
	}
	w.buf = w.buf[:0]
	w.cont = !end
	w.sink(l)
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
