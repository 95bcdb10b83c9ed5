package docker

import (
	"bufio"
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
// A TTY container's output has no separate streams and arrives as Stdout.
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
	split := func(r io.Reader, s Stream) error {
		return scanLines(r, maxLine, func(text string) {
			l := LogLine{Stream: s, Text: text}
			if opts.Timestamps {
				l.Time, l.Text = splitTimestamp(text)
			}
			sink(l)
		})
	}
	if tty {
		err = split(rc, Stdout)
	} else {
		outR, outW := io.Pipe()
		errR, errW := io.Pipe()
		done := make(chan error, 2)
		go func() { done <- split(outR, Stdout) }()
		go func() { done <- split(errR, Stderr) }()
		_, err = stdcopy.StdCopy(outW, errW, rc)
		outW.Close()
		errW.Close()
		for range 2 {
			if e2 := <-done; err == nil {
				err = e2
			}
		}
	}
	if err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("logs of container %s: %w", id, err)
	}
	return nil
}

// scanLines calls fn for each line of r, splitting lines longer than max.
func scanLines(r io.Reader, max int, fn func(string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if len(chunk) > 0 || (err == nil && !isPrefix) {
			buf = append(buf, chunk...)
			for len(buf) > max {
				fn(string(buf[:max]))
				buf = buf[max:]
			}
			if !isPrefix && err == nil {
				fn(strings.TrimSuffix(string(buf), "\r"))
				buf = buf[:0]
			}
		}
		if err != nil {
			if len(buf) > 0 {
				fn(string(buf))
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) {
				return nil
			}
			return err
		}
	}
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
