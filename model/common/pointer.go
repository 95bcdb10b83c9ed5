package common

import tea "charm.land/bubbletea/v2"

// WheelStep is how many lines (or rows) one notch of the wheel scrolls.
const WheelStep = 3

// Pointer is a mouse event as the tabs read it: where (in the tab's coordinates: the root
// takes the header off), and what happened.
type Pointer struct {
	X, Y  int
	Click bool // a left click
	Wheel int  // -1 up, 1 down, 0 none
}

// NewPointer reads a Bubble Tea mouse message whose tab starts top lines down; ok is false
// for what the tabs ignore (motion, release, other buttons).
func NewPointer(msg tea.Msg, top int) (Pointer, bool) {
	switch msg := msg.(type) {
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return Pointer{}, false
		}
		return Pointer{X: msg.X, Y: msg.Y - top, Click: true}, true
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return Pointer{X: msg.X, Y: msg.Y - top, Wheel: -1}, true
		case tea.MouseWheelDown:
			return Pointer{X: msg.X, Y: msg.Y - top, Wheel: 1}, true
		}
	}
	return Pointer{}, false
}
