package model

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/views"
)

// The Containers tab as the root sees it: the common.Tab interface.

var _ common.Tab = Containers{}

// Update handles a message; see update.
func (m Containers) Update(msg tea.Msg) (common.Tab, tea.Cmd) { return m.update(msg) }

// Title is the tab's name in the tab bar.
func (m Containers) Title() string { return "Containers" }

// Action is the key action that selects the tab.
func (m Containers) Action() keymap.Action { return keymap.TabContainers }

// Landing: every start may land here: it is the last resort.
func (m Containers) Landing() bool { return true }

// HelpContexts are the tab's key contexts in the help screen.
func (m Containers) HelpContexts() []keymap.Context {
	return []keymap.Context{keymap.CtxContainers, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm}
}

// Do performs an action as its key would.
func (m Containers) Do(a keymap.Action) (common.Tab, tea.Cmd) { return m.do(a) }

// Mouse applies a pointer event.
func (m Containers) Mouse(p common.Pointer) (common.Tab, tea.Cmd) { return m.mouse(p) }

// SetSize gives the tab its area.
func (m Containers) SetSize(width, height int) (common.Tab, tea.Cmd) {
	m.Width, m.Height = width, height
	m.setSize(width, height)
	return m, nil
}

// SetShown tells the tab whether it is on screen.
func (m Containers) SetShown(shown bool) (common.Tab, tea.Cmd) {
	cmd := m.setShown(shown)
	return m, cmd
}

// SetSplit gives the tab the list/detail split.
func (m Containers) SetSplit(s views.Split) (common.Tab, tea.Cmd) {
	cmd := m.setSplit(s)
	return m, cmd
}

// Zoomed says the detail fills the tab.
func (m Containers) Zoomed() bool { return m.list.Split.Zoom }

// SetTheme switches the tab's colours.
func (m Containers) SetTheme(t views.Theme) common.Tab {
	m.Theme = t
	return m
}

// SetBusy sets the footer's text of the app's background work.
func (m Containers) SetBusy(text string) common.Tab {
	m.status.Busy = text
	return m
}

// Tasks: the Containers tab has no work of its own under way (its actions are the root's
// tasks).
func (m Containers) Tasks() []views.Task { return nil }

// setSplit applies the split; the logs follow what is on screen.
func (m *Containers) setSplit(s views.Split) tea.Cmd {
	m.list.SetSplit(s)
	return m.syncLogs()
}

// Alerts counts the containers that are failing.
func (m Containers) Alerts() int {
	n := 0
	for _, c := range m.snap.Containers {
		if c.Failing() {
			n++
		}
	}
	return n
}

// mouse applies a pointer event: the logs follow a new selection.
func (m Containers) mouse(p common.Pointer) (Containers, tea.Cmd) {
	if m.confirm != nil || m.list.Editing {
		return m, nil
	}
	if m.list.Mouse(p, &m.logs, m.layout().LogLines()) == list.Moved {
		return m, m.syncLogs()
	}
	return m, nil
}
