package containers

import (
	"github.com/podiumdev/podium/model/list"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// View draws the tab: list, logs, footer, and the confirm dialog over them when one is open.
func (m Model) View() string {
	n := &m.list
	if n.Width <= 0 || n.Height <= 0 {
		return ""
	}
	l := m.layout()
	rows := views.ContainerList(m.Theme, views.ListData{
		Rows: n.Rows, Cursor: n.Cursor, Offset: n.Top,
		Focused: n.Focus == list.FocusList, Now: m.Now(), Filter: n.Filter,
		Total:   len(m.snap.Containers),
		Waiting: m.snap.Status.State == docker.Connecting && len(m.snap.Containers) == 0,
		Marked:  n.MarkedRows(),
	}, l.ListWidth, l.ListHeight)
	ld := m.logs.Data(n.Focus == list.FocusLogs)
	ld.Reserve = views.LogsTabsReserve(m.Theme, ld, m.detail.tabs.Bar())
	logs := views.LogsPane(m.Theme, ld, l.LogsWidth, l.LogsHeight)
	logs = m.detailView(logs, l.LogsWidth, l.LogsHeight, n.Focus == list.FocusLogs)
	var footer string
	if n.Editing {
		footer = views.FilterLine(m.Theme, n.Filter, m.Keys.Hints(keymap.CtxFilter), n.Width)
	} else {
		footer = views.Footer(m.Theme, m.Keys.Hints(m.Context()), m.status, n.Width)
	}
	screen := views.Body(m.Theme, l, rows, logs) + "\n" + footer
	if m.confirm != nil {
		q, detail := m.confirm.question()
		box := views.Confirm(m.Theme, q, detail, m.Keys.Hints(keymap.CtxConfirm), n.Width)
		screen = views.Overlay(screen, box, n.Width, n.Height)
	}
	return screen
}
