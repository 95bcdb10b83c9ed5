package pipelines

import (
	"context"
	"strings"
	"testing"

	"github.com/podiumdev/podium/model/modeltest"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/pipelines/pipelinestest"
	"github.com/podiumdev/podium/views"
)

// The tab's tests drive the tab alone, through common.Tab, at a fixed size, as the root
// would: keys as tea.KeyPressMsg, commands run synchronously.

// fake is the fixture backend (pipelinestest) as this package's Backend.
type fake struct{ *pipelinestest.Fake }

func (f fake) Files() []File {
	var out []File
	for _, x := range f.ListFiles() {
		out = append(out, File{Name: x.Name, Path: x.Path, Err: x.Err})
	}
	return out
}

func newFakePipelines() fake   { return fake{pipelinestest.New()} }
func newDetailPipelines() fake { return fake{pipelinestest.NewDetail()} }
func ciRun() *pipeline.Run     { return pipelinestest.CIRun() }

// newTab is the tab on backend pb (nil for none) in a w×h terminal: the root's header takes
// two lines of it.
func newTab(t *testing.T, pb Backend, w, h int) Model {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := New(Deps{Common: common.New(ctx, views.NewTheme(false), keymap.Keymap{}, pipelinestest.Now), Pipelines: pb})
	t.Cleanup(func() { m.Close(); cancel() })
	tab, _ := m.SetSize(w, max(h-2, 0))
	return tab.(Model)
}

// update hands the tab a message.
func update(t *testing.T, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	tab, cmd := m.Update(msg)
	return tab.(Model), cmd
}

// press sends keys by their Bubble Tea names ("j", "enter", "esc", "tab").
func press(t *testing.T, m Model, keys ...string) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = update(t, m, keyMsg(k))
	}
	return m, cmd
}

func keyMsg(k string) tea.KeyPressMsg { return modeltest.Key(k) }

func typeText(t *testing.T, m Model, s string) Model {
	t.Helper()
	for _, c := range s {
		m, _ = press(t, m, string(c))
	}
	return m
}

// do performs an action as the command palette does.
func do(t *testing.T, m Model, a keymap.Action) (Model, tea.Cmd) {
	t.Helper()
	tab, cmd := m.Do(a)
	return tab.(Model), cmd
}

// screen is the tab's view without colour.
func screen(m Model) string { return ansi.Strip(m.View()) }

// runPipeCmd runs a command and feeds its messages back (batches included); the output read
// is followed to its end.
func runPipeCmd(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c != nil {
				m = runPipeCmd(t, m, c)
			}
		}
		return m
	}
	if msg == nil {
		return m
	}
	m, next := update(t, m, msg)
	if _, ok := msg.(OutputMsg); ok {
		return runPipeCmd(t, m, next)
	}
	return m
}

// openCI shows ci's newest run.
func openCI(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := press(t, m, "j", "enter")
	return runPipeCmd(t, m, cmd)
}

// pipelinesSubTab presses ] until the lower pane shows the sub-tab title.
func pipelinesSubTab(t *testing.T, m Model, title string) Model {
	t.Helper()
	for range m.detail.tabs.Len() {
		if m.detail.tabs.Current().Title() == title {
			return m
		}
		m, _ = press(t, m, "]")
	}
	t.Fatalf("no sub-tab %s", title)
	return m
}

func indexOf(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}
