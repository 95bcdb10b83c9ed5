package docker_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/moby/moby/api/types/container"
	"golang.org/x/term"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// attachedPipes is a container that reads one line of stdin, like `docker run -i`.
func attachedPipes(cmd string) *container.Config {
	return &container.Config{
		Cmd:       []string{"sh", "-c", cmd},
		OpenStdin: true, StdinOnce: true,
		AttachStdin: true, AttachStdout: true, AttachStderr: true,
	}
}

// TestAttachedPipes runs without a terminal: stdin reaches the container and ends, stdout and
// stderr stay apart, and the exit code comes back.
func TestAttachedPipes(t *testing.T) {
	h := enginetest.New(t)
	const script = "read x; echo got:$x; echo err >&2; exit 4"

	id := h.Create("pipes", attachedPipes(script), nil)
	var out, errOut bytes.Buffer
	a := h.Engine.Attached(h.Ctx(), id)
	a.SetStdin(strings.NewReader("hello\n"))
	a.SetStdout(&out)
	a.SetStderr(&errOut)
	if err := a.Run(); err != (docker.ExitError{Code: 4}) {
		t.Fatalf("Run = %v, want ExitError{Code: 4}", err)
	}
	if out.String() != "got:hello\n" || errOut.String() != "err\n" {
		t.Fatalf("stdout %q stderr %q, want %q and %q", out.String(), errOut.String(), "got:hello\n", "err\n")
	}

	id = h.Create("pipes-cli", attachedPipes(script), nil)
	out.Reset()
	errOut.Reset()
	code, err := h.Engine.RunAttached(h.Ctx(), id, strings.NewReader("cli\n"), &out, &errOut)
	if code != 4 || err != nil {
		t.Fatalf("RunAttached = %d, %v, want 4, nil", code, err)
	}
	if out.String() != "got:cli\n" || errOut.String() != "err\n" {
		t.Fatalf("stdout %q stderr %q, want %q and %q", out.String(), errOut.String(), "got:cli\n", "err\n")
	}
}

