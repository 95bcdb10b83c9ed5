package views

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/keymap"
)

const (
	helpKeysMax = 14 // widest key column
	helpColMax  = 58 // widest help column
	helpColMin  = 36
	helpGutter  = 4
)

// Help renders the help screen from the keymap's sections: a title rule, then the sections
// flowed into as many columns as the width allows, scrolled down by scroll lines.
// It returns exactly height lines.
func Help(t Theme, secs []keymap.HelpSection, width, height, scroll int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	body := helpBody(t, secs, width)
	rows := height - 1
	scroll = min(max(scroll, 0), max(len(body)-rows, 0))
	note := ""
	if len(body) > rows {
		note = t.Dim.Render("↑↓ scroll")
	}
	lines := []string{rule(t, "Help", note, width, true)}
	end := min(scroll+rows, len(body))
	lines = append(lines, body[scroll:end]...)
	return Block(lines, width, height)
}

// HelpHeight is how many lines the help body needs at width, for clamping the scroll.
func HelpHeight(t Theme, secs []keymap.HelpSection, width int) int {
	return len(helpBody(t, secs, width))
}

// helpBody lays the sections out in columns, balancing their heights: as many columns as
// the width allows, or fewer and wider ones when wrapping in narrow columns would make the
// help taller.
func helpBody(t Theme, secs []keymap.HelpSection, width int) []string {
	keysW := 0
	for _, s := range secs {
		for _, r := range s.Rows {
			keysW = max(keysW, ansi.StringWidth(r.Keys))
		}
	}
	keysW = min(keysW, helpKeysMax)
	most := max(1, min(len(secs), (width-1)/(helpColMin+helpGutter)))
	var best []string
	for n := most; n >= 1; n-- {
		if out := helpColumns(t, secs, width, keysW, n); best == nil || len(out) < len(best) {
			best = out
		}
	}
	return best
}

// helpColumns lays the sections out in ncols columns.
func helpColumns(t Theme, secs []keymap.HelpSection, width, keysW, ncols int) []string {
	blocks := make([][]string, len(secs))
	colW := min(helpColMax, (width-1)/ncols-helpGutter)
	for i, s := range secs {
		b := []string{t.TitleFocused.Render(Trunc(s.Title, colW))}
		for _, r := range s.Rows {
			b = append(b, helpRow(t, r, keysW, colW)...)
		}
		blocks[i] = append(b, "")
	}
	// Fill columns in order, moving on once a column reaches its share of the lines.
	total := 0
	for _, b := range blocks {
		total += len(b)
	}
	share := (total + ncols - 1) / ncols
	cols := make([][]string, 1, ncols)
	for _, b := range blocks {
		cur := len(cols) - 1
		if len(cols[cur]) > 0 && len(cols[cur])+len(b)/2 > share && len(cols) < ncols {
			cols = append(cols, nil)
			cur++
		}
		cols[cur] = append(cols[cur], b...)
	}
	height := 0
	for _, c := range cols {
		height = max(height, len(c))
	}
	out := make([]string, height)
	for i := range out {
		var b strings.Builder
		b.WriteString(" ")
		for j, c := range cols {
			cell := ""
			if i < len(c) {
				cell = c[i]
			}
			if j < len(cols)-1 {
				cell = Fit(cell, colW+helpGutter)
			}
			b.WriteString(cell)
		}
		out[i] = strings.TrimRight(b.String(), " ")
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// helpRow draws one binding in a column colW wide: its keys in the first keysW cells, its
// description beside them, wrapped onto as many lines as it needs (indented under itself).
// Keys wider than their column take a line of their own, the description under it.
func helpRow(t Theme, r keymap.HelpRow, keysW, colW int) []string {
	descW := max(colW-keysW-2, 8)
	indent := strings.Repeat(" ", keysW+2)
	var out []string
	first := t.Key.Render(Fit(r.Keys, keysW)) + "  "
	if ansi.StringWidth(r.Keys) > keysW {
		for _, k := range strings.Split(ansi.Wrap(r.Keys, colW, ""), "\n") {
			out = append(out, t.Key.Render(k))
		}
		first = indent
	}
	for j, l := range strings.Split(ansi.Wrap(Clean(r.Desc, 1000), descW, ""), "\n") {
		lead := indent
		if j == 0 {
			lead = first
		}
		out = append(out, lead+t.Text.Render(strings.TrimRight(l, " ")))
	}
	return out
}
