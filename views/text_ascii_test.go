package views

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The ASCII fast paths of Clean, Fit and textWidth must give exactly what the general path
// gives: they exist for speed (bench/ BenchmarkTUIFrame*), never to change a screen.
func TestASCIIFastPathsMatch(t *testing.T) {
	inputs := []string{
		"", "a", "app00-api-1", "ghcr.io/acme/api:2.14.1", "127.0.0.1:20020->8080",
		strings.Repeat("x", 40), strings.Repeat("y", 41), " leading and trailing ",
		"tab\there", "bell\x07", "esc\x1b[31mred\x1b[0m", "del\x7f", "caf\u00e9", "● running",
		"wide 漢字", "\x1b]0;title\x07after",
	}
	for _, s := range inputs {
		for _, n := range []int{1, 5, 11, 40, 41, 200} {
			got, want := Clean(s, n), slowClean(s, n)
			if got != want {
				t.Errorf("Clean(%q, %d) = %q, want %q (the general path)", s, n, got, want)
			}
		}
		if plain := Clean(s, 200); textWidth(plain) != ansi.StringWidth(plain) {
			t.Errorf("textWidth(%q) = %d, want %d", plain, textWidth(plain), ansi.StringWidth(plain))
		}
		styled := NewTheme(false).OK.Render(s) + " tail"
		for _, w := range []int{0, 1, 5, 11, 40, 60} {
			got := Fit(styled, w)
			want := ansi.Truncate(styled, w, "…")
			if pad := w - ansi.StringWidth(want); pad > 0 && w > 0 {
				want += strings.Repeat(" ", pad)
			}
			if w <= 0 {
				want = ""
			}
			if got != want {
				t.Errorf("Fit(%q, %d) = %q, want %q", styled, w, got, want)
			}
			if w > 0 && ansi.StringWidth(got) != w {
				t.Errorf("Fit(%q, %d) is %d cells wide", styled, w, ansi.StringWidth(got))
			}
		}
	}
}

// slowClean is Clean with the fast path defeated: a trailing control character takes s off
// it and is dropped by the general path, which then does everything else as before.
func slowClean(s string, n int) string { return clean(s+"\x01", n, false) }
