package docker_test

// The pty harness of the terminal runs' tests (Interactive and Attached): a run on a real pty,
// typing into it and waiting for its output.

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// terminalRun is what runs on the terminal: *docker.InteractiveExec or *docker.AttachedRun.
type terminalRun interface {
	SetStdin(io.Reader)
	SetStdout(io.Writer)
	SetStderr(io.Writer)
	Run() error
}

// shellSession is a terminal run (an interactive exec or an attached container) on a pty, as
// Bubble Tea would hand it the terminal.
type shellSession struct {
	ptmx, tty *os.File
	out       *shellBuffer
	before    *term.State
	done      chan error
}

// startOnPTY hands run a pty of rows×cols as its stdin, stdout and stderr and starts it; the
// session collects what the pty shows.
func startOnPTY(t *testing.T, run terminalRun, rows, cols uint16) *shellSession {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
		t.Fatalf("size pty: %v", err)
	}
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatalf("terminal state: %v", err)
	}
	s := &shellSession{ptmx: ptmx, tty: tty, out: &shellBuffer{}, before: before, done: make(chan error, 1)}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(s.out, ptmx) // ends with EIO once the tty side is closed
	}()
	t.Cleanup(func() {
		tty.Close()
		select {
		case <-copied:
		case <-time.After(5 * time.Second):
			t.Errorf("pty reader did not end")
		}
		ptmx.Close()
	})
	run.SetStdin(tty)
	run.SetStdout(tty)
	run.SetStderr(tty)
	go func() { s.done <- run.Run() }()
	return s
}

func (s *shellSession) typeString(t *testing.T, text string) {
	t.Helper()
	if _, err := io.WriteString(s.ptmx, text); err != nil {
		t.Fatalf("type %q: %v", text, err)
	}
}

func (s *shellSession) waitOutput(t *testing.T, want string) {
	t.Helper()
	shellWaitFor(t, 15*time.Second, "output "+want, func() bool { return strings.Contains(s.out.String(), want) })
}

// typeUntil types text until the output shows want: the exec's TTY size is set asynchronously,
// so an early "stty size" may still see the previous size.
func (s *shellSession) typeUntil(t *testing.T, text, want string) {
	t.Helper()
	mark := s.out.Len()
	shellWaitFor(t, 15*time.Second, "output "+want+" after typing "+text, func() bool {
		if strings.Contains(s.out.String()[mark:], want) {
			return true
		}
		s.typeString(t, text)
		deadline := time.Now().Add(500 * time.Millisecond)
		for time.Now().Before(deadline) {
			if strings.Contains(s.out.String()[mark:], want) {
				return true
			}
			time.Sleep(20 * time.Millisecond)
		}
		return false
	})
}

func (s *shellSession) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("Run did not return; output so far: %q", s.out.String())
		return nil
	}
}

// waitShellGoroutinesGone waits until the goroutines Run starts (the stdin pump, the SIGWINCH
// watch) have ended.
func waitShellGoroutinesGone(t *testing.T) {
	t.Helper()
	shellWaitFor(t, 5*time.Second, "the exec's goroutines to end", func() bool {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		return !strings.Contains(stacks, "backend/docker.pumpStdin") &&
			!strings.Contains(stacks, "backend/docker.(*Engine).followSize")
	})
}

// shellWaitFor polls cond until it holds or timeout passes.
func shellWaitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shellBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type shellBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *shellBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *shellBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *shellBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
