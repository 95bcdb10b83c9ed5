package pipelines

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
)

// fakePipelines is a PipelinesBackend over fixed runs; it records every control.
type fakePipelines struct {
	mu      sync.Mutex
	files   []File
	runs    map[string]*pipeline.Run
	output  map[string][]pipeline.OutputLine // path → lines
	calls   []string
	changed chan string
}

func (f *fakePipelines) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakePipelines) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakePipelines) Files() []File { return f.files }

func (f *fakePipelines) Runs(name string) ([]pipeline.RunSummary, error) {
	var out []pipeline.RunSummary
	for _, r := range f.runs {
		if r.Pipeline == name {
			out = append(out, pipeline.RunSummary{Pipeline: name, ID: r.ID, Created: r.Created, Ended: r.Ended,
				Status: r.Status, Counts: r.Counts()})
		}
	}
	slices.SortFunc(out, func(a, b pipeline.RunSummary) int { return b.Created.Compare(a.Created) })
	return out, nil
}

func (f *fakePipelines) Load(name, id string) (*pipeline.Run, error) {
	f.record("load %s %s", name, id)
	if r, ok := f.runs[id]; ok && r.Pipeline == name {
		return r, nil
	}
	return nil, errors.New("no such run")
}

func (f *fakePipelines) Start(_ context.Context, name string) (string, error) {
	f.record("start %s", name)
	return "r-new", errors.New("no engine")
}

func (f *fakePipelines) Rerun(_ context.Context, name, id, path string) error {
	f.record("rerun %s %s %s", name, id, path)
	return nil
}

func (f *fakePipelines) Skip(name, id, path string, skipped bool) error {
	f.record("skip %s %s %s %v", name, id, path, skipped)
	return nil
}

func (f *fakePipelines) Kill(name, id string) error {
	f.record("kill %s %s", name, id)
	return nil
}

func (f *fakePipelines) Modify(name, id, path, command string, env map[string]string) error {
	f.record("modify %s %s %s command=%q env=%v", name, id, path, command, env)
	return nil
}

func (f *fakePipelines) Debug(_ context.Context, name, id, path string, live bool) (tea.ExecCommand, error) {
	f.record("debug %s %s %s live=%v", name, id, path, live)
	return nil, errors.New("no engine")
}

func (f *fakePipelines) Output(_ context.Context, name, id, path string, attempt int, fn func(pipeline.OutputLine)) error {
	for _, l := range f.output[path] {
		fn(l)
	}
	return nil
}

func (f *fakePipelines) Changed() <-chan string { return f.changed }

// ciRun is a finished run of ci: build done, the unit tests failed on their second attempt,
// lint killed, deploy pending and skipped.
func ciRun() *pipeline.Run {
	t0 := testNow().Add(-10 * time.Minute)
	at := func(n int, st pipeline.State, code int, start, secs int) pipeline.Attempt {
		s := t0.Add(time.Duration(start) * time.Second)
		return pipeline.Attempt{N: n, State: st, ExitCode: code, Start: s, End: s.Add(time.Duration(secs) * time.Second)}
	}
	nodes := []*pipeline.NodeRun{
		{Path: "/", Kind: "serial", State: pipeline.StateError},
		{Path: "/build", Kind: "exec", State: pipeline.StateDone, Attempts: []pipeline.Attempt{at(1, pipeline.StateDone, 0, 0, 95)}},
		{Path: "/test", Kind: "parallel", State: pipeline.StateError},
		{Path: "/test/unit", Kind: "exec", State: pipeline.StateError, Attempts: []pipeline.Attempt{
			at(1, pipeline.StateError, 1, 100, 20), at(2, pipeline.StateError, 2, 130, 42)}},
		{Path: "/test/lint", Kind: "exec", State: pipeline.StateKilled, Attempts: []pipeline.Attempt{at(1, pipeline.StateKilled, 137, 100, 300)}},
		{Path: "/test/e2e", Kind: "exec", State: pipeline.StateError, Attempts: []pipeline.Attempt{at(1, pipeline.StateError, 3, 100, 61)}},
		{Path: "/deploy", Kind: "exec", State: pipeline.StatePending, Skipped: true},
	}
	r := &pipeline.Run{Pipeline: "ci", ID: "20261121-1150-a1b2", Created: t0, Ended: t0.Add(7 * time.Minute),
		Status: pipeline.RunError, Nodes: map[string]*pipeline.NodeRun{}}
	for _, n := range nodes {
		r.Order = append(r.Order, n.Path)
		r.Nodes[n.Path] = n
	}
	return r
}

