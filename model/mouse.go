package model

import (
	"github.com/podiumdev/podium/model/list"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
)

// Mouse: a click selects the row under the pointer (or gives the pane the keys), the wheel
// scrolls the pane under the pointer. Coordinates are the tab's: the root takes the header off.

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

// mouse applies a pointer event: the logs follow a new selection.
func (m Pods) mouse(p common.Pointer) (Pods, tea.Cmd) {
	if m.prompt != nil || m.list.Editing {
		return m, nil
	}
	if m.list.Mouse(p, &m.logs, m.layout().LogLines()) == list.Moved {
		return m, m.syncLogs()
	}
	return m, nil
}

// mouse applies a pointer event: the logs follow a new selection.
func (m Deploys) mouse(p common.Pointer) (Deploys, tea.Cmd) {
	if m.confirm != nil || m.list.Editing {
		return m, nil
	}
	p.Y -= m.bannerLines() // the banner sits above the panes
	if m.list.Mouse(p, &m.logs, m.panes().logLines()) == list.Moved {
		return m, m.syncLogs()
	}
	return m, nil
}

// mouse applies a pointer event to the Pipelines tab: the pane under the pointer gets the
// keys; a click on a list row selects it, the wheel moves the pane's cursor.
func (m Pipelines) mouse(p common.Pointer) (Pipelines, tea.Cmd) {
	if m.confirm || m.editing || p.Y < 0 || p.Y >= m.panes().height {
		return m, nil
	}
	ps := m.panes()
	switch {
	case p.X < ps.listW:
		m.focus = pipeFocusList
		if p.Click {
			top := scrollTop(m.top, m.cursor, ps.height-1)
			if i := top + p.Y - 1; p.Y >= 1 && i < len(m.rows) {
				m.cursor = i
			}
			return m, nil
		}
	case p.Y < ps.treeH:
		if m.run == nil {
			return m, nil
		}
		m.focus = pipeFocusTree
		if p.Click {
			top := scrollTop(m.nodeTop, m.node, ps.treeH-1)
			if i := top + p.Y - 1; p.Y >= 1 && i < len(m.run.Order) {
				m.node = i
				m.clampTree()
				return m, m.syncOutput()
			}
			return m, nil
		}
	default:
		if m.run == nil {
			return m, nil
		}
		m.focus = pipeFocusOutput
		if p.Click {
			return m, nil
		}
	}
	a := keymap.Down
	if p.Wheel < 0 {
		a = keymap.Up
	}
	var cmd tea.Cmd
	for range common.WheelStep {
		m, cmd = m.move(a)
	}
	return m, cmd
}
