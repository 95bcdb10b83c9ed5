package palette

import (
	"testing"

	"github.com/podiumdev/podium/keymap"
)

func TestPaletteRanksByFuzzyMatch(t *testing.T) {
	for _, ctx := range []keymap.Context{keymap.CtxContainers, keymap.CtxPods, keymap.CtxDeploys} {
		p := New(keymap.Default(), ctx)
		// "rst" alone would rank Pods' run-script first: its s follows a separator.
		p.SetQuery("rstrt")
		if a, ok := p.Selected(); !ok || a != keymap.Restart {
			t.Errorf("%s: rstrt selects %q first", ctx, a)
		}
	}
	p := New(keymap.Default(), keymap.CtxPods)
	p.SetQuery("bup")
	if a, _ := p.Selected(); a != keymap.BringUp {
		t.Errorf("bup selects %q first", a)
	}
	p.SetQuery("zzqx")
	if _, ok := p.Selected(); ok || len(p.matches) != 0 {
		t.Errorf("zzqx matches %d", len(p.matches))
	}
	p.SetQuery("")
	if len(p.matches) != len(p.Entries) {
		t.Errorf("the empty query shows %d of %d", len(p.matches), len(p.Entries))
	}
}
