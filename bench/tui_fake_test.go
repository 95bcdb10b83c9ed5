package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/model/pipelines"
)

// The TUI benchmarks draw fixed data sets: no engine is involved, so they never skip. What
// they measure is the program's own work between a message and the frame it produces.
const (
	tuiProjects   = 60  // compose projects in the container data set
	tuiContainers = 500 // containers in it, the standalone ones included
	tuiStandalone = 20
	tuiLogLines   = 200 // lines in the selected container's log pane
	pipeGroups    = 13  // parallel groups under the pipeline's serial root
	pipeGroupSize = 22  // exec nodes per group: 1 + 13 + 13×22 = 300 nodes
	pipeOutLines  = 300 // output lines of the node shown
)

// errReadOnly answers the actions no benchmark takes.
const errReadOnly = benchError("bench: the TUI benchmarks' backend is read-only")

// benchError is an error that can be a constant.
type benchError string

// tuiLoop runs the commands the model returns the way Bubble Tea does (each in its own
// goroutine, batches flattened) and hands their messages back to the benchmark, which applies
// them with Update. It stands in for tea.Program minus the terminal.
type tuiLoop struct {
	ctx  context.Context
	msgs chan tea.Msg
	m    tea.Model
}

// pipeBackend serves one pipeline file with one run of 300 nodes to the Pipelines tab.
type pipeBackend struct {
	run     *pipeline.Run
	changed chan string
}

func (e benchError) Error() string { return string(e) }

// tuiNow is the fixed clock of the TUI benchmarks, so ages render the same in every run.
func tuiNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// newTUIBackend is the shared fake backend (the model tests' own) over the 500-container data
// set, live: a benchmark's Set signals the model as docker.Index does. Its followed logs and
// the data set are let go of by Release, as the model is never quit.
func newTUIBackend() *modeltest.Containers {
	f := modeltest.NewLiveContainers(tuiSnapshot(tuiContainers))
	f.LogSource = tuiLogs
	return f
}

// tuiLogs is tuiLogLines lines of any container (fewer when opts asks for a shorter tail).
func tuiLogs(id string, opts docker.LogOptions) []docker.LogLine {
	n := tuiLogLines
	if opts.Tail > 0 {
		n = min(n, opts.Tail)
	}
	ls := make([]docker.LogLine, 0, n)
	for i := range n {
		l := docker.LogLine{Stream: docker.Stdout, Text: fmt.Sprintf("%s GET /api/v1/items/%d 200 %d.%dms", id[:8], i, i%17, i%10)}
		if i%9 == 0 {
			l = docker.LogLine{Stream: docker.Stderr, Text: fmt.Sprintf("warn: slow query on items (%d ms)", 100+i)}
		}
		ls = append(ls, l)
	}
	return ls
}

// tuiSnapshot is n containers: tuiProjects compose projects of 2 to 5 services sharing the
// same number of containers between them (1 to 4 replicas each), plus tuiStandalone standalone ones; mostly running, some exited, created,
// unhealthy or starting, with Compose's full label set as a real engine reports it.
func tuiSnapshot(n int) docker.Snapshot {
	now := tuiNow()
	services := []string{"web", "api", "worker", "db", "cache"}
	images := []string{"nginx:1.27-alpine", "ghcr.io/acme/api:2.14.1", "ghcr.io/acme/worker:2.14.1", "postgres:16-alpine", "redis:7"}
	cs := make([]docker.Container, 0, n)
	add := func(c docker.Container) {
		i := len(cs)
		c.ID = fmt.Sprintf("%016x%048x", 0x5eed0000+i, i)
		c.ImageID = fmt.Sprintf("sha256:%064x", i%37)
		c.Created = now.Add(-time.Duration(i+60) * time.Hour)
		c.StartedAt = now.Add(-time.Duration(i*7+3) * time.Minute)
		c.Networks = []string{"bridge"}
		switch {
		case i%23 == 7:
			c.State, c.ExitCode, c.FinishedAt = "exited", 137, now.Add(-time.Duration(i)*time.Minute)
		case i%31 == 11:
			c.State, c.StartedAt = "created", time.Time{}
		case i%13 == 5:
			c.State, c.Health = "running", "unhealthy"
		case i%17 == 2:
			c.State, c.Health = "running", "starting"
		default:
			c.State = "running"
		}
		cs = append(cs, c)
	}
	perProject := (n - tuiStandalone) / tuiProjects
	for p := range tuiProjects {
		project := fmt.Sprintf("app%02d", p)
		nsvc := 2 + p%4
		for k := range perProject {
			s, r := k%nsvc, k/nsvc
			svc := services[s]
			c := docker.Container{
				Name: fmt.Sprintf("%s-%s-%d", project, svc, r+1), Image: images[s],
				Command: "docker-entrypoint.sh " + svc,
				Labels: map[string]string{
					docker.LabelComposeProject:     project,
					docker.LabelComposeService:     svc,
					docker.LabelComposeNumber:      fmt.Sprint(r + 1),
					docker.LabelComposeOneoff:      "False",
					docker.LabelComposeConfigHash:  fmt.Sprintf("%064x", p*7+s),
					docker.LabelComposeImage:       "sha256:" + fmt.Sprintf("%064x", s),
					docker.LabelComposeConfigFiles: "/home/dev/src/" + project + "/compose.yml",
					docker.LabelComposeWorkingDir:  "/home/dev/src/" + project,
					docker.LabelComposeVersion:     "2.29.7",
					docker.LabelComposeDependsOn:   "db:service_started:false",
				},
			}
			if s < 2 && r == 0 {
				c.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: uint16(20000 + p*10 + s), ContainerPort: 8080, Proto: "tcp"}}
			}
			add(c)
		}
	}
	for i := 0; len(cs) < n; i++ {
		add(docker.Container{Name: fmt.Sprintf("scratch-%02d", i), Image: "busybox:latest", Command: "sleep 3600",
			Labels: map[string]string{"maintainer": "dev"}})
	}
	docker.SortContainers(cs)
	return docker.Snapshot{Containers: cs, Version: 1,
		Status: docker.Status{State: docker.Connected, Since: now.Add(-time.Hour)}}
}

