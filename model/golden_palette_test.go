package model

import (
	"fmt"
	"testing"
)

// TestGoldenPaletteScreens compares the command palette (opened on shop-api-1, then filtered)
// and a list with marks with testdata/TestGoldenPaletteScreens/*.golden.
// Regenerate with: go test ./model -run TestGoldenPaletteScreens -update
func TestGoldenPaletteScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("palette-%dx%d", w, h), func(t *testing.T) {
			r := newRoot(t, newFake(), w, h)
			r, _ = press(t, r, "j", "j", ":")
			requireGolden(t, r, w, h)
		})
		t.Run(fmt.Sprintf("query-%dx%d", w, h), func(t *testing.T) {
			r := newRoot(t, newFake(), w, h)
			r, _ = press(t, r, "j", "j", ":")
			r = typeText(t, r, "rst")
			r, _ = press(t, r, "down")
			requireGolden(t, r, w, h)
		})
		t.Run(fmt.Sprintf("marks-%dx%d", w, h), func(t *testing.T) {
			r := newRoot(t, newFake(), w, h)
			r = markApiAndDb(t, r)
			r, _ = press(t, r, "k") // back on shop-db-1: the cursor and the mark side by side
			requireGolden(t, r, w, h)
		})
	}
}
