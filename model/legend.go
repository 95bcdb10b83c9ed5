package model

import (
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// stateLegend is the help screen's list of state glyphs: one vocabulary on every tab.
func stateLegend(t views.Theme) keymap.HelpSection {
	g := t.G
	return keymap.HelpSection{Title: "States", Rows: []keymap.HelpRow{
		{Keys: g.Running, Desc: "running, healthy, stable, connected"},
		{Keys: g.Partial, Desc: "starting, deploying, paused, partly up"},
		{Keys: g.Failed, Desc: "unhealthy, exited non-zero, error, failing"},
		{Keys: g.Stopped, Desc: "stopped, exited 0, not created"},
		{Keys: g.Pending, Desc: "pending, connecting"},
		{Keys: g.Unknown, Desc: "unknown: not confirmed with the engine"},
		{Keys: g.Queued, Desc: "queued for a slot"},
		{Keys: g.Done, Desc: "done"},
		{Keys: g.Skipped, Desc: "skipped"},
		{Keys: g.Killed, Desc: "killed"},
		{Keys: "≠", Desc: "drifted: the files changed, up recreates"},
	}}
}
