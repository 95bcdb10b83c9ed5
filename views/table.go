package views

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The list tables (Containers, Pods, Deploys) share this machinery: rows of cells under titled
// columns, sized to their content, giving way by a plan when the width is short, with the
// selected row drawn as a full-width bar, in a pane with a title rule.

const colGap = 2

// span is a run of text in one style.
type span struct {
	text  string
	style lipgloss.Style
}

// cell is one column's content for a row: plain text in one or more styles.
type cell []span

// one is a cell of a single style; empty text is an empty cell.
func one(text string, style lipgloss.Style) cell {
	if text == "" {
		return nil
	}
	return cell{{text, style}}
}

// plain is the cell's text without styles.
func (c cell) plain() string {
	if len(c) == 1 {
		return c[0].text
	}
	var b strings.Builder
	for _, s := range c {
		b.WriteString(s.text)
	}
	return b.String()
}

func (c cell) width() int { return textWidth(c.plain()) }

// restyle gives every span of c the style st (a dimmed row).
func (c cell) restyle(st lipgloss.Style) cell {
	out := make(cell, len(c))
	for i, s := range c {
		out[i] = span{s.text, st}
	}
	return out
}

type column struct {
	title string
	w     int
	on    bool
}

// fitOp is one way a column gives way.
type fitOp uint8

const (
	fitShrink fitOp = iota // down to floor cells, by as much as is needed
	fitDrop                // off, if still needed
	fitFold                // off, its text replacing the state word of tableSpec.foldInto
)

type fitStep struct {
	op    fitOp
	col   int
	floor int
}

// tableSpec describes a table: its column titles (the first, the name, is always on), the
// order in which columns give way, which get room back after a drop, and which column folds
// into which ("● running" becomes "● unhealthy" when the health column goes).
type tableSpec struct {
	titles             []string
	steps              []fitStep
	giveBack           []int
	foldFrom, foldInto int // -1 for none
}

// fitColumns sizes the columns to their content (nat, measured from every row), then applies
// the spec's steps until they fit avail cells.
func fitColumns(spec tableSpec, nat tableWidths, avail int) []column {
	cols := make([]column, len(spec.titles))
	for i := range cols {
		cols[i].title = spec.titles[i]
		cols[i].w = nat.cols[i]
		cols[i].on = cols[i].w > 0
		if cols[i].on {
			cols[i].w = max(cols[i].w, ansi.StringWidth(cols[i].title))
		}
	}
	cols[0].on = true
	cols[0].w = max(cols[0].w, ansi.StringWidth(cols[0].title))
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
	natural := append([]column(nil), cols...)
	for _, s := range spec.steps {
		over := total() - avail
		if over <= 0 || !cols[s.col].on {
			continue
		}
		switch s.op {
		case fitShrink:
			cols[s.col].w = max(min(s.floor, cols[s.col].w), cols[s.col].w-over)
		case fitDrop:
			cols[s.col].on = false
		case fitFold:
			cols[s.col].on = false
			cols[spec.foldInto].w = max(cols[spec.foldInto].w, nat.fold)
		}
	}
	// Give room left over (after a drop) back to what was cut, most useful first.
	for _, i := range spec.giveBack {
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

func renderHeader(t Theme, cols []column, width int) string {
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

// scrollNotes are the "↑3 ↓6" marks of a list scrolled by offset, with rows shown of total.
func scrollNotes(t Theme, offset, rows, total int) []string {
	var notes []string
	if offset > 0 && rows > 0 {
		notes = append(notes, t.Dim.Render(fmt.Sprintf("↑%d", offset)))
	}
	if below := total - offset - rows; below > 0 && rows > 0 {
		notes = append(notes, t.Dim.Render(fmt.Sprintf("↓%d", below)))
	}
	return notes
}

// tablePane is a list pane: a title rule (with the filter and the scroll marks as its note),
// the column header, then the rows from offset, or a line saying why there are none. The
// widths come from every row; cells are built only for the rows on screen.
type tablePane struct {
	spec   tableSpec
	title  string
	filter string // the active filter, "" for none
	rows   int    // how many rows the table has
	widths tableWidths
	cells  func(i int) []cell // row i's cells
	// drawn, optional, is row i drawn in advance; cells is then called only for a row that
	// needs more.
	drawn   func(i int) drawnRow
	cursor  int // index of the selected row; -1 for none
	offset  int // first row shown
	focused bool
	empty   string // the line shown when there are no rows, styled
	marked  []bool // parallel to the rows: those marked for a bulk action
}

// render draws the pane in exactly height lines of exactly width cells.
func (p tablePane) render(t Theme, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	rowsH := height - 2
	var notes []string
	if p.filter != "" {
		notes = append(notes, t.Prompt.Render("/")+t.Text.Render(Clean(p.filter, 40)))
	}
	notes = append(notes, scrollNotes(t, p.offset, rowsH, p.rows)...)
	title := p.title
	if n := marks(p.marked); n > 0 {
		title += fmt.Sprintf("%s%d marked", t.G.Sep, n)
	}
	lines := []string{rule(t, title, strings.Join(notes, " "), width, p.focused)}
	cols := fitColumns(p.spec, p.widths, width-2)
	lines = append(lines, renderHeader(t, cols, width))
	if p.rows == 0 {
		lines = append(lines, p.empty)
	}
	for i := p.offset; i < p.rows && i < p.offset+rowsH; i++ {
		if i < 0 {
			continue
		}
		marked := i < len(p.marked) && p.marked[i]
		var dr drawnRow
		if p.drawn != nil {
			dr = p.drawn(i)
		}
		var cs []cell
		if !dr.enough(p.spec, cols, i == p.cursor) {
			cs = p.cells(i)
		}
		lines = append(lines, listRow(&t, p.spec, cs, dr, cols, width, i == p.cursor, p.focused, marked))
	}
	return Block(lines, width, height)
}

// marks counts the marked rows.
func marks(marked []bool) int {
	n := 0
	for _, m := range marked {
		if m {
			n++
		}
	}
	return n
}
