package model

import (
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// detailTab is one sub-tab of a tab's detail pane.
type detailTab uint8

const (
	detailLogs detailTab = iota
	detailConfig
	detailEnv
	detailStats
	detailStatus
	detailTimeline
	detailSpec
	detailOutput
	detailAttempts
	detailDiff // what up would change for a drifted pod or service (drift.go)
)

// detailTabs is a detail pane's sub-tabs, the one on screen, and how far its text is scrolled
// (the logs and output panes keep their own scrolling).
type detailTabs struct {
	tabs   []detailTab
	active int
	top    int // first line shown of a text sub-tab
}

// The sub-tabs of each tab's detail pane, in bar order.
func containerDetailTabs() detailTabs {
	return detailTabs{tabs: []detailTab{detailLogs, detailConfig, detailEnv, detailStats}}
}

func podDetailTabs() detailTabs {
	return detailTabs{tabs: []detailTab{detailLogs, detailDiff, detailConfig, detailEnv}}
}

func deployDetailTabs() detailTabs {
	return detailTabs{tabs: []detailTab{detailStatus, detailTimeline, detailSpec, detailLogs}}
}

func pipelineDetailTabs() detailTabs {
	return detailTabs{tabs: []detailTab{detailOutput, detailAttempts, detailConfig}}
}

// title is the sub-tab's name in the bar.
func (d detailTab) title() string {
	switch d {
	case detailLogs:
		return "Logs"
	case detailConfig:
		return "Config"
	case detailEnv:
		return "Env"
	case detailStats:
		return "Stats"
	case detailStatus:
		return "Status"
	case detailTimeline:
		return "Timeline"
	case detailSpec:
		return "Spec"
	case detailOutput:
		return "Output"
	case detailAttempts:
		return "Attempts"
	case detailDiff:
		return "Diff"
	}
	return "?"
}

// current is the sub-tab on screen; the zero value (a tab built without sub-tabs) is Logs.
func (d detailTabs) current() detailTab {
	if d.active < 0 || d.active >= len(d.tabs) {
		return detailLogs
	}
	return d.tabs[d.active]
}

// is says the sub-tab on screen is one of ts.
func (d detailTabs) is(ts ...detailTab) bool {
	c := d.current()
	for _, t := range ts {
		if t == c {
			return true
		}
	}
	return false
}

// step moves to the next (by 1) or previous (by -1) sub-tab, wrapping around, at its top.
func (d *detailTabs) step(by int) {
	if n := len(d.tabs); n > 0 {
		d.active = ((d.active+by)%n + n) % n
	}
	d.top = 0
}

// switchKey applies DetailNext and DetailPrev; false for any other action.
func (d *detailTabs) switchKey(a keymap.Action) bool {
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

// scrollKey scrolls a text sub-tab of n lines in a pane of rows lines; false leaves the key
// to the tab.
func (d *detailTabs) scrollKey(a keymap.Action, n, rows int) bool {
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

// logOnly says an action means something only to a log pane (follow, search, timestamps,
// wrap, save): a text sub-tab on screen takes it and does nothing, rather than have it act on
// a log nobody sees.
func logOnly(a keymap.Action) bool {
	switch a {
	case keymap.LogsFollow, keymap.Search, keymap.SearchNext, keymap.SearchPrev, keymap.OnlyMatch,
		keymap.Timestamps, keymap.Wrap, keymap.Save:
		return true
	}
	return false
}

// bar is the sub-tab bar as the view draws it.
func (d detailTabs) bar() views.DetailTabs {
	titles := make([]string, len(d.tabs))
	for i, t := range d.tabs {
		titles[i] = t.title()
	}
	return views.DetailTabs{Titles: titles, Active: d.active}
}
