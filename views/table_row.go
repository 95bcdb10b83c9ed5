package views

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Drawing a row of a table: the cells in their styles, cut or padded to their columns, the
// selected row as a bar, measured once.

// drawnRow is a row drawn in advance by a table that knows which style each cell takes, and
// draws each distinct one once (see painter): every cell's plain text, and the cell drawn as
// writeCell draws a cell of one span that fits on a row not selected. Such a table builds its
// styled cells (a lipgloss.Style each) only for a row that needs more (see enough).
type drawnRow struct {
	plain, drawn []string
}

// rowBase is a row's background: none, or the selection bar's.
type rowBase struct {
	st    lipgloss.Style
	plain bool // st is lipgloss.NewStyle(), which renders text unchanged
}

// renderRow draws one row that cannot be marked (the tables of a detail pane).
func renderRow(t Theme, spec tableSpec, cs []cell, cols []column, width int, selected, focused bool) string {
	return renderListRow(t, spec, cs, cols, width, selected, focused, false)
}

// renderListRow draws one row. The selected row is a full-width bar: every cell keeps its own
// colour and takes the bar's background, so state colours stay readable on it. The gutter has
// a cell for the cursor and one for the mark, so a marked row under the cursor shows both.
func renderListRow(t Theme, spec tableSpec, cs []cell, cols []column, width int, selected, focused, marked bool) string {
	return listRow(&t, spec, cs, drawnRow{}, cols, width, selected, focused, marked)
}

// listRow is renderListRow from the row drawn in advance (dr, see drawnRow): from dr alone when
// cs is nil (dr.enough), else from cs, taking dr's cells for those that fit. The theme comes by
// pointer: it is 16 KB, and this runs for every row on screen.
func listRow(t *Theme, spec tableSpec, cs []cell, dr drawnRow, cols []column, width int, selected, focused, marked bool) string {
	if width <= 0 {
		return ""
	}
	base := rowBase{st: lipgloss.NewStyle(), plain: true}
	cursor := " "
	if selected {
		base.st, base.plain = t.Selected, false
		if !focused {
			base.st = t.SelectedBlur
		}
		cursor = t.Cursor.Render(t.G.Cursor)
	}
	var b strings.Builder
	b.WriteString(cursor)
	if marked {
		b.WriteString(t.Key.Inherit(base.st).Render(t.G.Mark))
	} else {
		base.spaces(&b, 1)
	}
	first := true
	for i, c := range cols {
		if !c.on {
			continue
		}
		if !first {
			base.spaces(&b, colGap)
		}
		first = false
		if cs == nil {
			b.WriteString(dr.drawn[i])
			base.spaces(&b, c.w-textWidth(dr.plain[i]))
			continue
		}
		content, pre := cs[i], ""
		if i < len(dr.drawn) {
			pre = dr.drawn[i]
		}
		if f := spec.foldFrom; i == spec.foldInto && f >= 0 && !cols[f].on && len(cs[f]) > 0 {
			text := content.plain()
			content, pre = one(strings.TrimSuffix(text, stateWord(text))+cs[f].plain(), cs[f][0].style), ""
		}
		writeCell(&b, content, c.w, base, selected, pre)
	}
	// Measured once, and cut only when it is too wide.
	line := b.String()
	w := lineWidth(line)
	if w > width {
		line = ansi.Truncate(line, width, "…")
		w = lineWidth(line)
	}
	if w >= width {
		return line
	}
	b.Reset()
	b.WriteString(line)
	base.spaces(&b, width-w)
	return b.String()
}

// blanks is where spaces are cut from.
const blanks = "                                                                "

// spaces writes n spaces in the row's background. Without one they are written as they are:
// lipgloss's Render would return them unchanged, after costing more than the rest of the cell.
func (r rowBase) spaces(b *strings.Builder, n int) {
	if n <= 0 {
		return
	}
	if !r.plain {
		b.WriteString(r.st.Render(strings.Repeat(" ", n)))
		return
	}
	for ; n > len(blanks); n -= len(blanks) {
		b.WriteString(blanks)
	}
	b.WriteString(blanks[:n])
}

// renderCell draws a cell in exactly w cells: cut with an ellipsis when it does not fit,
// padded in the row's background (base) when it is short.
func renderCell(c cell, w int, base lipgloss.Style, selected bool) string {
	var b strings.Builder
	writeCell(&b, c, w, rowBase{st: base}, selected, "")
	return b.String()
}

// writeCell writes renderCell's cell to b. pre, when not empty, is the cell of one span
// already drawn in its style, which is what this would draw when the cell fits and the row is
// not selected.
func writeCell(b *strings.Builder, c cell, w int, base rowBase, selected bool, pre string) {
	fits := c.width() <= w
	if pre != "" && fits && !selected && len(c) == 1 && w > 0 {
		b.WriteString(pre)
		base.spaces(b, w-textWidth(c[0].text))
		return
	}
	used := 0
	for _, s := range c {
		room := w - used
		if room <= 0 {
			break
		}
		text, last := s.text, false
		tw := textWidth(text)
		if !fits && tw >= room {
			text, last = ansi.Truncate(text, room-1, "")+"…", true
			tw = textWidth(text)
		}
		style := s.style
		if selected {
			style = style.Inherit(base.st)
		}
		b.WriteString(style.Render(text))
		used += tw
		if last {
			break
		}
	}
	base.spaces(b, w-used)
}

// enough says whether the row drawn in advance is all it takes to draw the row: not when
// there is none, when the row is selected (its cells take the bar's background), when a cell
// is cut, or when a column is folded into another.
func (d drawnRow) enough(spec tableSpec, cols []column, selected bool) bool {
	if d.drawn == nil || selected {
		return false
	}
	for i, c := range cols {
		if !c.on {
			continue
		}
		if c.w <= 0 || textWidth(d.plain[i]) > c.w {
			return false
		}
		if f := spec.foldFrom; i == spec.foldInto && f >= 0 && !cols[f].on && d.plain[f] != "" {
			return false
		}
	}
	return true
}
