package docker

import (
	"strings"
	"testing"
)

func TestDropPartialStamps(t *testing.T) {
	stamp := "2026-11-21T15:50:17.783181309Z "
	a, b, c := strings.Repeat("a", dockerPartial), strings.Repeat("b", dockerPartial), "tail"
	if got := dropPartialStamps(a + stamp + b + stamp + c); got != a+b+c {
		t.Fatalf("stamps left in a long line: %d bytes, want %d", len(got), len(a+b+c))
	}
	// A stamp anywhere else is the line's own text.
	own := a[:100] + stamp + a[100:]
	if got := dropPartialStamps(own); got != own {
		t.Fatal("a stamp in the text was taken out")
	}
	if got := dropPartialStamps(a + "2026-11-21 not a stamp at all"); got != a+"2026-11-21 not a stamp at all" {
		t.Fatal("text after 16 KiB changed")
	}
}
