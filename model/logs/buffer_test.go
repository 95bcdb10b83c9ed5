package logs

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// testNow is the tests' fixed clock (the model's tests use the same).
func testNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// smallLimits spill early: at most 10 lines in memory, 4 kept whatever their size.
func smallLimits(t *testing.T) limits {
	return limits{lines: 10, bytes: 1 << 20, keep: 4, chunk: 3, dir: t.TempDir()}
}

// numbered is line i of a test log: its number in the text, a container name, a time, and
// every third line on stderr.
func numbered(i int) views.LogLine {
	s := docker.Stdout
	if i%3 == 0 {
		s = docker.Stderr
	}
	return views.LogLine{
		LogLine: docker.LogLine{Stream: s, Time: testNow().Add(time.Duration(i) * time.Millisecond), Text: fmt.Sprintf("line %06d", i)},
		From:    fmt.Sprintf("web-%d", i%2+1),
	}
}

func sameLine(a, b views.LogLine) bool {
	return a.Text == b.Text && a.From == b.From && a.Stream == b.Stream && a.Time.Equal(b.Time)
}

func TestLogBufSpillsAndReadsBack(t *testing.T) {
	lim := smallLimits(t)
	b := newBuffer("web", lim)
	for i := 0; i < 100; i += 7 {
		var batch []views.LogLine
		for j := i; j < min(i+7, 100); j++ {
			batch = append(batch, numbered(j))
		}
		b.append(batch)
	}
	if b.len() != 100 || len(b.mem) > lim.lines || len(b.mem) < lim.keep || b.onDisk() == 0 || b.lost != 0 {
		t.Fatalf("%d lines: %d in memory, %d on disk, %d lost", b.len(), len(b.mem), b.onDisk(), b.lost)
	}
	// The file is unlinked from the start: nothing is left behind, even after a crash.
	if ents, err := os.ReadDir(lim.dir); err != nil || len(ents) != 0 {
		t.Fatalf("spill directory holds %v (%v)", ents, err)
	}
	// Any line reads back, from disk or memory, one at a time or in order.
	for _, i := range []int{0, 1, 63, 64, 65, b.onDisk() - 1, b.onDisk(), 99} {
		l, err := b.line(i)
		if err != nil || !sameLine(l, numbered(i)) {
			t.Fatalf("line %d: %+v, %v", i, l, err)
		}
	}
	n := 0
	err := b.each(0, b.len(), func(i int, l views.LogLine) error {
		if i != n || !sameLine(l, numbered(i)) {
			return fmt.Errorf("line %d came as %d: %+v", n, i, l)
		}
		n++
		return nil
	})
	if err != nil || n != 100 {
		t.Fatalf("read %d lines in order: %v", n, err)
	}
	// Closing drops the lines; a copy that still holds the buffer reads lost lines.
	if err := b.close(); err != nil {
		t.Fatal(err)
	}
	if l, err := b.line(5); err != nil || b.len() != 100 || !strings.Contains(l.Text, "line lost") {
		t.Fatalf("after close: %d lines, line 5 %q, %v", b.len(), l.Text, err)
	}
}

func TestLogBufBoundsLongLinesByBytes(t *testing.T) {
	lim := limits{lines: 5000, bytes: 64 << 10, keep: 2, chunk: 100, dir: t.TempDir()}
	b := newBuffer("web", lim)
	long := strings.Repeat("x", 16<<10)
	for i := range 20 {
		b.append([]views.LogLine{{LogLine: docker.LogLine{Text: fmt.Sprint(i) + long}}})
	}
	if b.memSize > lim.bytes || len(b.mem) < lim.keep || b.len() != 20 {
		t.Fatalf("%d bytes in %d lines of memory", b.memSize, len(b.mem))
	}
	if l, err := b.line(0); err != nil || l.Text != "0"+long {
		t.Fatalf("first line: %d bytes, %v", len(l.Text), err)
	}
}

