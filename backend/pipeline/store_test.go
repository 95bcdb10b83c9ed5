package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/watch"
)

// storeTestTree is a small tree: a serial root with a build exec and a parallel of two tests.
func storeTestTree() []NodeRun {
	return []NodeRun{
		{Path: "/", Kind: "serial"},
		{Path: "/build", Kind: "exec", Command: "make"},
		{Path: "/test", Kind: "parallel"},
		{Path: "/test/unit", Kind: "exec", Command: "go test ./...", Env: map[string]string{"A": "1"}},
		{Path: "/test/lint", Kind: "exec", Command: "golangci-lint run"},
	}
}

func newTestStore(t *testing.T) *Store {
	t.Helper()
	hub := watch.NewHub()
	t.Cleanup(func() { hub.Close() })
	return &Store{Root: filepath.Join(t.TempDir(), ".podium", "runs"), Notifier: hub}
}

func newTestRun(t *testing.T, s *Store) *Run {
	t.Helper()
	r, err := s.NewRun("ci", "ci.yml", []byte("root: serial\n"), storeTestTree())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStoreSaveLoadRoundTrip(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	unlock, err := s.OpenRun(r)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	a, err := r.NewAttempt("/build", "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 21, 15, 15, 3, 123456789, time.UTC)
	a.State, a.ExitCode, a.Start, a.End, a.Container, a.Reason = StateError, 2, start, start.Add(90*time.Second), "abc123", "max_time 90s exceeded"
	r.Nodes["/build"].State = StateError
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("ci", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, r)
	}
	if string(got.Definition) != "root: serial\n" {
		t.Errorf("definition = %q", got.Definition)
	}
	if got.Nodes["/build"].Attempts[0].Output != "out/build.1.log" || got.Nodes["/build"].Attempts[0].Command != "make" {
		t.Errorf("attempt = %+v", got.Nodes["/build"].Attempts[0])
	}
	if !strings.HasPrefix(r.ID, time.Now().UTC().Format("20060102-")) || len(r.ID) != len("20261121-151503-ab12") {
		t.Errorf("run id %q is not time-sortable", r.ID)
	}
	if _, err := s.Load("ci", "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing run: %v", err)
	}
	if _, err := s.Load("../x", r.ID); err == nil {
		t.Error("a pipeline name with / was accepted")
	}
}

func TestStoreNewRunRejectsBadNodes(t *testing.T) {
	s := newTestStore(t)
	for _, nodes := range [][]NodeRun{
		{{Path: "/"}, {Path: "/a"}, {Path: "/a"}},
		{{Path: "a"}},
		{{Path: "/a/"}},
	} {
		if _, err := s.NewRun("ci", "ci.yml", nil, nodes); err == nil {
			t.Errorf("%v accepted", nodes)
		}
	}
}

