package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"golang.org/x/term"
)

// AttachedRun runs a created, not yet started container attached to the caller's terminal or
// streams. It has tea.ExecCommand's method set (Run/SetStdin/SetStdout/SetStderr), so the TUI
// hands it the terminal with tea.Exec, as it does InteractiveExec.
type AttachedRun struct {
	ctx    context.Context
	eng    *Engine
	id     string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Attached prepares running container id attached to the streams; Run starts it.
func (e *Engine) Attached(ctx context.Context, id string) *AttachedRun {
	return &AttachedRun{ctx: ctx, eng: e, id: id}
}

func (a *AttachedRun) SetStdin(r io.Reader)  { a.stdin = r }
func (a *AttachedRun) SetStdout(w io.Writer) { a.stdout = w }
func (a *AttachedRun) SetStderr(w io.Writer) { a.stderr = w }

// RunAttached is the plain form for the CLI: it runs container id attached to the streams
// (see AttachedRun.Run) and returns its exit code. The error is for failures only.
func (e *Engine) RunAttached(ctx context.Context, id string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	a := e.Attached(ctx, id)
	a.SetStdin(stdin)
	a.SetStdout(stdout)
	a.SetStderr(stderr)
	err := a.Run()
	var exit ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		return exit.Code, nil
	}
	return -1, err
}

// Run attaches (before start, so no output is lost), starts the container, keeps its TTY at the
// terminal's size when the container has a TTY, copies the streams until the container exits,
// and returns nil, ExitError{Code} for a non-zero exit, or an error naming the container.
//
// The container's own config decides the rest, as it does for `docker start -a`: Config.Tty
// whether there is a TTY (output then comes as one raw stream on stdout, and a terminal stdin
// is put in raw mode meanwhile), Config.OpenStdin with AttachStdin whether stdin is attached.
// Nil stdout/stderr discard; nil stdin attaches none. Run reads stdin only while the container
// runs, so the caller (Bubble Tea) gets every key typed after it returns. The engine's detach
// keys (ctrl-p ctrl-q) end Run with an error and leave the container running. Run does not
// remove the container: the caller decides.
func (a *AttachedRun) Run() error {
	ctx := a.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	raw, err := a.eng.InspectRaw(ctx, a.id)
	if err != nil {
		return fmt.Errorf("run container %s: %w", a.id, err)
	}
	name := strings.TrimPrefix(raw.Name, "/")
	if name == "" {
		name = Container{ID: raw.ID}.ShortID()
	}
	state := ""
	if raw.State != nil {
		state = string(raw.State.Status)
	}
	if state != "created" {
		return fmt.Errorf("run container %s: it must be created and never started, but it is %s", name, nameOr(state, "in no known state"))
	}
	cfg := raw.Config
	if cfg == nil {
		cfg = &container.Config{}
	}
	code, err := a.session(ctx, raw.ID, name, cfg)
	if err != nil {
		return fmt.Errorf("run container %s: %w", name, err)
	}
	if code != 0 {
		return ExitError{Code: code}
	}
	return nil
}

