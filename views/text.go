package views

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// tabWidth is how far a tab in a log line moves the text.
const tabWidth = 4

// Clean makes untrusted text (log lines, error messages) safe for one terminal row: escape
// sequences and control characters go, tabs become spaces, and it stops reading once it has
// more than maxCells cells, so a 90,000-character line costs no more than a short one.
func Clean(s string, maxCells int) string { return clean(s, maxCells, false) }

// CleanColored is Clean that keeps the line's own colours and styles (SGR sequences) and drops
// every other escape (cursor moves, titles, clears), ending with a reset so nothing leaks.
func CleanColored(s string, maxCells int) string { return clean(s, maxCells, true) }

func clean(s string, maxCells int, keepSGR bool) string {
	if maxCells <= 0 {
		return ""
	}
	if len(s) <= maxCells && printableASCII(s) {
		return s // the common case (names, images, ports): nothing to drop, nothing to cut
	}
	var b strings.Builder
	styled := false
	// Runes are collected up to a budget above maxCells; the final cut is by cell width.
	budget := maxCells + 8
	col := 0
	for i := 0; i < len(s) && col <= budget; {
		c := s[i]
		switch {
		case c == 0x1b: // ESC: skip the whole sequence, or keep it when it only sets colours
			j := skipEscape(s, i)
			if keepSGR && isSGR(s[i:j]) {
				b.WriteString(s[i:j])
				styled = true
			}
			i = j
			continue
		case c == '\t':
			n := tabWidth - col%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			col += n
			i++
			continue
		case c < 0x20 || c == 0x7f:
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			r = '�'
		}
		if unicode.Is(unicode.C, r) && r != '\u200d' { // C1 controls, format characters
			continue
		}
		b.WriteRune(r)
		col++
	}
	out := ansi.Truncate(b.String(), maxCells, "…")
	if styled {
		out += "\x1b[0m"
	}
	return out
}

// printableASCII reports whether s is only printable ASCII, one cell per byte with nothing to
// clean. Most names, images and log lines are, and this check costs far less than measuring
// grapheme clusters, which every row of a 500-container list would otherwise pay per frame.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// textWidth is the cells plain (unstyled) s takes.
func textWidth(s string) int {
	if printableASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// isSGR reports whether seq is a Select Graphic Rendition sequence: ESC [ digits/; m.
func isSGR(seq string) bool {
	if len(seq) < 3 || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for _, c := range seq[2 : len(seq)-1] {
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// skipEscape returns the index after the escape sequence that starts at s[i] (an ESC).
func skipEscape(s string, i int) int {
	i++
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters, then a final byte in 0x40–0x7e
		for i++; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return i
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: up to BEL or ST
		for i++; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return i
	}
	return i + 1
}

// Fit truncates styled s to width cells with an ellipsis, then pads it with spaces to width.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	// Measure first: most lines already fit, and measuring is half the cost of cutting.
	w := lineWidth(s)
	// ansi.Truncate measures a variation selector after a narrow character ("1\ufe0f") as
	// nothing, StringWidth as making it wide: cut further until the measure agrees.
	for cut := width; w > width && cut > 0; cut-- {
		s = ansi.Truncate(s, cut, "…")
		w = lineWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// Trunc truncates styled s to width cells with an ellipsis, without padding.
func Trunc(s string, width int) string {
	if width <= 0 {
		return ""
	}
	out := ansi.Truncate(s, width, "…")
	for cut := width - 1; cut > 0 && lineWidth(out) > width; cut-- {
		out = ansi.Truncate(s, cut, "…") // as in Fit: Truncate can leave a line too wide
	}
	return out
}

// TruncLeft keeps the end of s, which is the informative part of a path.
func TruncLeft(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w <= width {
		return s
	}
	return "…" + ansi.TruncateLeft(s, w-width+1, "")
}

// Pad right-pads styled s with spaces to width cells (it never truncates).
func Pad(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// Block makes exactly height lines of exactly width cells from lines: longer lines are cut,
// missing lines are blank. Every pane ends here, so no pane can overflow its box.
func Block(lines []string, width, height int) string {
	if height <= 0 {
		return ""
	}
	out := make([]string, height)
	for i := range out {
		if i < len(lines) {
			out[i] = Fit(lines[i], width)
		} else {
			out[i] = strings.Repeat(" ", max(width, 0))
		}
	}
	return strings.Join(out, "\n")
}

// oneLine flattens a message (an error, say) to a single clean line.
func oneLine(s string, width int) string {
	return Clean(strings.Join(strings.Fields(s), " "), width)
}

// CleanMiddle is Clean that cuts the middle of a text too long for maxCells, keeping its start
// and its end: an origin ("Pipelines ci/<run> /test/flaky") is told apart by both.
func CleanMiddle(s string, maxCells int) string {
	c := Clean(s, 4*maxCells+16)
	w := ansi.StringWidth(c)
	if w <= maxCells || maxCells < 5 {
		return Clean(c, maxCells)
	}
	head := (maxCells - 1) / 2
	tail := maxCells - 1 - head
	return ansi.Truncate(c, head, "") + "…" + ansi.TruncateLeft(c, w-tail, "")
}
