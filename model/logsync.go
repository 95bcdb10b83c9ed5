package model

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// syncLogs makes the logs pane follow the selected container (logPane.sync says how).
func (m *Containers) syncLogs() tea.Cmd {
	var want logWant
	if c, ok := m.Selected(); ok {
		want = logWant{key: c.ID, title: c.Name, cs: []docker.Container{c}}
	}
	return m.logs.sync(m.Ctx, m.b, want, m.snap.Status)
}
