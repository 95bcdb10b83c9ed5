package model

import (
	"fmt"
	"strings"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// Marks are rows of a list tab set aside with space for a bulk action. listNav keeps them by
// row key, like the selection, and drops those whose row leaves the list (removed, or hidden
// by the filter), so a bulk action only ever touches rows the user can see.

// namesShown is how many names a bulk question or message spells out before "…".
const namesShown = 2

// toggleMark marks the selected row, or unmarks it, then moves the cursor down a row, so that
// repeated presses mark a run of rows, as in a file manager.
func (n *listNav[R]) toggleMark() {
	r, ok := n.selected()
	if !ok {
		return
	}
	k := n.spec.key(r)
	marks := make(map[string]bool, len(n.marks)+1)
	for m := range n.marks {
		marks[m] = true
	}
	if marks[k] {
		delete(marks, k)
	} else {
		marks[k] = true
	}
	n.marks = marks
	n.step(1)
}

// clearMarks unmarks every row.
func (n *listNav[R]) clearMarks() { n.marks = nil }

// marking says some row is marked: bulk actions then apply to the marks.
func (n *listNav[R]) marking() bool { return len(n.marks) > 0 }

// marked is the marked rows, in the list's order.
func (n *listNav[R]) marked() []R {
	var out []R
	for _, r := range n.rows {
		if n.marks[n.spec.key(r)] {
			out = append(out, r)
		}
	}
	return out
}

// markedRows says, for each row, whether it is marked; nil when none is. The view draws it.
func (n *listNav[R]) markedRows() []bool {
	if len(n.marks) == 0 {
		return nil
	}
	out := make([]bool, len(n.rows))
	for i, r := range n.rows {
		out[i] = n.marks[n.spec.key(r)]
	}
	return out
}

// dropGoneMarks forgets the marks of rows no longer in the list.
func (n *listNav[R]) dropGoneMarks() {
	if len(n.marks) == 0 {
		return
	}
	kept := make(map[string]bool, len(n.marks))
	for _, r := range n.rows {
		if k := n.spec.key(r); n.marks[k] {
			kept[k] = true
		}
	}
	if len(kept) == len(n.marks) {
		return
	}
	n.marks = kept
	if len(kept) == 0 {
		n.marks = nil
	}
}

// markedStatus is the footer's note after marking: how many, and the keys that now act on
// all of them.
// markOrClear applies Mark and MarkClear, the same on every list tab, and says what the footer
// shows: the count and the keys that now act on the marked rows (bulk). ok is false for any
// other action.
func (n *listNav[R]) markOrClear(a keymap.Action, km keymap.Keymap, ctx keymap.Context, bulk ...keymap.Action) (views.Status, bool) {
	switch a {
	case keymap.Mark:
		n.toggleMark()
		return markedStatus(km, ctx, len(n.marks), bulk...), true
	case keymap.MarkClear:
		n.clearMarks()
		return views.Status{Text: "unmarked everything"}, true
	}
	return views.Status{}, false
}

func markedStatus(km keymap.Keymap, ctx keymap.Context, n int, bulk ...keymap.Action) views.Status {
	if n == 0 {
		return views.Status{Text: "nothing marked"}
	}
	var keys []string
	for _, a := range append(bulk, keymap.MarkClear) {
		k := actionKey(km, ctx, a)
		if k == "" {
			continue
		}
		what := string(a)
		if a == keymap.MarkClear {
			what = "unmarks"
		}
		keys = append(keys, k+" "+what)
	}
	return views.Status{Text: fmt.Sprintf("%d marked: %s", n, strings.Join(keys, ", "))}
}

// actionKey is how the first key that reaches a from ctx is shown; "" when none does.
func actionKey(km keymap.Keymap, ctx keymap.Context, a keymap.Action) string {
	for _, b := range km.Along(ctx) {
		if b.Action == a && len(b.Live) > 0 {
			return keymap.KeyName(b.Live[0])
		}
	}
	return ""
}

// someNames spells out the first names of a bulk action's targets: "web-1, web-2, …".
func someNames(names []string) string {
	if len(names) <= namesShown {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:namesShown], ", ") + ", …"
}
