package views

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// logText is how one log line's text is drawn: in room cells per row, at most rows rows
// (one when lines are cut), its matches of q highlighted.
type logText struct {
	room, rows int
	style      lipgloss.Style // the line's own (stderr is red)
	match      lipgloss.Style // a match of the search
	q          LogQuery
	colored    bool // keep the line's own colours when nothing in it is highlighted
}

// render draws text as rows. Only what can show is read: a 90,000-character line costs what
// a short one does, cut or wrapped.
func (lt logText) render(text string) []string {
	room, rows := max(lt.room, 1), max(lt.rows, 1)
	plain := Clean(text, room*rows)
	ranges := lt.q.Ranges(plain)
	if lt.colored && rows == 1 && len(ranges) == 0 {
		return []string{CleanColored(text, room)}
	}
	bounds := []int{0, len(plain)}
	if rows > 1 {
		bounds = wrapBounds(plain, room)
	}
	out := make([]string, 0, len(bounds)-1)
	for i := 0; i+1 < len(bounds) && len(out) < rows; i++ {
		out = append(out, paint(plain, bounds[i], bounds[i+1], ranges, lt.style, lt.match))
	}
	return out
}

// wrapBounds cuts s (clean text, no escapes) into rows of at most room cells: the byte offset
// where each row starts, then len(s). A wide character never straddles two rows.
func wrapBounds(s string, room int) []int {
	bounds := []int{0}
	col := 0
	for i := 0; i < len(s); {
		w, n := 1, 1
		if s[i] >= utf8.RuneSelf {
			g, gw := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			w, n = gw, max(len(g), 1)
		}
		if col+w > room && col > 0 {
			bounds = append(bounds, i)
			col = 0
		}
		col += w
		i += n
	}
	return append(bounds, len(s))
}

// paint styles s[a:b]: the parts inside ranges with hl, the rest with base.
func paint(s string, a, b int, ranges [][2]int, base, hl lipgloss.Style) string {
	var sb strings.Builder
	pos := a
	for _, r := range ranges {
		if r[1] <= a || r[0] >= b {
			continue
		}
		from, to := max(r[0], a), min(r[1], b)
		if from > pos {
			sb.WriteString(base.Render(s[pos:from]))
		}
		sb.WriteString(hl.Render(s[from:to]))
		pos = to
	}
	if pos < b {
		sb.WriteString(base.Render(s[pos:b]))
	}
	return sb.String()
}
