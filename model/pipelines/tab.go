package pipelines

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// The Pipelines tab as the root sees it: the common.Tab interface.

var _ common.Tab = Model{}

// Update handles a message; see update.
func (m Model) Update(msg tea.Msg) (common.Tab, tea.Cmd) { return m.update(msg) }

// Title is the tab's name in the tab bar.
func (m Model) Title() string { return "Pipelines" }

// Action is the key action that selects the tab.
func (m Model) Action() keymap.Action { return keymap.TabPipelines }

// Landing: never: the Pipelines tab is shown only when picked.
func (m Model) Landing() bool { return false }

// HelpContexts are the tab's key contexts in the help screen.
func (m Model) HelpContexts() []keymap.Context {
	return []keymap.Context{keymap.CtxPipelines, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm}
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

// Split is the list/detail split the tab was last given, zoom included (read-only: the
// root's tests check every tab has the root's).
func (m Model) Split() views.Split { return m.split }

// Zoomed says the detail fills the tab.
func (m Model) Zoomed() bool { return m.split.Zoom }

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

// setSplit applies the split. Zooming in zooms on the output when a run is shown.
func (m *Model) setSplit(s views.Split) tea.Cmd {
	if s.Zoom && !m.split.Zoom && m.run != nil {
		m.focus = pipeFocusOutput
	}
	m.split = s
	m.clampTree()
	m.clampOutput()
	return nil
}

// Alerts counts the pipelines whose latest run failed, and the files that do not parse.
func (m Model) Alerts() int {
	n := 0
	for _, f := range m.files {
		if f.Err != nil {
			n++
			continue
		}
		if rs := m.runs[f.Name]; len(rs) > 0 && rs[0].Status == pipeline.RunError {
			n++
		}
	}
	return n
}

// Tasks are the runs in progress.
func (m Model) Tasks() []views.Task {
	var out []views.Task
	for _, f := range m.files {
		for _, r := range m.runs[f.Name] {
			if r.Status == pipeline.RunRunning {
				out = append(out, views.Task{What: "run " + r.Pipeline + " " + r.ID, Since: r.Created})
			}
		}
	}
	return out
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
