package views

import (
	"math"
	"strings"
)

// sparkBlocks are a sparkline cell's eight heights, lowest first. They carry the shape on their
// own, so a NO_COLOR terminal draws the same glyphs.
const sparkBlocks = "▁▂▃▄▅▆▇█"

// Sparkline draws the newest width values as one row of block glyphs, oldest at the left,
// scaled so that top (or more) is a full block and zero the lowest one; top <= 0 scales to the
// largest value shown. With fewer values than width the line is shorter: it never pads, so
// the caller decides where it sits.
func Sparkline(values []float64, width int, top float64) string {
	if width <= 0 || len(values) == 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	if top <= 0 {
		for _, v := range values {
			top = max(top, v)
		}
	}
	blocks := []rune(sparkBlocks)
	var b strings.Builder
	for _, v := range values {
		level := 0
		if top > 0 && v > 0 && !math.IsNaN(v) {
			level = int(math.Round(v / top * float64(len(blocks)-1)))
			level = min(max(level, 0), len(blocks)-1)
		}
		b.WriteRune(blocks[level])
	}
	return b.String()
}
