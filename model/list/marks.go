package list

import (
	"fmt"
	"strings"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// Marks are rows of a list tab set aside with space for a bulk action. Nav keeps them by
// row key, like the selection, and drops those whose row leaves the list (removed, or hidden
// by the filter), so a bulk action only ever touches rows the user can see.

// namesShown is how many names a bulk question or message spells out before "…".
const namesShown = 2

// ToggleMark marks the selected row, or unmarks it, then moves the cursor down a row, so that
// repeated presses mark a run of rows, as in a file manager.
func (n *Nav[R]) ToggleMark() {
	r, ok := n.Selected()
	if !ok {
		return
	}
	k := n.spec.Key(r)
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
	n.Step(1)
}

// ClearMarks unmarks every row.
func (n *Nav[R]) ClearMarks() { n.marks = nil }

// Marking says some row is marked: bulk actions then apply to the marks.
func (n *Nav[R]) Marking() bool { return len(n.marks) > 0 }

// Marked is the Marked rows, in the list's order.
func (n *Nav[R]) Marked() []R {
	var out []R
	for _, r := range n.Rows {
		if n.marks[n.spec.Key(r)] {
			out = append(out, r)
		}
	}
	return out
}

// MarkedRows says, for each row, whether it is marked; nil when none is. The view draws it.
func (n *Nav[R]) MarkedRows() []bool {
	if len(n.marks) == 0 {
		return nil
	}
	out := make([]bool, len(n.Rows))
	for i, r := range n.Rows {
		out[i] = n.marks[n.spec.Key(r)]
	}
	return out
}

// dropGoneMarks forgets the marks of rows no longer in the list.
func (n *Nav[R]) dropGoneMarks() {
	if len(n.marks) == 0 {
		return
	}
	kept := make(map[string]bool, len(n.marks))
	for _, r := range n.Rows {
		if k := n.spec.Key(r); n.marks[k] {
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
// MarkOrClear applies Mark and MarkClear, the same on every list tab, and says what the footer
// shows: the count and the keys that now act on the marked rows (bulk). ok is false for any
// other action.
func (n *Nav[R]) MarkOrClear(a keymap.Action, km keymap.Keymap, ctx keymap.Context, bulk ...keymap.Action) (views.Status, bool) {
	switch a {
	case keymap.Mark:
		n.ToggleMark()
		return markedStatus(km, ctx, len(n.marks), bulk...), true
	case keymap.MarkClear:
		n.ClearMarks()
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

// SomeNames spells out the first names of a bulk action's targets: "web-1, web-2, …".
func SomeNames(names []string) string {
	if len(names) <= namesShown {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:namesShown], ", ") + ", …"
}

// MarkCount is how many rows are marked.
func (n *Nav[R]) MarkCount() int { return len(n.marks) }

// IsMarked says the row of key is marked.
func (n *Nav[R]) IsMarked(key string) bool { return n.marks[key] }
