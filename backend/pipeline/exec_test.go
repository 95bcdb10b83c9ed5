package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// execEnv is one test's executor on the real engine.
type execEnv struct {
	t     *testing.T
	h     *enginetest.Harness
	store *Store
	x     *Executor
}

func newExecEnv(t *testing.T) *execEnv {
	t.Helper()
	h := enginetest.New(t)
	store := &Store{Root: t.TempDir()}
	x := NewExecutor(h.Engine, store, ExecOptions{Labels: h.Labels(nil)})
	return &execEnv{t: t, h: h, store: store, x: x}
}

// run writes src as a pipeline file, runs it to the end, checks no container is left, and
// returns the run as stored.
func (e *execEnv) run(src string) *Run {
	e.t.Helper()
	r := e.start(src)
	return e.wait(r)
}

func (e *execEnv) start(src string) *Run {
	e.t.Helper()
	file := filepath.Join(e.t.TempDir(), "t.yml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		e.t.Fatal(err)
	}
	p, err := ParseFile(file)
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := e.x.Start(e.h.Ctx(), p, []byte(src))
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *execEnv) wait(r *Run) *Run {
	e.t.Helper()
	if err := e.x.Wait(e.h.Ctx(), r.ID); err != nil {
		e.t.Fatalf("Wait: %v", err)
	}
	got, err := e.store.Load(r.Pipeline, r.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	e.noContainers()
	return got
}

// noContainers checks every container the test's executor created is gone.
func (e *execEnv) noContainers() {
	e.t.Helper()
	cs, err := e.h.Engine.List(e.h.Ctx(), docker.ListOptions{All: true, Labels: []string{e.h.Label()}})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(cs) > 0 {
		e.t.Errorf("%d containers left after the run", len(cs))
	}
}

// states maps each node path to its state.
func states(r *Run) map[string]State {
	out := map[string]State{}
	for p, n := range r.Nodes {
		out[p] = n.State
	}
	return out
}

func wantStates(t *testing.T, r *Run, want map[string]State) {
	t.Helper()
	got := states(r)
	for p, st := range want {
		if got[p] != st {
			t.Errorf("%s: state %s, want %s (all: %v)", p, got[p], st, got)
		}
	}
}

func output(t *testing.T, s *Store, r *Run, path string, attempt int) string {
	t.Helper()
	lines, err := s.ReadOutput(r, path, attempt)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Stream + ":" + l.Text + "\n")
	}
	return b.String()
}

const header = "images: {bb: {from: \"busybox:latest\"}}\nimage: bb\n"

func TestExecutorSerialStopOnError(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  a: echo a\n  b: exit 3\n  c: echo c\n")
	wantStates(t, r, map[string]State{"/": StateError, "/a": StateDone, "/b": StateError, "/c": StatePending})
	if r.Status != RunError {
		t.Errorf("status %s, want error", r.Status)
	}
	if a := r.Nodes["/b"].LastAttempt(); a == nil || a.ExitCode != 3 || a.Container == "" || a.Start.IsZero() || a.End.IsZero() {
		t.Errorf("/b attempt = %+v", a)
	}
}

func TestExecutorSerialNoStopOnError(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "stop_on_error: false\nserial:\n  a: exit 1\n  b: echo b\n")
	wantStates(t, r, map[string]State{"/": StateError, "/a": StateError, "/b": StateDone})
}

func TestExecutorSuppressErrorsAndSkip(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  s:\n    suppress_errors: true\n    serial:\n      x: exit 1\n  k:\n    skip: true\n    exec: exit 1\n  z: echo z\n")
	wantStates(t, r, map[string]State{"/": StateDone, "/s": StateDone, "/s/x": StateError, "/k": StatePending, "/z": StateDone})
	if r.Status != RunDone {
		t.Errorf("status %s, want done", r.Status)
	}
	if len(r.Nodes["/k"].Attempts) != 0 {
		t.Errorf("skipped node ran")
	}
}

func TestExecutorOutputs(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "env: {WHO: world}\nexec: echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2 $WHO; exit 0\n")
	if got, want := output(t, e.store, r, "/", 1), "stdout:out1\nstdout:err1\nstdout:out2 world\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
	a := r.Nodes["/"].LastAttempt()
	if a == nil || a.State != StateDone || a.ExitCode != 0 || a.N != 1 {
		t.Errorf("attempt = %+v", a)
	}
	if r.Nodes["/"].Image == "" {
		t.Errorf("the run does not record the image the node ran with (debug needs it)")
	}
}

