package docker

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/muesli/cancelreader"
	"golang.org/x/term"
)

const (
	// defaultTerm is the exec's TERM when the user's environment has none.
	defaultTerm = "xterm-256color"
	// resizeTries × pollEvery bounds the wait for the exec to start before its first resize:
	// API 1.41 ignores ConsoleSize, so the TTY is 0x0 until a resize lands on a running process.
	resizeTries = 50
	// exitTries × pollEvery bounds the wait for the engine to record the exit code once the
	// output has ended.
	exitTries = 100
	pollEvery = 20 * time.Millisecond
)

// InteractiveOptions describe an interactive exec (a shell) in a running container.
type InteractiveOptions struct {
	// Cmd is the command to run; empty means the container's best shell (bash if it has one, else sh).
	Cmd        []string
	User       string
	WorkingDir string
	Env        []string
	Privileged bool
}

// ExitError is returned by InteractiveExec.Run when the command exits non-zero.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exited with code %d", e.Code) }

// InteractiveExec runs a command in a container attached to the user's terminal. It has the
// method set of Bubble Tea's tea.ExecCommand, so the TUI hands it the terminal with tea.Exec.
type InteractiveExec struct {
	ctx    context.Context
	eng    *Engine
	id     string
	opts   InteractiveOptions
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Interactive prepares an interactive exec in container id; Run starts it.
func (e *Engine) Interactive(ctx context.Context, id string, opts InteractiveOptions) *InteractiveExec {
	return &InteractiveExec{ctx: ctx, eng: e, id: id, opts: opts}
}

func (x *InteractiveExec) SetStdin(r io.Reader)  { x.stdin = r }
func (x *InteractiveExec) SetStdout(w io.Writer) { x.stdout = w }
func (x *InteractiveExec) SetStderr(w io.Writer) { x.stderr = w }

// Run runs the command and returns when it exits: nil, ExitError for a non-zero exit, or an
// error saying what failed. When stdin is a terminal the exec gets a TTY of the terminal's size
// (followed on SIGWINCH) and the terminal is put in raw mode meanwhile; otherwise stdout and
// stderr stay apart. Nil stdout/stderr discard; nil stdin attaches none. Run reads stdin only
// while the command runs, so the caller (Bubble Tea) gets every key typed after it returns.
func (x *InteractiveExec) Run() error {
	ctx := x.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	c, err := x.eng.Inspect(ctx, x.id)
	if err != nil {
		return fmt.Errorf("shell in container %s: %w", x.id, err)
	}
	name := c.Name
	if name == "" {
		name = c.ShortID()
	}
	if c.State != "running" {
		return fmt.Errorf("container %s is not running (%s)", name, c.State)
	}
	cmd := x.opts.Cmd
	if len(cmd) == 0 {
		if cmd, err = x.eng.shell(ctx, c.ID, x.opts); err != nil {
			return fmt.Errorf("shell in container %s: %w", name, err)
		}
	}
	code, err := x.session(ctx, c.ID, cmd)
	if err != nil {
		return fmt.Errorf("shell in container %s: %w", name, err)
	}
	if code != 0 {
		return ExitError{Code: code}
	}
	return nil
}

// session runs cmd attached to the streams and returns its exit code.
func (x *InteractiveExec) session(ctx context.Context, id string, cmd []string) (int, error) {
	stdout, stderr := orDiscard(x.stdout), orDiscard(x.stderr)
	tty, isTTY := terminal(x.stdin)
	env := x.opts.Env
	var size client.ConsoleSize
	if isTTY {
		env = withTerm(env)
		if w, h, err := term.GetSize(int(tty.Fd())); err == nil {
			size = client.ConsoleSize{Height: uint(h), Width: uint(w)}
		}
	}
	ex, err := x.eng.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		Cmd: cmd, Env: env, User: x.opts.User, WorkingDir: x.opts.WorkingDir, Privileged: x.opts.Privileged,
		TTY: isTTY, ConsoleSize: size,
		AttachStdin: x.stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return -1, fmt.Errorf("create exec %q: %w", strings.Join(cmd, " "), err)
	}
	att, err := x.eng.cli.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{TTY: isTTY, ConsoleSize: size})
	if err != nil {
		return -1, fmt.Errorf("attach exec %q: %w", strings.Join(cmd, " "), err)
	}
	defer att.Close()
	// Closing the connection is what unblocks the output copy when ctx ends.
	stopClose := context.AfterFunc(ctx, func() { att.Close() })
	defer stopClose()

	if isTTY {
		fd := int(tty.Fd())
		old, err := term.MakeRaw(fd)
		if err != nil {
			return -1, fmt.Errorf("raw mode on the terminal: %w", err)
		}
		defer func() { _ = term.Restore(fd, old) }()
		stopResize := x.eng.followSize(ctx, fd, func(ctx context.Context, height, width uint) bool {
			return x.eng.resizeExec(ctx, ex.ID, height, width)
		})
		defer stopResize()
	}

	stopStdin := pumpStdin(att.HijackedResponse, x.stdin)
	if isTTY {
		_, err = io.Copy(stdout, att.Reader)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, att.Reader)
	}
	stopStdin()
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	if err != nil {
		return -1, fmt.Errorf("read output: %w", err)
	}
	return x.eng.execExitCode(ctx, ex.ID)
}

