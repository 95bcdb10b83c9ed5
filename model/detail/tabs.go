// Package detail is the detail pane's sub-tabs (Logs, Config, Env, …) that every list tab
// shows below its list: which ones a tab has, the one on screen, and how far its text is
// scrolled.
package detail

import (
	"slices"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// Tab is one sub-tab of a tab's detail pane.
type Tab uint8

const (
	Logs Tab = iota
	Config
	Env
	Stats
	Status
	Timeline
	Spec
	Output
	Attempts
	Diff // what up would change for a drifted pod or service (the Pods tab's drift)
)

// Tabs is a detail pane's sub-tabs, the one on screen, and how far its text is scrolled
// (the logs and output panes keep their own scrolling).
type Tabs struct {
	tabs   []Tab
	active int
	top    int // first line shown of a text sub-tab
}

// New is a detail pane with the sub-tabs ts, in bar order, the first on screen.
func New(ts ...Tab) Tabs { return Tabs{tabs: ts} }

// Title is the sub-tab's name in the bar.
func (d Tab) Title() string {
	switch d {
	case Logs:
		return "Logs"
	case Config:
		return "Config"
	case Env:
		return "Env"
	case Stats:
		return "Stats"
	case Status:
		return "Status"
	case Timeline:
		return "Timeline"
	case Spec:
		return "Spec"
	case Output:
		return "Output"
	case Attempts:
		return "Attempts"
	case Diff:
		return "Diff"
	}
	return "?"
}

// Current is the sub-tab on screen; the zero value (a tab built without sub-tabs) is Logs.
func (d Tabs) Current() Tab {
	if d.active < 0 || d.active >= len(d.tabs) {
		return Logs
	}
	return d.tabs[d.active]
}

// Is says the sub-tab on screen is one of ts.
func (d Tabs) Is(ts ...Tab) bool {
	c := d.Current()
	for _, t := range ts {
		if t == c {
			return true
		}
	}
	return false
}

// step moves to the next (by 1) or previous (by -1) sub-tab, wrapping around, at its top.
func (d *Tabs) step(by int) {
	if n := len(d.tabs); n > 0 {
		d.active = ((d.active+by)%n + n) % n
	}
	d.top = 0
}

// SwitchKey applies DetailNext and DetailPrev; false for any other action.
func (d *Tabs) SwitchKey(a keymap.Action) bool {
	switch a {
	case keymap.DetailNext:
		d.step(1)
	case keymap.DetailPrev:
		d.step(-1)
	default:
		return false
	}
	return true
}

// ScrollKey scrolls a text sub-tab of n lines in a pane of rows lines; false leaves the key
// to the tab.
func (d *Tabs) ScrollKey(a keymap.Action, n, rows int) bool {
	page := max(rows-1, 1)
	start := views.DetailStart(n, rows, d.top)
	switch a {
	case keymap.Up:
		start--
	case keymap.Down:
		start++
	case keymap.PageUp:
		start -= page
	case keymap.PageDown:
		start += page
	case keymap.Top:
		start = 0
	case keymap.Bottom:
		start = n
	default:
		return false
	}
	d.top = views.DetailStart(n, rows, start)
	return true
}

// LogOnly says an action means something only to a log pane (follow, search, timestamps,
// wrap, save): a text sub-tab on screen takes it and does nothing, rather than have it act on
// a log nobody sees.
func LogOnly(a keymap.Action) bool {
	switch a {
	case keymap.LogsFollow, keymap.Search, keymap.SearchNext, keymap.SearchPrev, keymap.OnlyMatch,
		keymap.Timestamps, keymap.Wrap, keymap.Save:
		return true
	}
	return false
}

// Bar is the sub-tab bar as the view draws it.
func (d Tabs) Bar() views.DetailTabs {
	titles := make([]string, len(d.tabs))
	for i, t := range d.tabs {
		titles[i] = t.Title()
	}
	return views.DetailTabs{Titles: titles, Active: d.active}
}

// Top is the first line shown of a text sub-tab.
func (d Tabs) Top() int { return d.top }

// Len is how many sub-tabs the pane has.
func (d Tabs) Len() int { return len(d.tabs) }

// Show puts t on screen, at its top; false when the pane has no such sub-tab.
func (d *Tabs) Show(t Tab) bool {
	i := slices.Index(d.tabs, t)
	if i < 0 {
		return false
	}
	d.active, d.top = i, 0
	return true
}