// nightlyRun is a run still going.
func nightlyRun() *pipeline.Run {
	t0 := testNow().Add(-2 * time.Minute)
	r := &pipeline.Run{Pipeline: "nightly", ID: "20261121-1158-c3d4", Created: t0, Status: pipeline.RunRunning,
		Order: []string{"/", "/fetch"}, Nodes: map[string]*pipeline.NodeRun{
			"/":      {Path: "/", Kind: "serial", State: pipeline.StateRunning},
			"/fetch": {Path: "/fetch", Kind: "exec", State: pipeline.StateRunning, Attempts: []pipeline.Attempt{{N: 1, State: pipeline.StateRunning, Start: t0}}},
		}}
	return r
}

func newFakePipelines() *fakePipelines {
	old := ciRun()
	old.ID, old.Status = "20261120-0900-ffff", pipeline.RunDone
	old.Created = testNow().Add(-27 * time.Hour)
	old.Ended = old.Created.Add(3 * time.Minute)
	for _, n := range old.Nodes {
		n.State, n.Skipped = pipeline.StateDone, false
		for i := range n.Attempts {
			n.Attempts[i].State = pipeline.StateDone
		}
	}
	return &fakePipelines{
		files: []File{
			{Name: "ci", Path: "pipelines/ci.yml"},
			{Name: "broken", Path: "pipelines/broken.yml", Err: errors.New("pipelines/broken.yml:3: /build: unknown key \"comand\" (did you mean command?)")},
			{Name: "nightly", Path: "pipelines/nightly.yml"},
		},
		runs: map[string]*pipeline.Run{ciRun().ID: ciRun(), old.ID: old, nightlyRun().ID: nightlyRun()},
		output: map[string][]pipeline.OutputLine{
			"/test/unit": {
				{Stream: pipeline.StreamStdout, Text: "=== RUN   TestCart"},
				{Stream: pipeline.StreamStdout, Text: "--- PASS: TestCart (0.01s)"},
				{Stream: pipeline.StreamStderr, Text: "\x1b[31mcart_test.go:42: want 3 items, got 2\x1b[0m"},
				{Stream: pipeline.StreamStdout, Text: "FAIL"},
			},
		},
		changed: make(chan string, 8),
	}
}

func newPipelinesRoot(t *testing.T, pb Backend, w, h int) Root {
	t.Helper()
	cfg := Config{Backend: newFake(), Workspace: "~/src/shop", Endpoint: "unix:///var/run/docker.sock",
		ServerVersion: "20.10.24", API: "1.41", Now: testNow}
	if pb != nil {
		cfg.Pipelines = pb
	}
	r := New(cfg)
	t.Cleanup(func() { r.containers().Close(); r.pipelines().Close(); r.cancel() })
	r = update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
	r, _ = press(t, r, "3")
	return r
}

// run runs a command and feeds its messages back (batches included), up to depth levels.
func runPipeCmd(t *testing.T, r Root, cmd tea.Cmd) Root {
	t.Helper()
	if cmd == nil {
		return r
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c != nil {
				r = runPipeCmd(t, r, c)
			}
		}
		return r
	}
	if msg == nil {
		return r
	}
	if _, ok := msg.(pipelineRunChangedMsg); ok {
		return update(t, r, msg)
	}
	m, next := r.Update(msg)
	r = m.(Root)
	if _, ok := msg.(pipelineOutputMsg); ok {
		return runPipeCmd(t, r, next)
	}
	return r
}

// openCI shows ci's newest run.
func openCI(t *testing.T, r Root) Root {
	t.Helper()
	r, cmd := press(t, r, "j", "enter")
	return runPipeCmd(t, r, cmd)
}