func TestStoreAtomicSaveKeepsOldFileOnCrash(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	unlock, err := s.OpenRun(r)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// A crash mid-Save leaves a torn temp file that was never renamed.
	tmp := filepath.Join(s.RunDir(r), ".run.json.tmp-123")
	if err := os.WriteFile(tmp, []byte(`{"pipeline":"ci","id":`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("ci", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != RunRunning || len(got.Order) != 5 {
		t.Errorf("old run not kept: %+v", got)
	}
	runs, err := s.Runs("ci")
	if err != nil || len(runs) != 1 {
		t.Errorf("runs = %v, %v", runs, err)
	}
	// Saves leave no temp files behind.
	entries, _ := os.ReadDir(s.RunDir(r))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") && e.Name() != ".run.json.tmp-123" {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestStoreInterruptedRun(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	unlock, err := s.OpenRun(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenRun(r); err == nil || !strings.Contains(err.Error(), "already open by pid") {
		t.Errorf("second OpenRun: %v", err)
	}
	b, _ := r.NewAttempt("/build", "")
	b.State = StateDone
	r.Nodes["/build"].State = StateDone
	u, _ := r.NewAttempt("/test/unit", "")
	u.State = StateRunning
	r.Nodes["/test/unit"].State = StateRunning
	r.Nodes["/test/lint"].State = StateQueued
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}

	live, err := s.Load("ci", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if live.Status != RunRunning || live.Nodes["/test/unit"].State != StateRunning {
		t.Errorf("a run whose lock is held reads as %s", live.Status)
	}

	unlock() // the executing process is gone
	got, err := s.Load("ci", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != RunInterrupted {
		t.Fatalf("status = %s, want interrupted", got.Status)
	}
	unit := got.Nodes["/test/unit"]
	if unit.State != StateKilled || unit.Attempts[0].State != StateKilled || unit.Attempts[0].Reason != ReasonInterrupted {
		t.Errorf("unit = %+v", unit)
	}
	if got.Nodes["/test/lint"].State != StateKilled {
		t.Errorf("queued lint = %s", got.Nodes["/test/lint"].State)
	}
	// Finished nodes keep their state; the groups roll up from the killed ones.
	if got.Nodes["/build"].State != StateDone || got.Nodes["/"].State != StateKilled || got.Nodes["/test"].State != StateKilled {
		t.Errorf("after the interruption: build %s root %s test %s", got.Nodes["/build"].State, got.Nodes["/"].State, got.Nodes["/test"].State)
	}
	// Its nodes can be rerun: a new process opens it and adds an attempt.
	unlock2, err := s.OpenRun(got)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock2()
	a, err := got.NewAttempt("/test/unit", "")
	if err != nil || a.N != 2 {
		t.Fatalf("rerun attempt = %+v, %v", a, err)
	}
	got.Status = RunRunning
	if err := s.Save(got); err != nil {
		t.Fatal(err)
	}
	again, err := s.Load("ci", r.ID)
	if err != nil || again.Status != RunRunning || len(again.Nodes["/test/unit"].Attempts) != 2 {
		t.Errorf("reopened run = %+v, %v", again, err)
	}
	// A finished run stays finished without a lock.
	got.Status, got.Ended = RunDone, time.Now()
	if err := s.Save(got); err != nil {
		t.Fatal(err)
	}
	unlock2()
	done, err := s.Load("ci", r.ID)
	if err != nil || done.Status != RunDone {
		t.Errorf("finished run = %v, %v", done.Status, err)
	}
}

func TestStoreRunsListingNewestFirst(t *testing.T) {
	s := newTestStore(t)
	if p, err := s.Pipelines(); err != nil || len(p) != 0 {
		t.Fatalf("empty store: %v %v", p, err)
	}
	if _, err := s.Latest("ci"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Latest on no runs: %v", err)
	}
	var ids []string
	for i := range 3 {
		r := newTestRun(t, s)
		r.Status = RunDone
		r.Nodes["/build"].State = StateDone
		if i == 1 {
			r.Nodes["/test/unit"].State = StateError
			r.Status = RunError
		}
		if err := s.Save(r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := s.NewRun("deploy", "deploy.yml", nil, []NodeRun{{Path: "/"}}); err != nil {
		t.Fatal(err)
	}
	// A directory left by a creation cut short is ignored.
	if err := os.MkdirAll(filepath.Join(s.Root, "ci", "20000101-000000-dead"), 0o755); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs("ci")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Fatalf("runs = %+v", runs)
	}
	for i, want := range []string{ids[2], ids[1], ids[0]} {
		if runs[i].ID != want {
			t.Errorf("runs[%d] = %s, want %s", i, runs[i].ID, want)
		}
	}
	if runs[1].Status != RunError || runs[1].Counts[StateError] != 1 || runs[1].Counts[StateDone] != 1 || runs[1].Counts[StatePending] != 1 {
		t.Errorf("summary = %+v", runs[1])
	}
	latest, err := s.Latest("ci")
	if err != nil || latest.ID != ids[2] {
		t.Errorf("latest = %v, %v", latest, err)
	}
	p, err := s.Pipelines()
	if err != nil || !reflect.DeepEqual(p, []string{"ci", "deploy"}) {
		t.Errorf("pipelines = %v, %v", p, err)
	}
}

func TestOutputInterleavedWithStreams(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	w, err := s.OutputWriter(r, "/test/unit", 1)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w.Stdout(), "one\ntw")
	fmt.Fprint(w.Stderr(), "err1\n")
	fmt.Fprint(w.Stdout(), "o\n\n")
	if _, err := w.Write(StreamStderr, []byte("no newline at end")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write("stdin", nil); err == nil {
		t.Error("unknown stream accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := w.Stdout().Write([]byte("late\n")); err == nil {
		t.Error("write after close accepted")
	}
	got, err := s.ReadOutput(r, "/test/unit", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []OutputLine{
		{StreamStdout, "one"},
		{StreamStderr, "err1"},
		{StreamStdout, "two"},
		{StreamStdout, ""},
		{StreamStderr, "no newline at end"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines = %q\nwant %q", got, want)
	}
	raw, _ := os.ReadFile(filepath.Join(s.RunDir(r), "out", "test.unit.1.log"))
	if string(raw) != "oone\neerr1\notwo\no\neno newline at end\nx\n" {
		t.Errorf("file = %q", raw)
	}
	if _, err := s.OutputWriter(r, "/nope", 1); err == nil || !strings.Contains(err.Error(), "/nope") {
		t.Errorf("unknown node: %v", err)
	}
	if _, err := s.ReadOutput(r, "/build", 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing output: %v", err)
	}
}

func TestOutputNameEscaping(t *testing.T) {
	cases := map[string]string{
		"/":          "out/%2F.1.log",
		"/build":     "out/build.1.log",
		"/a/b":       "out/a.b.1.log",
		"/a.b":       "out/a%2Eb.1.log",
		"/x y/ü":     "out/x%20y.%C3%BC.1.log",
		"/a_b-c/d%e": "out/a_b-c.d%25e.1.log",
	}
	for path, want := range cases {
		if got := OutputName(path, 1); got != want {
			t.Errorf("OutputName(%q) = %q, want %q", path, got, want)
		}
	}
	long := "/" + strings.Repeat("n", 300)
	if got := OutputName(long, 12); len(got) > 220 || got == OutputName(long+"x", 12) {
		t.Errorf("long name %q", got)
	}
}

func TestOutputLongLinesSplit(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	w, err := s.OutputWriter(r, "/build", 1)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("a", MaxOutputLine) + strings.Repeat("b", MaxOutputLine) + "tail"
	// Written in odd chunks so splits cross writes.
	for i := 0; i < len(big); i += 70000 {
		fmt.Fprint(w.Stderr(), big[i:min(i+70000, len(big))])
	}
	fmt.Fprint(w.Stderr(), "\n")
	fmt.Fprint(w.Stdout(), strings.Repeat("c", MaxOutputLine)+"\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadOutput(r, "/build", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d lines, want 4", len(got))
	}
	if got[0].Text != big[:MaxOutputLine] || got[1].Text != big[MaxOutputLine:2*MaxOutputLine] || got[2].Text != "tail" || got[2].Stream != StreamStderr {
		t.Error("long line split wrongly")
	}
	if got[3].Stream != StreamStdout || len(got[3].Text) != MaxOutputLine {
		t.Errorf("exactly-max line: %s %d", got[3].Stream, len(got[3].Text))
	}
}

func TestOutputMillionLines(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	const n = 1_000_000
	begin := time.Now()
	w, err := s.OutputWriter(r, "/test/lint", 1)
	if err != nil {
		t.Fatal(err)
	}
	out, errw := w.Stdout(), w.Stderr()
	buf := make([]byte, 0, 64)
	for i := range n {
		buf = fmt.Appendf(buf[:0], "line %d\n", i)
		dst := out
		if i%10 == 9 {
			dst = errw
		}
		if _, err := dst.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wrote := time.Since(begin)
	count, errs := 0, 0
	var first, last OutputLine
	err = s.ScanOutput(r, "/test/lint", 1, func(l OutputLine) {
		if count == 0 {
			first = l
		}
		last = l
		count++
		if l.Stream == StreamStderr {
			errs++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := s.ReadOutput(r, "/test/lint", 1)
	if err != nil || len(lines) != n {
		t.Fatalf("ReadOutput: %d lines, %v", len(lines), err)
	}
	took := time.Since(begin)
	t.Logf("1e6 lines: write %v, write+scan+read %v", wrote, took)
	if count != n || errs != n/10 {
		t.Errorf("count = %d stderr = %d", count, errs)
	}
	if first != (OutputLine{StreamStdout, "line 0"}) || last != (OutputLine{StreamStderr, "line 999999"}) {
		t.Errorf("first %v last %v", first, last)
	}
	if took > 30*time.Second {
		t.Errorf("too slow: %v", took)
	}
}

func TestOutputFollow(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan OutputLine, 100)
	done := make(chan error, 1)
	// The follower starts before the attempt's file exists.
	go func() {
		done <- s.FollowOutput(ctx, r, "/build", 1, func(l OutputLine) { got <- l })
	}()
	time.Sleep(50 * time.Millisecond)
	w, err := s.OutputWriter(r, "/build", 1)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w.Stdout(), "first\n")
	select {
	case l := <-got:
		if l != (OutputLine{StreamStdout, "first"}) {
			t.Errorf("got %v", l)
		}
	case <-ctx.Done():
		t.Fatal("live line not delivered (the writer should flush within its delay)")
	}
	fmt.Fprint(w.Stderr(), "second\n")
	fmt.Fprint(w.Stdout(), "partial")
	select {
	case err := <-done:
		t.Fatalf("follower ended before Close: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("follower did not end at Close")
	}
	close(got)
	var rest []OutputLine
	for l := range got {
		rest = append(rest, l)
	}
	want := []OutputLine{{StreamStderr, "second"}, {StreamStdout, "partial"}}
	if !reflect.DeepEqual(rest, want) {
		t.Errorf("rest = %v, want %v", rest, want)
	}

	// Following a finished attempt replays it and returns.
	var replay []OutputLine
	if err := s.FollowOutput(ctx, r, "/build", 1, func(l OutputLine) { replay = append(replay, l) }); err != nil || len(replay) != 3 {
		t.Errorf("replay = %v, %v", replay, err)
	}
	// Cancelling a follow of an attempt that never starts returns the context's error.
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	if err := s.FollowOutput(short, r, "/build", 2, func(OutputLine) {}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("follow of a missing attempt: %v", err)
	}
}

func TestOutputFollowEndsWhenWriterDies(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	// A writer killed without Close: records but no end record, and no lock holder.
	file := filepath.Join(s.RunDir(r), "out", "build.1.log")
	if err := os.WriteFile(file, []byte("oa\neb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []OutputLine
	if err := s.FollowOutput(ctx, r, "/build", 1, func(l OutputLine) { got = append(got, l) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("got %v", got)
	}
}

func TestRollupRules(t *testing.T) {
	mk := func(states map[string]State) *Run {
		r := &Run{Pipeline: "p", ID: "i", Status: RunRunning, Nodes: map[string]*NodeRun{}}
		if err := r.addNodes(storeTestTree(), 0); err != nil {
			t.Fatal(err)
		}
		for p, st := range states {
			r.Nodes[p].State = st
		}
		return r
	}
	cases := []struct {
		name       string
		states     map[string]State
		skip       []string
		suppress   string
		root, test State
	}{
		{"all pending", nil, nil, "", StatePending, StatePending},
		{"partly done is running", map[string]State{"/build": StateDone}, nil, "", StateRunning, StatePending},
		{"running wins over error", map[string]State{"/build": StateDone, "/test/unit": StateRunning, "/test/lint": StateError}, nil, "", StateRunning, StateRunning},
		{"queued", map[string]State{"/build": StateDone, "/test/unit": StateQueued}, nil, "", StateQueued, StateQueued},
		{"error with pending siblings", map[string]State{"/build": StateError}, nil, "", StateError, StatePending},
		{"error wins over killed", map[string]State{"/build": StateKilled, "/test/unit": StateError, "/test/lint": StateDone}, nil, "", StateError, StateError},
		{"killed", map[string]State{"/build": StateDone, "/test/unit": StateKilled, "/test/lint": StateDone}, nil, "", StateKilled, StateKilled},
		{"all done", map[string]State{"/build": StateDone, "/test/unit": StateDone, "/test/lint": StateDone}, nil, "", StateDone, StateDone},
		{"skipped counts as done", map[string]State{"/build": StateDone, "/test/unit": StateError, "/test/lint": StateDone}, []string{"/test/unit"}, "", StateDone, StateDone},
		{"skipped subtree", map[string]State{"/build": StateDone}, []string{"/test"}, "", StateDone, StatePending},
		{"suppressed errors", map[string]State{"/build": StateDone, "/test/unit": StateError, "/test/lint": StateKilled}, nil, "/test", StateDone, StateDone},
		{"suppression is per parent", map[string]State{"/build": StateError, "/test/unit": StateDone, "/test/lint": StateDone}, nil, "/test", StateError, StateDone},
	}
	for _, c := range cases {
		r := mk(c.states)
		for _, p := range c.skip {
			if err := r.SetSkipped(p, true); err != nil {
				t.Fatal(err)
			}
		}
		var sup func(string) bool
		if c.suppress != "" {
			sup = func(p string) bool { return p == c.suppress }
		}
		got := Rollup(r, sup)
		if got["/"].State != c.root || got["/test"].State != c.test {
			t.Errorf("%s: root %s test %s, want %s %s", c.name, got["/"].State, got["/test"].State, c.root, c.test)
		}
	}
	// In an ended run nothing is underway: a group with done and pending children is pending.
	ended := mk(map[string]State{"/build": StateDone})
	ended.Status = RunError
	if got := Rollup(ended, nil)["/"].State; got != StatePending {
		t.Errorf("ended run, partly done: root %s, want pending", got)
	}
	// Counts are leaves per state, skipped folded in; a leaf counts itself.
	r := mk(map[string]State{"/build": StateDone, "/test/unit": StateError})
	_ = r.SetSkipped("/test/unit", true)
	got := Rollup(r, nil)
	if !reflect.DeepEqual(got["/"].Counts, map[State]int{StateDone: 1, StateError: 1, StatePending: 1}) {
		t.Errorf("root counts %v", got["/"].Counts)
	}
	if !reflect.DeepEqual(got["/test"].Counts, map[State]int{StateError: 1, StatePending: 1}) {
		t.Errorf("test counts %v", got["/test"].Counts)
	}
	if !got["/test/unit"].Skipped || got["/test"].Skipped || got["/test"].State != StatePending {
		t.Errorf("skip flags: %+v %+v", got["/test/unit"], got["/test"])
	}
	if !reflect.DeepEqual(r.Counts(), got["/"].Counts) {
		t.Errorf("Run.Counts %v", r.Counts())
	}
}

func TestAttemptHistoryOnRerun(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	a1, err := r.NewAttempt("/test/unit", "")
	if err != nil {
		t.Fatal(err)
	}
	a1.State, a1.ExitCode = StateError, 1
	r.Nodes["/test/unit"].State = StateError
	// Modify: the live command changes for this run only, then reset reruns it.
	r.Nodes["/test/unit"].Command = "go test -run X ./..."
	a2, err := r.NewAttempt("/test/unit", "")
	if err != nil {
		t.Fatal(err)
	}
	a2.Reason = "retry 2 of 3"
	n := r.Nodes["/test/unit"]
	if len(n.Attempts) != 2 || n.Attempts[0].N != 1 || n.Attempts[0].State != StateError || n.Attempts[0].Command != "go test ./..." {
		t.Errorf("history lost: %+v", n.Attempts)
	}
	if n.Attempts[1].N != 2 || n.Attempts[1].Command != "go test -run X ./..." || n.Attempts[1].Output != "out/test.unit.2.log" || n.State != StatePending {
		t.Errorf("new attempt %+v node %s", n.Attempts[1], n.State)
	}
	a3, _ := r.NewAttempt("/test/unit", "echo hi")
	if a3.Command != "echo hi" || n.LastAttempt().N != 3 {
		t.Errorf("explicit command: %+v", a3)
	}
	if _, err := r.NewAttempt("/nope", ""); err == nil || !strings.Contains(err.Error(), "/nope") {
		t.Errorf("unknown node: %v", err)
	}
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("ci", r.ID)
	if err != nil || len(got.Nodes["/test/unit"].Attempts) != 3 || got.Nodes["/test/unit"].Attempts[1].Reason != "retry 2 of 3" {
		t.Errorf("history after reload: %v", err)
	}
	// Definition untouched by modify.
	if string(got.Definition) != "root: serial\n" {
		t.Errorf("definition %q", got.Definition)
	}
}

func TestRunSkipSubtree(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	if err := r.SetSkipped("/test", true); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"/": false, "/build": false, "/test": true, "/test/unit": true, "/test/lint": true} {
		if r.Nodes[p].Skipped != want {
			t.Errorf("%s skipped = %v", p, r.Nodes[p].Skipped)
		}
	}
	if err := r.SetSkipped("/test/unit", false); err != nil {
		t.Fatal(err)
	}
	if r.Nodes["/test/unit"].Skipped || !r.Nodes["/test/lint"].Skipped {
		t.Error("unskip of one child")
	}
	if err := r.SetSkipped("/", true); err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Order {
		if !r.Nodes[p].Skipped {
			t.Errorf("%s not skipped with the root", p)
		}
	}
	if err := r.SetSkipped("/te", true); err == nil {
		t.Error("unknown node accepted")
	}
}

func TestRunGraftLazySubtree(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	err := r.Graft("/test", []NodeRun{{Path: "/test/gen", Kind: "parallel"}, {Path: "/test/gen/a", Kind: "exec"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/build", "/test", "/test/unit", "/test/lint", "/test/gen", "/test/gen/a"}
	if !reflect.DeepEqual(r.Order, want) {
		t.Errorf("order %v", r.Order)
	}
	if err := r.Graft("/build", []NodeRun{{Path: "/buildx"}}); err == nil {
		t.Error("node outside the parent grafted")
	}
	if err := r.Graft("/", []NodeRun{{Path: "/build"}}); err == nil {
		t.Error("duplicate grafted")
	}
	if err := r.Graft("/build", []NodeRun{{Path: "/build/x"}}); err != nil {
		t.Fatal(err)
	}
	if r.Order[2] != "/build/x" || Rollup(r, nil)["/build"].State != StatePending {
		t.Errorf("order %v", r.Order)
	}
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("ci", r.ID)
	if err != nil || len(got.Order) != 8 || got.Nodes["/test/gen/a"] == nil {
		t.Errorf("grafted nodes not saved: %v", err)
	}
}

// TestOutputFollowNeedsNotifier: a store without a notifier cannot follow (it owns no file
// watcher), and says so rather than polling.
func TestOutputFollowNeedsNotifier(t *testing.T) {
	s := newTestStore(t)
	r := newTestRun(t, s)
	s.Notifier = nil
	err := s.FollowOutput(context.Background(), r, "/build", 1, func(OutputLine) {})
	if err == nil || !strings.Contains(err.Error(), "no notifier") {
		t.Fatalf("follow without a notifier: %v", err)
	}
}

// Owner names the process that holds a run's lock, and none once it is released.
func TestStoreOwner(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	r, err := s.NewRun("ci", "ci.yml", nil, storeTestTree())
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.OpenRun(r)
	if err != nil {
		t.Fatal(err)
	}
	if pid, err := s.Owner(r); err != nil || pid != os.Getpid() {
		t.Errorf("owner while open: %d %v, want %d", pid, err, os.Getpid())
	}
	unlock()
	if pid, err := s.Owner(r); err != nil || pid != 0 {
		t.Errorf("owner after unlock: %d %v, want none", pid, err)
	}
}
