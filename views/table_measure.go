package views

import (
	"bytes"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// A table's column widths come from every row, but only the rows on screen are drawn. So the
// widths are measured from plain text, without building the styled cells of rows that are
// never drawn: with 500 containers those cells were most of a frame's time and garbage.

// tableWidths are a table's natural column widths, the widest plain text of each column over
// every row. fold is the width the fold-into column needs when the folded column's text
// replaces its state word ("● running" becomes "● unhealthy"), over the rows that have one.
type tableWidths struct {
	cols []int
	fold int
}

// tableMeasure accumulates tableWidths row by row. Printable ASCII measures by its length;
// other text is measured once per distinct text, because a table repeats a handful of them
// (every state cell starts with a glyph) and grapheme measuring is what a cell costs most.
type tableMeasure struct {
	spec tableSpec
	w    tableWidths
	memo map[string]int
	buf  []byte // scratch for addCells: a row's plain text, column after column
	ends []int  // scratch for addCells: where each column ends in buf
}

func newTableMeasure(spec tableSpec) *tableMeasure {
	return &tableMeasure{spec: spec, w: tableWidths{cols: make([]int, len(spec.titles))}}
}

// measureCells is the widths of rows already built as cells (the small tables of a detail pane).
func measureCells(spec tableSpec, rows [][]cell) tableWidths {
	m := newTableMeasure(spec)
	for _, r := range rows {
		m.addCells(r)
	}
	return m.widths()
}

func (m *tableMeasure) widths() tableWidths { return m.w }

// add measures one row: the plain text of every column back to back in text, column i ending
// at ends[i].
func (m *tableMeasure) add(text []byte, ends []int) {
	col := func(i int) []byte {
		if i == 0 {
			return text[:ends[0]]
		}
		return text[ends[i-1]:ends[i]]
	}
	for i := range m.w.cols {
		m.w.cols[i] = max(m.w.cols[i], m.width(col(i)))
	}
	if f := m.spec.foldFrom; f >= 0 {
		if h := col(f); len(h) > 0 {
			st := col(m.spec.foldInto)
			var word []byte
			if i := bytes.IndexByte(st, ' '); i >= 0 {
				word = st[i+1:]
			}
			m.w.fold = max(m.w.fold, m.width(st)-m.width(word)+m.width(h))
		}
	}
}

// addCells measures one row of cells by their plain text.
func (m *tableMeasure) addCells(cs []cell) {
	m.buf, m.ends = m.buf[:0], m.ends[:0]
	for _, c := range cs {
		for _, s := range c {
			m.buf = append(m.buf, s.text...)
		}
		m.ends = append(m.ends, len(m.buf))
	}
	m.add(m.buf, m.ends)
}

// width is the cells plain text b takes.
func (m *tableMeasure) width(b []byte) int {
	if asciiBytes(b) {
		return len(b)
	}
	if w, ok := m.memo[string(b)]; ok {
		return w
	}
	if m.memo == nil {
		m.memo = map[string]int{}
	}
	w := ansi.StringWidth(string(b))
	m.memo[string(b)] = w
	return w
}

// asciiBytes is printableASCII for bytes: one cell per byte.
func asciiBytes(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// lineWidth is ansi.StringWidth of a styled line, without segmenting the printable ASCII
// characters into grapheme clusters: one that is followed by another ASCII byte (or by
// nothing) is a cluster of its own and one cell wide, as nothing ASCII extends a cluster or
// is extended. A row of a list is mostly such characters, and segmenting each of them was
// most of what measuring the row cost. Everything else takes StringWidth's own path.
func lineWidth(s string) int {
	pstate := parser.GroundState
	width := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if pstate == parser.GroundState && c >= 0x20 && c < 0x7f && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
			width++
			continue
		}
		state, action := parser.Table.Transition(pstate, c)
		if action == parser.PrintAction || state == parser.Utf8State {
			cluster, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			width += w
			i += len(cluster) - 1
			pstate = parser.GroundState
			continue
		}
		pstate = state
	}
	return width
}