func TestPipelinesRows(t *testing.T) {
	r := newPipelinesRoot(t, newFakePipelines(), 120, 40)
	var got []string
	for _, row := range r.pipelines().rows {
		got = append(got, rowKey(row))
	}
	want := []string{"ci", "ci/20261121-1150-a1b2", "ci/20261120-0900-ffff", "broken", "nightly", "nightly/20261121-1158-c3d4"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	s := screen(r)
	for _, w := range []string{"20261121-1150-a1b2 ✖ error 10m ago 7m", "20261120-0900-ffff ✓ done 27h ago 3m",
		"broken ✖ pipelines/broken.yml:3", "20261121-1158-c3d4 ● running 2m ago 2m", "[3 Pipelines]"} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
}

func TestPipelinesTree(t *testing.T) {
	r := openCI(t, newPipelinesRoot(t, newFakePipelines(), 120, 40))
	if r.pipelines().run == nil || r.pipelines().run.ID != "20261121-1150-a1b2" {
		t.Fatalf("run not shown")
	}
	s := screen(r)
	for _, w := range []string{
		"✖ ci error  1✓ 2✖ 1⊘ 1◌",
		"  ✓ build done 1m",
		"  ✖ test error  2✖ 1⊘",
		"    ✖ unit error 42s ×2 exit 2",
		"    ⊘ lint killed 5m",
		"  ↷ deploy pending, skipped",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
}

func TestPipelinesNextErrorAndOutput(t *testing.T) {
	r := openCI(t, newPipelinesRoot(t, newFakePipelines(), 120, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	if got := r.pipelines().selectedNode(); got != "/test/unit" {
		t.Fatalf("n went to %s", got)
	}
	s := screen(r)
	for _, w := range []string{"[Output]│", "─ /test/unit #2 ─", "--- PASS: TestCart", "▌ cart_test.go:42: want 3 items, got 2"} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
	if strings.Contains(s, "\x1b[31m") {
		t.Errorf("escape sequence kept")
	}
	r, _ = press(t, r, "n")
	if got := r.pipelines().selectedNode(); got != "/test/e2e" {
		t.Fatalf("second n went to %s", got)
	}
	r, _ = press(t, r, "n")
	if got := r.pipelines().selectedNode(); got != "/test/unit" {
		t.Fatalf("n does not wrap: %s", got)
	}
}

func TestPipelinesKeys(t *testing.T) {
	const id = "20261121-1150-a1b2"
	cases := []struct {
		keys []string
		want string
	}{
		{[]string{"n", "R"}, "rerun ci " + id + " /test/unit"},
		{[]string{"n", "s"}, "skip ci " + id + " /test/unit true"},
		{[]string{"G", "s"}, "skip ci " + id + " /deploy false"},
		{[]string{"n", "d"}, "debug ci " + id + " /test/unit live=false"},
		{[]string{"n", "D"}, "debug ci " + id + " /test/unit live=true"},
		{[]string{"K", "y"}, "kill ci " + id},
		{[]string{"esc", "R"}, "rerun ci " + id + " /"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.keys, ""), func(t *testing.T) {
			fp := newFakePipelines()
			r := openCI(t, newPipelinesRoot(t, fp, 120, 40))
			var cmd tea.Cmd
			for _, k := range c.keys {
				r, cmd = press(t, r, k)
				r = runPipeCmd(t, r, cmd)
			}
			if calls := fp.Calls(); !slices.Contains(calls, c.want) {
				t.Errorf("calls %q, want %q", calls, c.want)
			}
		})
	}
	t.Run("kill-no", func(t *testing.T) {
		fp := newFakePipelines()
		r := openCI(t, newPipelinesRoot(t, fp, 80, 24))
		r, _ = press(t, r, "K")
		if !strings.Contains(screen(r), "Kill run "+id+"?") {
			t.Errorf("no question:\n%s", screen(r))
		}
		r, cmd := press(t, r, "n")
		r = runPipeCmd(t, r, cmd)
		for _, c := range fp.Calls() {
			if strings.HasPrefix(c, "kill") {
				t.Errorf("killed after no: %q", fp.Calls())
			}
		}
	})
	t.Run("start", func(t *testing.T) {
		fp := newFakePipelines()
		r := newPipelinesRoot(t, fp, 80, 24)
		r, cmd := press(t, r, "enter")
		r = runPipeCmd(t, r, cmd)
		if !slices.Contains(fp.Calls(), "start ci") {
			t.Errorf("calls %q", fp.Calls())
		}
		if !strings.Contains(screen(r), "no engine") {
			t.Errorf("error not in footer:\n%s", screen(r))
		}
		// A broken file does not start.
		r, cmd = press(t, r, "j", "j", "j", "enter")
		r = runPipeCmd(t, r, cmd)
		if slices.Contains(fp.Calls(), "start broken") {
			t.Errorf("started a broken file")
		}
	})
	t.Run("filter", func(t *testing.T) {
		r := newPipelinesRoot(t, newFakePipelines(), 80, 24)
		r, _ = press(t, r, "/")
		r = typeText(t, r, "night")
		if n := len(r.pipelines().rows); n != 2 {
			t.Errorf("%d rows after filtering", n)
		}
	})
	t.Run("filter-blanks", func(t *testing.T) {
		// Blanks around the query do not count, as in the other tabs' filters.
		r := newPipelinesRoot(t, newFakePipelines(), 80, 24)
		r, _ = press(t, r, "/")
		r = typeText(t, r, "night ")
		if n := len(r.pipelines().rows); n != 2 {
			t.Errorf("%d rows after filtering with a trailing blank", n)
		}
	})
}

func TestPipelinesChangedReloads(t *testing.T) {
	fp := newFakePipelines()
	r := openCI(t, newPipelinesRoot(t, fp, 120, 40))
	next := ciRun()
	next.Nodes["/deploy"].Skipped = false
	fp.runs[next.ID] = next
	fp.changed <- next.ID
	r = runPipeCmd(t, r, r.pipelines().watch())
	if r.pipelines().run != next {
		t.Fatalf("shown run not reloaded")
	}
	if strings.Contains(screen(r), "skipped") {
		t.Errorf("stale tree:\n%s", screen(r))
	}
	// A change to another run reloads the list only.
	loads := len(fp.Calls())
	fp.changed <- "20261121-1158-c3d4"
	r = runPipeCmd(t, r, r.pipelines().watch())
	if got := fp.Calls()[loads:]; len(got) != 0 {
		t.Errorf("loaded %q for another run", got)
	}
}

func TestPipelinesNoBackend(t *testing.T) {
	r := newPipelinesRoot(t, nil, 80, 24)
	if s := screen(r); !strings.Contains(s, "No pipelines: add pipelines/<name>.yml to the workspace") {
		t.Errorf("screen:\n%s", s)
	}
}

// TestGoldenPipelinesScreens compares the Pipelines tab with testdata/TestGoldenPipelinesScreens.
// Regenerate with: go test ./model -run TestGoldenPipelinesScreens -update
func TestGoldenPipelinesScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			r := openCI(t, newPipelinesRoot(t, newFakePipelines(), sz[0], sz[1]))
			r, cmd := press(t, r, "n")
			r = runPipeCmd(t, r, cmd)
			requireGolden(t, r, sz[0], sz[1])
		})
	}
	t.Run("none-80x24", func(t *testing.T) {
		requireGolden(t, newPipelinesRoot(t, nil, 80, 24), 80, 24)
	})
}

// TestPipelinesFits draws the tab at awkward sizes: no line may be wider than the terminal.
func TestPipelinesFits(t *testing.T) {
	for _, sz := range [][2]int{{20, 6}, {40, 12}, {61, 17}, {200, 50}} {
		r := openCI(t, newPipelinesRoot(t, newFakePipelines(), sz[0], sz[1]))
		r, cmd := press(t, r, "n")
		r = runPipeCmd(t, r, cmd)
		checkFits(t, screen(r), sz[0], sz[1])
		r, _ = press(t, r, "tab", "G", "k", "K")
		checkFits(t, screen(r), sz[0], sz[1])
	}
}
