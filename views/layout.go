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

// ListLayout sizes the panes for a width × height area holding a tree of rows lines.
// Below the list gets what the tree needs up to about 60% of the height, the logs the rest.
func ListLayout(width, height, rows int) Layout {
	l := Layout{Width: max(width, 0), Height: max(height, 0)}
	body := l.Height - 1 // footer
	if body <= 0 || l.Width <= 0 {
		return l
	}
	if l.Width >= SideBySideWidth {
		l.Side = true
		l.ListWidth = l.Width * 3 / 5
		l.LogsWidth = l.Width - l.ListWidth - 1
		l.ListHeight, l.LogsHeight = body, body
		return l
	}
	l.ListWidth, l.LogsWidth = l.Width, l.Width
	limit := (body*7 + 6) / 12
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
