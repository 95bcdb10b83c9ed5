package model

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// focus says which pane of a list tab takes navigation keys.
type focus uint8

const (
	focusList focus = iota
	focusLogs
)

// listSpec is what listNav needs to know of a tab's rows.
type listSpec[R any] struct {
	// key names a row across rebuilds: a container id, "pod/service".
	key func(R) string
	// selectable says the cursor may stop on a row; nil means every row (the Containers tree
	// skips its project and service headers).
	selectable func(R) bool
	// parent is the key of the row a key's row sits under, "" for none; nil when rows have no
	// parents. A selection whose row is gone moves to its nearest ancestor still there.
	parent func(key string) string
	// context says row i of rows is shown with the row above it when that fits (a container
	// under its group header, a service under its pod); nil for none.
	context func(rows []R, i int) bool
}

// listNav is the list part that every list tab shares (Containers, Pods, Deploys): the rows,
// the cursor and the selection kept by key across rebuilds, scrolling, the size of the tab,
// the filter and whether it is being typed, and which pane has the keys. A tab builds the
// rows; listNav moves over them.
type listNav[R any] struct {
	spec   listSpec[R]
	rows   []R
	cursor int    // index in rows of the selected row; -1 when there is none
	sel    string // the selection's key, so it survives rebuilds
	top    int    // first row shown
	width  int
	height int

	split   views.Split // the user's division of the tab between list and detail
	focus   focus
	filter  string
	editing bool // the filter line has the keyboard

	// marks are the keys of the rows marked for a bulk action. Replaced, never changed in
	// place: an earlier copy of the model keeps its own.
	marks map[string]bool
}

func newListNav[R any](spec listSpec[R]) listNav[R] {
	return listNav[R]{spec: spec, cursor: -1}
}

// layout is the tab's division into panes: the list, the pane below (or beside) it, the footer.
func (n *listNav[R]) layout() views.Layout {
	s := n.split
	s.OnList = n.focus == focusList
	return views.SplitLayout(n.width, n.height, len(n.rows), s)
}

// setSplit applies the user's split. Zooming in zooms on the detail, which then has the keys.
func (n *listNav[R]) setSplit(s views.Split) {
	if s.Zoom && !n.split.Zoom {
		n.focus = focusLogs
	}
	n.split = s
	n.scroll()
}

// setSize gives the tab its area (the screen below the header).
func (n *listNav[R]) setSize(width, height int) {
	n.width, n.height = width, height
	n.scroll()
}

// selected is the row under the cursor, if any.
func (n *listNav[R]) selected() (R, bool) {
	if n.cursor < 0 || n.cursor >= len(n.rows) {
		var zero R
		return zero, false
	}
	return n.rows[n.cursor], true
}

func (n *listNav[R]) selectable(i int) bool {
	return n.spec.selectable == nil || n.spec.selectable(n.rows[i])
}

// find is the selectable row of key, or of its nearest ancestor; -1 if none is there.
func (n *listNav[R]) find(key string) int {
	for k := key; k != ""; {
		for i, r := range n.rows {
			if n.selectable(i) && n.spec.key(r) == k {
				return i
			}
		}
		if n.spec.parent == nil {
			break
		}
		k = n.spec.parent(k)
	}
	return -1
}

// nearest is the selectable row at or after i, else the last one before it; -1 if none.
func (n *listNav[R]) nearest(i int) int {
	for j := min(i, len(n.rows)-1); j >= 0 && j < len(n.rows); j++ {
		if n.selectable(j) {
			return j
		}
	}
	for j := min(i, len(n.rows)-1); j >= 0; j-- {
		if n.selectable(j) {
			return j
		}
	}
	return -1
}

// setRows replaces the rows, keeping the selection on the same row (by key) when it is still
// there, else on its nearest ancestor, else on the selectable row nearest to row fallback.
func (n *listNav[R]) setRows(rows []R, fallback int) {
	n.rows = rows
	n.cursor = n.find(n.sel)
	if n.cursor < 0 {
		n.cursor = n.nearest(max(fallback, 0))
	}
	n.remember()
	n.dropGoneMarks()
}

// refilter replaces the rows after the filter changed. A selection the filter hides moves to
// the first match, as in any fuzzy finder.
func (n *listNav[R]) refilter(rows []R) {
	n.rows = rows
	n.cursor = -1
	for i, r := range n.rows {
		if n.sel != "" && n.selectable(i) && n.spec.key(r) == n.sel {
			n.cursor = i
			break
		}
	}
	if n.cursor < 0 {
		n.cursor = n.nearest(0)
	}
	n.remember()
	n.dropGoneMarks()
}

// remember records the selection's key and keeps it in view.
func (n *listNav[R]) remember() {
	n.sel = ""
	if n.cursor >= 0 {
		n.sel = n.spec.key(n.rows[n.cursor])
	}
	n.scroll()
}

// step moves the cursor n selectable rows (negative: up), stopping at the ends.
func (n *listNav[R]) step(by int) {
	if n.cursor < 0 {
		return
	}
	dir := 1
	if by < 0 {
		dir, by = -1, -by
	}
	for i := n.cursor + dir; i >= 0 && i < len(n.rows) && by > 0; i += dir {
		if n.selectable(i) {
			n.cursor = i
			by--
		}
	}
	n.selectCursor()
}

