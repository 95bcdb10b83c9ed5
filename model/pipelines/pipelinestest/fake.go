// Package pipelinestest is a fake of the Pipelines tab's backend over fixed runs, for the tab's
// own tests and for the whole-Root tests of model. It does not import the tab (whose own tests
// use it), so it lists its files as File; each side gives the fake the Files method of its
// Backend in two lines.
package pipelinestest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
)

// Now is the fixtures' clock: the runs' times are ago from it.
func Now() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// File is one pipeline file of the fake workspace, as pipelines.File.
type File struct {
	Name string
	Path string
	Err  error
}

// Fake is the Pipelines backend over fixed runs, bar Files (see ListFiles); it records every
// control.
type Fake struct {
	mu      sync.Mutex
	files   []File
	runs    map[string]*pipeline.Run
	output  map[string][]pipeline.OutputLine // path → lines
	calls   []string
	changed chan string
}

func (f *Fake) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls are the controls asked so far, as "rerun ci <id> /test/unit".
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// ListFiles are the workspace's files, for the Files method of the Backend.
func (f *Fake) ListFiles() []File {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.files)
}

// SetFiles replaces the workspace's files.
func (f *Fake) SetFiles(files []File) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files = files
}

// SetOutput replaces the output of the node at path (of every run and attempt).
func (f *Fake) SetOutput(path string, lines []pipeline.OutputLine) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.output[path] = lines
}

// Run is a run of the fake by id (nil for none); changes to it are the fake's.
func (f *Fake) Run(id string) *pipeline.Run {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[id]
}

// Put adds or replaces a run.
func (f *Fake) Put(r *pipeline.Run) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs[r.ID] = r
}

// Notify says the run id was saved, on the Changed channel.
func (f *Fake) Notify(id string) { f.changed <- id }

func (f *Fake) Runs(name string) ([]pipeline.RunSummary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
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

func (f *Fake) Load(name, id string) (*pipeline.Run, error) {
	f.record("load %s %s", name, id)
	if r := f.Run(id); r != nil && r.Pipeline == name {
		return r, nil
	}
	return nil, errors.New("no such run")
}

func (f *Fake) Start(_ context.Context, name string) (string, error) {
	f.record("start %s", name)
	return "r-new", errors.New("no engine")
}

func (f *Fake) Rerun(_ context.Context, name, id, path string) error {
	f.record("rerun %s %s %s", name, id, path)
	return nil
}

func (f *Fake) Skip(name, id, path string, skipped bool) error {
	f.record("skip %s %s %s %v", name, id, path, skipped)
	return nil
}

func (f *Fake) Kill(name, id string) error {
	f.record("kill %s %s", name, id)
	return nil
}

func (f *Fake) Modify(name, id, path, command string, env map[string]string) error {
	f.record("modify %s %s %s command=%q env=%v", name, id, path, command, env)
	return nil
}

func (f *Fake) Debug(_ context.Context, name, id, path string, live bool) (tea.ExecCommand, error) {
	f.record("debug %s %s %s live=%v", name, id, path, live)
	return nil, errors.New("no engine")
}

func (f *Fake) Output(_ context.Context, name, id, path string, attempt int, fn func(pipeline.OutputLine)) error {
	f.mu.Lock()
	lines := f.output[path]
	f.mu.Unlock()
	for _, l := range lines {
		fn(l)
	}
	return nil
}

func (f *Fake) Changed() <-chan string { return f.changed }

// CIRun is a finished run of ci: build done, the unit tests failed on their second attempt,
// lint killed, deploy pending and skipped.
func CIRun() *pipeline.Run {
	t0 := Now().Add(-10 * time.Minute)
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

// NightlyRun is a run still going.
func NightlyRun() *pipeline.Run {
	t0 := Now().Add(-2 * time.Minute)
	r := &pipeline.Run{Pipeline: "nightly", ID: "20261121-1158-c3d4", Created: t0, Status: pipeline.RunRunning,
		Order: []string{"/", "/fetch"}, Nodes: map[string]*pipeline.NodeRun{
			"/":      {Path: "/", Kind: "serial", State: pipeline.StateRunning},
			"/fetch": {Path: "/fetch", Kind: "exec", State: pipeline.StateRunning, Attempts: []pipeline.Attempt{{N: 1, State: pipeline.StateRunning, Start: t0}}},
		}}
	return r
}

// New is the fixture: ci (CIRun and an older run that passed), broken (which does not parse)
// and nightly (NightlyRun); the unit tests have output.
func New() *Fake {
	old := CIRun()
	old.ID, old.Status = "20261120-0900-ffff", pipeline.RunDone
	old.Created = Now().Add(-27 * time.Hour)
	old.Ended = old.Created.Add(3 * time.Minute)
	for _, n := range old.Nodes {
		n.State, n.Skipped = pipeline.StateDone, false
		for i := range n.Attempts {
			n.Attempts[i].State = pipeline.StateDone
		}
	}
	return &Fake{
		files: []File{
			{Name: "ci", Path: "pipelines/ci.yml"},
			{Name: "broken", Path: "pipelines/broken.yml", Err: errors.New("pipelines/broken.yml:3: /build: unknown key \"comand\" (did you mean command?)")},
			{Name: "nightly", Path: "pipelines/nightly.yml"},
		},
		runs: map[string]*pipeline.Run{CIRun().ID: CIRun(), old.ID: old, NightlyRun().ID: NightlyRun()},
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

// CIDefinition is the file ci's newest run was started from, for the Config sub-tab.
const CIDefinition = `images:
  base:
    from: busybox:latest
image: base
env:
  CI: "1"
  DEPLOY_TOKEN: t0ps3cret
max_time: 10m
serial:
  build:
    exec: make build
    doc: Compile the app.
  test:
    parallel:
      unit:
        exec: go test ./...
        retries: 1
        max_time: 90s
        env: {DB_PASSWORD: hunter2, GOFLAGS: -count=1}
      lint: golangci-lint run
      e2e: ./e2e.sh
  deploy:
    exec: ./deploy.sh
    container_reuse: new
    skip: true
`

// NewDetail is New with ci's newest run given its file, and its unit tests' attempts their
// containers and reasons.
func NewDetail() *Fake {
	fp := New()
	run := fp.runs["20261121-1150-a1b2"]
	run.File, run.Definition = "pipelines/ci.yml", []byte(CIDefinition)
	unit := run.Nodes["/test/unit"]
	unit.Attempts[0].Container = "9c2e5f0a7b1d3c4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e"
	unit.Attempts[0].Reason = "exited 1"
	unit.Attempts[1].Container = "podium-pipe-ci-unit-2"
	unit.Attempts[1].Reason = "retry 1 of 1: exited 2"
	return fp
}
