package main

import (
	"context"
	"fmt"
	"sort"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model/pipelines"
)

// The TUI's backends: the backend packages serve the model's interfaces, and these types only
// bridge what a backend cannot say without Bubble Tea (a command for tea.Exec is a
// tea.ExecCommand; the backends' commands satisfy it by their methods) or the model's types.

// containersBackend serves engine.Backend from an engine and the process's index.
type containersBackend struct{ docker.Live }

// podsBackend serves pods.Backend (model/pods) from the workspace's pods.
type podsBackend struct{ pods.Controller }

// pipelinesBackend serves pipelines.Backend from the workspace's pipelines and their
// one executor, delivering the ids of saved runs on changed.
type pipelinesBackend struct {
	pl      *pipeline.Workspace
	changed chan string

	mu      sync.Mutex
	pending map[string]bool // saved run ids not yet delivered on changed
	notify  chan struct{}   // a save happened: the forwarder has ids to deliver
}

func (b containersBackend) Shell(ctx context.Context, id string) tea.ExecCommand {
	return b.Live.Shell(ctx, id)
}

func (b podsBackend) Shell(ctx context.Context, ws *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return execCommand(b.Controller.Shell(ctx, ws, pod, service))
}

func (b podsBackend) Exec(ctx context.Context, ws *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return execCommand(b.Controller.Exec(ctx, ws, pod, service, cmd))
}

func (b podsBackend) Test(ctx context.Context, ws *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return execCommand(b.Controller.Test(ctx, ws, pod, service))
}

func (b podsBackend) Run(ctx context.Context, ws *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return execCommand(b.Controller.Run(ctx, ws, pod, service, cmd))
}

func (b podsBackend) RunScript(ctx context.Context, ws *pods.Workspace, pod, service, name string) (tea.ExecCommand, error) {
	return execCommand(b.Controller.RunScript(ctx, ws, pod, service, name))
}

// execCommand passes a backend's command on for tea.Exec; on an error no command (a nil
// pointer in the interface would not be nil).
func execCommand[C interface {
	comparable
	tea.ExecCommand
}](c C, err error) (tea.ExecCommand, error) {
	var zero C
	if err != nil || c == zero {
		return nil, err
	}
	return c, nil
}

// newPipelinesBackend makes the Pipelines tab's backend over the workspace at root: its live
// outputs followed through notifier, the process's one watcher.
func newPipelinesBackend(eng *docker.Engine, root string, notifier pipeline.DirNotifier, labels map[string]string) *pipelinesBackend {
	b := &pipelinesBackend{
		changed: make(chan string),
		pending: map[string]bool{},
		notify:  make(chan struct{}, 1),
	}
	b.pl = pipeline.NewWorkspace(eng, root, pipeline.WorkspaceOptions{Notifier: notifier, Saved: b.saved, Labels: labels})
	go b.forward()
	return b
}

// saved notes a saved run without blocking the executor: saves of one run coalesce until the
// tab takes its id.
func (b *pipelinesBackend) saved(id string) {
	b.mu.Lock()
	b.pending[id] = true
	b.mu.Unlock()
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// forward delivers the noted ids on changed, each once per batch of saves. It lives as long
// as the program.
func (b *pipelinesBackend) forward() {
	for range b.notify {
		b.mu.Lock()
		ids := make([]string, 0, len(b.pending))
		for id := range b.pending {
			ids = append(ids, id)
		}
		clear(b.pending)
		b.mu.Unlock()
		sort.Strings(ids)
		for _, id := range ids {
			b.changed <- id
		}
	}
}

func (b *pipelinesBackend) Files() []pipelines.File {
	fs := b.pl.Files()
	out := make([]pipelines.File, len(fs))
	for i, f := range fs {
		out[i] = pipelines.File{Name: f.Name, Path: f.Path, Err: f.Err}
	}
	return out
}

func (b *pipelinesBackend) Runs(name string) ([]pipeline.RunSummary, error) { return b.pl.Runs(name) }

func (b *pipelinesBackend) Load(name, id string) (*pipeline.Run, error) {
	return b.pl.Store.Load(name, id)
}

func (b *pipelinesBackend) Start(ctx context.Context, name string) (string, error) {
	run, err := b.pl.StartFile(ctx, name)
	if err != nil {
		return "", err
	}
	return run.ID, nil
}

func (b *pipelinesBackend) Rerun(ctx context.Context, name, id, path string) error {
	run, err := b.pl.Store.Load(name, id)
	if err != nil {
		return err
	}
	return b.pl.Rerun(ctx, run, path)
}

func (b *pipelinesBackend) Skip(name, id, path string, skipped bool) error {
	run, err := b.pl.Store.Load(name, id)
	if err != nil {
		return err
	}
	return b.pl.Executor().SetSkipped(run, path, skipped)
}

// Kill stops a run this process runs; a run another process runs (a `podium pipeline run` in
// a shell) is that process's to stop, and the error names it.
func (b *pipelinesBackend) Kill(name, id string) error {
	if b.ours(id) {
		return b.pl.Executor().Kill(id)
	}
	run, err := b.pl.Store.Load(name, id)
	if err != nil {
		return fmt.Errorf("kill run %s: %w", id, err)
	}
	pid, err := b.pl.Store.Owner(run)
	switch {
	case err != nil:
		return fmt.Errorf("kill run %s: %w", id, err)
	case pid == 0:
		return fmt.Errorf("kill run %s: it is not running", id)
	}
	return fmt.Errorf("kill run %s: process %d runs it (a podium pipeline run?): stop it there (^C)", id, pid)
}

// Modify sets the variables given on top of the node's env: the executor replaces the env
// whole, and a node's env holds what it inherited from its parents too.
func (b *pipelinesBackend) Modify(name, id, path, command string, env map[string]string) error {
	run, err := b.pl.Store.Load(name, id)
	if err != nil {
		return fmt.Errorf("modify %s in run %s: %w", path, id, err)
	}
	if err := b.pl.Executor().Modify(run, path, command, env); err != nil {
		return fmt.Errorf("modify %s in run %s: %w", path, id, err)
	}
	return nil
}

func (b *pipelinesBackend) Debug(ctx context.Context, name, id, path string, live bool) (tea.ExecCommand, error) {
	run, err := b.pl.Store.Load(name, id)
	if err != nil {
		return nil, err
	}
	return execCommand(b.pl.Debug(ctx, run, path, live))
}

func (b *pipelinesBackend) Output(ctx context.Context, name, id, path string, attempt int, fn func(pipeline.OutputLine)) error {
	run, err := b.pl.Store.Load(name, id)
	if err != nil {
		return err
	}
	return b.pl.Output(ctx, run, path, attempt, fn)
}

func (b *pipelinesBackend) Changed() <-chan string { return b.changed }
