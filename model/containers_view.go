package model

import (
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// View draws the tab: list, logs, footer, and the confirm dialog over them when one is open.
func (m Containers) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	l := m.layout()
	list := views.ContainerList(m.theme, views.ListData{
		Rows: m.rows, Cursor: m.cursor, Offset: m.offset,
		Focused: m.focus == focusList, Now: m.now(), Filter: m.filter,
		Total:   len(m.snap.Containers),
		Waiting: m.snap.Status.State == docker.Connecting && len(m.snap.Containers) == 0,
	}, l.ListWidth, l.ListHeight)
	logs := views.LogsPane(m.theme, m.logs.data(m.focus == focusLogs), l.LogsWidth, l.LogsHeight)
	var footer string
	if m.editing {
		footer = views.FilterLine(m.theme, m.filter, m.km.Hints(keymap.CtxFilter), m.width)
	} else {
		footer = views.Footer(m.theme, m.km.Hints(m.Context()), m.status, m.width)
	}
	screen := views.Body(m.theme, l, list, logs) + "\n" + footer
	if m.confirm != nil {
		q, detail := m.confirm.question()
		box := views.Confirm(m.theme, q, detail, m.km.Hints(keymap.CtxConfirm), m.width)
		screen = views.Overlay(screen, box, m.width, m.height)
	}
	return screen
}
