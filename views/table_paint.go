package views

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// painter draws the cells of the rows of one frame without asking lipgloss for each of them.
// Render costs microseconds a call (it measures what it draws, among much else), and a list
// draws five or six cells a row. But a style that only colours text (no size, padding,
// margins, border, transform or per-character styling) draws a line of text as the same
// before and after around it, so each distinct style is asked once, for those two. A look
// names a style (its style method makes it), so that equal looks are equal styles.
type painter[K look] struct {
	t       *Theme
	brushes map[K]*brush
}

// look names the style of a cell; the table using a painter defines its looks.
type look interface {
	comparable
	style(t *Theme) lipgloss.Style
}

// brush is a style, and how it draws a line of text: before + text + after, when ok.
type brush struct {
	st            lipgloss.Style
	before, after string
	ok            bool
}

// get is the brush of a look, made on first use.
func (p *painter[K]) get(k K) *brush {
	if pt, ok := p.brushes[k]; ok {
		return pt
	}
	if p.brushes == nil {
		p.brushes = map[K]*brush{}
	}
	pt := brushOf(k.style(p.t))
	p.brushes[k] = pt
	return pt
}

// draw is p.st.Render(text).
func (p *brush) draw(text string) string {
	if text == "" {
		return ""
	}
	// Render turns tabs to spaces and draws each line on its own.
	if !p.ok || strings.ContainsAny(text, "\t\r\n") {
		return p.st.Render(text)
	}
	return p.before + text + p.after
}

// brushOf finds what st draws around a line of text, if it only colours it.
func brushOf(st lipgloss.Style) *brush {
	p := &brush{st: st}
	t, r, b, l := st.GetPadding()
	mt, mr, mb, ml := st.GetMargin()
	if st.GetTransform() != nil || st.GetWidth() != 0 || st.GetHeight() != 0 ||
		st.GetMaxWidth() != 0 || st.GetMaxHeight() != 0 || t|r|b|l != 0 || mt|mr|mb|ml != 0 ||
		st.GetBorderStyle() != (lipgloss.Border{}) || st.GetHorizontalBorderSize() != 0 ||
		st.GetVerticalBorderSize() != 0 || st.GetUnderline() || st.GetStrikethrough() ||
		st.GetUnderlineSpaces() || st.GetStrikethroughSpaces() {
		return p
	}
	// The probe has a space and two characters, so that a style drawing them one by one
	// (or the space differently) cannot pass.
	const probe = "\x00 \x00"
	r0 := st.Render(probe)
	i := strings.IndexByte(r0, 0)
	if i < 0 || !strings.HasPrefix(r0[i:], probe) {
		return p
	}
	p.before, p.after, p.ok = r0[:i], r0[i+len(probe):], true
	return p
}
