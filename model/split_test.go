package model

import (
	"github.com/podiumdev/podium/model/list"

	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/views"
)

// logsRuleLine is the screen line of the logs pane's title rule, -1 when it is not drawn.
func logsRuleLine(s string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Logs") && strings.HasPrefix(strings.TrimSpace(l), "─") {
			return i
		}
	}
	return -1
}

func TestSplitGrowsAndShrinksTheDetail(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	before := logsRuleLine(screen(r))
	if before < 0 {
		t.Fatalf("no logs pane:\n%s", screen(r))
	}
	r, _ = press(t, r, ">", ">")
	grown := logsRuleLine(screen(r))
	if grown >= before {
		t.Fatalf("> did not give the logs more room: rule at %d, was %d", grown, before)
	}
	r, _ = press(t, r, "<", "<", "<", "<")
	if shrunk := logsRuleLine(screen(r)); shrunk <= grown {
		t.Fatalf("< did not give the list more room: rule at %d, was %d", shrunk, grown)
	}
	// The split is the same on every tab, and bounded.
	for range 20 {
		r, _ = press(t, r, "<")
	}
	if r.split.Detail != views.MinDetail {
		t.Fatalf("detail share %d, want the minimum %d", r.split.Detail, views.MinDetail)
	}
	if r.pods().Split() != r.split || r.deploys().Split() != r.split || r.pipelines().Split() != r.split {
		t.Fatal("a tab did not get the split")
	}
}

func TestZoomFillsTheTabWithTheFocusedPane(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	r, _ = press(t, r, "z")
	s := screen(r)
	if strings.Contains(s, "NAME") || logsRuleLine(s) != 2 {
		t.Fatalf("zoom did not give the logs the whole tab:\n%s", s)
	}
	if r.pods().Split().Zoom || !r.pods().ListFocused() || r.deploys().Split().Zoom {
		t.Fatal("zooming the Containers tab zoomed another tab or moved its focus")
	}
	// tab moves the keys, and the zoom, to the list.
	r, _ = press(t, r, "tab")
	s = screen(r)
	if !strings.Contains(s, "NAME") || logsRuleLine(s) >= 0 {
		t.Fatalf("zoom did not follow the focus to the list:\n%s", s)
	}
	r, _ = press(t, r, "z")
	s = screen(r)
	if !strings.Contains(s, "NAME") || logsRuleLine(s) < 0 {
		t.Fatalf("z again did not restore both panes:\n%s", s)
	}
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		r = update(t, r, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		r, _ = press(t, r, "z")
		checkFits(t, screen(r), sz[0], sz[1])
		r, _ = press(t, r, "z")
	}
}

func TestMouseSelectsAndScrolls(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	// Rows start under the header (2 lines), the list's title rule and its column header.
	// Row 0 is the blog project; the first container sits under its service header.
	var line int
	for i, l := range strings.Split(screen(r), "\n") {
		if strings.Contains(l, "shop-db-1") {
			line = i
		}
	}
	if line == 0 {
		t.Fatalf("no shop-db-1 row:\n%s", screen(r))
	}
	m, cmd := r.Update(tea.MouseClickMsg{X: 10, Y: line, Button: tea.MouseLeft})
	r = m.(Root)
	if selectedName(r) != "shop-db-1" {
		t.Fatalf("a click on shop-db-1's row selected %q", selectedName(r))
	}
	if cmd == nil {
		t.Fatal("the logs do not follow a clicked selection")
	}
	// The wheel over the list moves the selection.
	m, _ = r.Update(tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelUp})
	r = m.(Root)
	if selectedName(r) == "shop-db-1" {
		t.Fatal("the wheel over the list did not move the selection")
	}
	// A click in the logs gives them the keys.
	rule := logsRuleLine(screen(r))
	m, _ = r.Update(tea.MouseClickMsg{X: 10, Y: rule + 2, Button: tea.MouseLeft})
	r = m.(Root)
	if r.containers().Focus() != list.FocusLogs {
		t.Fatal("a click in the logs pane did not focus it")
	}
	// Clicks on the header do nothing.
	before := selectedName(r)
	m, _ = r.Update(tea.MouseClickMsg{X: 3, Y: 0, Button: tea.MouseLeft})
	if selectedName(m.(Root)) != before {
		t.Fatal("a click on the header moved the selection")
	}
}

func TestHelpListsTheStateGlyphs(t *testing.T) {
	r := newRoot(t, newFake(), 120, 80)
	r, _ = press(t, r, "?")
	s := screen(r)
	for _, want := range []string{"States", "●", "running, healthy", "✖", "unhealthy, exited non-zero", "↷", "skipped"} {
		if !strings.Contains(s, want) {
			t.Errorf("the help has no %q:\n%s", want, s)
		}
	}
}

func TestLightBackgroundKeepsEveryTab(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	before := views.Clean(screen(r), 1<<20)
	m, _ := r.Update(tea.BackgroundColorMsg{Color: color.White})
	r = m.(Root)
	if r.containers().Theme.NoColor || views.Clean(screen(r), 1<<20) != before {
		t.Fatal("switching to a light background changed the text on screen")
	}
}
