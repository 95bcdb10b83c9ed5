package model

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/common"
)

// helpLines is the help screen's body as drawn: the lines under its title rule, without the
// header and the footer.
func helpLines(t *testing.T, r Root) []string {
	t.Helper()
	lines := strings.Split(screen(r), "\n")
	for i, l := range lines {
		if strings.Contains(l, "Help") && strings.HasPrefix(strings.TrimSpace(l), "─") {
			return lines[i+1 : len(lines)-1]
		}
	}
	t.Fatalf("no help on screen:\n%s", screen(r))
	return nil
}

// TestHelpScrollKeys checks that the help scrolls with the keys every other scrolled pane
// takes: g and G to the ends, page up and down, as well as one line at a time.
func TestHelpScrollKeys(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 80, 24)
	r, _ = press(t, r, "?")
	top := helpLines(t, r)
	if !strings.Contains(top[0], "Global") {
		t.Fatalf("the help does not start at its top:\n%s", strings.Join(top, "\n"))
	}
	secs := r.helpSections()
	last := secs[len(secs)-1].Rows[len(secs[len(secs)-1].Rows)-1]

	r, _ = press(t, r, "G")
	bottom := helpLines(t, r)
	if strings.Contains(bottom[0], "Global") || !strings.Contains(strings.Join(bottom, "\n"), last.Desc) {
		t.Fatalf("G did not scroll the help to its end (%q):\n%s", last.Desc, strings.Join(bottom, "\n"))
	}
	r, _ = press(t, r, "g")
	if got := helpLines(t, r); got[0] != top[0] {
		t.Fatalf("g did not scroll the help back to its top:\n%s", strings.Join(got, "\n"))
	}
	rows := len(top)
	r, _ = press(t, r, "pgdown")
	if r.helpScroll != rows {
		t.Fatalf("pgdown scrolled to line %d, want a page (%d)", r.helpScroll, rows)
	}
	r, _ = press(t, r, "ctrl+u")
	if r.helpScroll != 0 {
		t.Fatalf("ctrl+u scrolled to line %d, want 0", r.helpScroll)
	}
	r, _ = press(t, r, "end", "home")
	if r.helpScroll != 0 {
		t.Fatalf("home scrolled to line %d, want 0", r.helpScroll)
	}
}

// TestHelpWrapsLongLines checks that no help text is cut: a description wider than its
// column goes on over the next lines (every word of it on screen), at every width the help
// lays out in.
func TestHelpWrapsLongLines(t *testing.T) {
	for _, w := range []int{60, 80, 120, 200} {
		f := newFake()
		r := newRoot(t, f, w, 300)
		r, _ = press(t, r, "?")
		body := helpLines(t, r)
		// Every word of every description is on screen, in its column.
		words := map[string]bool{}
		for _, l := range body {
			for _, w := range strings.Fields(l) {
				words[w] = true
			}
		}
		for _, sec := range r.helpSections() {
			for _, row := range sec.Rows {
				for _, word := range strings.Fields(row.Desc) {
					if !words[word] {
						t.Errorf("%d columns: the help lacks %q of %q", w, word, row.Desc)
					}
				}
			}
		}
	}
}

// The wheel scrolls the help and the errors screen, a line a notch, as it scrolls the panes.
func TestOverlaysScrollWithTheWheel(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
	r, _ = press(t, r, "?")
	r = update(t, r, tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	r = update(t, r, tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	if r.helpScroll != 2 {
		t.Fatalf("two notches down scrolled the help to line %d, want 2", r.helpScroll)
	}
	r = update(t, r, tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp})
	if r.helpScroll != 1 {
		t.Fatalf("a notch up scrolled the help to line %d, want 1", r.helpScroll)
	}
	r, _ = press(t, r, "?")
	r = update(t, r, common.ErrorMsg{At: testNow(), Origin: "Deploys a", Text: "first"})
	r = update(t, r, common.ErrorMsg{At: testNow().Add(time.Second), Origin: "Deploys b", Text: "second"})
	r, _ = press(t, r, "!")
	r = update(t, r, tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelDown})
	r, _ = press(t, r, "enter")
	if s := screen(r); !strings.Contains(s, "Deploys a") {
		t.Fatalf("a notch down did not move to the second error:\n%s", s)
	}
}
