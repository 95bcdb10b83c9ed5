package model

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/views"
)

// The split between a tab's list and its detail, and the zoom, are the user's and the same on
// every tab: the root keeps them and hands them to each tab.

// setSplit applies the split; the logs follow what is on screen.
func (m *Containers) setSplit(s views.Split) tea.Cmd {
	m.list.setSplit(s)
	return m.syncLogs()
}

// setSplit applies the split; the logs follow what is on screen.
func (m *Pods) setSplit(s views.Split) tea.Cmd {
	m.list.setSplit(s)
	return m.syncLogs()
}

// setSplit applies the split. The logs' readers run only while the pane is drawn.
func (m *Deploys) setSplit(s views.Split) tea.Cmd {
	m.list.setSplit(s)
	return m.syncLogs()
}

// setSplit applies the split. Zooming in zooms on the output when a run is shown.
func (m *Pipelines) setSplit(s views.Split) tea.Cmd {
	if s.Zoom && !m.split.Zoom && m.run != nil {
		m.focus = pipeFocusOutput
	}
	m.split = s
	m.clampTree()
	m.clampOutput()
	return nil
}
