package pods

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
)

// Controller acts on the pods of the workspace at a directory, on an engine, one pod or
// service at a time, as the TUI's Pods tab does: each call loads what it needs afresh. The
// commands it prepares satisfy Bubble Tea's ExecCommand.
type Controller struct {
	e      *docker.Engine
	wait   docker.Awaiter // the TUI's container index; nil: the engine
	root   string
	opts   LoadOptions
	labels map[string]string // on everything the operations create (Runner.Labels)
}

// execCommand is a command that takes over the terminal: a Command, or one paused after.
type execCommand interface {
	Run() error
	SetStdin(io.Reader)
	SetStdout(io.Writer)
	SetStderr(io.Writer)
}

// Paused runs a command and then waits for Enter, so its output stays readable before the
// TUI paints over it.
type Paused struct {
	inner  execCommand
	stdin  io.Reader
	stdout io.Writer
}

// progressLines turns written output (a hook's) into progress events, one per line.
type progressLines struct {
	progress func(compose.Event)
	service  string
	partial  []byte
}

// NewController serves the workspace at root, loaded with opts on every Load (so edits to pod
// files and $VARs are seen), on the engine e.
func NewController(e *docker.Engine, root string, opts LoadOptions) Controller {
	return Controller{e: e, root: root, opts: opts}
}

// WaitingOn returns the controller with its waits (depends_on, ready) following aw, the
// process's container index, instead of an events stream each.
func (b Controller) WaitingOn(aw docker.Awaiter) Controller {
	b.wait = aw
	return b
}

// WithLabels returns the controller with labels put on every container, network and volume
// its operations create (Runner.Labels).
func (b Controller) WithLabels(labels map[string]string) Controller {
	b.labels = labels
	return b
}

func (b Controller) Load(ctx context.Context) (*Workspace, error) {
	return Load(ctx, b.root, b.opts)
}

func (b Controller) runner(ws *Workspace, progress func(compose.Event)) *Runner {
	return &Runner{Engine: b.e, WS: ws, Progress: progress, Awaiter: b.wait, Labels: b.labels}
}

// Up brings a pod or a service up; an orphan service (its containers run, its files no
// longer name it) is brought in line with the files by removing its containers.
func (b Controller) Up(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	if ws.orphan(pod, service) {
		return b.runner(ws, progress).RemoveOrphans(ctx, pod, service)
	}
	return b.runner(ws, progress).Up(ctx, []string{Address(pod, service)}, UpOptions{})
}

func (b Controller) Stop(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Stop(ctx, []string{Address(pod, service)}, -1)
}

func (b Controller) Restart(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Restart(ctx, []string{Address(pod, service)}, -1)
}

// Remove removes a pod's or a service's containers, an orphan service's too.
func (b Controller) Remove(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	if ws.orphan(pod, service) {
		return b.runner(ws, progress).RemoveOrphans(ctx, pod, service)
	}
	return b.runner(ws, progress).Remove(ctx, []string{Address(pod, service)}, true, false)
}

func (b Controller) Build(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Build(ctx, []string{Address(pod, service)})
}

// Pull reports the pull hooks' output as progress, and fails with every pod's error (each
// names its image), not only how many failed.
func (b Controller) Pull(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	hooks := &progressLines{progress: progress, service: "pull hook"}
	res, err := b.runner(ws, progress).Pull(ctx, []string{Address(pod, service)}, hooks)
	hooks.flush()
	if err == nil {
		return nil
	}
	var errs []error
	for _, r := range res {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	if len(errs) == 0 {
		return err // the hooks failed, or the names did not resolve
	}
	return errors.Join(errs...)
}

func (b Controller) Down(ctx context.Context, ws *Workspace, progress func(compose.Event)) error {
	return b.runner(ws, progress).Down(ctx, nil, false, -1)
}

// RemoveOrphans removes the pod's containers whose service left its files (of service, or
// all with "").
func (b Controller) RemoveOrphans(ctx context.Context, ws *Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).RemoveOrphans(ctx, pod, service)
}

// Shell prepares a shell in the service's first container.
func (b Controller) Shell(ctx context.Context, ws *Workspace, pod, service string) (*Command, error) {
	return b.runner(ws, nil).Shell(ctx, Address(pod, service), ExecOptions{})
}