// TestAttachedFastExit loses neither the output nor the exit of a container that is done
// before Run could have attached after the start.
func TestAttachedFastExit(t *testing.T) {
	h := enginetest.New(t)
	for i := range 5 {
		id := h.Create("fast", &container.Config{
			Cmd: []string{"sh", "-c", "echo quick; exit 0"}, AttachStdout: true, AttachStderr: true,
		}, nil)
		var out bytes.Buffer
		code, err := h.Engine.RunAttached(h.Ctx(), id, nil, &out, nil)
		if code != 0 || err != nil {
			t.Fatalf("run %d: RunAttached = %d, %v, want 0, nil", i, code, err)
		}
		if out.String() != "quick\n" {
			t.Fatalf("run %d: stdout %q, want %q", i, out.String(), "quick\n")
		}
		if err := h.Engine.Remove(h.Ctx(), id, docker.RemoveOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAttachedStdinEndsFirst feeds stdin that ends while the container still works, without
// StdinOnce: the engine would end the output at the end of stdin if Run passed it on.
func TestAttachedStdinEndsFirst(t *testing.T) {
	h := enginetest.New(t)
	cfg := attachedPipes("read x; sleep 1; echo after:$x")
	cfg.StdinOnce = false
	id := h.Create("stdin-ends", cfg, nil)
	var out bytes.Buffer
	code, err := h.Engine.RunAttached(h.Ctx(), id, strings.NewReader("v\n"), &out, nil)
	if code != 0 || err != nil {
		t.Fatalf("RunAttached = %d, %v, want 0, nil", code, err)
	}
	if out.String() != "after:v\n" {
		t.Fatalf("stdout %q, want %q", out.String(), "after:v\n")
	}
}

// TestAttachedDefaults runs without any stream set: no stdin attached, output discarded.
func TestAttachedDefaults(t *testing.T) {
	h := enginetest.New(t)
	id := h.Create("defaults", attachedPipes("echo hi; exit 2"), nil)
	if err := h.Engine.Attached(h.Ctx(), id).Run(); err != (docker.ExitError{Code: 2}) {
		t.Fatalf("Run = %v, want ExitError{Code: 2}", err)
	}
}

// TestAttachedTTY drives a TTY container through a real pty: its TTY has the terminal's size,
// follows it on SIGWINCH, the exit code comes back as ExitError, the terminal's mode is
// restored, and a key typed after Run returns is not swallowed.
func TestAttachedTTY(t *testing.T) {
	h := enginetest.New(t)
	id := h.Create("tty", attachedTTY(), nil)
	s := startAttached(t, h, id, 30, 90)

	s.waitOutput(t, "# ")
	s.typeUntil(t, "stty size\r", "30 90")

	if err := pty.Setsize(s.ptmx, &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
		t.Fatalf("resize pty: %v", err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatalf("send SIGWINCH: %v", err)
	}
	s.typeUntil(t, "stty size\r", "40 100")

	s.typeString(t, "exit 3\r")
	err := s.wait(t)
	var xe docker.ExitError
	if !errors.As(err, &xe) || xe.Code != 3 {
		t.Fatalf("Run = %v, want ExitError{Code: 3}", err)
	}
	fd := int(s.tty.Fd())
	after, err := term.GetState(fd)
	if err != nil {
		t.Fatalf("terminal state: %v", err)
	}
	if !reflect.DeepEqual(s.before, after) {
		t.Errorf("terminal mode not restored after Run")
	}
	waitShellGoroutinesGone(t)

	// Raw mode, as Bubble Tea sets when it takes the terminal back, so one key is readable.
	old, err := term.MakeRaw(fd)
	if err != nil {
		t.Fatalf("raw mode: %v", err)
	}
	defer func() { _ = term.Restore(fd, old) }()
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 16)
		n, _ := s.tty.Read(b)
		got <- string(b[:n])
	}()
	s.typeString(t, "k")
	select {
	case k := <-got:
		if k != "k" {
			t.Fatalf("read %q from the terminal after Run, want %q", k, "k")
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the key typed after Run never reached the terminal's reader: something swallowed it")
	}
}

// TestAttachedDetach ends Run when the user detaches with the engine's keys, instead of
// waiting for a container that runs on.
func TestAttachedDetach(t *testing.T) {
	h := enginetest.New(t)
	id := h.Create("detach", attachedTTY(), nil)
	s := startAttached(t, h, id, 24, 80)
	s.waitOutput(t, "# ")
	s.typeString(t, "\x10\x11") // ctrl-p ctrl-q
	err := s.wait(t)
	if err == nil || !strings.Contains(err.Error(), "detached") || !strings.Contains(err.Error(), h.Name("detach")) {
		t.Fatalf("Run = %v, want a 'detached' error naming the container", err)
	}
	c, err := h.Engine.Inspect(h.Ctx(), id)
	if err != nil || c.State != "running" {
		t.Fatalf("after detaching the container is %q (%v), want running", c.State, err)
	}
	waitShellGoroutinesGone(t)
}

// TestAttachedCancel stops following the container when ctx ends, and says so.
func TestAttachedCancel(t *testing.T) {
	h := enginetest.New(t)
	id := h.Create("cancel", &container.Config{Cmd: []string{"sleep", "300"}, AttachStdout: true}, nil)
	ctx, cancel := context.WithCancel(h.Ctx())
	done := make(chan error, 1)
	go func() { done <- h.Engine.Attached(ctx, id).Run() }()
	shellWaitFor(t, 15*time.Second, "the container to run", func() bool {
		c, err := h.Engine.Inspect(h.Ctx(), id)
		return err == nil && c.State == "running"
	})
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), h.Name("cancel")) {
			t.Fatalf("Run = %v, want context.Canceled naming the container", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Run did not return after ctx was cancelled")
	}
}

// TestAttachedNotCreated fails clearly, before attaching, for a started or missing container.
func TestAttachedNotCreated(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("started", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	err := h.Engine.Attached(h.Ctx(), id).Run()
	if err == nil || !strings.Contains(err.Error(), "running") || !strings.Contains(err.Error(), h.Name("started")) {
		t.Fatalf("Run = %v, want an error saying %s is running", err, h.Name("started"))
	}
	code, err := h.Engine.RunAttached(h.Ctx(), "podium-no-such-container", nil, nil, nil)
	if !docker.IsNotFound(err) || code != -1 || !strings.Contains(err.Error(), "podium-no-such-container") {
		t.Fatalf("RunAttached on a missing container = %d, %v, want -1 and a not-found error naming it", code, err)
	}
}

func attachedTTY() *container.Config {
	return &container.Config{
		Cmd: []string{"sh"}, Tty: true, OpenStdin: true,
		AttachStdin: true, AttachStdout: true, AttachStderr: true,
	}
}

// startAttached runs container id attached to a pty of rows×cols.
func startAttached(t *testing.T, h *enginetest.Harness, id string, rows, cols uint16) *shellSession {
	t.Helper()
	return startOnPTY(t, h.Engine.Attached(h.Ctx(), id), rows, cols)
}