func TestLogBufMillionLinesStayBounded(t *testing.T) {
	lim := defaultLimits()
	lim.dir = t.TempDir()
	b := newBuffer("burst", lim)
	t.Cleanup(func() { _ = b.close() })
	const n = 1_000_000
	pad := strings.Repeat("·", 30)
	text := func(i int) string { return fmt.Sprintf("%07d GET /api/orders %s", i, pad) }
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	batch := make([]views.LogLine, 0, Batch)
	for i := range n {
		batch = append(batch, views.LogLine{LogLine: docker.LogLine{Text: text(i)}})
		if len(batch) == Batch {
			b.append(batch)
			batch = batch[:0:0]
		}
	}
	b.append(batch)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	// 1M lines of about 120 bytes are 120 MB; memory keeps at most MemLines of them and an
	// index of a mark per 64 lines.
	if len(b.mem) > MemLines || b.len() != n || b.lost != 0 {
		t.Fatalf("%d lines: %d in memory, %d lost", b.len(), len(b.mem), b.lost)
	}
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 32<<20 {
		t.Fatalf("the heap grew by %d MB", grew>>20)
	}
	if want := (b.onDisk() + spillMarkEvery - 1) / spillMarkEvery; len(b.disk.marks) != want {
		t.Fatalf("%d index marks, want %d", len(b.disk.marks), want)
	}
	i := 0
	err := b.each(0, n, func(k int, l views.LogLine) error {
		if k != i || l.Text != text(i) {
			return fmt.Errorf("line %d reads %q", i, l.Text)
		}
		i++
		return nil
	})
	if err != nil || i != n {
		t.Fatalf("read back %d of %d lines: %v", i, n, err)
	}
	for _, k := range []int{0, 777_777, n - MemLines - 1, n - 1} {
		if l, err := b.line(k); err != nil || l.Text != text(k) {
			t.Fatalf("line %d reads %q (%v)", k, l.Text, err)
		}
	}
}

func TestLogBufSearchCoversDisk(t *testing.T) {
	b := newBuffer("web", smallLimits(t))
	var lines []views.LogLine
	for i := range 50 {
		text := fmt.Sprintf("request %d ok", i)
		if i%10 == 3 {
			text = fmt.Sprintf("request %d: Connection REFUSED", i)
		}
		lines = append(lines, views.LogLine{LogLine: docker.LogLine{Text: text}})
	}
	b.append(lines)
	got, err := b.matches(views.NewLogQuery("refused"), 0)
	if err != nil || !slices.Equal(got, []int{3, 13, 23, 33, 43}) || b.onDisk() < 33 {
		t.Fatalf("matches %v (%v), %d lines on disk", got, err, b.onDisk())
	}
	// Smart case: a capital makes the search case-sensitive.
	if got, _ := b.matches(views.NewLogQuery("Refused"), 0); len(got) != 0 {
		t.Fatalf("case-sensitive search matched %v", got)
	}
	if got, _ := b.matches(views.NewLogQuery("REFUSED"), 20); !slices.Equal(got, []int{23, 33, 43}) {
		t.Fatalf("from 20: %v", got)
	}
}

// frame draws a pane of the view at a size, colour stripped, and its rows below the rule.
func frame(v *View, width, height int) []string {
	d := v.Data()
	d.Name = "web"
	s := ansi.Strip(views.LogsPane(views.NewTheme(true), d, width, height))
	return strings.Split(s, "\n")[1:]
}

func TestLogViewHugeLineCutOrWrapped(t *testing.T) {
	huge := strings.Repeat("0123456789", 9000) // 90,000 characters
	v := &View{following: true, label: "web"}
	v.buf = newBuffer("web", smallLimits(t))
	t.Cleanup(v.Close)
	v.Add([]views.LogLine{{LogLine: docker.LogLine{Text: huge}}})
	for i := range 20 {
		v.Add([]views.LogLine{{LogLine: docker.LogLine{Text: fmt.Sprint("after ", i)}}})
	}
	if v.buf.onDisk() == 0 {
		t.Fatal("the huge line is still in memory")
	}
	if l, err := v.buf.line(0); err != nil || l.Text != huge {
		t.Fatalf("kept %d of 90000 characters (%v)", len(l.Text), err)
	}
	// Scrolled back to it: it comes from disk, cut at the pane's width.
	const width, height = 60, 8
	v.Do(keymap.Top, height-1)
	rows := frame(v, width, height)
	if want := "  " + huge[:width-3] + "…"; rows[0] != want {
		t.Fatalf("cut row:\n%q\nwant\n%q", rows[0], want)
	}
	if rows[1] != "  after 0"+strings.Repeat(" ", width-9) {
		t.Fatalf("the next line is not on the next row: %q", rows[1])
	}
	// Wrapped, it fills the pane with full rows; the last says it goes on.
	v.Do(keymap.Wrap, height-1)
	rows = frame(v, width, height)
	for i, r := range rows {
		if ansi.StringWidth(r) != width {
			t.Fatalf("row %d is %d wide", i, ansi.StringWidth(r))
		}
		text := strings.TrimPrefix(r, "  ")
		if i < len(rows)-1 && text != huge[i*(width-2):(i+1)*(width-2)] {
			t.Fatalf("row %d: %q", i, text)
		}
	}
	if !strings.HasSuffix(rows[len(rows)-1], "…") {
		t.Fatalf("last wrapped row: %q", rows[len(rows)-1])
	}
}
