package model

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

// testNow is the fixed clock of every model test.
func testNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

func composeLabels(project, service string) map[string]string {
	return map[string]string{docker.LabelComposeProject: project, docker.LabelComposeService: service}
}

// fixture is the fixed data set: two compose projects and two standalone containers, one of
// them unhealthy, one exited non-zero, one known only from docker's list (Status text).
func fixture() []docker.Container {
	now := testNow()
	cs := []docker.Container{
		{ID: "a1a1a1a1a1a1a1a1", Name: "shop-api-1", Image: "ghcr.io/podium/shop-api:1.4.2", State: "running", Health: "healthy",
			StartedAt: now.Add(-3 * time.Minute), Labels: composeLabels("shop", "api"),
			Ports: []docker.Port{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}},
		{ID: "d2d2d2d2d2d2d2d2", Name: "shop-db-1", Image: "postgres:16-alpine", State: "running", Health: "unhealthy",
			StartedAt: now.Add(-2 * time.Hour), Labels: composeLabels("shop", "db"),
			Ports: []docker.Port{{HostIP: "127.0.0.1", HostPort: 5432, ContainerPort: 5432, Proto: "tcp"}}},
		{ID: "e3e3e3e3e3e3e3e3", Name: "shop-worker-1", Image: "shop-worker:dev", State: "running",
			StartedAt: now.Add(-47 * time.Minute), Labels: composeLabels("shop", "worker")},
		{ID: "e4e4e4e4e4e4e4e4", Name: "shop-worker-2", Image: "shop-worker:dev", State: "running",
			StartedAt: now.Add(-12 * time.Minute), Labels: composeLabels("shop", "worker")},
		{ID: "b5b5b5b5b5b5b5b5", Name: "blog-web-1", Image: "nginx:1.27-alpine", State: "exited", ExitCode: 1,
			StartedAt: now.Add(-3 * time.Hour), FinishedAt: now.Add(-5 * time.Minute), Labels: composeLabels("blog", "web")},
		{ID: "b6b6b6b6b6b6b6b6", Name: "blog-cache-1", Image: "redis:7", State: "running", Status: "Up 2 days",
			Labels: composeLabels("blog", "cache")},
		{ID: "f7f7f7f7f7f7f7f7", Name: "registry", Image: "registry:2", State: "running",
			StartedAt: now.Add(-5 * 24 * time.Hour), Ports: []docker.Port{
				{HostIP: "0.0.0.0", HostPort: 5000, ContainerPort: 5000, Proto: "tcp"},
				{HostIP: "::", HostPort: 5000, ContainerPort: 5000, Proto: "tcp"}}},
		{ID: "f8f8f8f8f8f8f8f8", Name: "scratch", Image: "busybox:latest", State: "created",
			Created: now.Add(-time.Hour)},
	}
	docker.SortContainers(cs)
	return cs
}

func connected(cs []docker.Container) docker.Snapshot {
	return docker.Snapshot{Containers: cs, Status: docker.Status{State: docker.Connected, Since: testNow().Add(-time.Hour)}, Version: 1}
}

// fakeBackend serves a fixed snapshot and records what the model asks of it.
type fakeBackend struct {
	mu       sync.Mutex
	snap     docker.Snapshot
	logs     map[string][]docker.LogLine // canned output per container id
	calls    []string
	logCalls []string
	shellErr error
	ix       *docker.Index // an index that never runs: real subscriptions that never fire
}

func newFake() *fakeBackend {
	return &fakeBackend{
		snap: connected(fixture()),
		logs: map[string][]docker.LogLine{},
		ix:   docker.NewIndex(nil, docker.IndexOptions{}),
	}
}

func (f *fakeBackend) Snapshot() docker.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

func (f *fakeBackend) Subscribe() *docker.Subscription { return f.ix.Subscribe() }

func (f *fakeBackend) Logs(ctx context.Context, id string, opts docker.LogOptions, sink func(docker.LogLine)) error {
	f.mu.Lock()
	f.logCalls = append(f.logCalls, fmt.Sprintf("%s follow=%v tail=%d", id, opts.Follow, opts.Tail))
	lines := f.logs[id]
	f.mu.Unlock()
	for _, l := range lines {
		sink(l)
	}
	if opts.Follow {
		<-ctx.Done()
	}
	return nil
}

func (f *fakeBackend) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return nil
}

func (f *fakeBackend) Stop(_ context.Context, id string, _ time.Duration) error {
	return f.record("stop " + id)
}

func (f *fakeBackend) Restart(_ context.Context, id string, _ time.Duration) error {
	return f.record("restart " + id)
}

func (f *fakeBackend) Remove(_ context.Context, id string, o docker.RemoveOptions) error {
	return f.record(fmt.Sprintf("remove %s force=%v", id, o.Force))
}

func (f *fakeBackend) Shell(_ context.Context, id string) tea.ExecCommand {
	_ = f.record("shell " + id)
	return fakeExec{err: f.shellErr}
}

func (f *fakeBackend) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeExec is a shell that exits at once.
type fakeExec struct{ err error }

func (x fakeExec) Run() error        { return x.err }
func (fakeExec) SetStdin(io.Reader)  {}
func (fakeExec) SetStdout(io.Writer) {}
func (fakeExec) SetStderr(io.Writer) {}

// newRoot builds a root over b at a size, as the Program would after its first WindowSizeMsg.
func newRoot(t *testing.T, b Backend, w, h int) Root {
	t.Helper()
	r := New(Config{
		Backend: b, Workspace: "~/src/shop", Endpoint: "unix:///var/run/docker.sock",
		ServerVersion: "20.10.24", API: "1.41", Now: testNow,
	})
	t.Cleanup(func() { r.containers.Close(); r.cancel() })
	return update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
}

func update(t *testing.T, r Root, msg tea.Msg) Root {
	t.Helper()
	m, _ := r.Update(msg)
	return m.(Root)
}

// press sends keys by their Bubble Tea names ("j", "enter", "ctrl+d", "space").
func press(t *testing.T, r Root, keys ...string) (Root, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		var m tea.Model
		m, cmd = r.Update(keyMsg(k))
		r = m.(Root)
	}
	return r, cmd
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func typeText(t *testing.T, r Root, s string) Root {
	t.Helper()
	for _, c := range s {
		r, _ = press(t, r, string(c))
	}
	return r
}

// screen is the root's view without colour.
func screen(r Root) string { return ansi.Strip(r.View().Content) }

func selectedName(r Root) string {
	c, _ := r.containers.Selected()
	return c.Name
}

// linesFor is what the selected container's stream would deliver.
func linesFor(r Root, lines ...docker.LogLine) logLinesMsg {
	s := r.containers.logs.stream
	return logLinesMsg{key: s.key, gen: s.gen, lines: viewLines("", lines...)}
}

// viewLines marks container output with the name of the container that wrote it ("" for none).
func viewLines(from string, lines ...docker.LogLine) []views.LogLine {
	out := make([]views.LogLine, len(lines))
	for i, l := range lines {
		out[i] = views.LogLine{LogLine: l, From: from}
	}
	return out
}

// runCmd runs a command that does not block and returns its message.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(2 * time.Second):
		t.Fatal("command blocked")
	}
	return nil
}