// flipped is s with its i-th container's state flipped between running and exited, at the
// next version: what one `docker stop` or `docker start` does to the index.
func flipped(s docker.Snapshot, i int) docker.Snapshot {
	cs := append([]docker.Container(nil), s.Containers...)
	c := cs[i]
	if c.State == "running" {
		c.State, c.Health, c.ExitCode, c.FinishedAt = "exited", "", 137, tuiNow()
	} else {
		c.State, c.ExitCode, c.StartedAt = "running", 0, tuiNow()
	}
	cs[i] = c
	s.Containers, s.Version = cs, s.Version+1
	return s
}

// tuiConfig is the TUI as `podium` starts it with no workspace: on the Containers tab.
func tuiConfig(b engine.Backend, pb pipelines.Backend) model.Config {
	return model.Config{
		Backend: b, Pipelines: pb, Workspace: "~/src/bench", Endpoint: "unix:///var/run/docker.sock",
		ServerVersion: "20.10.24", API: "1.41", Now: tuiNow,
	}
}

// newTUILoop sizes m as the first WindowSizeMsg does and starts its Init commands.
func newTUILoop(ctx context.Context, m tea.Model, w, h int) *tuiLoop {
	l := &tuiLoop{ctx: ctx, msgs: make(chan tea.Msg, 64), m: m}
	l.update(tea.WindowSizeMsg{Width: w, Height: h})
	l.exec(m.Init())
	return l
}

// exec runs cmd off the loop, as tea.Program does, and queues its message.
func (l *tuiLoop) exec(cmd tea.Cmd) { runCmd(l.ctx, l.msgs, cmd) }

// runCmd runs cmd in a goroutine and sends its message to msgs, flattening batches. The
// goroutine holds only the channel, never the loop: a command the model leaves blocked (a log
// feed's wait, until the model's context ends) must not keep the model alive.
func runCmd(ctx context.Context, msgs chan<- tea.Msg, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				runCmd(ctx, msgs, c)
			}
			return
		}
		if msg == nil {
			return
		}
		select {
		case msgs <- msg:
		case <-ctx.Done():
		}
	}()
}

// update applies one message and starts the commands it returns.
func (l *tuiLoop) update(msg tea.Msg) {
	var cmd tea.Cmd
	l.m, cmd = l.m.Update(msg)
	l.exec(cmd)
}

// next applies the next message the commands produce; false when ctx ended first.
func (l *tuiLoop) next() bool {
	select {
	case msg := <-l.msgs:
		l.update(msg)
		return true
	case <-l.ctx.Done():
		return false
	}
}

// pending says a message is waiting.
func (l *tuiLoop) pending() bool { return len(l.msgs) > 0 }

// frame is the model's screen.
func (l *tuiLoop) frame() string { return l.m.View().Content }

// until applies messages until the frame satisfies ok; false when ctx ended first.
func (l *tuiLoop) until(ok func(frame string) bool) bool {
	for !ok(l.frame()) {
		if !l.next() {
			return false
		}
	}
	return true
}

// keyFor is a key press bound to action in ctx (or a context it falls back to), found in km
// the way a user would: the first of its keys that Bubble Tea names the same way back.
func keyFor(km keymap.Keymap, ctx keymap.Context, action keymap.Action) (tea.KeyPressMsg, error) {
	for _, c := range keymap.Chain(ctx) {
		for _, k := range km.Keys(c, action) {
			msg := modeltest.Key(k)
			if msg.String() == k && km.Resolve(ctx, k) == action {
				return msg, nil
			}
		}
	}
	return tea.KeyPressMsg{}, fmt.Errorf("keymap: no key for %s in %s", action, ctx)
}

