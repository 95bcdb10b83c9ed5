package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// ListData is what the containers list shows.
type ListData struct {
	Rows    []TreeRow
	Cursor  int // index in Rows of the selected row; -1 for none
	Offset  int // first row shown
	Focused bool
	Now     time.Time
	Filter  string // the active filter, "" for none
	Total   int    // containers before filtering
	Waiting bool   // no list from the engine yet
	Marked  []bool // parallel to Rows: marked for a bulk action
}

// The columns of a container row, in screen order.
const (
	colName = iota
	colState
	colHealth
	colImage
	colPorts
	colSince
	numCols
)

// containersTable gives way when short: the image shrinks first, then the least important
// columns go (ports, health, image); names are cut last.
var containersTable = tableSpec{
	titles: []string{"NAME", "STATE", "HEALTH", "IMAGE", "PORTS", "STATUS"},
	steps: []fitStep{
		{fitShrink, colImage, 16},
		{fitShrink, colPorts, 18},
		{fitDrop, colPorts, 0}, // a cut port list is useless: all or nothing
		{fitShrink, colImage, 12},
		{fitFold, colHealth, 0}, // health folds into the state word ("● unhealthy")
		{fitShrink, colSince, 10},
		{fitShrink, colName, 12},
		{fitDrop, colImage, 0},
		{fitShrink, colName, 6},
	},
	giveBack: []int{colName, colImage, colPorts, colSince},
	foldFrom: colHealth, foldInto: colState,
}

// ContainerList renders the list pane: a title rule, column headers, then the tree rows from
// Offset, exactly height lines of exactly width cells.
func ContainerList(t Theme, d ListData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	up := 0
	n := 0
	for _, r := range d.Rows {
		if r.Kind == ContainerRow {
			n++
			if r.Container.Running() {
				up++
			}
		}
	}
	title := fmt.Sprintf("Containers %d", n)
	if d.Filter != "" {
		title = fmt.Sprintf("Containers %d of %d", n, d.Total)
	}
	if n > 0 {
		title += fmt.Sprintf("%s%d up", t.G.Sep, up)
	}
	cells := make([][]cell, len(d.Rows))
	for i, r := range d.Rows {
		cells[i] = rowCells(t, r, d.Now)
	}
	msg := "no containers"
	switch {
	case d.Waiting:
		msg = "waiting for the engine…"
	case d.Filter != "":
		msg = fmt.Sprintf("no container matches %q (esc clears the filter)", Clean(d.Filter, 40))
	}
	return tablePane{
		spec: containersTable, title: title, filter: d.Filter, cells: cells,
		cursor: d.Cursor, offset: d.Offset, focused: d.Focused, empty: "  " + t.Dim.Render(msg),
		marked: d.Marked,
	}.render(t, width, height)
}

// rowCells computes the text of each column of a row.
func rowCells(t Theme, r TreeRow, now time.Time) []cell {
	cs := make([]cell, numCols)
	indent := strings.Repeat("  ", r.Depth)
	switch r.Kind {
	case ProjectRow:
		st := t.Project
		if r.Project == "" {
			st = t.Dim.Bold(!t.NoColor)
		}
		cs[colName] = one(indent+Clean(r.Label(), 200), st)
		cs[colState] = groupSummary(t, r.Up, r.Total)
	case ServiceRow:
		cs[colName] = one(indent+Clean(r.Label(), 200), t.Service)
		cs[colState] = groupSummary(t, r.Up, r.Total)
	default:
		c := r.Container
		cs[colName] = one(indent+Clean(c.Name, 200), t.Text)
		cs[colState] = containerState(t, c)
		cs[colHealth] = one(c.Health, t.HealthStyle(c.Health))
		cs[colImage] = one(Clean(c.Image, 200), t.Dim)
		cs[colPorts] = one(Clean(PortsText(c.Ports), 200), t.Text)
		cs[colSince] = one(Clean(Since(c, now), 60), t.Dim)
	}
	return cs
}

// containerState is a container's state cell: "● running", "✖ exited".
func containerState(t Theme, c docker.Container) cell {
	code := ExitCode(c)
	state := c.State
	if state == "" {
		state = "unknown"
	}
	return one(t.StateGlyph(c.State, code)+" "+state, t.StateStyle(c.State, c.Health, code))
}

// groupSummary is a header's state cell: "● 2/2 up", "◐ 1/2 up", "○ 0/1 up".
func groupSummary(t Theme, up, total int) cell {
	g, st := t.G.Partial, t.Warn
	switch {
	case up == total:
		g, st = t.G.Running, t.OK
	case up == 0:
		g, st = t.G.Stopped, t.Muted
	}
	return one(fmt.Sprintf("%s %d/%d up", g, up, total), st)
}