func TestExecutorMissingImage(t *testing.T) {
	e := newExecEnv(t)
	r := e.run("exec: echo hi\nimages: {x: {from: \"podium-no-such-image:nope\"}}\nimage: x\n")
	a := r.Nodes["/"].LastAttempt()
	if a == nil || a.State != StateError || !strings.Contains(a.Reason, "not present locally") {
		t.Errorf("attempt = %+v", a)
	}
}

func TestReuseNewSharesContainer(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  n:\n    container_reuse: new\n    serial:\n      w: echo hi > /tmp/f\n      r: cat /tmp/f\n  i:\n    container_reuse: isolated\n    serial:\n      w: echo hi > /tmp/g\n      r: cat /tmp/g\n")
	wantStates(t, r, map[string]State{"/n/w": StateDone, "/n/r": StateDone, "/i/w": StateDone, "/i/r": StateError})
	if r.Nodes["/n/w"].LastAttempt().Container != r.Nodes["/n/r"].LastAttempt().Container {
		t.Errorf("new: nodes ran in different containers")
	}
	if r.Nodes["/i/w"].LastAttempt().Container == r.Nodes["/i/r"].LastAttempt().Container {
		t.Errorf("isolated: nodes shared a container")
	}
}

func TestReuseNewUnderParallelIsSerial(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "container_reuse: new\nparallel:\n  a: sleep 0.3\n  b: sleep 0.3\n  c: sleep 0.3\n")
	wantStates(t, r, map[string]State{"/": StateDone})
	if n := maxOverlap(r, "/a", "/b", "/c"); n != 1 {
		t.Errorf("up to %d ran at once under container_reuse: new, want 1", n)
	}
}

func TestReusePoolReusesIdleContainer(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  a: echo a\n  b: echo b\n")
	if r.Nodes["/a"].LastAttempt().Container != r.Nodes["/b"].LastAttempt().Container {
		t.Errorf("pool: second node did not reuse the idle container")
	}
}

// maxOverlap is the most attempts of the given nodes running at one time.
func maxOverlap(r *Run, paths ...string) int {
	type ev struct {
		t     time.Time
		delta int
	}
	var evs []ev
	for _, p := range paths {
		for _, a := range r.Nodes[p].Attempts {
			evs = append(evs, ev{a.Start, 1}, ev{a.End, -1})
		}
	}
	// Ends sort before starts at the same instant.
	for i := range evs {
		for j := i + 1; j < len(evs); j++ {
			if evs[j].t.Before(evs[i].t) || (evs[j].t.Equal(evs[i].t) && evs[j].delta < evs[i].delta) {
				evs[i], evs[j] = evs[j], evs[i]
			}
		}
	}
	cur, best := 0, 0
	for _, e := range evs {
		cur += e.delta
		best = max(best, cur)
	}
	return best
}

func TestExecutorMaxConcurrent(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "max_concurrent: 2\nparallel:\n  a: sleep 0.4\n  b: sleep 0.4\n  c: sleep 0.4\n  d: sleep 0.4\n")
	wantStates(t, r, map[string]State{"/": StateDone})
	if n := maxOverlap(r, "/a", "/b", "/c", "/d"); n != 2 {
		t.Errorf("up to %d ran at once, want 2", n)
	}
}

func TestExecutorMaxTime(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  slow:\n    exec: sleep 30\n    max_time: 1s\n  next: echo next\n")
	wantStates(t, r, map[string]State{"/slow": StateKilled, "/next": StatePending, "/": StateKilled})
	a := r.Nodes["/slow"].LastAttempt()
	if a == nil || a.Reason != "max_time 1s exceeded" || a.End.Sub(a.Start) > 10*time.Second {
		t.Errorf("attempt = %+v", a)
	}
}