// newPipeBackend holds a run of 300 nodes, still going: a serial root over 13
// parallel groups of 22 exec nodes, most done, some failed after a retry, some running,
// killed, pending or skipped.
func newPipeBackend() *pipeBackend {
	t0 := tuiNow().Add(-40 * time.Minute)
	r := &pipeline.Run{Pipeline: "release", ID: "20261121-112000-b3e1", File: "pipelines/release.yml",
		Created: t0, Status: pipeline.RunRunning, Nodes: map[string]*pipeline.NodeRun{}}
	add := func(n *pipeline.NodeRun) {
		r.Order = append(r.Order, n.Path)
		r.Nodes[n.Path] = n
	}
	add(&pipeline.NodeRun{Path: "/", Kind: "serial", State: pipeline.StateRunning})
	for g := range pipeGroups {
		group := fmt.Sprintf("/stage%02d", g+1)
		add(&pipeline.NodeRun{Path: group, Kind: "parallel", State: pipeline.StateDone})
		for e := range pipeGroupSize {
			k := g*pipeGroupSize + e
			start := t0.Add(time.Duration(k*5) * time.Second)
			n := &pipeline.NodeRun{Path: fmt.Sprintf("%s/step%02d", group, e+1), Kind: "exec",
				Command: fmt.Sprintf("make -C pkg/%02d test", e), Image: "golang:1.26"}
			at := pipeline.Attempt{N: 1, State: pipeline.StateDone, Start: start, End: start.Add(time.Duration(20+k%40) * time.Second)}
			switch {
			case k%29 == 3:
				n.State = pipeline.StateError
				n.Attempts = []pipeline.Attempt{{N: 1, State: pipeline.StateError, ExitCode: 1, Start: start, End: start.Add(9 * time.Second)}}
				at = pipeline.Attempt{N: 2, State: pipeline.StateError, ExitCode: 2, Start: start.Add(10 * time.Second), End: start.Add(31 * time.Second)}
			case k%37 == 5:
				n.State, at.State, at.ExitCode = pipeline.StateKilled, pipeline.StateKilled, 137
			case g >= pipeGroups-2 && e%3 == 0:
				n.State, at.State, at.End = pipeline.StateRunning, pipeline.StateRunning, time.Time{}
			case g >= pipeGroups-2:
				n.State, n.Skipped = pipeline.StatePending, e%7 == 1
				add(n)
				continue
			default:
				n.State = pipeline.StateDone
			}
			n.Attempts = append(n.Attempts, at)
			add(n)
		}
	}
	return &pipeBackend{run: r, changed: make(chan string)}
}

func (p *pipeBackend) Files() []pipelines.File {
	return []pipelines.File{{Name: "lint", Path: "pipelines/lint.yml"}, {Name: p.run.Pipeline, Path: p.run.File}}
}

func (p *pipeBackend) Runs(name string) ([]pipeline.RunSummary, error) {
	if name != p.run.Pipeline {
		return nil, nil
	}
	r := p.run
	return []pipeline.RunSummary{{Pipeline: r.Pipeline, ID: r.ID, Created: r.Created, Ended: r.Ended, Status: r.Status, Counts: r.Counts()}}, nil
}

func (p *pipeBackend) Load(name, id string) (*pipeline.Run, error) {
	if name != p.run.Pipeline || id != p.run.ID {
		return nil, fmt.Errorf("load run %s/%s: no such run in the benchmark's backend", name, id)
	}
	return p.run, nil
}

func (p *pipeBackend) Start(context.Context, string) (string, error)       { return "", errReadOnly }
func (p *pipeBackend) Rerun(context.Context, string, string, string) error { return errReadOnly }
func (p *pipeBackend) Skip(string, string, string, bool) error             { return errReadOnly }
func (p *pipeBackend) Kill(string, string) error                           { return errReadOnly }
func (p *pipeBackend) Debug(context.Context, string, string, string, bool) (tea.ExecCommand, error) {
	return nil, errReadOnly
}

// Output serves pipeOutLines lines of any attempt; every attempt has ended.
func (p *pipeBackend) Output(ctx context.Context, _, _, path string, attempt int, fn func(pipeline.OutputLine)) error {
	for i := range pipeOutLines {
		l := pipeline.OutputLine{Stream: pipeline.StreamStdout, Text: fmt.Sprintf("=== RUN   Test%s_%d (attempt %d)", strings.ReplaceAll(path, "/", "_"), i, attempt)}
		if i%25 == 24 {
			l = pipeline.OutputLine{Stream: pipeline.StreamStderr, Text: fmt.Sprintf("\x1b[31m%s: case %d: want 3 items, got 2\x1b[0m", path, i)}
		}
		fn(l)
		if ctx.Err() != nil {
			return nil
		}
	}
	return nil
}

func (p *pipeBackend) Changed() <-chan string { return p.changed }

func (p *pipeBackend) Modify(string, string, string, string, map[string]string) error {
	return errReadOnly
}
