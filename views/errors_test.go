package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
)

// The Status pane wraps an error on up to three lines instead of cutting it at the first; a
// longer one says where it is whole.
func TestStatusErrorWraps(t *testing.T) {
	th := NewTheme(true)
	short := "last error: create container api-1: Error response from daemon: invalid mode: zz"
	got := errorLines(th, short, 40)
	if len(got) < 2 || !strings.Contains(strings.Join(strings.Fields(ansi.Strip(strings.Join(got, " "))), " "), short) {
		t.Fatalf("wrapped: %q", got)
	}
	long := "last error: " + strings.Repeat("word ", 60)
	got = errorLines(th, long, 40)
	if len(got) != statusErrorLines || !strings.HasSuffix(ansi.Strip(got[len(got)-1]), "(E: all)") {
		t.Fatalf("long error: %q", got)
	}
	for _, l := range got {
		if ansi.StringWidth(l) > 40 {
			t.Fatalf("line wider than the pane: %q", l)
		}
	}
}

// A footer message leaves the hints at least half the line: a long error beside hints that
// fit in half of it pushes none out.
func TestFooterKeepsHintsBesideAMessage(t *testing.T) {
	th := NewTheme(true)
	hints := []keymap.Hint{{Keys: "↑↓", Label: "move"}, {Keys: "r", Label: "restart"}, {Keys: "b", Label: "rollback"},
		{Keys: "p", Label: "pause"}, {Keys: "?", Label: "help"}, {Keys: ":", Label: "commands"}, {Keys: "q", Label: "quit"}}
	line := ansi.Strip(Footer(th, hints, Status{Text: strings.Repeat("engine error ", 30), Err: true}, 140))
	for _, h := range []string{"r restart", "b rollback", "p pause", "? help", "q quit"} {
		if !strings.Contains(line, h) {
			t.Errorf("the message pushed out %q: %q", h, line)
		}
	}
}

// A tab's alert count coming and going (a deploy retrying: its container exits, is removed,
// is made again) does not move the rest of the header.
func TestHeaderStableAsAlertsComeAndGo(t *testing.T) {
	th := NewTheme(true)
	tabs := []Tab{{Key: "1", Title: "Pods"}, {Key: "2", Title: "Deploys", Active: true}, {Key: "3", Title: "Pipelines"}, {Key: "4", Title: "Containers"}}
	d := HeaderData{Tabs: tabs, Workspace: "~/src/shop", Status: docker.Status{State: docker.Connected}}
	calm := ansi.Strip(Header(th, d, 120))
	for _, alerts := range [][2]int{{1, 0}, {0, 1}, {1, 1}, {2, 3}} {
		tabs[1].Alerts, tabs[3].Alerts = alerts[0], alerts[1]
		s := ansi.Strip(Header(th, d, 120))
		for _, w := range []string{"3 Pipelines", "4 Containers", "~/src/shop"} {
			if col(s, w) != col(calm, w) {
				t.Errorf("alerts %v moved %q:\n%q\n%q", alerts, w, calm, s)
			}
		}
	}
}

// col is the cell where w starts in s (-1 if it does not).
func col(s, w string) int {
	i := strings.Index(s, w)
	if i < 0 {
		return -1
	}
	return ansi.StringWidth(s[:i])
}
