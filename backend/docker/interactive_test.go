package docker_test

import (
	"bytes"
	"errors"
	"io"
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

// TestInteractiveTTY drives a shell through a real pty: the exec's TTY has the terminal's size,
// follows it on SIGWINCH, the exit code comes back as ExitError, and the terminal's mode is
// restored.
func TestInteractiveTTY(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("tty", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	s := startShell(t, h, id, docker.InteractiveOptions{Cmd: []string{"sh"}}, 30, 90)

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
	after, err := term.GetState(int(s.tty.Fd()))
	if err != nil {
		t.Fatalf("terminal state: %v", err)
	}
	if !reflect.DeepEqual(s.before, after) {
		t.Errorf("terminal mode not restored after Run")
	}
	waitShellGoroutinesGone(t)
}

// TestInteractiveLeavesStdin checks that nothing keeps reading the terminal once Run has
// returned: the next key must reach whoever reads the terminal next (Bubble Tea).
func TestInteractiveLeavesStdin(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("stdin", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	s := startShell(t, h, id, docker.InteractiveOptions{Cmd: []string{"sh"}}, 24, 80)

	s.waitOutput(t, "# ")
	s.typeString(t, "exit\r")
	if err := s.wait(t); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}

	// Raw mode, as Bubble Tea sets when it takes the terminal back, so one key is readable.
	fd := int(s.tty.Fd())
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
	waitShellGoroutinesGone(t)
}

// TestInteractiveAutoShell runs the container's best shell when Cmd is empty: sh in busybox,
// bash where there is one.
func TestInteractiveAutoShell(t *testing.T) {
	h := enginetest.New(t)
	const script = "echo \"shell=$0\"; echo \"bash=${PODIUM_FAKE_BASH:-no}\"\n"

	t.Run("sh", func(t *testing.T) {
		id := h.Run("auto-sh", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
		out, _, err := runShellPiped(h, id, docker.InteractiveOptions{}, script)
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
		if !strings.Contains(out, "sh\nbash=no\n") || strings.Contains(out, "shell=/bin/bash") {
			t.Fatalf("output %q, want the shell to be sh", out)
		}
	})

	t.Run("bash", func(t *testing.T) {
		// A stand-in bash that marks its environment and becomes sh.
		img := h.BuildImage("withbash", "FROM busybox:latest\nCOPY bash /bin/bash\n",
			map[string]string{"bash": "#!/bin/sh\nexport PODIUM_FAKE_BASH=yes\nexec /bin/sh \"$@\"\n"})
		id := h.Run("auto-bash", &container.Config{Image: img, Cmd: []string{"sleep", "300"}}, nil)
		out, _, err := runShellPiped(h, id, docker.InteractiveOptions{}, script)
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
		if !strings.Contains(out, "bash=yes\n") {
			t.Fatalf("output %q, want the shell to be /bin/bash", out)
		}
	})
}

// TestInteractivePipes runs without a terminal: no TTY, stdout and stderr apart.
func TestInteractivePipes(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("pipes", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	out, errOut, err := runShellPiped(h, id, docker.InteractiveOptions{Cmd: []string{"sh"}}, "echo out; echo err >&2; exit 4\n")
	if err != (docker.ExitError{Code: 4}) {
		t.Fatalf("Run = %v, want ExitError{Code: 4}", err)
	}
	if out != "out\n" || errOut != "err\n" {
		t.Fatalf("stdout %q stderr %q, want %q and %q", out, errOut, "out\n", "err\n")
	}
}

// TestInteractivePipeFile gives Run a pipe it never sees the end of: Run must still return when
// the command exits, and leave the pipe's later data alone.
func TestInteractivePipeFile(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("pipefile", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := io.WriteString(w, "echo hi; exit 5\n"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	x := h.Engine.Interactive(h.Ctx(), id, docker.InteractiveOptions{Cmd: []string{"sh"}})
	x.SetStdin(r)
	x.SetStdout(&out)
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	select {
	case err := <-done:
		if err != (docker.ExitError{Code: 5}) {
			t.Fatalf("Run = %v, want ExitError{Code: 5}", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("Run did not return after the command exited")
	}
	if out.String() != "hi\n" {
		t.Fatalf("stdout %q, want %q", out.String(), "hi\n")
	}
	waitShellGoroutinesGone(t)
	if _, err := io.WriteString(w, "z"); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := r.Read(b); err != nil || b[0] != 'z' {
		t.Fatalf("read %q, %v from the pipe after Run, want %q", b, err, "z")
	}
}

// TestInteractiveDefaults runs without any stream set: nothing attached, output discarded.
func TestInteractiveDefaults(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("defaults", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	if err := h.Engine.Interactive(h.Ctx(), id, docker.InteractiveOptions{Cmd: []string{"echo", "hi"}}).Run(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	err := h.Engine.Interactive(h.Ctx(), id, docker.InteractiveOptions{Cmd: []string{"sh", "-c", "exit 2"}}).Run()
	if err != (docker.ExitError{Code: 2}) {
		t.Fatalf("Run = %v, want ExitError{Code: 2}", err)
	}
}

// TestInteractiveNotRunning fails clearly, before any exec, for a stopped or missing container.
func TestInteractiveNotRunning(t *testing.T) {
	h := enginetest.New(t)
	id := h.Create("stopped", &container.Config{Cmd: []string{"sleep", "300"}}, nil)
	err := h.Engine.Interactive(h.Ctx(), id, docker.InteractiveOptions{}).Run()
	if err == nil || !strings.Contains(err.Error(), "not running") || !strings.Contains(err.Error(), h.Name("stopped")) {
		t.Fatalf("Run = %v, want a 'container %s is not running' error", err, h.Name("stopped"))
	}
	err = h.Engine.Interactive(h.Ctx(), "podium-no-such-container", docker.InteractiveOptions{}).Run()
	if !docker.IsNotFound(err) {
		t.Fatalf("Run on a missing container = %v, want a not-found error", err)
	}
}

// runShellPiped runs an interactive exec without a terminal, fed script on stdin.
func runShellPiped(h *enginetest.Harness, id string, opts docker.InteractiveOptions, script string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	x := h.Engine.Interactive(h.Ctx(), id, opts)
	x.SetStdin(strings.NewReader(script))
	x.SetStdout(&out)
	x.SetStderr(&errOut)
	err = x.Run()
	return out.String(), errOut.String(), err
}

// startShell runs an interactive exec in container id on a pty of rows×cols.
func startShell(t *testing.T, h *enginetest.Harness, id string, opts docker.InteractiveOptions, rows, cols uint16) *shellSession {
	t.Helper()
	return startOnPTY(t, h.Engine.Interactive(h.Ctx(), id, opts), rows, cols)
}
