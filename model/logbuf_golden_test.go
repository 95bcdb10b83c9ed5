package model

import (
	"fmt"
	"testing"
)

// TestGoldenLogSearchScreens compares the Containers tab with a search in shop-api-1's logs
// (gone back two matches, so paused) and then with only the matching lines shown, with
// testdata/TestGoldenLogSearchScreens/*.golden.
// Regenerate with: go test ./model -run TestGoldenLogSearchScreens -update
func TestGoldenLogSearchScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		r := apiLogsFocused(t, sz[0], sz[1], goldenLogs()...)
		r, _ = press(t, r, "/")
		r = typeText(t, r, "get")
		r, _ = press(t, r, "enter", "N", "N")
		t.Run(fmt.Sprintf("search-%dx%d", sz[0], sz[1]), func(t *testing.T) {
			requireGolden(t, r, sz[0], sz[1])
		})
		r, _ = press(t, r, "&")
		t.Run(fmt.Sprintf("only-%dx%d", sz[0], sz[1]), func(t *testing.T) {
			requireGolden(t, r, sz[0], sz[1])
		})
	}
}