func TestExecutorRetries(t *testing.T) {
	for _, reuse := range []string{"pool", "new"} {
		t.Run(reuse, func(t *testing.T) {
			e := newExecEnv(t)
			r := e.run(header + "container_reuse: " + reuse + "\nserial:\n  f:\n    exec: test -f /tmp/x || { touch /tmp/x; exit 1; }\n    retries: 2\n")
			wantStates(t, r, map[string]State{"/f": StateDone, "/": StateDone})
			as := r.Nodes["/f"].Attempts
			if len(as) != 2 || as[0].State != StateError || as[1].State != StateDone || as[1].Reason != "retry 1 of 2" {
				t.Errorf("attempts = %+v", as)
			}
		})
	}
}

func TestExecutorKill(t *testing.T) {
	e := newExecEnv(t)
	r := e.start(header + "parallel:\n  a: sleep 30\n  b: sleep 30\n")
	deadline := time.Now().Add(20 * time.Second)
	for {
		cur, err := e.store.Load(r.Pipeline, r.ID)
		if err == nil && cur.Nodes["/a"].State == StateRunning && cur.Nodes["/b"].State == StateRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nodes never ran")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := e.x.Kill(r.ID); err != nil {
		t.Fatal(err)
	}
	got := e.wait(r)
	wantStates(t, got, map[string]State{"/a": StateKilled, "/b": StateKilled, "/": StateKilled})
	if got.Status != RunKilled || got.Nodes["/a"].LastAttempt().Reason != "killed" {
		t.Errorf("status %s, /a %+v", got.Status, got.Nodes["/a"].LastAttempt())
	}
}

func TestExecutorRerunAndSkip(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  a: exit 1\n  b: echo b\n")
	wantStates(t, r, map[string]State{"/a": StateError, "/b": StatePending})
	// Skipping the errored node lets its serial parent go on when rerun.
	if err := e.x.SetSkipped(r, "/a", true); err != nil {
		t.Fatal(err)
	}
	if err := e.x.Rerun(e.h.Ctx(), r, "/"); err != nil {
		t.Fatal(err)
	}
	r = e.wait(r)
	wantStates(t, r, map[string]State{"/": StateDone, "/b": StateDone})
	if n := len(r.Nodes["/a"].Attempts); n != 1 {
		t.Errorf("/a attempts = %d, want 1 (skipped on rerun)", n)
	}
	if err := e.x.SetSkipped(r, "/a", false); err != nil {
		t.Fatal(err)
	}
	if err := e.x.Rerun(e.h.Ctx(), r, "/b"); err != nil {
		t.Fatal(err)
	}
	r = e.wait(r)
	if n := len(r.Nodes["/b"].Attempts); n != 2 {
		t.Errorf("/b attempts = %d, want 2", n)
	}
}

func TestExecutorLazy(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + `serial:
  gen:
    lazy: |
      echo 'parallel:'
      echo '  x: echo hello-x'
      echo '  y: exit 4'
  after: echo after
`)
	wantStates(t, r, map[string]State{"/gen": StateError, "/gen/execute": StateError, "/gen/execute/x": StateDone, "/gen/execute/y": StateError, "/after": StatePending})
	if got := output(t, e.store, r, "/gen/execute/x", 1); got != "stdout:hello-x\n" {
		t.Errorf("grafted output = %q", got)
	}
	want := []string{"/", "/gen", "/gen/execute", "/gen/execute/x", "/gen/execute/y", "/after"}
	if strings.Join(r.Order, " ") != strings.Join(want, " ") {
		t.Errorf("order = %v, want %v", r.Order, want)
	}
}

func TestExecutorLazyBadOutput(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "lazy: |\n  echo 'parallel: ['\n")
	a := r.Nodes["/"].LastAttempt()
	if r.Nodes["/"].State != StateError || a == nil || !strings.Contains(a.Reason, "invalid YAML") {
		t.Errorf("state %s attempt %+v", r.Nodes["/"].State, a)
	}
}

