package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
)

// podsEngine serves the Pods tab from a workspace directory and an engine.
type podsEngine struct {
	e    *docker.Engine
	root string
	opts pods.LoadOptions
}

// NewPodsBackend serves PodsBackend from the workspace at root, loaded with opts on every
// Load (so edits to pod files and $VARs are seen), and the engine e.
func NewPodsBackend(e *docker.Engine, root string, opts pods.LoadOptions) PodsBackend {
	return podsEngine{e: e, root: root, opts: opts}
}

func (b podsEngine) Load(ctx context.Context) (*pods.Workspace, error) {
	return pods.Load(ctx, b.root, b.opts)
}

func (b podsEngine) runner(ws *pods.Workspace, progress func(compose.Event)) *pods.Runner {
	return &pods.Runner{Engine: b.e, WS: ws, Progress: progress}
}

// address is the CLI's name for a pod or one of its services.
func address(pod, service string) string {
	if service == "" {
		return pod
	}
	return pod + "/" + service
}

func (b podsEngine) Up(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Up(ctx, []string{address(pod, service)}, pods.UpOptions{})
}

func (b podsEngine) Stop(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Stop(ctx, []string{address(pod, service)}, -1)
}

func (b podsEngine) Restart(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Restart(ctx, []string{address(pod, service)}, -1)
}

func (b podsEngine) Remove(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Remove(ctx, []string{address(pod, service)}, true, false)
}

func (b podsEngine) Build(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return b.runner(ws, progress).Build(ctx, []string{address(pod, service)})
}

// Pull reports the pull hooks' output as progress, and fails with every pod's error (each
// names its image), not only how many failed.
func (b podsEngine) Pull(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	hooks := &progressLines{progress: progress, service: "pull hook"}
	res, err := b.runner(ws, progress).Pull(ctx, []string{address(pod, service)}, hooks)
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

func (b podsEngine) Down(ctx context.Context, ws *pods.Workspace, progress func(compose.Event)) error {
	return b.runner(ws, progress).Down(ctx, nil, false, -1)
}

func (b podsEngine) Shell(ctx context.Context, ws *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return b.runner(ws, nil).Shell(ctx, address(pod, service), pods.ExecOptions{})
}

func (b podsEngine) Exec(ctx context.Context, ws *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return pauseAfter(b.runner(ws, nil).Exec(ctx, address(pod, service), cmd, pods.ExecOptions{})), nil
}

// Test loads the workspace in the test target, as `podium test` does.
func (b podsEngine) Test(ctx context.Context, _ *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	opts := b.opts
	opts.Target = pods.TestTarget
	ws, err := pods.Load(ctx, b.root, opts)
	if err != nil {
		return nil, fmt.Errorf("load the test target: %w", err)
	}
	return pauseAfter(b.runner(ws, nil).Test(ctx, address(pod, service), nil, false)), nil
}

func (b podsEngine) Run(ctx context.Context, ws *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	if len(cmd) == 0 {
		cmd = nil
	}
	return pauseAfter(b.runner(ws, nil).OneOff(ctx, address(pod, service), pods.RunOptions{Cmd: cmd, Remove: true})), nil
}

// paused runs a command and then waits for Enter, so its output stays readable before the
// TUI paints over it.
type paused struct {
	inner  tea.ExecCommand
	stdin  io.Reader
	stdout io.Writer
}

func pauseAfter(c tea.ExecCommand) tea.ExecCommand { return &paused{inner: c} }

func (p *paused) SetStdin(r io.Reader)  { p.stdin = r; p.inner.SetStdin(r) }
func (p *paused) SetStdout(w io.Writer) { p.stdout = w; p.inner.SetStdout(w) }
func (p *paused) SetStderr(w io.Writer) { p.inner.SetStderr(w) }

func (p *paused) Run() error {
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
func (b podsEngine) RunScript(ctx context.Context, ws *pods.Workspace, pod, service, name string) (tea.ExecCommand, error) {
	return pauseAfter(b.runner(ws, nil).RunScript(ctx, name, []string{address(pod, service)})), nil
}

// Mount changes a fresh load: the tab's workspace is read by its view and must not change
// under it.
func (b podsEngine) Mount(ctx context.Context, aliases []string) error {
	ws, err := pods.Load(ctx, b.root, b.opts)
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

func (b podsEngine) Unmount(ctx context.Context, aliases []string) error {
	ws, err := pods.Load(ctx, b.root, b.opts)
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

// progressLines turns written output (a hook's) into progress events, one per line.
type progressLines struct {
	progress func(compose.Event)
	service  string
	partial  []byte
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