// shell picks the container's best interactive shell: bash when it is on PATH, else sh.
func (e *Engine) shell(ctx context.Context, id string, opts InteractiveOptions) ([]string, error) {
	res, err := e.Exec(ctx, id, ExecOptions{
		Cmd:  []string{"sh", "-c", "command -v bash || command -v sh"},
		User: opts.User, Env: opts.Env,
	})
	if err != nil {
		return nil, fmt.Errorf("find a shell: %w", err)
	}
	if res.ExitCode != 0 {
		return nil, fmt.Errorf("find a shell: no sh in the container (exit %d: %s)",
			res.ExitCode, strings.TrimSpace(res.Stdout+res.Stderr))
	}
	lines := strings.Fields(res.Stdout)
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "/") {
		return []string{"sh"}, nil
	}
	return []string{lines[len(lines)-1]}, nil
}

// followSize keeps a TTY (an exec's or a container's) at the terminal fd's size: once its
// process runs, then on every SIGWINCH (Bubble Tea ignores SIGWINCH while it has released the
// terminal). resize sets the TTY's size and reports whether it landed: false while the process
// is not running yet, since a resize before that is lost. The returned stop ends the watch and
// waits for its goroutine.
func (e *Engine) followSize(ctx context.Context, fd int, resize func(ctx context.Context, height, width uint) bool) (stop func()) {
	sized := func() bool {
		w, h, err := term.GetSize(fd)
		return err == nil && resize(ctx, uint(h), uint(w))
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < resizeTries && !sized(); i++ {
			select {
			case <-done:
				return
			case <-time.After(pollEvery):
			}
		}
		for {
			select {
			case <-done:
				return
			case <-winch:
				sized()
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(done)
		wg.Wait()
	}
}

// resizeExec sets the exec's TTY size. It reports false while the process is not running yet:
// the engine accepts a resize before that, and it is lost.
func (e *Engine) resizeExec(ctx context.Context, execID string, height, width uint) bool {
	ins, err := e.cli.ExecInspect(ctx, execID, client.ExecInspectOptions{})
	if err != nil || !ins.Running {
		return false
	}
	_, err = e.cli.ExecResize(ctx, execID, client.ExecResizeOptions{Height: height, Width: width})
	return err == nil
}

// execExitCode waits briefly for the engine to record the exit: the output can end first.
func (e *Engine) execExitCode(ctx context.Context, execID string) (int, error) {
	for i := 0; ; i++ {
		ins, err := e.cli.ExecInspect(ctx, execID, client.ExecInspectOptions{})
		if err != nil {
			return -1, fmt.Errorf("inspect exec: %w", err)
		}
		if !ins.Running {
			return ins.ExitCode, nil
		}
		if i == exitTries {
			return -1, fmt.Errorf("exec still running after its output ended")
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// pumpStdin copies stdin to the exec and half-closes the connection at EOF. The returned stop
// ends the copy once the output has ended. A file (the user's terminal) is read through a
// cancelreader and stop waits for the copy to end: a read left blocked on the terminal would
// swallow the next key meant for the TUI, and neither context nor closing the connection
// unblocks it. Other readers cannot be interrupted; their copy ends at their EOF.
func pumpStdin(att client.HijackedResponse, stdin io.Reader) (stop func()) {
	if stdin == nil {
		return func() {}
	}
	src := stdin
	var cr cancelreader.CancelReader
	if f, ok := stdin.(*os.File); ok {
		// NewReader fails for files epoll cannot watch (regular files, /dev/null), whose
		// reads never block anyway.
		if r, err := cancelreader.NewReader(f); err == nil {
			cr, src = r, r
		}
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		_, _ = io.Copy(att.Conn, src)
		_ = att.CloseWrite()
	}()
	if cr == nil {
		return func() {}
	}
	return func() {
		cr.Cancel()
		<-finished
		_ = cr.Close()
	}
}

// terminal returns stdin as a file when it is a terminal.
func terminal(stdin io.Reader) (*os.File, bool) {
	f, ok := stdin.(*os.File)
	if !ok || f == nil || !term.IsTerminal(int(f.Fd())) {
		return nil, false
	}
	return f, true
}

// withTerm adds the user's TERM, so the shell's line editing matches the terminal, unless env
// sets one.
func withTerm(env []string) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "TERM=") {
			return env
		}
	}
	t := os.Getenv("TERM")
	if t == "" {
		t = defaultTerm
	}
	return append([]string{"TERM=" + t}, env...)
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
