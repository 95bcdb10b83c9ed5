package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
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

const colGap = 2

type column struct {
	title string
	w     int
	on    bool
}

// cell is one column's text for a row, plain, with its style.
type cell struct {
	text  string
	style lipgloss.Style
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
	rowsH := height - 2
	var notes []string
	if d.Filter != "" {
		notes = append(notes, t.Prompt.Render("/")+t.Text.Render(Clean(d.Filter, 40)))
	}
	if above := d.Offset; above > 0 && rowsH > 0 {
		notes = append(notes, t.Dim.Render(fmt.Sprintf("↑%d", above)))
	}
	if below := len(d.Rows) - d.Offset - rowsH; below > 0 && rowsH > 0 {
		notes = append(notes, t.Dim.Render(fmt.Sprintf("↓%d", below)))
	}
	lines := []string{rule(t, title, strings.Join(notes, " "), width, d.Focused)}

	cells := make([][numCols]cell, len(d.Rows))
	for i, r := range d.Rows {
		cells[i] = rowCells(t, r, d.Now)
	}
	cols := fitColumns(cells, width-2)
	lines = append(lines, renderHeader(t, cols, width))

	if len(d.Rows) == 0 {
		msg := "no containers"
		switch {
		case d.Waiting:
			msg = "waiting for the engine…"
		case d.Filter != "":
			msg = fmt.Sprintf("no container matches %q (esc clears the filter)", Clean(d.Filter, 40))
		}
		lines = append(lines, "  "+t.Dim.Render(msg))
	}
	for i := d.Offset; i < len(d.Rows) && i < d.Offset+rowsH; i++ {
		if i < 0 {
			continue
		}
		lines = append(lines, renderRow(t, cells[i], cols, width, i == d.Cursor, d.Focused))
	}
	return Block(lines, width, height)
}

// rowCells computes the text of each column of a row.
func rowCells(t Theme, r TreeRow, now time.Time) [numCols]cell {
	var cs [numCols]cell
	indent := strings.Repeat("  ", r.Depth)
	switch r.Kind {
	case ProjectRow:
		st := t.Project
		if r.Project == "" {
			st = t.Dim.Bold(!t.NoColor)
		}
		cs[colName] = cell{indent + Clean(r.Label(), 200), st}
		cs[colState] = groupSummary(t, r)
	case ServiceRow:
		cs[colName] = cell{indent + Clean(r.Label(), 200), t.Service}
		cs[colState] = groupSummary(t, r)
	default:
		c := r.Container
		code := ExitCode(c)
		state := c.State
		if state == "" {
			state = "unknown"
		}
		cs[colName] = cell{indent + Clean(c.Name, 200), t.Text}
		cs[colState] = cell{t.StateGlyph(c.State, code) + " " + state, t.StateStyle(c.State, c.Health, code)}
		cs[colHealth] = cell{c.Health, t.HealthStyle(c.Health)}
		cs[colImage] = cell{Clean(c.Image, 200), t.Dim}
		cs[colPorts] = cell{Clean(PortsText(c.Ports), 200), t.Text}
		cs[colSince] = cell{Clean(Since(c, now), 60), t.Dim}
	}
	return cs
}

// groupSummary is a header's state cell: "● 2/2 up", "◐ 1/2 up", "○ 0/1 up".
func groupSummary(t Theme, r TreeRow) cell {
	g, st := t.G.Partial, t.Warn
	switch {
	case r.Up == r.Total:
		g, st = t.G.Running, t.OK
	case r.Up == 0:
		g, st = t.G.Stopped, t.Muted
	}
	return cell{fmt.Sprintf("%s %d/%d up", g, r.Up, r.Total), st}
}

