package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/readlimit"
)

// Workspace is a workspace's pipelines: the files under <root>/pipelines, the run store under
// <root>/.podium/runs, and the one Executor that runs them, whose images build through the
// cached ImageBuilder tagged per pipeline. The CLI and the TUI both make theirs with
// NewWorkspace, so a run behaves the same wherever it was started.
type Workspace struct {
	Store *Store
	eng   *docker.Engine
	root  string
	x     *Executor
}

// WorkspaceOptions are what differs between the CLI's runs and the TUI's.
type WorkspaceOptions struct {
	// Notifier tells the store's followers of new output (Store.Notifier).
	Notifier DirNotifier
	// Progress receives the image builds' progress; nil drops it.
	Progress func(BuildEvent)
	// Saved is called after every save of a run, with ExecOptions.Saved's rules.
	Saved func(runID string)
	// Labels are put on every container the executor creates (ExecOptions.Labels).
	Labels map[string]string
}

// File is one pipelines/<name>.yml of the workspace; Err is its parse error.
type File struct {
	Name string
	Path string
	Err  error
}

// pipelineNameKey carries a run's pipeline name to the executor's Build hook: images are
// tagged per pipeline.
type pipelineNameKey struct{}

// NewWorkspace makes the pipelines of the workspace at root, run on eng (nil edits stored runs
// only).
func NewWorkspace(eng *docker.Engine, root string, opts WorkspaceOptions) *Workspace {
	w := &Workspace{
		Store: &Store{Root: RunsDir(root), StateDir: filepath.Dir(RunsDir(root)), Notifier: opts.Notifier},
		eng:   eng,
		root:  root,
	}
	build := func(ctx context.Context, def ImageDef) (string, error) {
		name, _ := ctx.Value(pipelineNameKey{}).(string)
		ib := &ImageBuilder{Engine: eng, Pipeline: name, Progress: opts.Progress}
		return ib.Build(ctx, def)
	}
	w.x = NewExecutor(eng, w.Store, ExecOptions{Build: build, Saved: opts.Saved, Labels: opts.Labels})
	return w
}

// RunsDir is where the workspace at root keeps its runs.
func RunsDir(root string) string { return filepath.Join(root, ".podium", "runs") }

// Executor is the workspace's one executor, for waiting on runs, killing and editing them.
func (w *Workspace) Executor() *Executor { return w.x }

// Files are the workspace's pipeline files, sorted by name; broken ones carry their error.
func (w *Workspace) Files() []File {
	paths, _ := filepath.Glob(filepath.Join(w.root, "pipelines", "*.yml"))
	sort.Strings(paths)
	out := make([]File, 0, len(paths))
	for _, p := range paths {
		f := File{Name: strings.TrimSuffix(filepath.Base(p), ".yml"), Path: p}
		if _, err := ParseFile(p); err != nil {
			f.Err = err
		}
		out = append(out, f)
	}
	return out
}

// Runs are a pipeline's runs, newest first; none when it never ran.
func (w *Workspace) Runs(name string) ([]RunSummary, error) {
	rs, err := w.Store.Runs(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Created.After(rs[j].Created) })
	return rs, err
}

// Start runs pipeline p, whose file holds def.
func (w *Workspace) Start(ctx context.Context, p *Pipeline, def []byte) (*Run, error) {
	return w.x.Start(context.WithValue(ctx, pipelineNameKey{}, p.Name), p, def)
}

// StartFile runs the workspace's pipelines/<name>.yml.
func (w *Workspace) StartFile(ctx context.Context, name string) (*Run, error) {
	path := filepath.Join(w.root, "pipelines", name+".yml")
	def, err := readlimit.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Parse(name, path, def)
	if err != nil {
		return nil, err
	}
	return w.Start(ctx, p, def)
}

// Rerun resets a node (with its subtree) of run and runs it again.
func (w *Workspace) Rerun(ctx context.Context, run *Run, path string) error {
	return w.x.Rerun(context.WithValue(ctx, pipelineNameKey{}, run.Pipeline), run, path)
}

// Debug prepares a shell in a fresh container with the node's image, env and command.
func (w *Workspace) Debug(ctx context.Context, run *Run, path string, live bool) (*DebugSession, error) {
	return Debug(ctx, w.eng, run, path, DebugOptions{Live: live})
}

// Output delivers an attempt's output lines, following a live attempt until it ends.
func (w *Workspace) Output(ctx context.Context, run *Run, path string, attempt int, fn func(OutputLine)) error {
	n, err := run.Node(path)
	if err != nil {
		return err
	}
	for _, a := range n.Attempts {
		if a.N == attempt && (a.State == StateRunning || a.State == StateQueued) {
			return w.Store.FollowOutput(ctx, run, path, attempt, fn)
		}
	}
	return w.Store.ScanOutput(run, path, attempt, fn) // its errors name the file
}

// Sweep removes the containers of the workspace's runs that no process runs any more: a run
// whose process died without cleaning up (SIGKILL, a crash) reads as interrupted (Store.Load)
// and its containers would stay up. It returns how many it removed. Containers of runs this
// workspace does not store (another workspace's, a test's) and of runs still running are
// left alone. The CLI sweeps before each run, the TUI when it starts and when it sees a run's
// process gone.
func (w *Workspace) Sweep(ctx context.Context) (int, error) {
	if w.eng == nil {
		return 0, nil
	}
	cs, err := w.eng.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelPipeline, docker.LabelRun}})
	if err != nil {
		return 0, fmt.Errorf("sweep pipeline containers: %w", err)
	}
	gone := map[string]bool{} // pipeline/run → no process runs it
	removed := 0
	var errs []error
	for _, c := range cs {
		name, id := c.Labels[docker.LabelPipeline], c.Labels[docker.LabelRun]
		key := name + "/" + id
		stale, seen := gone[key]
		if !seen {
			stale = w.abandoned(name, id)
			gone[key] = stale
		}
		if !stale {
			continue
		}
		if err := w.eng.Remove(ctx, c.ID, docker.RemoveOptions{Force: true}); err != nil {
			errs = append(errs, fmt.Errorf("sweep container %s of run %s: %w", c.ShortID(), key, err))
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// abandoned says the workspace stores the run and no process runs it.
func (w *Workspace) abandoned(name, id string) bool {
	if checkPipelineName(name) != nil || checkPipelineName(id) != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(w.Store.Root, name, id, runFile)); errors.Is(err, fs.ErrNotExist) || err != nil {
		return false
	}
	r, err := w.Store.Load(name, id)
	return err == nil && r.Status != RunRunning
}
