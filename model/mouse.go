package model

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
)

// wheelStep is how many lines (or rows) one notch of the wheel scrolls.
const wheelStep = 3

// Mouse: a click selects the row under the pointer (or gives the pane the keys), the wheel
// scrolls the pane under the pointer. Coordinates are the tab's: the root takes the header off.

// pointer is a mouse event as the tabs read it: where, and what happened.
type pointer struct {
	x, y  int
	click bool // a left click
	wheel int  // -1 up, 1 down, 0 none
}

// newPointer reads a Bubble Tea mouse message; ok is false for what the tabs ignore
// (motion, release, other buttons).
func newPointer(msg tea.Msg, top int) (pointer, bool) {
	switch msg := msg.(type) {
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return pointer{}, false
		}
		return pointer{x: msg.X, y: msg.Y - top, click: true}, true
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return pointer{x: msg.X, y: msg.Y - top, wheel: -1}, true
		case tea.MouseWheelDown:
			return pointer{x: msg.X, y: msg.Y - top, wheel: 1}, true
		}
	}
	return pointer{}, false
}

// mouse applies a pointer event to a list tab: the list (its rows start under the title rule
// and the column header) or the detail beside or under it.
func (n *listNav[R]) mouse(p pointer, logs *logPane, logRows int) navResult {
	l := n.layout()
	inList := p.y >= 0 && p.y < l.ListHeight && (!l.Side || p.x < l.ListWidth)
	if !inList {
		if l.LogsHeight <= 0 || p.y < 0 {
			return navPass
		}
		if p.click {
			n.focus = focusLogs
			return navDone
		}
		a := keymap.Down
		if p.wheel < 0 {
			a = keymap.Up
		}
		for range wheelStep {
			logs.key(a, logRows)
		}
		return navDone
	}
	if p.wheel != 0 {
		n.step(p.wheel * wheelStep)
		return navMoved
	}
	i := n.top + p.y - 2 // title rule, column header
	if p.y < 2 || i < 0 || i >= len(n.rows) || !n.selectable(i) {
		return navPass
	}
	n.focus = focusList
	n.cursor = i
	n.selectCursor()
	return navMoved
}

// Mouse applies a pointer event: the logs follow a new selection.
func (m Containers) Mouse(p pointer) (Containers, tea.Cmd) {
	if m.confirm != nil || m.list.editing {
		return m, nil
	}
	if m.list.mouse(p, &m.logs, m.layout().LogLines()) == navMoved {
		return m, m.syncLogs()
	}
	return m, nil
}

// Mouse applies a pointer event: the logs follow a new selection.
func (m Pods) Mouse(p pointer) (Pods, tea.Cmd) {
	if m.prompt != nil || m.list.editing {
		return m, nil
	}
	if m.list.mouse(p, &m.logs, m.layout().LogLines()) == navMoved {
		return m, m.syncLogs()
	}
	return m, nil
}

// Mouse applies a pointer event: the logs follow a new selection.
func (m Deploys) Mouse(p pointer) (Deploys, tea.Cmd) {
	if m.confirm != nil || m.list.editing {
		return m, nil
	}
	p.y -= m.bannerLines() // the banner sits above the panes
	if m.list.mouse(p, &m.logs, m.panes().logLines()) == navMoved {
		return m, m.syncLogs()
	}
	return m, nil
}

// Mouse applies a pointer event to the Pipelines tab: the pane under the pointer gets the
// keys; a click on a list row selects it, the wheel moves the pane's cursor.
func (m Pipelines) Mouse(p pointer) (Pipelines, tea.Cmd) {
	if m.confirm || m.editing || p.y < 0 || p.y >= m.panes().height {
		return m, nil
	}
	ps := m.panes()
	switch {
	case p.x < ps.listW:
		m.focus = pipeFocusList
		if p.click {
			top := scrollTop(m.top, m.cursor, ps.height-1)
			if i := top + p.y - 1; p.y >= 1 && i < len(m.rows) {
				m.cursor = i
			}
			return m, nil
		}
	case p.y < ps.treeH:
		if m.run == nil {
			return m, nil
		}
		m.focus = pipeFocusTree
		if p.click {
			top := scrollTop(m.nodeTop, m.node, ps.treeH-1)
			if i := top + p.y - 1; p.y >= 1 && i < len(m.run.Order) {
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
		if p.click {
			return m, nil
		}
	}
	a := keymap.Down
	if p.wheel < 0 {
		a = keymap.Up
	}
	var cmd tea.Cmd
	for range wheelStep {
		m, cmd = m.move(a)
	}
	return m, cmd
}
