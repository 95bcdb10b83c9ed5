package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// DetailTabs is the sub-tab bar of a detail pane (Logs, Config, Env, Stats): the titles and
// which one is on screen.
type DetailTabs struct {
	Titles []string
	Active int
}

// DetailText is a text sub-tab of a detail pane: a title rule, then styled lines (one screen
// line each, cut at the width) from Top.
type DetailText struct {
	Title   string // the selection's name, after the tab bar
	Note    string // the rule's right side: a path, a count, an error
	Lines   []string
	Top     int // first line shown; clamped so the pane never scrolls past its last line
	Focused bool
	Empty   string // said when there are no lines
	Err     string // why there is nothing to show (a failed read), in red
}

// bar renders the tabs as "[Logs]│ Config │ Env ": the active one in brackets (and colour),
// the others padded to the same place, so switching moves nothing.
func (d DetailTabs) bar(t Theme) string {
	parts := make([]string, len(d.Titles))
	for i, title := range d.Titles {
		if i == d.Active {
			parts[i] = t.TabActive.Render("[" + title + "]")
		} else {
			parts[i] = " " + t.Title.Render(title) + " "
		}
	}
	return strings.Join(parts, t.Rule.Render(t.G.VRule))
}

// DetailTabAt is the sub-tab drawn at cell x of a title rule WithTabs made (the rule's first
// cell is 0), or -1 for none: what a mouse click on the bar chose.
func DetailTabAt(d DetailTabs, x int) int {
	pos := 1 // after the rule's first character
	for i, title := range d.Titles {
		w := ansi.StringWidth(title) + 2
		if x >= pos && x < pos+w {
			return i
		}
		pos += w + 1 // and the separator
	}
	return -1
}

// WithTabs puts the sub-tab bar into the title rule that is the first line of pane, before the
// pane's own title: "─[Logs]│ Config │ Env ─ shop-api-1 ─── ● following ─". A title that begins
// with the active sub-tab's name loses it (the bar says it). The rule's filler makes the room,
// so the right-hand note stays where the pane put it; a pane whose first line is not a rule
// is returned as it is.
func WithTabs(t Theme, pane string, d DetailTabs, width int) string {
	if len(d.Titles) == 0 || width <= 0 {
		return pane
	}
	first, rest, more := strings.Cut(pane, "\n")
	plain := ansi.Strip(first)
	lead := t.G.Rule + " "
	after, ok := strings.CutPrefix(plain, lead)
	if !ok {
		return pane
	}
	skip := ansi.StringWidth(lead)
	if d.Active >= 0 && d.Active < len(d.Titles) {
		if r, ok := strings.CutPrefix(after, d.Titles[d.Active]); ok {
			cut := d.Titles[d.Active]
			switch {
			case strings.HasPrefix(r, t.G.Sep):
				cut += t.G.Sep
			case strings.HasPrefix(r, " "):
				cut += " "
			}
			skip += ansi.StringWidth(cut)
		}
	}
	tail := ansi.Cut(first, skip, width)
	head := t.Rule.Render(t.G.Rule) + d.bar(t)
	if !strings.HasPrefix(ansi.Strip(tail), t.G.Rule) {
		head += t.Rule.Render(t.G.Rule + " ")
	}
	line := head + tail
	if extra := ansi.StringWidth(line) - width; extra > 0 {
		line = dropFiller(t, tail, extra, head, width)
	}
	line = Fit(line, width)
	if !more {
		return line
	}
	return line + "\n" + rest
}

