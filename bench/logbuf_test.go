package bench

import (
	"fmt"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

// BenchmarkLogsPaneHugeLine draws one frame of a 120×40 logs pane whose newest line has
// 90,000 characters, cut and wrapped, with a search highlighting its matches: the view reads
// only what shows, so the frame costs what one of short lines does. It needs no engine. The
// engine's own benchmarks (a million lines appended, a search over them) are in
// model/logs/bench_test.go, next to its unexported parts.
func BenchmarkLogsPaneHugeLine(b *testing.B) {
	th := views.NewTheme(false)
	huge := strings.Repeat("GET /api/orders?page=1 200 3ms ", 3000)[:90000]
	var lines []views.LogLine
	for i := range 100 {
		lines = append(lines, views.LogLine{LogLine: docker.LogLine{Stream: docker.Stdout, Text: fmt.Sprint("line ", i)}})
	}
	lines = append(lines, views.LogLine{LogLine: docker.LogLine{Stream: docker.Stderr, Text: huge}})
	for _, wrap := range []bool{false, true} {
		b.Run(fmt.Sprintf("wrap=%v", wrap), func(b *testing.B) {
			d := views.LogsData{Name: "shop-api-1", Lines: lines, Following: true, Wrap: wrap,
				Search: views.LogSearch{Query: "orders", Count: 1, Current: 1, Line: len(lines) - 1}}
			b.ReportAllocs()
			for b.Loop() {
				_ = views.LogsPane(th, d, 120, 40)
			}
		})
	}
}