func (b Controller) Exec(ctx context.Context, ws *Workspace, pod, service string, cmd []string) (*Paused, error) {
	return pauseAfter(b.runner(ws, nil).Exec(ctx, Address(pod, service), cmd, ExecOptions{})), nil
}

// Test loads the workspace in the test target, as `podium test` does.
func (b Controller) Test(ctx context.Context, _ *Workspace, pod, service string) (*Paused, error) {
	opts := b.opts
	opts.Target = TestTarget
	ws, err := Load(ctx, b.root, opts)
	if err != nil {
		return nil, fmt.Errorf("load the test target: %w", err)
	}
	return pauseAfter(b.runner(ws, nil).Test(ctx, Address(pod, service), nil, TestOptions{})), nil
}

func (b Controller) Run(ctx context.Context, ws *Workspace, pod, service string, cmd []string) (*Paused, error) {
	if len(cmd) == 0 {
		cmd = nil
	}
	return pauseAfter(b.runner(ws, nil).OneOff(ctx, Address(pod, service), RunOptions{Cmd: cmd, Remove: true})), nil
}

func pauseAfter(c execCommand) *Paused { return &Paused{inner: c} }

func (p *Paused) SetStdin(r io.Reader)  { p.stdin = r; p.inner.SetStdin(r) }
func (p *Paused) SetStdout(w io.Writer) { p.stdout = w; p.inner.SetStdout(w) }
func (p *Paused) SetStderr(w io.Writer) { p.inner.SetStderr(w) }

func (p *Paused) Run() error {
	err := p.inner.Run()
	if p.stdin == nil || p.stdout == nil {
		return err
	}
	var exit docker.ExitError
	switch {
	case err == nil:
		fmt.Fprint(p.stdout, "\r\n[done] press enter to return to podium ")
	case errors.As(err, &exit):
		fmt.Fprintf(p.stdout, "\r\n[exited with code %d] press enter to return to podium ", exit.Code)
	default:
		fmt.Fprintf(p.stdout, "\r\n[error: %v] press enter to return to podium ", err)
	}
	// Read byte by byte up to the newline, synchronously: nothing is left reading the
	// terminal afterwards, and no key typed after Enter is taken from the TUI.
	b := make([]byte, 1)
	for {
		n, rerr := p.stdin.Read(b)
		if rerr != nil || (n == 1 && (b[0] == '\n' || b[0] == '\r')) {
			break
		}
	}
	return err
}

// RunScript runs each entry without a terminal, as the CLI does; its output stays on screen.
func (b Controller) RunScript(ctx context.Context, ws *Workspace, pod, service, name string) (*Paused, error) {
	return pauseAfter(b.runner(ws, nil).RunScript(ctx, name, []string{Address(pod, service)}, false)), nil
}

// Mount changes a fresh load: the tab's workspace is read by its view and must not change
// under it.
func (b Controller) Mount(ctx context.Context, aliases []string) error {
	ws, err := Load(ctx, b.root, b.opts)
	if err != nil {
		return fmt.Errorf("mount %s: %w", strings.Join(aliases, ", "), err)
	}
	var out bytes.Buffer // git's, for the reason a clone failed
	if err := ws.Mount(ctx, &out, false, aliases...); err != nil {
		if last := lastOutputLine(out.String()); last != "" {
			return fmt.Errorf("mount %s: %w: %s", strings.Join(aliases, ", "), err, last)
		}
		return fmt.Errorf("mount %s: %w", strings.Join(aliases, ", "), err)
	}
	return nil
}

func (b Controller) Unmount(ctx context.Context, aliases []string) error {
	ws, err := Load(ctx, b.root, b.opts)
	if err == nil {
		err = ws.Unmount(false, aliases...)
	}
	if err != nil {
		return fmt.Errorf("unmount %s: %w", strings.Join(aliases, ", "), err)
	}
	return nil
}

// lastOutputLine is the last line of output that says something.
func lastOutputLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func (w *progressLines) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.emit(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
}

// flush reports a last line without a newline.
func (w *progressLines) flush() {
	if len(w.partial) > 0 {
		w.emit(string(w.partial))
		w.partial = nil
	}
}

func (w *progressLines) emit(line string) {
	if w.progress != nil && strings.TrimSpace(line) != "" {
		w.progress(compose.Event{Service: w.service, Action: compose.ActionOutput, Detail: strings.TrimRight(line, "\r")})
	}
}
