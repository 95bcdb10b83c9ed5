// Package list holds the list every list tab shares (Containers, Pods, Deploys): rows, cursor,
// the selection kept by key, scrolling, the filter, the focus, marks for bulk actions, mouse.
package list

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// Pane is the pane beside (or under) the list that takes the keys when focused: the logs.
type Pane interface {
	// Do performs a key's action on the pane, rows lines tall; false if it is not the pane's.
	Do(a keymap.Action, rows int) (bool, views.Status)
	// ToggleFollow pauses or resumes following the end.
	ToggleFollow(rows int)
	// Scroll moves the pane a line (a wheel notch is a few).
	Scroll(a keymap.Action, rows int) bool
}

// Focus says which pane of a list tab takes navigation keys: the list, or the pane beside it.
type Focus uint8

const (
	FocusList Focus = iota
	FocusLogs
)

// Spec is what Nav needs to know of a tab's rows.
type Spec[R any] struct {
	// Key names a row across rebuilds: a container id, "pod/service".
	Key func(R) string
	// Selectable says the cursor may stop on a row; nil means every row (the Containers tree
	// skips its project and service headers).
	Selectable func(R) bool
	// Parent is the key of the row a key's row sits under, "" for none; nil when rows have no
	// parents. A selection whose row is gone moves to its nearest ancestor still there.
	Parent func(key string) string
	// Context says row i of rows is shown with the row above it when that fits (a container
	// under its group header, a service under its pod); nil for none.
	Context func(rows []R, i int) bool
}

// Nav is the list part that every list tab shares (Containers, Pods, Deploys): the rows,
// the cursor and the selection kept by key across rebuilds, scrolling, the size of the tab,
// the filter and whether it is being typed, and which pane has the keys. A tab builds the
// rows; Nav moves over them.
type Nav[R any] struct {
	spec   Spec[R]
	Rows   []R
	Cursor int    // index in rows of the selected row; -1 when there is none
	sel    string // the selection's key, so it survives rebuilds
	Top    int    // first row shown
	Width  int
	Height int

	Split   views.Split // the user's division of the tab between list and detail
	Focus   Focus
	Filter  string
	Editing bool // the filter line has the keyboard

	// marks are the keys of the rows marked for a bulk action. Replaced, never changed in
	// place: an earlier copy of the model keeps its own.
	marks map[string]bool
}

func New[R any](spec Spec[R]) Nav[R] {
	return Nav[R]{spec: spec, Cursor: -1}
}

// Layout is the tab's division into panes: the list, the pane below (or beside) it, the footer.
func (n *Nav[R]) Layout() views.Layout {
	s := n.Split
	s.OnList = n.Focus == FocusList
	return views.SplitLayout(n.Width, n.Height, len(n.Rows), s)
}

// SetSplit applies the user's split. Zooming in zooms on the detail, which then has the keys.
func (n *Nav[R]) SetSplit(s views.Split) {
	if s.Zoom && !n.Split.Zoom {
		n.Focus = FocusLogs
	}
	n.Split = s
	n.scroll()
}

// SetSize gives the tab its area (the screen below the header).
func (n *Nav[R]) SetSize(width, height int) {
	n.Width, n.Height = width, height
	n.scroll()
}

// Selected is the row under the cursor, if any.
func (n *Nav[R]) Selected() (R, bool) {
	if n.Cursor < 0 || n.Cursor >= len(n.Rows) {
		var zero R
		return zero, false
	}
	return n.Rows[n.Cursor], true
}

func (n *Nav[R]) Selectable(i int) bool {
	return n.spec.Selectable == nil || n.spec.Selectable(n.Rows[i])
}

// find is the selectable row of key, or of its nearest ancestor; -1 if none is there.
func (n *Nav[R]) find(key string) int {
	for k := key; k != ""; {
		for i, r := range n.Rows {
			if n.Selectable(i) && n.spec.Key(r) == k {
				return i
			}
		}
		if n.spec.Parent == nil {
			break
		}
		k = n.spec.Parent(k)
	}
	return -1
}

// nearest is the selectable row at or after i, else the last one before it; -1 if none.
func (n *Nav[R]) nearest(i int) int {
	for j := min(i, len(n.Rows)-1); j >= 0 && j < len(n.Rows); j++ {
		if n.Selectable(j) {
			return j
		}
	}
	for j := min(i, len(n.Rows)-1); j >= 0; j-- {
		if n.Selectable(j) {
			return j
		}
	}
	return -1
}

// SetRows replaces the rows, keeping the selection on the same row (by key) when it is still
// there, else on its nearest ancestor, else on the selectable row nearest to row fallback.
func (n *Nav[R]) SetRows(rows []R, fallback int) {
	n.Rows = rows
	n.Cursor = n.find(n.sel)
	if n.Cursor < 0 {
		n.Cursor = n.nearest(max(fallback, 0))
	}
	n.remember()
	n.dropGoneMarks()
}

// Refilter replaces the rows after the filter changed. A selection the filter hides moves to
// the first match, as in any fuzzy finder.
func (n *Nav[R]) Refilter(rows []R) {
	n.Rows = rows
	n.Cursor = -1
	for i, r := range n.Rows {
		if n.sel != "" && n.Selectable(i) && n.spec.Key(r) == n.sel {
			n.Cursor = i
			break
		}
	}
	if n.Cursor < 0 {
		n.Cursor = n.nearest(0)
	}
	n.remember()
	n.dropGoneMarks()
}

