package views

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/keymap"
)

// Status is the footer's message: what the last action did, or why it failed.
type Status struct {
	Text string
	Err  bool
	// Busy is the background tasks (TasksText), drawn before the message. The root sets it on
	// its copy of the tab just before drawing, so a tab's own footer shows the app's tasks.
	Busy string
}

// Footer renders the key hints of the current context with the status message at the right.
// A message gets the room the hints leave, or half the line when they leave less, so hints
// are never pushed out wholesale (the message expires, and an error stays whole in the
// recent errors, `!`). Background work may take hints from the middle of
// the list, so the first ones and the last three (help, the palette, quit) stay longest.
func Footer(t Theme, hints []keymap.Hint, st Status, width int) string {
	if width <= 0 {
		return ""
	}
	// The room the hints leave, and at most half the line when they leave less: the hints keep
	// the other half whatever the message (the whole of it is in the recent errors).
	free := max(width-hintsWidth(t, hints)-5, width/2-2)
	var status string
	if st.Text != "" && free > 0 {
		style := t.OK
		if st.Err {
			style = t.Bad
		}
		status = style.Render(oneLine(st.Text, free))
	}
	if st.Busy != "" {
		busy := Trunc(st.Busy, max(width/2, 1))
		room := max(width-hintsWidth(t, hints[max(len(hints)-3, 0):])-5, width/2)
		switch {
		case status != "" && st.Err: // an error matters more than what is running
			status = Trunc(status+"  "+busy, room)
		case status != "":
			status = Trunc(busy+"  "+status, room)
		default:
			status = busy
		}
	}
	room := width - ansi.StringWidth(status) - 4 // margins and a gap
	hs := append([]keymap.Hint(nil), hints...)
	for len(hs) > 0 && hintsWidth(t, hs) > room {
		i := len(hs) - 4 // keep the last three: help, the palette, quit
		if i < 0 {
			i = len(hs) - 1
		}
		hs = append(hs[:i], hs[i+1:]...)
	}
	return spread(" "+renderHints(t, hs), status+" ", width)
}

// FilterLine is the footer while the filter is edited: the prompt, the text with a cursor,
// and the filter's own hints.
func FilterLine(t Theme, query string, hints []keymap.Hint, width int) string {
	return PromptLine(t, "/", query, hints, width)
}

// PromptLine is the footer while a line of text is typed (a filter, a command): the label,
// the text with a cursor (its end shown when it is long), and the hints of the prompt.
func PromptLine(t Theme, label, text string, hints []keymap.Hint, width int) string {
	if width <= 0 {
		return ""
	}
	right := renderHints(t, hints)
	label = Clean(label, max(width/2, 1))
	room := width - ansi.StringWidth(right) - ansi.StringWidth(label) - 5
	if room < 10 {
		right, room = "", width-ansi.StringWidth(label)-3
	}
	q := Clean(text, 1<<12)
	q = TruncLeft(q, max(room, 1))
	cursor := "█"
	if t.NoColor {
		cursor = "_"
	}
	left := " " + t.Prompt.Render(label) + " " + t.Text.Render(q) + t.Prompt.Render(cursor)
	return spread(left, right+" ", width)
}

func renderHints(t Theme, hs []keymap.Hint) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = t.Key.Render(h.Keys) + " " + t.Dim.Render(h.Label)
	}
	return strings.Join(parts, "  ")
}

func hintsWidth(t Theme, hs []keymap.Hint) int {
	return ansi.StringWidth(renderHints(t, hs))
}
