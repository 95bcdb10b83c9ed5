package views

import (
	"math"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestSparkline(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []float64
		width  int
		top    float64
		want   string
	}{
		{"each height once", []float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, 7, "▁▂▃▄▅▆▇█"},
		{"scaled to the largest", []float64{0, 50, 100}, 10, 0, "▁▅█"},
		{"above top is a full block", []float64{10, 400}, 10, 100, "▂█"},
		{"only the newest fit", []float64{100, 0, 0, 100}, 2, 100, "▁█"},
		{"zero, negative and NaN are the lowest", []float64{0, -3, math.NaN(), 8}, 4, 8, "▁▁▁█"},
		{"all zero", []float64{0, 0, 0}, 3, 0, "▁▁▁"},
		{"nothing", nil, 5, 1, ""},
		{"no room", []float64{1, 2}, 0, 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Sparkline(c.values, c.width, c.top)
			if got != c.want {
				t.Errorf("Sparkline(%v, %d, %v) = %q, want %q", c.values, c.width, c.top, got, c.want)
			}
			if w := ansi.StringWidth(got); w > c.width {
				t.Errorf("%d cells wide, more than %d", w, c.width)
			}
		})
	}
}

// TestSparklineNoColor: the shape is in the glyphs, so a NO_COLOR theme draws the same line
// with no escape sequence in it.
func TestSparklineNoColor(t *testing.T) {
	samples := []float64{1, 5, 9}
	line := StatsLines(NewTheme(true), statsOf(samples), 40)[1]
	if line != "  "+Sparkline(samples, 36, 9) || line != ansi.Strip(line) {
		t.Errorf("NO_COLOR sparkline %q", line)
	}
}