// fitColumns sizes the columns to their content, then gives way until they fit avail cells:
// the image shrinks first, then the least important columns go (ports, health, image);
// names are cut last.
func fitColumns(rows [][numCols]cell, avail int) [numCols]column {
	cols := [numCols]column{
		{title: "NAME"}, {title: "STATE"}, {title: "HEALTH"},
		{title: "IMAGE"}, {title: "PORTS"}, {title: "STATUS"},
	}
	for i := range cols {
		for _, r := range rows {
			cols[i].w = max(cols[i].w, ansi.StringWidth(r[i].text))
		}
		cols[i].on = cols[i].w > 0
		if cols[i].on {
			cols[i].w = max(cols[i].w, len(cols[i].title))
		}
	}
	cols[colName].on = true
	cols[colName].w = max(cols[colName].w, len(cols[colName].title))
	total := func() int {
		sum, n := 0, 0
		for _, c := range cols {
			if c.on {
				sum += c.w
				n++
			}
		}
		return sum + colGap*max(n-1, 0)
	}
	shrink := func(i, floor int) {
		if over := total() - avail; over > 0 && cols[i].on {
			cols[i].w = max(min(floor, cols[i].w), cols[i].w-over)
		}
	}
	drop := func(i int) {
		if total() > avail {
			cols[i].on = false
		}
	}
	natural := cols
	shrink(colImage, 16)
	shrink(colPorts, 18)
	drop(colPorts) // a cut port list is useless: all or nothing
	shrink(colImage, 12)
	if total() > avail && cols[colHealth].on {
		// Health folds into the state word ("● unhealthy"), so the state column may widen.
		cols[colHealth].on = false
		for _, r := range rows {
			if h := r[colHealth].text; h != "" {
				cols[colState].w = max(cols[colState].w, ansi.StringWidth(r[colState].text)-len(stateWord(r[colState].text))+len(h))
			}
		}
	}
	shrink(colSince, 10)
	shrink(colName, 12)
	drop(colImage)
	shrink(colName, 6)
	// Give room left over (after a drop) back to what was cut, most useful first.
	for _, i := range []int{colName, colImage, colPorts, colSince} {
		if spare := avail - total(); spare > 0 && cols[i].on {
			cols[i].w = min(natural[i].w, cols[i].w+spare)
		}
	}
	return cols
}

// stateWord is the word after the glyph of a state cell.
func stateWord(s string) string {
	_, w, _ := strings.Cut(s, " ")
	return w
}

func renderHeader(t Theme, cols [numCols]column, width int) string {
	var b strings.Builder
	b.WriteString("  ")
	first := true
	for _, c := range cols {
		if !c.on {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		first = false
		b.WriteString(t.ColumnHeader.Render(Fit(c.title, c.w)))
	}
	return Fit(b.String(), width)
}

// renderRow draws one row. The selected row is a full-width bar: every cell keeps its own
// colour and takes the bar's background, so state colours stay readable on it.
func renderRow(t Theme, cs [numCols]cell, cols [numCols]column, width int, selected, focused bool) string {
	base := lipgloss.NewStyle()
	prefix := "  "
	if selected {
		base = t.Selected
		if !focused {
			base = t.SelectedBlur
		}
		prefix = t.Cursor.Render(t.G.Cursor) + base.Render(" ")
	}
	var b strings.Builder
	b.WriteString(prefix)
	first := true
	for i, c := range cols {
		if !c.on {
			continue
		}
		if !first {
			b.WriteString(base.Render(strings.Repeat(" ", colGap)))
		}
		first = false
		text, style := cs[i].text, cs[i].style
		if i == colState && !cols[colHealth].on && cs[colHealth].text != "" {
			text = strings.TrimSuffix(text, stateWord(text)) + cs[colHealth].text
			style = cs[colHealth].style
		}
		w := c.w
		text = Trunc(text, w)
		if selected {
			style = style.Inherit(base)
		}
		b.WriteString(style.Render(text))
		if pad := w - ansi.StringWidth(text); pad > 0 {
			b.WriteString(base.Render(strings.Repeat(" ", pad)))
		}
	}
	line := Trunc(b.String(), width)
	if pad := width - ansi.StringWidth(line); pad > 0 {
		line += base.Render(strings.Repeat(" ", pad))
	}
	return line
}
