package deploys

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/views"
)

// The Deploys tab as the root sees it: the common.Tab interface.

var _ common.Tab = Model{}

// Update handles a message; see update.
func (m Model) Update(msg tea.Msg) (common.Tab, tea.Cmd) { return m.update(msg) }

// Title is the tab's name in the tab bar.
func (m Model) Title() string { return "Deploys" }

// Action is the key action that selects the tab.
func (m Model) Action() keymap.Action { return keymap.TabDeploys }

// Landing: the supervisor has services.
func (m Model) Landing() bool { return m.hasServices() }

// HelpContexts are the tab's key contexts in the help screen.
func (m Model) HelpContexts() []keymap.Context {
	return []keymap.Context{keymap.CtxDeploys, keymap.CtxDeploysTimeline, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm}
}

// Do performs an action as its key would.
func (m Model) Do(a keymap.Action) (common.Tab, tea.Cmd) { return m.do(a) }

// Mouse applies a pointer event.
func (m Model) Mouse(p common.Pointer) (common.Tab, tea.Cmd) { return m.mouse(p) }

// SetSize gives the tab its area.
func (m Model) SetSize(width, height int) (common.Tab, tea.Cmd) {
	m.Width, m.Height = width, height
	m.setSize(width, height)
	return m, m.syncLogs() // its logs run only while its pane is drawn, which depends on the size
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

// setSplit applies the split. The logs' readers run only while the pane is drawn.
func (m *Model) setSplit(s views.Split) tea.Cmd {
	m.list.SetSplit(s)
	return m.syncLogs()
}

// Alerts counts the services whose deploy failed (and is retried) or whose spec does not parse. A service in
// Unknown (not yet compared with the engine) is not ok, but not failing either: the banner
// says why, and it is not counted.
func (m Model) Alerts() int {
	n := 0
	for _, s := range m.services {
		if s.Failing() || s.SpecError != "" {
			n++
		}
	}
	return n
}

// Tasks are the deploys rolling out; none while the states are not confirmed (a deploy a gone
// or disconnected supervisor last reported is not under way here, and no spinner should turn).
func (m Model) Tasks() []views.Task {
	if !m.trusted() {
		return nil
	}
	var out []views.Task
	for _, s := range m.services {
		if s.State == supervisor.Wait || s.State == supervisor.WaitNext {
			out = append(out, views.Task{What: "deploy " + s.Name, Since: s.Since})
		}
	}
	return out
}

// mouse applies a pointer event: the logs follow a new selection.
func (m Model) mouse(p common.Pointer) (Model, tea.Cmd) {
	if m.confirm != nil || m.list.Editing {
		return m, nil
	}
	p.Y -= m.bannerLines() // the banner sits above the panes
	if m.list.Mouse(p, &m.logs, m.panes().logLines()) == list.Moved {
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
