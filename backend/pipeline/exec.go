package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
)

// keepAlive is the command of every pipeline container: it idles until removed, so commands
// can be exec'd into it one after another (Conducto's container reuse).
const keepAlive = "trap exit TERM; while :; do sleep 3600; done"

// ExecOptions configure an Executor.
type ExecOptions struct {
	// Labels are added to every container the executor creates (tests put the harness label here).
	Labels map[string]string
	// GlobalLimit caps the exec nodes running at once across all runs; 0 means 2×NumCPU.
	GlobalLimit int
	// Logger receives the executor's own troubles (cleanup failures); nil discards them.
	Logger *slog.Logger
	// Build returns a local reference to an image that needs building (install:, dockerfile:,
	// copy_*): an ImageBuilder's Build, say. Each image is built once per run. Without it such
	// images error the nodes that use them.
	Build func(ctx context.Context, def ImageDef) (string, error)
	// Saved is called after every save of a run (with the executor's lock held: it must only
	// note the id and return, e.g. signal a channel; the saved state is in the Store).
	Saved func(runID string)
}

// Executor runs pipelines' node trees in containers of a Docker engine and records every
// state change in a Store.
type Executor struct {
	eng   *docker.Engine
	store *Store
	opts  ExecOptions
	slots chan struct{} // the global limit, shared by all runs

	mu   sync.Mutex
	runs map[string]*execRun // live runs by run ID
}

// execRun is one live execution (a run, or a rerun of part of one).
type execRun struct {
	x      *Executor
	p      *Pipeline
	cancel context.CancelFunc
	done   chan struct{}
	err    error // set before done is closed

	mu         sync.Mutex // guards run, killed and the container bookkeeping
	run        *Run
	killed     bool
	idle       map[string][]string      // pool key → idle container ids
	containers map[string]bool          // every container this run created and not yet removed
	scopes     map[string]*scope        // reuse-new scope root path → its shared container
	builds     map[string]*build        // image name → its build, once per run
	limits     map[string]chan struct{} // max_concurrent slots by node path
}

// build is one image's build within a run, shared by the nodes that use the image.
type build struct {
	once sync.Once
	ref  string
	err  error
}

// scope is the one container a container_reuse: new subtree shares; lock serialises its execs.
type scope struct {
	lock chan struct{}
	id   string
}

