package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// ErrorRow is one of the recent errors: when, where it came from, and its whole text.
type ErrorRow struct {
	At     time.Time
	Origin string
	Text   string
}

// WrapText is a text (an error, a timeline) as lines of at most width cells: each of its lines
// cleaned of escapes, then wrapped at spaces (and cut inside a word longer than a line), so
// nothing of it is lost to the width.
func WrapText(text string, width int) []string {
	width = max(width, 1)
	var out []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line = Clean(line, 1<<16)
		if line == "" {
			out = append(out, "")
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(line, width, " "), "\n")...)
	}
	return out
}

// TextScreen is a text opened in full in the area under the header: a title rule (with where
// the view is, when it scrolls), the text wrapped to the width from line top, and the footer.
// It returns the lines of the text at this width too, for the caller to clamp its scroll.
func TextScreen(t Theme, title, text string, top int, footer string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	lines := TextLines(text, width)
	for i, l := range lines {
		lines[i] = "  " + t.Text.Render(l)
	}
	pane := DetailPane(t, DetailText{Title: title, Lines: lines, Top: top, Focused: true, Empty: "(empty)"}, width, max(height-1, 0))
	return pane + "\n" + footer
}

// TextLines is the text as TextScreen wraps it at width (two cells go to the margin).
func TextLines(text string, width int) []string { return WrapText(text, max(width-3, 1)) }

// ErrorsScreen is the list of recent errors, newest first, one a line: when, where, and the
// start of the text (enter opens it in full), with the footer.
func ErrorsScreen(t Theme, rows []ErrorRow, cursor int, now time.Time, footer string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	body := max(height-2, 0) // the rule and the footer
	start := 0
	if cursor >= body && body > 0 {
		start = cursor - body + 1
	}
	note := t.Dim.Render(Plural(len(rows), "error"))
	lines := []string{rule(t, "Recent errors", note, width, true)}
	if len(rows) == 0 {
		lines = append(lines, "  "+t.Dim.Render("no errors since Podium started"))
	}
	originW := 0
	for _, r := range rows {
		originW = max(originW, min(ansi.StringWidth(CleanMiddle(r.Origin, 40)), 40))
	}
	for i := start; i < len(rows) && len(lines) <= body; i++ {
		r := rows[i]
		at := when(r.At, now)
		origin := CleanMiddle(r.Origin, 40)
		origin += strings.Repeat(" ", max(originW-ansi.StringWidth(origin), 0))
		room := max(width-ansi.StringWidth(at)-originW-7, 1)
		line := fmt.Sprintf("%s  %s  %s", t.Dim.Render(at), t.Project.Render(origin), t.Bad.Render(oneLine(r.Text, room)))
		if i == cursor {
			line = t.Key.Render(t.G.Cursor) + " " + line
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	return Block(lines, width, body+1) + "\n" + footer
}