// session attaches, starts and follows the container, and returns its exit code.
func (a *AttachedRun) session(ctx context.Context, id, name string, cfg *container.Config) (int, error) {
	stdout, stderr := orDiscard(a.stdout), orDiscard(a.stderr)
	stdin := a.stdin
	if !cfg.OpenStdin || !cfg.AttachStdin {
		stdin = nil
	}

	// Registered before the start, the wait cannot miss an exit that comes at once.
	waitCtx, cancelWait := context.WithCancel(ctx)
	defer cancelWait()
	res := a.eng.cli.ContainerWait(waitCtx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	waited := false
	defer func() {
		if !waited {
			// The client sends the result unbuffered: take it, so its goroutine ends.
			go func() {
				select {
				case <-res.Result:
				case <-res.Error:
				}
			}()
		}
	}()
	// Someone else may have started it since the inspect; then its next exit may never come.
	c, err := a.eng.Inspect(ctx, id)
	if err != nil {
		return -1, err
	}
	if c.State != "created" {
		return -1, fmt.Errorf("started elsewhere meanwhile (%s)", c.State)
	}

	att, err := a.eng.cli.ContainerAttach(ctx, id, client.ContainerAttachOptions{
		Stream: true, Stdin: stdin != nil, Stdout: cfg.AttachStdout, Stderr: cfg.AttachStderr,
	})
	if err != nil {
		return -1, fmt.Errorf("attach: %w", err)
	}
	defer att.Close()
	// Closing the connection is what unblocks the output copy when ctx ends.
	stopClose := context.AfterFunc(ctx, func() { att.Close() })
	defer stopClose()

	if tty, ok := terminal(stdin); ok && cfg.Tty {
		fd := int(tty.Fd())
		old, err := term.MakeRaw(fd)
		if err != nil {
			return -1, fmt.Errorf("raw mode on the terminal: %w", err)
		}
		defer func() { _ = term.Restore(fd, old) }()
	}

	conn := att.HijackedResponse
	if !cfg.StdinOnce || cfg.Tty {
		// Only then does the end of stdin close the container's stdin; otherwise the engine
		// answers it by ending the output, cutting off what the container still has to say.
		conn.Conn = keepWriteOpen{att.Conn}
	}
	// Once: a second stop would close the cancelreader's file descriptors again.
	stopStdin := sync.OnceFunc(pumpStdin(conn, stdin))
	defer stopStdin()

	copied := make(chan error, 1)
	go func() {
		var err error
		if cfg.Tty {
			_, err = io.Copy(stdout, att.Reader)
		} else {
			_, err = stdcopy.StdCopy(stdout, stderr, att.Reader)
		}
		copied <- err
	}()
	if err := a.eng.Start(ctx, id); err != nil {
		att.Close()
		<-copied
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		return -1, err
	}
	if fd, ok := sizeSource(a.stdin, a.stdout); ok && cfg.Tty {
		stopResize := a.eng.followSize(ctx, fd, func(ctx context.Context, height, width uint) bool {
			return a.eng.resizeContainer(ctx, id, height, width)
		})
		defer stopResize()
	}

	err = <-copied
	stopStdin()
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	if err != nil {
		return -1, fmt.Errorf("read output: %w", err)
	}

	// With a TTY and stdin the output also ends when the user detaches (ctrl-p ctrl-q); the
	// container then runs on, and waiting for its exit would hang the terminal.
	var detached <-chan time.Time
	if cfg.Tty && stdin != nil {
		t := time.NewTimer(exitTries * pollEvery)
		defer t.Stop()
		detached = t.C
	}
	waited = true
	select {
	case r := <-res.Result:
		if r.Error != nil && r.Error.Message != "" {
			return int(r.StatusCode), fmt.Errorf("wait: %s", r.Error.Message)
		}
		return int(r.StatusCode), nil
	case err := <-res.Error:
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		return -1, fmt.Errorf("wait: %w", err)
	case <-detached:
		waited = false
		return -1, fmt.Errorf("detached: the container is still running")
	case <-ctx.Done():
		waited = false
		return -1, ctx.Err()
	}
}

// resizeContainer sets the container's TTY size. The engine refuses it until the container
// runs, so success means it landed.
func (e *Engine) resizeContainer(ctx context.Context, id string, height, width uint) bool {
	_, err := e.cli.ContainerResize(ctx, id, client.ContainerResizeOptions{Height: height, Width: width})
	return err == nil
}

// sizeSource is the terminal whose size the container's TTY follows: stdin's, else stdout's.
func sizeSource(stdin io.Reader, stdout io.Writer) (int, bool) {
	if f, ok := terminal(stdin); ok {
		return int(f.Fd()), true
	}
	if w, ok := stdout.(*os.File); ok {
		if f, ok := terminal(w); ok {
			return int(f.Fd()), true
		}
	}
	return 0, false
}

// keepWriteOpen hides the connection's CloseWrite, so the end of stdin is not sent on.
type keepWriteOpen struct{ net.Conn }
