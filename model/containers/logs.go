package containers

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/logs"
)

// syncLogs makes the logs pane follow the selected container (logs.Pane.Sync says how).
func (m *Model) syncLogs() tea.Cmd {
	var want logs.Want
	if c, ok := m.Selected(); ok {
		want = logs.Want{Key: c.ID, Title: c.Name, Containers: []docker.Container{c}}
	}
	return m.logs.Sync(m.Ctx, m.b, want, m.snap.Status)
}
