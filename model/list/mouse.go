package list

import (
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
)

// Mouse applies a pointer event to a list tab: the list (its rows start under the title rule
// and the column header) or the detail beside or under it.
func (n *Nav[R]) Mouse(p common.Pointer, pane Pane, rows int) Result {
	l := n.Layout()
	inList := p.Y >= 0 && p.Y < l.ListHeight && (!l.Side || p.X < l.ListWidth)
	if !inList {
		if l.LogsHeight <= 0 || p.Y < 0 {
			return Pass
		}
		if p.Click {
			n.Focus = FocusLogs
			return Done
		}
		a := keymap.Down
		if p.Wheel < 0 {
			a = keymap.Up
		}
		for range common.WheelStep {
			pane.Scroll(a, rows)
		}
		return Done
	}
	if p.Wheel != 0 {
		n.Step(p.Wheel * common.WheelStep)
		return Moved
	}
	i := n.Top + p.Y - 2 // title rule, column header
	if p.Y < 2 || i < 0 || i >= len(n.Rows) || !n.Selectable(i) {
		return Pass
	}
	n.Focus = FocusList
	n.Cursor = i
	n.SelectCursor()
	return Moved
}