// jump moves the cursor by about by screen rows (a page), landing on a selectable row.
func (n *listNav[R]) jump(by int) {
	if n.cursor < 0 {
		return
	}
	target := min(max(n.cursor+by, 0), len(n.rows)-1)
	if by > 0 {
		n.cursor = n.nearest(target)
	} else {
		// Prefer the row at or before the target when moving up.
		c := -1
		for j := target; j >= 0; j-- {
			if n.selectable(j) {
				c = j
				break
			}
		}
		if c < 0 {
			c = n.nearest(target)
		}
		n.cursor = c
	}
	n.selectCursor()
}

// first and last move the cursor to the ends of the list.
func (n *listNav[R]) first() {
	n.cursor = n.nearest(0)
	n.top = 0
	n.selectCursor()
}

func (n *listNav[R]) last() {
	for j := len(n.rows) - 1; j >= 0; j-- {
		if n.selectable(j) {
			n.cursor = j
			break
		}
	}
	n.selectCursor()
}

func (n *listNav[R]) selectCursor() {
	if n.cursor >= 0 && n.cursor < len(n.rows) {
		n.sel = n.spec.key(n.rows[n.cursor])
	}
	n.scroll()
}

// scroll keeps the cursor in view, and with it the rows it is shown with (spec.context) when
// they fit, so a container is never shown without its project.
func (n *listNav[R]) scroll() {
	rows := n.layout().ListRows()
	if rows <= 0 {
		n.top = 0
		return
	}
	n.top = max(min(n.top, len(n.rows)-rows), 0)
	if n.cursor < 0 {
		return
	}
	head := n.cursor
	for head > 0 && n.spec.context != nil && n.spec.context(n.rows, head) && n.cursor-(head-1) < rows {
		head--
	}
	if head < n.top {
		n.top = head
	}
	if n.cursor >= n.top+rows {
		n.top = n.cursor - rows + 1
	}
	n.top = max(n.top, 0)
}

// navResult says what listNav.key did with a key.
type navResult uint8

const (
	navPass  navResult = iota // not a list key: the tab's own
	navDone                   // handled
	navMoved                  // handled, and the selection or the filter may have changed: the tab syncs its logs
)

// key handles the keys every list tab shares. With the logs pane focused: scrolling it, and
// focus back to the list. In the list: the cursor, focus to the logs, starting the filter,
// esc (clears the filter, else the footer's message), pausing the logs. logRows is how many
// lines the logs pane shows; clear is the tab's setFilter, for esc.
func (n *listNav[R]) key(a keymap.Action, logs *logPane, logRows int, status *views.Status, clear func()) navResult {
	if n.focus == focusLogs {
		if a == keymap.Focus {
			n.focus = focusList
			return navDone
		}
		if ok, st := logs.do(a, logRows); ok {
			if st.Text != "" {
				*status = st
			}
			return navDone
		}
	}
	page := max(n.layout().ListRows()-1, 1)
	switch a {
	case keymap.Up:
		n.step(-1)
	case keymap.Down:
		n.step(1)
	case keymap.Top:
		n.first()
	case keymap.Bottom:
		n.last()
	case keymap.PageUp:
		n.jump(-page)
	case keymap.PageDown:
		n.jump(page)
	case keymap.Focus:
		n.focus = focusLogs
		return navDone
	case keymap.Filter:
		n.editing, n.focus = true, focusList
		return navDone
	case keymap.Cancel:
		if n.filter != "" {
			clear()
		} else {
			*status = views.Status{}
		}
	case keymap.LogsFollow:
		logs.toggleFollow(logRows)
		return navDone
	default:
		return navPass
	}
	return navMoved
}

// filterKey applies a key to the filter line while it is typed: enter keeps the filter, esc
// clears it, other keys edit it. It returns the new filter and whether the tab must apply it
// (rebuild its rows with setFilter, then sync its logs).
func (n *listNav[R]) filterKey(msg tea.KeyPressMsg, a keymap.Action) (string, bool) {
	switch a {
	case keymap.Confirm:
		n.editing = false
		n.filter = strings.TrimSpace(n.filter)
		return n.filter, false
	case keymap.Cancel:
		n.editing = false
		return "", true
	}
	f := editLine(n.filter, msg)
	return f, f != n.filter
}

// context is the key context of a list tab that is in none of its own dialogs: the filter
// line, the logs pane (logs), or the list (list).
func (n *listNav[R]) context(list, logs keymap.Context) keymap.Context {
	switch {
	case n.editing:
		return keymap.CtxFilter
	case n.focus == focusLogs:
		return logs
	}
	return list
}

// editLine applies a key to a one-line text field: backspace, ctrl+u (clear), ctrl+w (delete
// a word), or a typed character. Other keys leave s as it is.
func editLine(s string, msg tea.KeyPressMsg) string {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if r := []rune(s); len(r) > 0 {
			s = string(r[:len(r)-1])
		}
	case "ctrl+u":
		s = ""
	case "ctrl+w":
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		s = s[:strings.LastIndexFunc(s, unicode.IsSpace)+1]
	default:
		if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			s += msg.Text
		}
	}
	return s
}
