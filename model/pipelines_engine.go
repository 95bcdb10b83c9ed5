package model

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
)

// enginePipelines serves PipelinesBackend from a Docker engine: the files under
// <root>/pipelines, the runs under <root>/.podium/runs, one Executor for every run started or
// rerun from the TUI.
type enginePipelines struct {
	eng     *docker.Engine
	root    string
	store   *pipeline.Store
	x       *pipeline.Executor
	changed chan string

	mu      sync.Mutex
	pending map[string]bool // saved run ids not yet delivered on changed
	notify  chan struct{}   // a save happened: the forwarder has ids to deliver
}

// pipelineNameKey carries the pipeline's name to the executor's Build hook, whose images are
// tagged per pipeline.
type pipelineNameKey struct{}

// NewPipelinesBackend is the Pipelines tab's backend over a Docker engine and the workspace at
// workspaceRoot.
func NewPipelinesBackend(eng *docker.Engine, workspaceRoot string) PipelinesBackend {
	b := &enginePipelines{
		eng: eng, root: workspaceRoot,
		store:   &pipeline.Store{Root: filepath.Join(workspaceRoot, ".podium", "runs")},
		changed: make(chan string),
		pending: map[string]bool{},
		notify:  make(chan struct{}, 1),
	}
	build := func(ctx context.Context, def pipeline.ImageDef) (string, error) {
		name, _ := ctx.Value(pipelineNameKey{}).(string)
		ib := &pipeline.ImageBuilder{Engine: eng, Pipeline: name}
		return ib.Build(ctx, def)
	}
	b.x = pipeline.NewExecutor(eng, b.store, pipeline.ExecOptions{Build: build, Saved: b.saved})
	go b.forward()
	return b
}

// saved notes a saved run without blocking the executor: saves of one run coalesce until the
// tab takes its id.
func (b *enginePipelines) saved(id string) {
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
func (b *enginePipelines) forward() {
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

func (b *enginePipelines) Files() []PipelineFile {
	paths, _ := filepath.Glob(filepath.Join(b.root, "pipelines", "*.yml"))
	sort.Strings(paths)
	out := make([]PipelineFile, 0, len(paths))
	for _, p := range paths {
		f := PipelineFile{Name: strings.TrimSuffix(filepath.Base(p), ".yml"), Path: p}
		if _, err := pipeline.ParseFile(p); err != nil {
			f.Err = err
		}
		out = append(out, f)
	}
	return out
}

func (b *enginePipelines) Runs(name string) ([]pipeline.RunSummary, error) {
	rs, err := b.store.Runs(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Created.After(rs[j].Created) })
	return rs, err
}

func (b *enginePipelines) Load(name, id string) (*pipeline.Run, error) { return b.store.Load(name, id) }

func (b *enginePipelines) Start(ctx context.Context, name string) (string, error) {
	path := filepath.Join(b.root, "pipelines", name+".yml")
	def, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	p, err := pipeline.Parse(name, path, def)
	if err != nil {
		return "", err
	}
	run, err := b.x.Start(context.WithValue(ctx, pipelineNameKey{}, name), p, def)
	if err != nil {
		return "", err
	}
	return run.ID, nil
}

func (b *enginePipelines) Rerun(ctx context.Context, name, id, path string) error {
	run, err := b.store.Load(name, id)
	if err != nil {
		return err
	}
	return b.x.Rerun(context.WithValue(ctx, pipelineNameKey{}, name), run, path)
}

func (b *enginePipelines) Skip(name, id, path string, skipped bool) error {
	run, err := b.store.Load(name, id)
	if err != nil {
		return err
	}
	return b.x.SetSkipped(run, path, skipped)
}

func (b *enginePipelines) Kill(name, id string) error { return b.x.Kill(id) }

// Modify sets the variables given on top of the node's env: the executor replaces the env
// whole, and a node's env holds what it inherited from its parents too.
func (b *enginePipelines) Modify(name, id, path, command string, env map[string]string) error {
	run, err := b.store.Load(name, id)
	if err != nil {
		return fmt.Errorf("modify %s in run %s: %w", path, id, err)
	}
	if err := b.x.Modify(run, path, command, env); err != nil {
		return fmt.Errorf("modify %s in run %s: %w", path, id, err)
	}
	return nil
}

func (b *enginePipelines) Debug(ctx context.Context, name, id, path string, live bool) (tea.ExecCommand, error) {
	run, err := b.store.Load(name, id)
	if err != nil {
		return nil, err
	}
	s, err := pipeline.Debug(ctx, b.eng, run, path, pipeline.DebugOptions{Live: live})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (b *enginePipelines) Output(ctx context.Context, name, id, path string, attempt int, fn func(pipeline.OutputLine)) error {
	run, err := b.store.Load(name, id)
	if err != nil {
		return err
	}
	n, err := run.Node(path)
	if err != nil {
		return err
	}
	if a := attemptN(n, attempt); a != nil && (a.State == pipeline.StateRunning || a.State == pipeline.StateQueued) {
		return b.store.FollowOutput(ctx, run, path, attempt, fn)
	}
	return b.store.ScanOutput(run, path, attempt, fn)
}

func (b *enginePipelines) Changed() <-chan string { return b.changed }

// attemptN is a node's attempt number n, or nil.
func attemptN(n *pipeline.NodeRun, num int) *pipeline.Attempt {
	for i := range n.Attempts {
		if n.Attempts[i].N == num {
			return &n.Attempts[i]
		}
	}
	return nil
}
