package pods

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/views"
)

// The Pods tab as the root sees it: the common.Tab interface.

var _ common.Tab = Model{}

// Update handles a message; see update.
func (m Model) Update(msg tea.Msg) (common.Tab, tea.Cmd) { return m.update(msg) }

// Title is the tab's name in the tab bar.
func (m Model) Title() string { return "Pods" }

// Action is the key action that selects the tab.
func (m Model) Action() keymap.Action { return keymap.TabPods }

// Landing: the workspace is loading (it may have pods) or has pods.
func (m Model) Landing() bool { return m.loading || m.HasPods() }

// HelpContexts are the tab's key contexts in the help screen.
func (m Model) HelpContexts() []keymap.Context {
	return []keymap.Context{keymap.CtxPods, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxPrompt, keymap.CtxConfirm}
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
	return m, nil
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

// Target is the workspace's target, for the header.
func (m Model) Target() string {
	if m.ws == nil {
		return ""
	}
	return m.ws.Target
}

// Settles: the workspace's first load settles where the TUI lands; a reload does not.
func (m workspaceLoadedMsg) Settles() bool { return !m.reload }

// setSplit applies the split; the logs follow what is on screen.
func (m *Model) setSplit(s views.Split) tea.Cmd {
	m.list.SetSplit(s)
	return m.syncLogs()
}

// Alerts counts the pod files that do not load and the services with a failing container.
func (m Model) Alerts() int {
	n := 0
	for _, ps := range m.states {
		if ps.Pod != nil && ps.Pod.Err != nil {
			n++
			continue
		}
		for _, s := range ps.Services {
			for _, c := range s.Containers {
				if c.Failing() {
					n++
					break
				}
			}
		}
	}
	return n
}

// Tasks are the pod operations on their way.
func (m Model) Tasks() []views.Task {
	out := make([]views.Task, 0, len(m.ops))
	for _, op := range m.ops {
		out = append(out, views.Task{What: op.verb + " " + op.target, Since: op.started})
	}
	return out
}

// mouse applies a pointer event: the logs follow a new selection.
func (m Model) mouse(p common.Pointer) (Model, tea.Cmd) {
	if m.prompt != nil || m.list.Editing {
		return m, nil
	}
	if m.list.Mouse(p, &m.logs, m.layout().LogLines()) == list.Moved {
		return m, m.syncLogs()
	}
	return m, m.logs.TakeCmd() // a wheel notch up past the oldest line held reads older ones
}

// Status is the footer's message: what the last action did, or why it failed.
func (m Model) Status() views.Status { return m.status }

// ExpireStatus clears the footer's message if it is still st.
func (m Model) ExpireStatus(st views.Status) common.Tab {
	if m.status.Text == st.Text && m.status.Err == st.Err {
		m.status = views.Status{}
	}
	return m
}
