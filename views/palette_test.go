package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestPaletteHighlightsMatchesAndFits(t *testing.T) {
	th := NewTheme(false)
	item := PaletteItem{Name: "restart", Help: "restart the container", Keys: "r"}
	d := PaletteData{Title: "Containers", Query: "rst", Items: []PaletteItem{item}, Total: 27}
	plain := Palette(th, d, 80, 22)
	item.Matched = []int{0, 2, 3}
	d.Items[0] = item
	lit := Palette(th, d, 80, 22)
	if ansi.Strip(plain) != ansi.Strip(lit) || plain == lit {
		t.Fatal("the matched characters are not styled apart, or the text changed")
	}
	for _, l := range strings.Split(lit, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("line %d wide: %q", w, ansi.Strip(l))
		}
	}
	if s := ansi.Strip(lit); !strings.Contains(s, "restart the container") || !strings.Contains(s, "1 of 27") {
		t.Fatalf("palette:\n%s", s)
	}
	if s := ansi.Strip(Palette(th, PaletteData{Query: "zz", Total: 27}, 80, 22)); !strings.Contains(s, `no action matches "zz"`) {
		t.Fatalf("no matches:\n%s", s)
	}
}
