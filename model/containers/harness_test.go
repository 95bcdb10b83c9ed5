package containers

// The harness of the Containers tab's own tests: the tab alone, driven through common.Tab at a
// fixed size (the whole screen is the tab's area), keys as tea.KeyPressMsg, commands run
// synchronously; over the shared fake backend (modeltest) and the fixed data set below (the
// same as package model's whole-app tests).

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/model/modeltest"
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

// newFake is the shared fake backend over the fixed data set, with fixtureDetail's inspect
// and fixtureStats' samples.
func newFake() *modeltest.Containers {
	f := modeltest.NewContainers(connected(fixture()))
	f.Detail, f.StatsSamples = fixtureDetail, fixtureStats()
	return f
}

// newTab builds the tab over b at a size and puts it on screen, as the root would.
func newTab(t *testing.T, b engine.Backend, w, h int) Model {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := New(Deps{Common: common.New(ctx, views.NewTheme(false), keymap.Keymap{}, testNow), Backend: b})
	t.Cleanup(func() { m.Close(); cancel() })
	tab, _ := m.SetSize(w, h)
	tab, _ = tab.SetShown(true)
	return tab.(Model)
}

func update(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	tab, _ := m.Update(msg)
	return tab.(Model)
}

// shown puts the tab on screen or off it, as switching tabs does.
func shown(t *testing.T, m Model, on bool) Model {
	t.Helper()
	tab, _ := m.SetShown(on)
	return tab.(Model)
}

// press sends keys by their Bubble Tea names ("j", "enter", "ctrl+d", "space").
func press(t *testing.T, m Model, keys ...string) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		var tab common.Tab
		tab, cmd = m.Update(keyMsg(k))
		m = tab.(Model)
	}
	return m, cmd
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

// screen is the tab's view without colour.
func screen(m Model) string { return ansi.Strip(m.View()) }

func selectedName(m Model) string {
	c, _ := m.Selected()
	return c.Name
}

// indexOf is the line number of the first screen line containing s, or -1.
func indexOf(lines []string, s string) int {
	return slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, s) })
}

// linesFor is what the selected container's stream would deliver.
func linesFor(m Model, lines ...docker.LogLine) logs.LinesMsg {
	s := m.logs.Stream()
	return s.LinesMsg(viewLines("", lines...))
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