// dropFiller takes n cells out of the first run of rule characters in tail (the filler between
// a rule's title and its note), keeping at least one. When the run is too short the title is
// cut instead (the note, a log's state or search count, matters more); when even that leaves
// too little of it, the note goes, as rule drops a note that does not fit.
func dropFiller(t Theme, tail string, n int, head string, width int) string {
	runes := []rune(ansi.Strip(tail))
	rule := []rune(t.G.Rule)[0]
	start, end := -1, -1
	for i := 0; i < len(runes) && start < 0; i++ {
		if runes[i] == rule {
			start, end = i, i
			for end < len(runes) && runes[end] == rule {
				end++
			}
		}
	}
	if start < 0 {
		return head + tail
	}
	at := ansi.StringWidth(string(runes[:start]))
	run := end - start
	tw := ansi.StringWidth(tail)
	if run > n {
		return head + ansi.Cut(tail, 0, at) + ansi.Cut(tail, at+n, tw)
	}
	const minTitle = 6
	title, note := ansi.Cut(tail, 0, at), ansi.Cut(tail, at+run, tw)
	room := width - ansi.StringWidth(head) - ansi.StringWidth(note) - 1
	if at > 0 && room >= minTitle {
		title = Trunc(strings.TrimRight(title, " "), room-1) + " "
		fill := width - ansi.StringWidth(head+title+note)
		return head + title + t.Rule.Render(strings.Repeat(t.G.Rule, max(fill, 1))) + note
	}
	kept := head + title
	return kept + t.Rule.Render(strings.Repeat(t.G.Rule, max(width-ansi.StringWidth(kept), 1)))
}

// DetailStart is the first line shown of n lines in a pane of rows lines scrolled to top.
func DetailStart(n, rows, top int) int { return min(max(top, 0), max(n-rows, 0)) }

// DetailPane renders a text sub-tab in exactly height lines of exactly width cells: the title
// rule (with how much is above and below when it scrolls), then the lines from Top.
func DetailPane(t Theme, d DetailText, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	rows := height - 1
	start := DetailStart(len(d.Lines), rows, d.Top)
	note := d.Note
	if len(d.Lines) > rows && rows > 0 {
		var pos []string
		if start > 0 {
			pos = append(pos, fmt.Sprintf("↑%d", start))
		}
		if below := len(d.Lines) - start - rows; below > 0 {
			pos = append(pos, fmt.Sprintf("↓%d", below))
		}
		if len(pos) > 0 {
			if note != "" {
				note += " "
			}
			note += t.Dim.Render(strings.Join(pos, " "))
		}
	}
	lines := []string{rule(t, d.Title, note, width, d.Focused)}
	for i := start; i < len(d.Lines) && len(lines) <= rows; i++ {
		lines = append(lines, d.Lines[i])
	}
	switch {
	case d.Err != "" && len(lines) <= rows:
		lines = append(lines, "  "+t.Bad.Render(oneLine(d.Err, max(width-2, 1))))
	case len(d.Lines) == 0 && len(lines) <= rows:
		msg := d.Empty
		if msg == "" {
			msg = "nothing to show"
		}
		lines = append(lines, "  "+t.Dim.Render(oneLine(msg, max(width-2, 1))))
	}
	return Block(lines, width, height)
}

// KeyValues lays out label/value pairs as aligned lines: "  Image     busybox:latest". A
// value with several lines continues under the first, aligned; an empty label continues the
// pair above.
func KeyValues(t Theme, pairs [][2]string) []string {
	w := 0
	for _, p := range pairs {
		w = max(w, ansi.StringWidth(p[0]))
	}
	var out []string
	for _, p := range pairs {
		for i, v := range strings.Split(p[1], "\n") {
			label := ""
			if i == 0 {
				label = p[0]
			}
			out = append(out, "  "+t.Dim.Render(Pad(label, w))+"  "+v)
		}
	}
	return out
}

// FileLines is a text file's content as a detail pane shows it: each line numbered (so an
// error's "line 4" can be found), control characters removed, tabs expanded.
func FileLines(t Theme, text string) []string {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" {
		return nil
	}
	src := strings.Split(text, "\n")
	w := len(fmt.Sprint(len(src)))
	out := make([]string, len(src))
	for i, l := range src {
		out[i] = t.Dim.Render(fmt.Sprintf("%*d", w+1, i+1)) + "  " + t.Text.Render(Clean(strings.ReplaceAll(l, "\t", "    "), 2000))
	}
	return out
}
