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

// The fixed data set and clock are modeltest's, shared with the other tests.
func testNow() time.Time                                      { return modeltest.Now() }
func fixture() []docker.Container                             { return modeltest.Fixture() }
func connected(cs []docker.Container) docker.Snapshot         { return modeltest.Connected(cs) }
func newFake() *modeltest.Containers                          { return modeltest.NewFixture() }
func fixtureDetail(c docker.Container) docker.ContainerDetail { return modeltest.FixtureDetail(c) }
func fixtureStats() []docker.Stats                            { return modeltest.FixtureStats() }
func composeLabels(project, service string) map[string]string {
	return modeltest.ComposeLabels(project, service)
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

func keyMsg(k string) tea.KeyPressMsg { return modeltest.Key(k) }

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

// runCmd runs a command that should not block and returns its message.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg { t.Helper(); return modeltest.RunCmd(t, cmd) }
