package containers

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/views"
)

// The Containers tab as the root sees it: the common.Tab interface.

var _ common.Tab = Model{}

// Update handles a message; see update.
func (m Model) Update(msg tea.Msg) (common.Tab, tea.Cmd) { return m.update(msg) }

// Title is the tab's name in the tab bar.
func (m Model) Title() string { return "Containers" }

// Action is the key action that selects the tab.
func (m Model) Action() keymap.Action { return keymap.TabContainers }

// Landing: every start may land here: it is the last resort.
func (m Model) Landing() bool { return true }

// HelpContexts are the tab's key contexts in the help screen.
func (m Model) HelpContexts() []keymap.Context {
	return []keymap.Context{keymap.CtxContainers, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm}
}

// Do performs an action as its key would.
func (m Model) Do(a keymap.Action) (common.Tab, tea.Cmd) { return m.do(a) }

// Mouse applies a pointer event.
func (m Model) Mouse(p common.Pointer) (common.Tab, tea.Cmd) { return m.mouse(p) }

// SetSize gives the tab its area.
func (m Model) SetSize(width, height int) (common.Tab, tea.Cmd) {
	m.Width, m.Height = width, height
	m.setSize(width, height)
	return m, nil
}

// SetShown tells the tab whether it is on screen.
func (m Model) SetShown(shown bool) (common.Tab, tea.Cmd) {
	cmd := m.setShown(shown)
	return m, cmd
}

// SetSplit gives the tab the list/detail split.
func (m Model) SetSplit(s views.Split) (common.Tab, tea.Cmd) {
	cmd := m.setSplit(s)
	return m, cmd
}

// Zoomed says the detail fills the tab.
func (m Model) Zoomed() bool { return m.list.Split.Zoom }

// SetTheme switches the tab's colours.
func (m Model) SetTheme(t views.Theme) common.Tab {
	m.Theme = t
	return m
}

// Draw draws the tab with the app's background work in its footer, on this copy: the root
// draws every frame this way, and a copy handed back through the interface would cost a heap
// copy of the whole tab per frame.
func (m Model) Draw(busy string) string {
	m.status.Busy = busy
	return m.View()
}

// Tasks: the Containers tab has no work of its own under way (its actions are the root's
// tasks).
func (m Model) Tasks() []views.Task { return nil }

// setSplit applies the split; the logs follow what is on screen.
func (m *Model) setSplit(s views.Split) tea.Cmd {
	m.list.SetSplit(s)
	return m.syncLogs()
}

// Alerts counts the containers that are failing.
func (m Model) Alerts() int {
	n := 0
	for _, c := range m.snap.Containers {
		if c.Failing() {
			n++
		}
	}
	return n
}

// mouse applies a pointer event: the logs follow a new selection.
func (m Model) mouse(p common.Pointer) (Model, tea.Cmd) {
	if m.confirm != nil || m.list.Editing {
		return m, nil
	}
	if m.list.Mouse(p, &m.logs, m.layout().LogLines()) == list.Moved {
		return m, m.syncLogs()
	}
	return m, m.logs.TakeCmd() // a wheel notch up past the oldest line held reads older ones
}

// ExpireStatus clears the footer's message if it is still st.
func (m Model) ExpireStatus(st views.Status) common.Tab {
	if m.status.Text == st.Text && m.status.Err == st.Err {
		m.status = views.Status{}
	}
	return m
}
