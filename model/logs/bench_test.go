package logs

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// The log engine's benchmarks live here, not in bench/, because they drive its unexported
// parts (the buffer, its spill file). They report figures and assert none; bench/README.md has them.

// burst is a million log lines of about 90 bytes, in messages of Batch as the handoff hands
// them over.
func burst() [][]views.LogLine {
	const n = 1_000_000
	var out [][]views.LogLine
	batch := make([]views.LogLine, 0, Batch)
	for i := range n {
		batch = append(batch, views.LogLine{LogLine: docker.LogLine{Stream: docker.Stdout,
			Text: fmt.Sprintf("%07d INFO GET /api/orders?page=%d 200 %dms user=%d", i, i%50, i%17, i%9973)}})
		if len(batch) == Batch {
			out = append(out, batch)
			batch = make([]views.LogLine, 0, Batch)
		}
	}
	return out
}

// BenchmarkLogAppendMillion appends a million lines to a pane's engine, message by message
// (one op), as Update does, while following: the memory part spills to disk as it goes.
// max-ms/msg is the longest one message's append took; kept-MB is the heap the engine holds
// after the burst (the burst's own lines left out).
func BenchmarkLogAppendMillion(b *testing.B) {
	b.Setenv("TMPDIR", b.TempDir())
	msgs := burst()
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	b.ReportAllocs()
	b.ResetTimer()
	var worst float64
	var heap uint64
	for range b.N {
		v := &View{following: true, label: "bench", rows: 30}
		for _, m := range msgs {
			t := time.Now()
			v.Add(m)
			worst = max(worst, float64(time.Since(t).Microseconds())/1000)
		}
		b.StopTimer()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
		v.Close()
		b.StartTimer()
	}
	b.ReportMetric(worst, "max-ms/msg")
	b.ReportMetric(float64(heap-min(heap, base.HeapAlloc))/(1<<20), "kept-MB")
}

// BenchmarkLogSearchMillion keeps a search (enter) over a million lines, 995,000 of them on
// disk: one op counts every match and goes to the newest.
func BenchmarkLogSearchMillion(b *testing.B) {
	b.Setenv("TMPDIR", b.TempDir())
	v := &View{following: true, label: "bench", rows: 30}
	for _, m := range burst() {
		v.Add(m)
	}
	b.Cleanup(v.Close)
	b.ResetTimer()
	for range b.N {
		v.startSearch()
		v.search.query = "user=4242"
		v.keepSearch(30)
	}
	b.ReportMetric(float64(len(v.search.matches)), "matches")
}

// BenchmarkLogFrameHugeLine draws one frame (data and the view) of a 120×40 pane whose newest
// line has 90,000 characters, cut and wrapped, with a search highlighting in it.
func BenchmarkLogFrameHugeLine(b *testing.B) {
	b.Setenv("TMPDIR", b.TempDir())
	th := views.NewTheme(false)
	huge := strings.Repeat("GET /api/orders?page=1 200 3ms ", 3000)[:90000]
	for _, wrap := range []bool{false, true} {
		b.Run(fmt.Sprintf("wrap=%v", wrap), func(b *testing.B) {
			v := &View{following: true, label: "bench", rows: 39}
			defer v.Close()
			for i := range 100 {
				v.Add([]views.LogLine{{LogLine: docker.LogLine{Text: fmt.Sprint("line ", i)}}})
			}
			v.Add([]views.LogLine{{LogLine: docker.LogLine{Stream: docker.Stderr, Text: huge}}})
			v.startSearch()
			v.search.query = "orders"
			v.keepSearch(39)
			v.following = true
			if wrap {
				v.Do(keymap.Wrap, 39)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				d := v.Data()
				d.Name = "shop-api-1"
				_ = views.LogsPane(th, d, 120, 40)
			}
		})
	}
}
