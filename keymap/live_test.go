package keymap

import (
	"slices"
	"testing"
)

func TestAlongLeavesOutTakenKeys(t *testing.T) {
	km := Default()
	var filter, search []string
	for _, b := range km.Along(CtxLogs) {
		switch {
		case b.Action == Filter && filter == nil:
			filter = append([]string{}, b.Live...)
		case b.Action == Search:
			search = b.Live
		}
	}
	// In a logs pane "/" searches the log, so the list's filter has no key left there.
	if !slices.Equal(search, []string{"/"}) || len(filter) != 0 {
		t.Fatalf("search keys %v, filter keys %v", search, filter)
	}
	for _, b := range km.Along(CtxLogs) {
		for _, key := range b.Live {
			if got := km.Resolve(CtxLogs, key); got != b.Action {
				t.Errorf("%q is live for %s but resolves to %s", key, b.Action, got)
			}
		}
	}
}