func TestExecutorBuildHookOncePerRun(t *testing.T) {
	h := enginetest.New(t)
	store := &Store{Root: t.TempDir()}
	var mu sync.Mutex
	calls := 0
	build := func(ctx context.Context, def ImageDef) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if len(def.Install) != 1 {
			t.Errorf("def = %+v", def)
		}
		return enginetest.Busybox, nil
	}
	e := &execEnv{t: t, h: h, store: store, x: NewExecutor(h.Engine, store, ExecOptions{Labels: h.Labels(nil), Build: build})}
	r := e.run("images: {t: {from: \"busybox:latest\", install: \"true\"}}\nimage: t\nparallel:\n  a: echo a\n  b: echo b\n")
	wantStates(t, r, map[string]State{"/": StateDone})
	if calls != 1 {
		t.Errorf("Build called %d times, want 1", calls)
	}
	e2 := newExecEnv(t)
	r = e2.run("images: {t: {from: \"busybox:latest\", install: \"true\"}}\nimage: t\nexec: echo a\n")
	if a := r.Nodes["/"].LastAttempt(); a == nil || !strings.Contains(a.Reason, "needs a build") {
		t.Errorf("without Build: attempt %+v", a)
	}
}

func TestExecutorIsolatedMaxTimeAndLabels(t *testing.T) {
	e := newExecEnv(t)
	r := e.start(header + "container_reuse: isolated\nserial:\n  slow:\n    exec: sleep 30\n    max_time: 1s\n")
	deadline := time.Now().Add(20 * time.Second)
	var cs []docker.Container
	for len(cs) == 0 && time.Now().Before(deadline) {
		var err error
		cs, err = e.h.Engine.List(e.h.Ctx(), docker.ListOptions{Labels: []string{e.h.Label(), docker.LabelNode + "=/slow"}})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(cs) != 1 || cs[0].Labels[docker.LabelRun] != r.ID || cs[0].Labels[docker.LabelPipeline] != "t" {
		t.Errorf("containers = %+v", cs)
	}
	got := e.wait(r)
	if a := got.Nodes["/slow"].LastAttempt(); a == nil || a.State != StateKilled || a.Reason != "max_time 1s exceeded" {
		t.Errorf("attempt = %+v", a)
	}
}

func TestExecutorGlobalLimit(t *testing.T) {
	h := enginetest.New(t)
	store := &Store{Root: t.TempDir()}
	e := &execEnv{t: t, h: h, store: store, x: NewExecutor(h.Engine, store, ExecOptions{Labels: h.Labels(nil), GlobalLimit: 1})}
	r := e.run(header + "parallel:\n  a: sleep 0.2\n  b: sleep 0.2\n  c: sleep 0.2\n")
	wantStates(t, r, map[string]State{"/": StateDone})
	if n := maxOverlap(r, "/a", "/b", "/c"); n != 1 {
		t.Errorf("up to %d ran at once with GlobalLimit 1", n)
	}
}

func TestExecutorSkipLiveRun(t *testing.T) {
	e := newExecEnv(t)
	r := e.start(header + "serial:\n  a: sleep 1\n  b: echo b\n")
	if err := e.x.SetSkipped(r, "/b", true); err != nil {
		t.Fatal(err)
	}
	got := e.wait(r)
	wantStates(t, got, map[string]State{"/": StateDone, "/a": StateDone})
	if b := got.Nodes["/b"]; !b.Skipped || len(b.Attempts) != 0 {
		t.Errorf("/b = %+v, want skipped and not run", b)
	}
}

func TestExecutorRequiresDocker(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  with:\n    requires_docker: true\n    exec: test -S /var/run/docker.sock\n  without: test ! -e /var/run/docker.sock\n")
	wantStates(t, r, map[string]State{"/": StateDone, "/with": StateDone, "/without": StateDone})
	if r.Nodes["/with"].LastAttempt().Container == r.Nodes["/without"].LastAttempt().Container {
		t.Errorf("requires_docker did not split the pool")
	}
}

func TestExecutorModifyThenRerun(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "env: {V: one, W: kept}\nserial:\n  a: echo $V; exit 1\n")
	// Only V is set: W, inherited from the file, stays.
	if err := e.x.Modify(r, "/a", "echo $V $W changed", map[string]string{"V": "two"}); err != nil {
		t.Fatal(err)
	}
	if err := e.x.Rerun(e.h.Ctx(), r, "/a"); err != nil {
		t.Fatal(err)
	}
	r = e.wait(r)
	wantStates(t, r, map[string]State{"/": StateDone, "/a": StateDone})
	if got := output(t, e.store, r, "/a", 2); got != "stdout:two kept changed\n" {
		t.Errorf("output = %q", got)
	}
	if got := output(t, e.store, r, "/a", 1); got != "stdout:one\n" {
		t.Errorf("first attempt output = %q", got)
	}
}

