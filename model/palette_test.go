package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/podiumdev/podium/keymap"
)

// paletteActions is the actions the open palette lists, in its order.
func paletteActions(r Root) []keymap.Action {
	return r.palette.Actions()
}

func TestPaletteListsTheActionsOfWhereTheUserIs(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r, _ = press(t, r, ":")
	if !r.palette.Open || r.palette.Ctx != keymap.CtxPods {
		t.Fatalf("palette open %v in %q", r.palette.Open, r.palette.Ctx)
	}
	got := paletteActions(r)
	for _, a := range []keymap.Action{keymap.BringUp, keymap.TabContainers, keymap.Test, keymap.Quit, keymap.Stop} {
		if !slices.Contains(got, a) {
			t.Errorf("Pods palette lacks %q: %v", a, got)
		}
	}
	// Not the other tabs' or the logs pane's, nor the palette itself.
	for _, a := range []keymap.Action{keymap.Rerun, keymap.Rollback, keymap.Search, keymap.Wrap, keymap.Palette} {
		if slices.Contains(got, a) {
			t.Errorf("Pods palette lists %q", a)
		}
	}
	// The Pods tab's own words, not the Containers tab's.
	s := screen(r)
	for _, want := range []string{"bring-up", "bring up (recreates what drifted)", "stop the pod or service", "Pods"} {
		if !strings.Contains(s, want) {
			t.Errorf("palette lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "stop the container") {
		t.Errorf("Pods palette shows a Containers action:\n%s", s)
	}
	if i, j := slices.Index(got, keymap.BringUp), slices.Index(got, keymap.TabContainers); i > j {
		t.Errorf("the tab's actions come after the global ones: %v", got)
	}
}

func TestPaletteInTheLogsPaneListsItsActionsFirst(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	r, _ = press(t, r, "tab", ":")
	if r.palette.Ctx != keymap.CtxLogs {
		t.Fatalf("palette opened in %q", r.palette.Ctx)
	}
	got := paletteActions(r)
	if got[0] != keymap.LogsFollow || got[len(got)-1] != keymap.PageDown || !slices.Contains(got, keymap.Search) || !slices.Contains(got, keymap.Stop) {
		t.Fatalf("logs palette: %v", got)
	}
	// "/" searches the log here, so the list's filter has no key, but it is still offered.
	for _, e := range r.palette.Entries {
		switch e.Action {
		case keymap.Filter:
			if len(e.Keys) != 0 {
				t.Errorf("filter keys %v, want none", e.Keys)
			}
		case keymap.Search:
			if !slices.Equal(e.Keys, []string{"/"}) {
				t.Errorf("search keys %v", e.Keys)
			}
		}
	}
}

func TestPaletteRunsTheActionAsItsKey(t *testing.T) {
	byKey := newFake()
	rk := newRoot(t, byKey, 120, 40)
	rk, _ = press(t, rk, "j", "j") // shop-api-1
	rk, keyCmd := press(t, rk, "s")

	byPalette := newFake()
	rp := newRoot(t, byPalette, 120, 40)
	rp, _ = press(t, rp, "j", "j", ":")
	rp = typeText(t, rp, "stop")
	if !strings.Contains(screen(rp), "stop the container") {
		t.Fatalf("palette after typing stop:\n%s", screen(rp))
	}
	rp, palCmd := press(t, rp, "enter")
	if rp.palette.Open {
		t.Fatal("the palette stayed open")
	}
	if keyCmd == nil || palCmd == nil {
		t.Fatal("no command")
	}
	if rk.containers().Status() != rp.containers().Status() || !strings.Contains(screen(rp), "stopping shop-api-1…") {
		t.Fatalf("status by key %q, by palette %q", rk.containers().Status().Text, rp.containers().Status().Text)
	}
	rk = follow(t, rk, keyCmd)
	rp = follow(t, rp, palCmd)
	want := []string{"stop a1a1a1a1a1a1a1a1"}
	if !slices.Equal(byKey.Calls(), want) || !slices.Equal(byPalette.Calls(), want) {
		t.Fatalf("calls by key %v, by palette %v", byKey.Calls(), byPalette.Calls())
	}
	if !strings.Contains(screen(rp), "stopped shop-api-1") {
		t.Fatalf("no result:\n%s", screen(rp))
	}

	// Moving down runs the next one; a global action is the root's.
	rp, _ = press(t, rp, ":")
	rp = typeText(t, rp, "tab-pods")
	rp, _ = press(t, rp, "enter")
	if rp.tab != tabPods {
		t.Fatalf("tab-pods: tab %v", rp.tab)
	}
	// The cursor's own actions are listed last: "down" is found by name.
	rp, _ = press(t, rp, "4", ":")
	rp = typeText(t, rp, "down")
	rp, _ = press(t, rp, "enter")
	if selectedName(rp) != "shop-db-1" {
		t.Fatalf("down by palette selected %s", selectedName(rp))
	}
}

func TestPaletteEscClosesAndChangesNothing(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 100, 30)
	r, _ = press(t, r, "j", "j")
	before := screen(r)
	r, _ = press(t, r, ":")
	if !strings.Contains(screen(r), "help") || screen(r) == before {
		t.Fatalf("no palette:\n%s", screen(r))
	}
	r = typeText(t, r, "quit")
	r, cmd := press(t, r, "esc")
	if r.palette.Open || cmd != nil || r.quitting {
		t.Fatalf("esc: open %v, cmd %v", r.palette.Open, cmd != nil)
	}
	if screen(r) != before || len(f.Calls()) != 0 {
		t.Fatalf("esc changed the screen or called %v:\n%s", f.Calls(), screen(r))
	}
	// Keys that are actions elsewhere are text here: q types a q.
	r, _ = press(t, r, ":", "q")
	if r.quitting || r.palette.Query != "q" {
		t.Fatalf("q in the palette: query %q, quitting %v", r.palette.Query, r.quitting)
	}
	_, cmd = press(t, r, "ctrl+c")
	if cmd == nil {
		t.Fatal("ctrl+c does not quit from the palette")
	}
}

func TestPaletteFitsAnySize(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {40, 10}, {20, 5}, {1, 1}} {
		r := newRoot(t, newFake(), sz[0], sz[1])
		r, _ = press(t, r, ":")
		checkFits(t, screen(r), sz[0], sz[1])
		r = typeText(t, r, strings.Repeat("no such action ", 20))
		checkFits(t, screen(r), sz[0], sz[1])
		for range 40 {
			r, _ = press(t, r, "backspace")
		}
		for range 60 {
			r, _ = press(t, r, "down")
		}
		checkFits(t, screen(r), sz[0], sz[1])
	}
}