// NewExecutor returns an executor that runs containers on e and records runs in store.
func NewExecutor(e *docker.Engine, store *Store, opts ExecOptions) *Executor {
	if opts.GlobalLimit <= 0 {
		opts.GlobalLimit = 2 * runtime.NumCPU()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Executor{eng: e, store: store, opts: opts, slots: make(chan struct{}, opts.GlobalLimit), runs: map[string]*execRun{}}
}

// Start records a new run of p (def is the pipeline file's bytes, kept with the run), takes
// its lock and runs it in the background. Wait or Done tell when it has ended. The returned Run
// is the executor's live record: read it after Done, or Load a snapshot from the store. p is
// the executor's until then too (lazy nodes graft into it).
func (x *Executor) Start(ctx context.Context, p *Pipeline, def []byte) (*Run, error) {
	if p == nil || p.Root == nil {
		return nil, errors.New("start: empty pipeline")
	}
	var nodes []NodeRun
	_ = p.Walk(func(n *Node) error {
		nodes = append(nodes, nodeRun(n))
		return nil
	})
	run, err := x.store.NewRun(p.Name, p.File, def, nodes)
	if err != nil {
		return nil, err
	}
	return run, x.launch(ctx, p, run, p.Root, nil)
}

// Rerun runs the node at path of a finished run again (its subtree: new attempts, the earlier
// ones kept), in the background like Start. The pipeline comes from the run's definition.
func (x *Executor) Rerun(ctx context.Context, run *Run, path string) error {
	p, err := Parse(run.Pipeline, run.File, run.Definition)
	if err != nil {
		return fmt.Errorf("rerun %s/%s: %w", run.Pipeline, run.ID, err)
	}
	n, ok := p.Node(path)
	if !ok {
		return fmt.Errorf("rerun %s/%s: no node %s in its definition", run.Pipeline, run.ID, path)
	}
	if _, err := run.Node(path); err != nil {
		return err
	}
	reset := func() {
		for _, q := range run.Order {
			if q == path || isDescendant(q, path) {
				run.Nodes[q].State = StatePending
			}
		}
		run.Status, run.Ended = RunRunning, time.Time{}
	}
	return x.launch(ctx, p, run, n, reset)
}

// SetSkipped (un)skips the node at path and its subtree, on a live run (taking effect for
// nodes not started yet) or a finished one, and saves the run.
func (x *Executor) SetSkipped(run *Run, path string, skipped bool) error {
	return x.edit(run, func(r *Run) error { return r.SetSkipped(path, skipped) })
}

// Modify changes the command ("" keeps it) and sets the variables of env over the node's own
// (what it inherits from the file stays) from its next attempt, in this run only: the
// definition is untouched (Conducto's modify).
func (x *Executor) Modify(run *Run, path, command string, env map[string]string) error {
	return x.edit(run, func(r *Run) error {
		n, err := r.Node(path)
		if err != nil {
			return err
		}
		if command != "" {
			n.Command = command
		}
		if len(env) > 0 {
			merged := maps.Clone(n.Env)
			if merged == nil {
				merged = make(map[string]string, len(env))
			}
			maps.Copy(merged, env)
			n.Env = merged
		}
		return nil
	})
}

// edit applies fn to the run, live (under the executor's lock) or finished (under the run's
// file lock), and saves it.
func (x *Executor) edit(run *Run, fn func(*Run) error) error {
	x.mu.Lock()
	er := x.runs[run.ID]
	x.mu.Unlock()
	if er != nil && er.run.Pipeline == run.Pipeline {
		er.mu.Lock()
		defer er.mu.Unlock()
		if err := fn(er.run); err != nil {
			return err
		}
		return er.saveLocked()
	}
	unlock, err := x.store.OpenRun(run)
	if err != nil {
		return err
	}
	defer unlock()
	if err := fn(run); err != nil {
		return err
	}
	var p *Pipeline
	if pp, err := Parse(run.Pipeline, run.File, run.Definition); err == nil {
		p = pp
	}
	rollupInto(run, p)
	if err := x.store.Save(run); err != nil {
		return err
	}
	x.saved(run.ID)
	return nil
}

// saved tells the Saved hook, if any, that a run was written.
func (x *Executor) saved(runID string) {
	if x.opts.Saved != nil {
		x.opts.Saved(runID)
	}
}

// Wait blocks until the run has ended and returns the executor's own failure, if any (saving
// the run, say); how the nodes fared is in the run's Status.
func (x *Executor) Wait(ctx context.Context, runID string) error {
	x.mu.Lock()
	er := x.runs[runID]
	x.mu.Unlock()
	if er == nil {
		return nil
	}
	select {
	case <-er.done:
		return er.err
	case <-ctx.Done():
		return fmt.Errorf("wait for run %s: %w", runID, ctx.Err())
	}
}

// Done returns a channel closed when the run ends (already closed for a run not running).
func (x *Executor) Done(runID string) <-chan struct{} {
	x.mu.Lock()
	defer x.mu.Unlock()
	if er := x.runs[runID]; er != nil {
		return er.done
	}
	c := make(chan struct{})
	close(c)
	return c
}

// Kill ends every running node of the run (state killed, reason "killed"); the run's
// containers are removed as it ends.
func (x *Executor) Kill(runID string) error {
	x.mu.Lock()
	er := x.runs[runID]
	x.mu.Unlock()
	if er == nil {
		return fmt.Errorf("kill run %s: not running", runID)
	}
	er.mu.Lock()
	er.killed = true
	er.mu.Unlock()
	er.cancel()
	return nil
}

// launch locks the run and runs the subtree at top in the background; prepare, if set, runs
// under the lock before the first save.
func (x *Executor) launch(ctx context.Context, p *Pipeline, run *Run, top *Node, prepare func()) error {
	x.mu.Lock()
	if x.runs[run.ID] != nil {
		x.mu.Unlock()
		return fmt.Errorf("run %s/%s is already running", run.Pipeline, run.ID)
	}
	unlock, err := x.store.OpenRun(run)
	if err != nil {
		x.mu.Unlock()
		return err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	er := &execRun{x: x, p: p, run: run, cancel: cancel, done: make(chan struct{}),
		idle: map[string][]string{}, containers: map[string]bool{}, scopes: map[string]*scope{}, builds: map[string]*build{}}
	x.runs[run.ID] = er
	x.mu.Unlock()
	if prepare != nil {
		er.mu.Lock()
		prepare()
		er.mu.Unlock()
	}
	stopParent := context.AfterFunc(ctx, cancel)
	go func() {
		defer close(er.done)
		defer unlock()
		defer stopParent()
		defer cancel()
		er.runNode(rctx, top)
		er.finish()
		x.mu.Lock()
		delete(x.runs, run.ID)
		x.mu.Unlock()
	}()
	return nil
}

// finish removes the run's containers and records its end.
func (er *execRun) finish() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	er.mu.Lock()
	ids := make([]string, 0, len(er.containers))
	for id := range er.containers {
		ids = append(ids, id)
	}
	er.mu.Unlock()
	var errs []error
	for _, id := range ids {
		if err := er.x.eng.Remove(ctx, id, docker.RemoveOptions{Force: true}); err != nil {
			errs = append(errs, err)
		}
	}
	er.mu.Lock()
	defer er.mu.Unlock()
	er.containers = map[string]bool{}
	er.run.Status = RunKilled // ended; a kill is what a root left pending is put down to
	if !er.killed {
		er.run.Status = RunError
	}
	rollupInto(er.run, er.p)
	er.run.Ended = time.Now().UTC().Round(0)
	if err := er.x.store.Save(er.run); err != nil {
		errs = append(errs, err)
	} else {
		er.x.saved(er.run.ID)
	}
	if err := errors.Join(errs...); err != nil {
		er.err = fmt.Errorf("run %s/%s: %w", er.run.Pipeline, er.run.ID, err)
		er.x.opts.Logger.Error("pipeline run cleanup", "run", er.run.ID, "err", err)
	}
}

// runNode runs n's subtree and returns its resulting state, skipped counting as done.
func (er *execRun) runNode(ctx context.Context, n *Node) State {
	er.mu.Lock()
	nr := er.run.Nodes[n.Path]
	skipped := nr == nil || nr.Skipped
	er.mu.Unlock()
	if skipped {
		return StateDone
	}
	if ctx.Err() != nil {
		return StateKilled
	}
	switch n.Kind {
	case Exec:
		return er.execNode(ctx, n, nil)
	case Serial:
		for _, c := range n.Children {
			st := er.runNode(ctx, c)
			if ctx.Err() != nil {
				break
			}
			if st != StateDone && n.Params.StopOnError {
				break
			}
		}
	case Parallel:
		// All children start at once; max_concurrent is enforced per exec (see limitsOf).
		var wg sync.WaitGroup
		for _, c := range n.Children {
			wg.Go(func() { er.runNode(ctx, c) })
		}
		wg.Wait()
	case Lazy:
		var gen bytes.Buffer
		if st := er.execNode(ctx, n, &gen); st != StateDone {
			return st
		}
		if err := er.graft(n, gen.Bytes()); err != nil {
			return er.finishAttempt(n.Path, -1, StateError, err.Error())
		}
		for _, c := range n.Children {
			er.runNode(ctx, c)
		}
	default:
		return er.finishAttempt(n.Path, -1, StateError, fmt.Sprintf("run %s/%s: node %s: unknown kind %q", er.run.Pipeline, er.run.ID, n.Path, n.Kind))
	}
	return er.settle(n.Path)
}

// settle rolls the run up, saves it, and returns the state of the node at path.
func (er *execRun) settle(path string) State {
	er.mu.Lock()
	defer er.mu.Unlock()
	_ = er.saveLocked()
	return er.run.Nodes[path].State
}

// saveLocked rolls parents' states up and saves the run; er.mu is held.
func (er *execRun) saveLocked() error {
	rollupInto(er.run, er.p)
	if err := er.x.store.Save(er.run); err != nil {
		er.x.opts.Logger.Error("save pipeline run", "run", er.run.ID, "err", err)
		return err
	}
	er.x.saved(er.run.ID)
	return nil
}

// rollupInto sets every parent's stored State from its children's (Rollup), honouring
// suppress_errors as the run records it and p (which may be nil) declares it, and gives an
// ended run the status its root says (endStatus): the one roll-up every view of a run shows.
func rollupInto(r *Run, p *Pipeline) {
	sum := Rollup(r, func(path string) bool {
		n, ok := p.Node(path)
		return ok && n.Params.SuppressErrors
	})
	kids := r.children()
	for path, s := range sum {
		if len(kids[path]) > 0 {
			r.Nodes[path].State = s.State
		}
	}
	if r.Status != RunRunning && r.Status != RunInterrupted && len(r.Order) > 0 {
		r.Status = endStatus(sum[r.Order[0]].State, r.Status == RunKilled)
	}
}

// graft parses a lazy node's generated subtree into the pipeline and records its nodes in the
// run (on a rerun, those already recorded keep their history). The pipeline and run are shared
// with the other goroutines, so this happens under er.mu.
func (er *execRun) graft(n *Node, out []byte) error {
	er.mu.Lock()
	defer er.mu.Unlock()
	if err := Graft(n, out); err != nil {
		return fmt.Errorf("run %s/%s: node %s: %w", er.run.Pipeline, er.run.ID, n.Path, err)
	}
	var nodes []NodeRun
	for _, c := range n.Children {
		_ = walk(c, func(m *Node) error {
			if er.run.Nodes[m.Path] == nil {
				nodes = append(nodes, nodeRun(m))
			}
			return nil
		})
	}
	if err := er.run.Graft(n.Path, nodes); err != nil {
		return err
	}
	return er.saveLocked()
}

// execNode runs an exec node's attempts: the first, then up to Retries more while it errors.
// capture, when set, holds the stdout of the last attempt (a lazy node's generated subtree).
func (er *execRun) execNode(ctx context.Context, n *Node, capture *bytes.Buffer) State {
	var st State
	for i := 0; i <= n.Params.Retries; i++ {
		reason := ""
		if i > 0 {
			reason = fmt.Sprintf("retry %d of %d", i, n.Params.Retries)
		}
		var w io.Writer
		if capture != nil {
			capture.Reset()
			w = capture
		}
		st = er.attempt(ctx, n, reason, w)
		if st != StateError || ctx.Err() != nil {
			break
		}
	}
	return st
}

// attempt runs one attempt of an exec node and records it from queued to its end.
func (er *execRun) attempt(ctx context.Context, n *Node, reason string, capture io.Writer) State {
	er.mu.Lock()
	a, err := er.run.NewAttempt(n.Path, "") // the run's live command
	if err != nil {
		er.mu.Unlock()
		return StateError
	}
	a.Reason, a.State = reason, StateQueued
	num, cmd := a.N, a.Command
	// The run's copy of the env, like its command, may have been modified on the live run.
	env := maps.Clone(er.run.Nodes[n.Path].Env)
	er.run.Nodes[n.Path].State = StateQueued
	_ = er.saveLocked()
	er.mu.Unlock()

	if sc := er.scopeOf(n); sc != nil {
		select {
		case sc.lock <- struct{}{}:
			defer func() { <-sc.lock }()
		case <-ctx.Done():
			return er.finishAttempt(n.Path, -1, StateKilled, "killed")
		}
	}
	for _, lim := range er.limitsOf(n) {
		select {
		case lim <- struct{}{}:
			defer func() { <-lim }()
		case <-ctx.Done():
			return er.finishAttempt(n.Path, -1, StateKilled, "killed")
		}
	}
	select {
	case er.x.slots <- struct{}{}:
		defer func() { <-er.x.slots }()
	case <-ctx.Done():
		return er.finishAttempt(n.Path, -1, StateKilled, "killed")
	}

	out, err := er.x.store.OutputWriter(er.run, n.Path, num)
	if err != nil {
		return er.finishAttempt(n.Path, -1, StateError, err.Error())
	}
	defer out.Close()
	fail := func(err error) State {
		msg := fmt.Sprintf("run %s/%s: node %s: %v", er.run.Pipeline, er.run.ID, n.Path, err)
		_, _ = io.WriteString(out.Stderr(), msg+"\n")
		return er.finishAttempt(n.Path, -1, StateError, msg)
	}
	image, workdir, err := er.image(ctx, n)
	if err != nil {
		return fail(err)
	}
	cid, release, err := er.acquire(ctx, n, image, env)
	if err != nil {
		if ctx.Err() != nil {
			return er.finishAttempt(n.Path, -1, StateKilled, "killed")
		}
		return fail(err)
	}
	er.mu.Lock()
	if a := er.run.Nodes[n.Path].LastAttempt(); a != nil {
		a.State, a.Start, a.Container = StateRunning, time.Now().UTC().Round(0), cid
	}
	er.run.Nodes[n.Path].State = StateRunning
	er.run.Nodes[n.Path].Image = image // debug opens exactly this image
	_ = er.saveLocked()
	er.mu.Unlock()

	tctx, cancel := ctx, context.CancelFunc(func() {})
	if n.Params.MaxTime > 0 {
		tctx, cancel = context.WithTimeout(ctx, n.Params.MaxTime)
	}
	stdout, argv := out.Stdout(), orderedShell(cmd)
	if capture != nil {
		// A lazy node's stdout is the tree it generates: its stderr stays apart.
		stdout, argv = io.MultiWriter(stdout, capture), []string{"sh", "-c", cmd}
	}
	code, xerr := er.x.eng.ExecStream(tctx, cid, docker.ExecOptions{Cmd: argv, Env: envList(env), WorkingDir: workdir}, stdout, out.Stderr())
	timedOut := tctx.Err() != nil && ctx.Err() == nil
	cancel()
	// A cut-short exec leaves its process behind: the container goes with it.
	release(xerr != nil)
	// An exit code that arrived counts, even if a kill or max_time came a moment later.
	switch {
	case xerr == nil && code == 0:
		return er.finishAttempt(n.Path, 0, StateDone, "")
	case xerr == nil:
		return er.finishAttempt(n.Path, code, StateError, "")
	case ctx.Err() != nil:
		return er.finishAttempt(n.Path, -1, StateKilled, "killed")
	case timedOut:
		return er.finishAttempt(n.Path, -1, StateKilled, "max_time "+fmtDuration(n.Params.MaxTime)+" exceeded")
	}
	return fail(xerr)
}

// orderedShell runs cmd in sh with its stderr on its stdout: one pipe keeps the order the
// lines were written in. Two pipes cannot: the engine copies a process's stdout and stderr
// apart, concurrently, so `echo a; echo b >&2` could read b first. The node's output is
// therefore one stream (its stderr lines stored as stdout); the executor's own messages about
// a node are its stderr lines.
func orderedShell(cmd string) []string {
	return []string{"sh", "-c", `exec 2>&1; eval "$1"`, "sh", cmd}
}

// finishAttempt records the end of the node's last attempt (reason, when set, replaces the
// attempt's), saves, and returns st.
func (er *execRun) finishAttempt(path string, code int, st State, reason string) State {
	er.mu.Lock()
	defer er.mu.Unlock()
	nr := er.run.Nodes[path]
	if a := nr.LastAttempt(); a != nil {
		a.State, a.ExitCode, a.End = st, code, time.Now().UTC().Round(0)
		if reason != "" {
			a.Reason = reason
		}
	}
	nr.State = st
	_ = er.saveLocked()
	return st
}

// image resolves the node's image to a local reference and the directory to run in: an
// images: entry with only from: is its base, one that needs a build goes through
// ExecOptions.Build; any other name is taken as a reference itself.
func (er *execRun) image(ctx context.Context, n *Node) (ref, workdir string, err error) {
	ref = n.Params.Image
	er.mu.Lock()
	def, ok := er.p.Images[ref] // a graft may add images
	er.mu.Unlock()
	if ok {
		workdir = def.Workdir
		if workdir == "" && (def.CopyDir != "" || def.CopyURL != "") {
			workdir = CopyTarget
		}
		if def.Dockerfile != "" || def.DockerfileText != "" || len(def.Install) > 0 || def.CopyDir != "" || def.CopyURL != "" || def.Workdir != "" {
			if er.x.opts.Build == nil {
				return "", "", fmt.Errorf("image %q needs a build, and this executor builds no images", ref)
			}
			er.mu.Lock()
			b := er.builds[def.Name]
			if b == nil {
				b = &build{}
				er.builds[def.Name] = b
			}
			er.mu.Unlock()
			b.once.Do(func() { b.ref, b.err = er.x.opts.Build(ctx, def) })
			return b.ref, workdir, b.err
		}
		ref = def.From
	}
	if ref == "" {
		ref = DefaultFrom
	}
	present, err := er.x.eng.ImageExists(ctx, ref)
	if err != nil {
		return "", "", err
	}
	if !present {
		return "", "", fmt.Errorf("image %s is not present locally (pull or build it first)", ref)
	}
	return ref, workdir, nil
}

// limitsOf returns the max_concurrent slots of n's ancestors, outermost first: as in Conducto,
// max_concurrent caps the running execs among a node's descendants, not just its children.
// Taking them in one order everywhere keeps nested limits from deadlocking.
func (er *execRun) limitsOf(n *Node) []chan struct{} {
	var out []chan struct{}
	er.mu.Lock()
	defer er.mu.Unlock()
	if er.limits == nil {
		er.limits = map[string]chan struct{}{}
	}
	for m := n.Parent; m != nil; m = m.Parent {
		if m.Params.MaxConcurrent <= 0 {
			continue
		}
		lim := er.limits[m.Path]
		if lim == nil {
			lim = make(chan struct{}, m.Params.MaxConcurrent)
			er.limits[m.Path] = lim
		}
		out = append([]chan struct{}{lim}, out...)
	}
	return out
}

// scopeOf is the shared container scope of a node under container_reuse: new, or nil.
func (er *execRun) scopeOf(n *Node) *scope {
	root := n.ReuseScope()
	if root == nil {
		return nil
	}
	er.mu.Lock()
	defer er.mu.Unlock()
	sc := er.scopes[root.Path]
	if sc == nil {
		sc = &scope{lock: make(chan struct{}, 1)}
		er.scopes[root.Path] = sc
	}
	return sc
}

// acquire returns a container to exec the node in, per its container_reuse, and the function
// that gives it back (broken: it must not be used again, so it is removed).
func (er *execRun) acquire(ctx context.Context, n *Node, image string, env map[string]string) (string, func(broken bool), error) {
	labels := map[string]string{docker.LabelPipeline: er.run.Pipeline, docker.LabelRun: er.run.ID}
	switch n.Params.Reuse {
	case ReuseIsolated:
		labels[docker.LabelNode] = n.Path
		id, err := er.create(ctx, n, image, env, labels)
		if err != nil {
			return "", nil, err
		}
		return id, func(bool) { er.remove(id) }, nil
	case ReuseNew:
		if root := n.ReuseScope(); root != nil {
			sc := er.scopeOf(n) // its lock is held by the caller
			if sc.id == "" {
				labels[docker.LabelNode] = root.Path
				id, err := er.create(ctx, root, image, root.Params.Env, labels)
				if err != nil {
					return "", nil, err
				}
				sc.id = id
			}
			id := sc.id
			return id, func(broken bool) {
				if broken {
					sc.id = ""
					er.remove(id)
				}
			}, nil
		}
	}
	// A pool container is anyone's with the same image and resources: it carries no node's
	// env, each exec is given its own.
	key := poolKey(image, n.Params)
	labels[docker.LabelPool] = key
	er.mu.Lock()
	var id string
	if ids := er.idle[key]; len(ids) > 0 {
		id, er.idle[key] = ids[len(ids)-1], ids[:len(ids)-1]
	}
	er.mu.Unlock()
	if id == "" {
		var err error
		if id, err = er.create(ctx, n, image, nil, labels); err != nil {
			return "", nil, err
		}
	}
	return id, func(broken bool) {
		if broken {
			er.remove(id)
			return
		}
		er.mu.Lock()
		er.idle[key] = append(er.idle[key], id)
		er.mu.Unlock()
	}, nil
}

// create creates and starts an idling container for n's image, env and resources.
func (er *execRun) create(ctx context.Context, n *Node, image string, env, labels map[string]string) (string, error) {
	all := map[string]string{}
	for k, v := range er.x.opts.Labels {
		all[k] = v
	}
	for k, v := range labels {
		all[k] = v
	}
	host := &container.HostConfig{Resources: container.Resources{
		NanoCPUs: int64(n.Params.CPU * 1e9),
		Memory:   int64(n.Params.Mem * (1 << 30)),
	}}
	if n.Params.RequiresDocker {
		// The engine's own socket when it is a local one, seen inside at the usual place.
		sock := "/var/run/docker.sock"
		if h, ok := strings.CutPrefix(er.x.eng.Endpoint().Host, "unix://"); ok && h != "" {
			sock = h
		}
		host.Binds = []string{sock + ":/var/run/docker.sock"}
	}
	cfg := &container.Config{Image: image, Cmd: []string{"sh", "-c", keepAlive}, Env: envList(env), Labels: all}
	id, err := er.x.eng.Create(ctx, docker.CreateSpec{Config: cfg, HostConfig: host})
	if err != nil {
		return "", err
	}
	er.mu.Lock()
	er.containers[id] = true
	er.mu.Unlock()
	if err := er.x.eng.Start(ctx, id); err != nil {
		er.remove(id)
		return "", err
	}
	return id, nil
}

// remove force-removes one of the run's containers, even when the run's context has ended.
func (er *execRun) remove(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := er.x.eng.Remove(ctx, id, docker.RemoveOptions{Force: true}); err != nil {
		er.x.opts.Logger.Warn("remove pipeline container", "run", er.run.ID, "container", id, "err", err)
		return // finish tries again
	}
	er.mu.Lock()
	delete(er.containers, id)
	er.mu.Unlock()
}

// nodeRun is the run's initial record of a pipeline node.
func nodeRun(n *Node) NodeRun {
	return NodeRun{Path: n.Path, Kind: string(n.Kind), State: StatePending, Skipped: n.Params.Skip, Command: n.Command, Env: n.Params.Env,
		SuppressErrors: n.Kind != Exec && n.Params.SuppressErrors}
}

// poolKey names the containers pool nodes may share, by Conducto's resource key: the same
// image, docker access, cpu and mem. The env is not part of it: every exec is given its node's.
func poolKey(image string, p Params) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%v\x00%g\x00%g\x00", image, p.RequiresDocker, p.CPU, p.Mem)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// envList is env as sorted KEY=value strings.
func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// fmtDuration prints whole seconds as "90s", as the file format writes them.
func fmtDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}
