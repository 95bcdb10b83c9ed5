package detail

import (
	"testing"

	"github.com/podiumdev/podium/keymap"
)

// TestSwitchWrapsAndShow steps past either end of the bar and shows a sub-tab by name.
func TestSwitchWrapsAndShow(t *testing.T) {
	d := New(Logs, Diff, Config)
	if !d.SwitchKey(keymap.DetailPrev) || d.Current() != Config {
		t.Fatalf("back from the first sub-tab is %s, want Config", d.Current().Title())
	}
	if !d.SwitchKey(keymap.DetailNext) || d.Current() != Logs {
		t.Fatalf("on from the last sub-tab is %s, want Logs", d.Current().Title())
	}
	if d.SwitchKey(keymap.Down) {
		t.Fatal("Down switched sub-tabs")
	}
	if !d.Show(Diff) || !d.Is(Diff) || d.Show(Stats) || !d.Is(Diff) {
		t.Fatalf("Show: on %s", d.Current().Title())
	}
	if (Tabs{}).Current() != Logs {
		t.Fatal("a pane without sub-tabs is not on Logs")
	}
}
