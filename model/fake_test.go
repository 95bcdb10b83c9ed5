package model

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
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

// newRoot builds a root over b at a size, as the Program would after its first WindowSizeMsg.
func newRoot(t *testing.T, b engine.Backend, w, h int) Root {
	t.Helper()
	r := New(Config{
		Backend: b, Workspace: "~/src/shop", Endpoint: "unix:///var/run/docker.sock",
		ServerVersion: "20.10.24", API: "1.41", Now: testNow,
	})
	t.Cleanup(func() { r.containers().Close(); r.cancel() })
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

func keyMsg(k string) tea.KeyPressMsg { return modeltest.Key(k) }

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
	c, _ := r.containers().Selected()
	return c.Name
}

// linesFor is what the selected container's stream would deliver.
func linesFor(r Root, lines ...docker.LogLine) logs.LinesMsg {
	s := r.containers().LogStream()
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
