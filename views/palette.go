package views

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/keymap"
)

const (
	paletteRowsMax  = 14 // most actions shown at once
	paletteChrome   = 6  // the border, the query line, its rule, the blank line and the hints
	paletteInnerMax = 76 // widest text inside the box
	paletteNameMax  = 18 // widest name column
	paletteKeysMax  = 12 // widest keys column
)

// PaletteItem is one action the command palette offers.
type PaletteItem struct {
	Name string // the action: "bring-up"
	Help string
	Keys string // its keys where the palette was opened ("R/r"); "" when none reaches it
	// Matched are the byte offsets in Name+" "+Help of the characters the query matched.
	Matched []int
}

// PaletteData is the palette as the model sees it.
type PaletteData struct {
	Title  string // where it was opened: "Containers"
	Query  string
	Items  []PaletteItem // the actions that match the query, best first
	Total  int           // actions before the query
	Cursor int           // index in Items of the selected one
	Offset int           // first item shown
	Hints  []keymap.Hint // the palette's own keys
}

// PaletteRows is how many actions the palette lists in a body of height lines; the model
// scrolls by it.
func PaletteRows(height int) int {
	return max(min(height-paletteChrome-2, paletteRowsMax), 1)
}

// Palette renders the command palette as a box to Overlay on the tab: the query, the actions
// that match it (name, help, keys) with the matched characters highlighted and the selected
// one as a bar, then the palette's keys. The box keeps its size while the query changes.
func Palette(t Theme, d PaletteData, width, height int) string {
	inner := min(max(width-8, 20), paletteInnerMax)
	rows := PaletteRows(height)
	cursor := "█"
	if t.NoColor {
		cursor = "_"
	}
	count := fmt.Sprintf("%d", d.Total)
	if d.Query != "" {
		count = fmt.Sprintf("%d of %d", len(d.Items), d.Total)
	}
	right := t.Dim.Render(Clean(d.Title, 30) + t.G.Sep + count)
	left := t.Prompt.Render(":") + " " + t.Text.Render(TruncLeft(Clean(d.Query, 1<<10), max(inner/2, 1))) + t.Prompt.Render(cursor)
	lines := []string{spread(left, right, inner), t.Rule.Render(strings.Repeat(t.G.Rule, inner))}
	nameW, keysW := 0, 0
	for _, it := range d.Items {
		nameW = max(nameW, ansi.StringWidth(it.Name))
		keysW = max(keysW, ansi.StringWidth(it.Keys))
	}
	nameW, keysW = min(nameW, paletteNameMax), min(keysW, paletteKeysMax)
	for i := d.Offset; i < d.Offset+rows; i++ {
		switch {
		case i >= 0 && i < len(d.Items):
			lines = append(lines, paletteRow(t, d.Items[i], inner, nameW, keysW, i == d.Cursor))
		case i == 0:
			lines = append(lines, "  "+t.Dim.Render(oneLine(fmt.Sprintf("no action matches %q", d.Query), inner-2)))
		default:
			lines = append(lines, "")
		}
	}
	lines = append(lines, "", renderHints(t, d.Hints))
	for i, l := range lines {
		lines[i] = Fit(l, inner)
	}
	return t.Box.Render(strings.Join(lines, "\n"))
}

// paletteRow draws one action in width cells: the gutter, its name, its help, its keys on
// the right. The selected one is a bar, as in the lists.
func paletteRow(t Theme, it PaletteItem, width, nameW, keysW int, selected bool) string {
	base := lipgloss.NewStyle()
	prefix := "  "
	if selected {
		base = t.Selected
		prefix = t.Cursor.Render(t.G.Cursor) + base.Render(" ")
	}
	hl := t.Key.Underline(true)
	matched := make(map[int]bool, len(it.Matched))
	for _, i := range it.Matched {
		matched[i] = true
	}
	name := highlight(it.Name, 0, matched, t.Text, hl)
	help := highlight(it.Help, len(it.Name)+1, matched, t.Dim, hl)
	keys := one(strings.Repeat(" ", max(keysW-ansi.StringWidth(it.Keys), 0))+it.Keys, t.Key)
	helpW := max(width-2-nameW-keysW-2*colGap, 0)
	gap := base.Render(strings.Repeat(" ", colGap))
	line := prefix + renderCell(name, nameW, base, selected) + gap + renderCell(help, helpW, base, selected)
	if keysW > 0 {
		line += gap + renderCell(keys, keysW, base, selected)
	}
	return Trunc(line, width)
}

// highlight splits s into runs in st and, for the bytes whose offset (from start) is in
// matched, in hl.
func highlight(s string, start int, matched map[int]bool, st, hl lipgloss.Style) cell {
	var c cell
	run, on := 0, false
	flush := func(end int) {
		if end > run {
			style := st
			if on {
				style = hl
			}
			c = append(c, span{Clean(s[run:end], 1<<10), style})
		}
		run = end
	}
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		if m := matched[start+i]; m != on {
			flush(i)
			on = m
		}
		i += size
	}
	flush(len(s))
	return c
}