func TestPaletteRunsActionsInEveryTab(t *testing.T) {
	// Pipelines: the filter starts as with its key.
	r := newPipelinesRoot(t, newFakePipelines(), 120, 40)
	r, _ = press(t, r, ":")
	r = typeText(t, r, "filter")
	r, _ = press(t, r, "enter")
	if r.context() != keymap.CtxFilter {
		t.Fatalf("filter by palette in Pipelines: context %q", r.context())
	}

	// Deploys: pause-resume of the selected service.
	f := newFakeDeploys()
	r = newDeploysRoot(t, f, newFake(), nil, 120, 40)
	r = selectService(t, r, "api")
	r, _ = press(t, r, ":")
	r = typeText(t, r, "pause-resume")
	r, cmd := press(t, r, "enter")
	follow(t, r, cmd)
	if got := f.Calls(); !slices.Equal(got, []string{"pause api"}) {
		t.Fatalf("Deploys calls %v", got)
	}

	// Pods: bring-up of the selected service.
	fp, fb := newShop(t)
	r = newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/proxy")
	r, _ = press(t, r, ":")
	r = typeText(t, r, "bring-up")
	r, cmd = press(t, r, "enter")
	follow(t, r, cmd)
	if got := fp.Calls(); !slices.Equal(got, []string{"load", "up frontend/proxy"}) {
		t.Fatalf("Pods calls %v", got)
	}
}
