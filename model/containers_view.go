package model

import (
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// View draws the tab: list, logs, footer, and the confirm dialog over them when one is open.
func (m Containers) View() string {
	n := &m.list
	if n.width <= 0 || n.height <= 0 {
		return ""
	}
	l := m.layout()
	list := views.ContainerList(m.Theme, views.ListData{
		Rows: n.rows, Cursor: n.cursor, Offset: n.top,
		Focused: n.focus == focusList, Now: m.Now(), Filter: n.filter,
		Total:   len(m.snap.Containers),
		Waiting: m.snap.Status.State == docker.Connecting && len(m.snap.Containers) == 0,
		Marked:  n.markedRows(),
	}, l.ListWidth, l.ListHeight)
	ld := m.logs.data(n.focus == focusLogs)
	ld.Reserve = views.LogsTabsReserve(m.Theme, ld, m.detail.tabs.bar())
	logs := views.LogsPane(m.Theme, ld, l.LogsWidth, l.LogsHeight)
	logs = m.detailView(logs, l.LogsWidth, l.LogsHeight, n.focus == focusLogs)
	var footer string
	if n.editing {
		footer = views.FilterLine(m.Theme, n.filter, m.Keys.Hints(keymap.CtxFilter), n.width)
	} else {
		footer = views.Footer(m.Theme, m.Keys.Hints(m.Context()), m.status, n.width)
	}
	screen := views.Body(m.Theme, l, list, logs) + "\n" + footer
	if m.confirm != nil {
		q, detail := m.confirm.question()
		box := views.Confirm(m.Theme, q, detail, m.Keys.Hints(keymap.CtxConfirm), n.width)
		screen = views.Overlay(screen, box, n.width, n.height)
	}
	return screen
}