func TestExecutorMaxConcurrentDescendants(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "max_concurrent: 2\nparallel:\n  p:\n    parallel:\n      a: sleep 0.3\n      b: sleep 0.3\n  q:\n    parallel:\n      c: sleep 0.3\n      d: sleep 0.3\n")
	wantStates(t, r, map[string]State{"/": StateDone})
	if n := maxOverlap(r, "/p/a", "/p/b", "/q/c", "/q/d"); n != 2 {
		t.Errorf("up to %d execs ran at once under max_concurrent 2", n)
	}
}

// Pool containers are keyed by image and resources, as Conducto's are: nodes that differ only
// in env share one, and each exec sees its own env.
func TestReusePoolSharesAcrossEnv(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "serial:\n  a:\n    exec: echo A=$WHO\n    env: {WHO: alpha}\n  b:\n    exec: echo B=$WHO\n    env: {WHO: beta}\n  c: echo C=${WHO:-none}\n")
	wantStates(t, r, map[string]State{"/": StateDone})
	ca, cb, cc := r.Nodes["/a"].LastAttempt().Container, r.Nodes["/b"].LastAttempt().Container, r.Nodes["/c"].LastAttempt().Container
	if ca == "" || ca != cb || cb != cc {
		t.Errorf("containers a=%.12s b=%.12s c=%.12s: nodes that differ only in env must share the pool", ca, cb, cc)
	}
	for path, want := range map[string]string{"/a": "stdout:A=alpha\n", "/b": "stdout:B=beta\n", "/c": "stdout:C=none\n"} {
		if got := output(t, e.store, r, path, 1); got != want {
			t.Errorf("%s output %q, want %q", path, got, want)
		}
	}
}

// Skipping a failed node of an ended run: the run's status, its listing and the tree's root
// all come from one roll-up, and agree.
func TestExecutorSkipSettlesRunStatus(t *testing.T) {
	e := newExecEnv(t)
	cases := []struct {
		name, src string
		root      State
		status    RunStatus
	}{
		// The other branch ran: skipping the failure leaves everything done.
		{"parallel", header + "parallel:\n  a: exit 1\n  b: echo b\n", StateDone, RunDone},
		// The serial stopped at the failure: /b never ran, so the run ended with work left.
		{"serial", header + "serial:\n  a: exit 1\n  b: echo b\n", StatePending, RunPending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.run(c.src)
			if r.Status != RunError {
				t.Fatalf("status %s before the skip", r.Status)
			}
			if err := e.x.SetSkipped(r, "/a", true); err != nil {
				t.Fatal(err)
			}
			got, err := e.store.Load(r.Pipeline, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			sum := Rollup(got, nil)
			runs, err := e.store.Runs(r.Pipeline)
			if err != nil {
				t.Fatal(err)
			}
			var listed RunStatus
			for _, s := range runs {
				if s.ID == r.ID {
					listed = s.Status
				}
			}
			if sum["/"].State != c.root || got.Nodes["/"].State != c.root || got.Status != c.status || listed != c.status {
				t.Errorf("after skip: tree root %s, stored root %s, run %s, listed %s; want root %s, run %s",
					sum["/"].State, got.Nodes["/"].State, got.Status, listed, c.root, c.status)
			}
		})
	}
}

// A node's output keeps the order it was written in, stdout and stderr interleaved: ten
// attempts of a node that writes a line to each, the stderr one right after the stdout one.
func TestExecutorOutputOrder(t *testing.T) {
	e := newExecEnv(t)
	r := e.run(header + "exec: \"echo about to fail; echo boom >&2; exit 1\"\nretries: 9\n")
	as := r.Nodes["/"].Attempts
	if len(as) != 10 {
		t.Fatalf("%d attempts, want 10", len(as))
	}
	for _, a := range as {
		lines, err := e.store.ReadOutput(r, "/", a.N)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range lines {
			got = append(got, l.Text)
		}
		if strings.Join(got, "|") != "about to fail|boom" {
			t.Errorf("attempt %d: output %q, want the order it was written in", a.N, got)
		}
	}
}