// remember records the selection's key and keeps it in view.
func (n *Nav[R]) remember() {
	n.sel = ""
	if n.Cursor >= 0 {
		n.sel = n.spec.Key(n.Rows[n.Cursor])
	}
	n.scroll()
}

// Step moves the cursor n selectable rows (negative: up), stopping at the ends.
func (n *Nav[R]) Step(by int) {
	if n.Cursor < 0 {
		return
	}
	dir := 1
	if by < 0 {
		dir, by = -1, -by
	}
	for i := n.Cursor + dir; i >= 0 && i < len(n.Rows) && by > 0; i += dir {
		if n.Selectable(i) {
			n.Cursor = i
			by--
		}
	}
	n.SelectCursor()
}

// Jump moves the cursor by about by screen rows (a page), landing on a selectable row.
func (n *Nav[R]) Jump(by int) {
	if n.Cursor < 0 {
		return
	}
	target := min(max(n.Cursor+by, 0), len(n.Rows)-1)
	if by > 0 {
		n.Cursor = n.nearest(target)
	} else {
		// Prefer the row at or before the target when moving up.
		c := -1
		for j := target; j >= 0; j-- {
			if n.Selectable(j) {
				c = j
				break
			}
		}
		if c < 0 {
			c = n.nearest(target)
		}
		n.Cursor = c
	}
	n.SelectCursor()
}

// First and last move the cursor to the ends of the list.
func (n *Nav[R]) First() {
	n.Cursor = n.nearest(0)
	n.Top = 0
	n.SelectCursor()
}

func (n *Nav[R]) Last() {
	for j := len(n.Rows) - 1; j >= 0; j-- {
		if n.Selectable(j) {
			n.Cursor = j
			break
		}
	}
	n.SelectCursor()
}

func (n *Nav[R]) SelectCursor() {
	if n.Cursor >= 0 && n.Cursor < len(n.Rows) {
		n.sel = n.spec.Key(n.Rows[n.Cursor])
	}
	n.scroll()
}

// scroll keeps the cursor in view, and with it the rows it is shown with (spec.context) when
// they fit, so a container is never shown without its project.
func (n *Nav[R]) scroll() {
	rows := n.Layout().ListRows()
	if rows <= 0 {
		n.Top = 0
		return
	}
	n.Top = max(min(n.Top, len(n.Rows)-rows), 0)
	if n.Cursor < 0 {
		return
	}
	head := n.Cursor
	for head > 0 && n.spec.Context != nil && n.spec.Context(n.Rows, head) && n.Cursor-(head-1) < rows {
		head--
	}
	if head < n.Top {
		n.Top = head
	}
	if n.Cursor >= n.Top+rows {
		n.Top = n.Cursor - rows + 1
	}
	n.Top = max(n.Top, 0)
}

// Result says what Nav.key did with a key.
type Result uint8

const (
	Pass  Result = iota // not a list key: the tab's own
	Done                // handled
	Moved               // handled, and the selection or the filter may have changed: the tab syncs its logs
)

// Key handles the keys every list tab shares. With the logs pane focused: scrolling it, and
// focus back to the list. In the list: the cursor, focus to the logs, starting the filter,
// esc (clears the filter, else the footer's message), pausing the logs. rows is how many
// lines the logs pane shows; clear is the tab's setFilter, for esc.
func (n *Nav[R]) Key(a keymap.Action, pane Pane, rows int, status *views.Status, clear func()) Result {
	if n.Focus == FocusLogs {
		if a == keymap.Focus {
			n.Focus = FocusList
			return Done
		}
		if ok, st := pane.Do(a, rows); ok {
			if st.Text != "" {
				*status = st
			}
			return Done
		}
	}
	page := max(n.Layout().ListRows()-1, 1)
	switch a {
	case keymap.Up:
		n.Step(-1)
	case keymap.Down:
		n.Step(1)
	case keymap.Top:
		n.First()
	case keymap.Bottom:
		n.Last()
	case keymap.PageUp:
		n.Jump(-page)
	case keymap.PageDown:
		n.Jump(page)
	case keymap.Focus:
		n.Focus = FocusLogs
		return Done
	case keymap.Filter:
		n.Editing, n.Focus = true, FocusList
		return Done
	case keymap.Cancel:
		if n.Filter != "" {
			clear()
		} else {
			*status = views.Status{}
		}
	case keymap.LogsFollow:
		pane.ToggleFollow(rows)
		return Done
	default:
		return Pass
	}
	return Moved
}

// FilterKey applies a key to the filter line while it is typed: enter keeps the filter, esc
// clears it, other keys edit it. It returns the new filter and whether the tab must apply it
// (rebuild its rows with setFilter, then sync its logs).
func (n *Nav[R]) FilterKey(msg tea.KeyPressMsg, a keymap.Action) (string, bool) {
	switch a {
	case keymap.Confirm:
		n.Editing = false
		n.Filter = strings.TrimSpace(n.Filter)
		return n.Filter, false
	case keymap.Cancel:
		n.Editing = false
		return "", true
	}
	f := common.EditLine(n.Filter, msg)
	return f, f != n.Filter
}

// Context is the key context of a list tab that is in none of its own dialogs: the filter
// line, the logs pane (logs), or the list (list).
func (n *Nav[R]) Context(list, logs keymap.Context) keymap.Context {
	switch {
	case n.Editing:
		return keymap.CtxFilter
	case n.Focus == FocusLogs:
		return logs
	}
	return list
}
