package views

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/keymap"
)

// confirmDetailLines is how many lines a dialog's detail may take.
const confirmDetailLines = 3

// Confirm renders a yes/no dialog box: the question, an optional detail (wrapped, up to three
// lines), then the keys that answer it.
func Confirm(t Theme, question, detail string, hints []keymap.Hint, width int) string {
	inner := min(max(width-8, 10), 60)
	body := t.BoxTitle.Render(oneLine(question, inner))
	if detail != "" {
		lines := strings.Split(ansi.Wrap(oneLine(detail, inner*confirmDetailLines), inner, " /,"), "\n")
		if len(lines) > confirmDetailLines {
			lines = lines[:confirmDetailLines]
			lines[len(lines)-1] = Trunc(lines[len(lines)-1]+" …", inner)
		}
		for _, l := range lines {
			body += "\n" + t.Dim.Render(Trunc(l, inner))
		}
	}
	body += "\n\n" + renderHints(t, hints)
	return t.Box.Render(body)
}

// Overlay draws box centred over base, a block of width × height cells.
func Overlay(base, box string, width, height int) string {
	lines := strings.Split(base, "\n")
	for len(lines) < height {
		lines = append(lines, "")
	}
	bl := strings.Split(box, "\n")
	bw := 0
	for _, l := range bl {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, width)
	x := max((width-bw)/2, 0)
	y := max((height-len(bl))/2, 0)
	for i, l := range bl {
		row := y + i
		if row >= len(lines) || row >= height {
			break
		}
		under := Fit(lines[row], width)
		left := ansi.Truncate(under, x, "")
		right := ansi.Cut(under, x+bw, width)
		lines[row] = left + "\x1b[m" + Fit(l, bw) + "\x1b[m" + right
	}
	return strings.Join(lines[:height], "\n")
}
