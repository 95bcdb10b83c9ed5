package views

import "strings"

// SideBySideWidth is the terminal width from which the logs pane sits beside the list.
const SideBySideWidth = 160

// Layout divides a tab's screen (Containers, Pods, Deploys): the list, the pane under (or
// beside) it (logs; the Deploys tab shares it between a detail and the logs), then a footer.
type Layout struct {
	Width, Height int
	Side          bool // logs beside the list rather than below it
	ListWidth     int
	ListHeight    int // with its title and column header
	LogsWidth     int
	LogsHeight    int // with its title
}

// Split is how the user divides a tab between the list and the detail: the detail's share
// in percent (0 means the default), or the detail alone (Zoom).
type Split struct {
	Detail int
	Zoom   bool
	// OnList zooms the list rather than the detail: zoom fills the tab with the pane that has
	// the keys, and moving focus moves the zoom.
	OnList bool
}

// The detail's share: its default beside the list and under it, its bounds, and the step of
// one key press.
const (
	DefaultSideDetail  = 40
	DefaultStackDetail = 42
	MinDetail          = 20
	MaxDetail          = 80
	SplitStep          = 10
)

// Grow gives the detail by percent more of the screen (less when by is negative), within
// bounds; from the default it starts at the side-by-side share.
func (s Split) Grow(by int) Split {
	d := s.Detail
	if d == 0 {
		d = DefaultSideDetail
	}
	s.Detail = min(max(d+by, MinDetail), MaxDetail)
	return s
}

// ListLayout sizes the panes for a width × height area holding a tree of rows lines, with
// the default split.
func ListLayout(width, height, rows int) Layout {
	return SplitLayout(width, height, rows, Split{})
}

// SplitLayout sizes the panes for a width × height area holding a tree of rows lines. Beside
// the list (on a wide screen) the detail takes its share of the width; under it, the list
// gets what the tree needs up to its share of the height and the detail the rest. Zoomed,
// the detail takes everything.
func SplitLayout(width, height, rows int, s Split) Layout {
	l := Layout{Width: max(width, 0), Height: max(height, 0)}
	body := l.Height - 1 // footer
	if body <= 0 || l.Width <= 0 {
		return l
	}
	if s.Zoom && s.OnList {
		l.ListWidth, l.ListHeight = l.Width, body
		return l
	}
	if s.Zoom {
		l.LogsWidth, l.LogsHeight = l.Width, body
		return l
	}
	if l.Width >= SideBySideWidth {
		detail := s.Detail
		if detail == 0 {
			detail = DefaultSideDetail
		}
		l.Side = true
		l.ListWidth = l.Width * (100 - detail) / 100
		l.LogsWidth = l.Width - l.ListWidth - 1
		l.ListHeight, l.LogsHeight = body, body
		return l
	}
	l.ListWidth, l.LogsWidth = l.Width, l.Width
	limit := (body*7 + 6) / 12
	if s.Detail != 0 {
		limit = (body*(100-s.Detail) + 50) / 100
	}
	if body < 6 {
		limit = body
	}
	l.ListHeight = min(limit, max(rows, 1)+2)
	l.LogsHeight = body - l.ListHeight
	return l
}

// ListRows is how many tree rows the list pane shows.
func (l Layout) ListRows() int { return max(l.ListHeight-2, 0) }

// LogLines is how many log lines the logs pane shows.
func (l Layout) LogLines() int { return max(l.LogsHeight-1, 0) }

// Body joins the list and logs panes as the layout says.
func Body(t Theme, l Layout, list, logs string) string {
	if !l.Side {
		switch {
		case l.LogsHeight <= 0:
			return list
		case l.ListHeight <= 0:
			return logs
		}
		return list + "\n" + logs
	}
	a, b := strings.Split(list, "\n"), strings.Split(logs, "\n")
	sep := t.Rule.Render(t.G.VRule)
	out := make([]string, l.ListHeight)
	for i := range out {
		var left, right string
		if i < len(a) {
			left = a[i]
		}
		if i < len(b) {
			right = b[i]
		}
		out[i] = Fit(left, l.ListWidth) + sep + Fit(right, l.LogsWidth)
	}
	return strings.Join(out, "\n")
}
