package views

import (
	"fmt"
	"time"

	"charm.land/lipgloss/v2"

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

// containersTable gives way when short: the image shrinks first and the health folds into the
// state word, then the image goes and long names lose their tails; only then the ports go,
// whole (a cut port list is useless); the status and the names are cut last.
var containersTable = tableSpec{
	titles: []string{"NAME", "STATE", "HEALTH", "IMAGE", "PORTS", "STATUS"},
	steps: []fitStep{
		{fitShrink, colImage, 16},
		{fitFold, colHealth, 0}, // health folds into the state word ("● unhealthy")
		{fitShrink, colImage, 12},
		{fitDrop, colImage, 0},
		{fitShrink, colName, 24}, // long names first give up their tails
		{fitDrop, colPorts, 0},   // all or nothing
		{fitShrink, colSince, 10},
		{fitShrink, colName, 12},
		{fitShrink, colName, 6},
	},
	giveBack: []int{colName, colImage, colPorts, colSince},
	foldFrom: colHealth, foldInto: colState,
}

// ContainerList renders the list pane: a title rule, column headers, then the tree rows from
// Offset, exactly height lines of exactly width cells. The column widths are measured from
// every row's plain text; styled cells are built only for the rows on screen.
func ContainerList(t Theme, d ListData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	up := 0
	n := 0
	m := newTableMeasure(containersTable)
	rt := rowTexts{t: &t, now: d.Now, painted: painter[cellLook]{t: &t}}
	for i := range d.Rows {
		r := &d.Rows[i]
		if r.Kind == ContainerRow {
			n++
			if r.Container.Running() {
				up++
			}
		}
		text, ends := rt.plain(r)
		m.add(text, ends[:])
	}
	title := fmt.Sprintf("Containers %d", n)
	if d.Filter != "" {
		title = fmt.Sprintf("Containers %d of %d", n, d.Total)
	}
	if n > 0 {
		title += fmt.Sprintf("%s%d up", t.G.Sep, up)
	}
	msg := "no containers"
	switch {
	case d.Waiting:
		msg = "waiting for the engine…"
	case d.Filter != "":
		msg = fmt.Sprintf("no container matches %q (esc clears the filter)", Clean(d.Filter, 40))
	}
	return tablePane{
		spec: containersTable, title: title, filter: d.Filter,
		rows: len(d.Rows), widths: m.widths(),
		cells:  func(i int) []cell { return rt.cells(&d.Rows[i]) },
		drawn:  func(i int) drawnRow { return rt.drawn(&d.Rows[i]) },
		cursor: d.Cursor, offset: d.Offset, focused: d.Focused, empty: "  " + t.Dim.Render(msg),
		marked: d.Marked,
	}.render(t, width, height)
}

// containerState is a container's state cell: "● running", "✖ exited".
func containerState(t Theme, c docker.Container) cell {
	rt := rowTexts{t: &t}
	return one(string(rt.appendState(nil, &c)), t.StateStyle(c.State, c.Health, c.FailedExitCode()))
}

// The cases of a group's summary.
const (
	sumAll = iota
	sumNone
	sumSome
)

// summaryCase says whether all, none or some of a group are up.
func summaryCase(up, total int) int {
	switch {
	case up == total:
		return sumAll
	case up == 0:
		return sumNone
	}
	return sumSome
}

// summaryGlyph and summaryStyle are how a group's summary looks in case sum.
func summaryGlyph(t *Theme, sum int) string {
	switch sum {
	case sumAll:
		return t.G.Running
	case sumNone:
		return t.G.Stopped
	}
	return t.G.Partial
}

func summaryStyle(t *Theme, sum int) lipgloss.Style {
	switch sum {
	case sumAll:
		return t.OK
	case sumNone:
		return t.Muted
	}
	return t.Warn
}

// groupSummary is a header's state cell: "● 2/2 up", "◐ 1/2 up", "○ 0/1 up".
func groupSummary(t Theme, up, total int) cell {
	sum := summaryCase(up, total)
	return one(fmt.Sprintf("%s %d/%d up", summaryGlyph(&t, sum), up, total), summaryStyle(&t, sum))
}
