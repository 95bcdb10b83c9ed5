package logs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// runBatch starts every command of a batch in its own goroutine, as the Program does, and
// hands back what they return.
func runBatch(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				runBatch(c, out)
			}
			return
		}
		out <- msg
	}()
}

// TestEngineLogsKeptWholeAndSearchable follows a real container that prints 12,000 lines,
// one of 90,000 characters, as fast as it can: every line arrives, none is cut, the oldest
// go to disk, each carries the engine's time, and search and save cover them all.
func TestEngineLogsKeptWholeAndSearchable(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	tmp := t.TempDir()
	id := h.Run("logburst", &container.Config{Cmd: []string{"sh", "-c",
		`echo ready; while [ ! -e /tmp/go ]; do sleep 0.1; done; seq 1 12000; ` +
			`head -c 90000 /dev/zero | tr '\0' x; echo; echo needle-END; sleep 3600`}}, nil)
	c, err := h.Engine.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	var p Pane
	p.Reset("logburst")
	p.buf = newBuffer("logburst", limits{lines: MemLines, bytes: memBytes, keep: memKeep,
		chunk: spillChunk, dir: tmp})
	t.Cleanup(p.Close)
	msgs := make(chan tea.Msg, 16)
	runBatch(p.Sync(h.Ctx(), docker.NewLive(h.Engine, nil), Want{Key: id, Title: "logburst", Containers: []docker.Container{c}},
		docker.Status{State: docker.Connected}), msgs)
	const want = 1 + 12000 + 2
	started := false
	for p.Lines() < want {
		select {
		case msg := <-msgs:
			if pm, ok := msg.(Msg); ok { // the probe for older lines
				cmd, _ := p.Update(pm)
				runBatch(cmd, msgs)
				continue
			}
			lm, ok := msg.(LinesMsg)
			if !ok {
				t.Fatalf("the stream sent %T %+v", msg, msg)
			}
			if len(lm.Lines) > Batch {
				t.Fatalf("one message carried %d lines", len(lm.Lines))
			}
			runBatch(p.OnLines(lm), msgs)
		case <-h.Ctx().Done():
			t.Fatalf("%d of %d lines arrived", p.Lines(), want)
		}
		if !started && p.Lines() > 0 {
			// The reader is attached: everything printed from now on streams to it.
			if _, err := h.Engine.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"touch", "/tmp/go"}}); err != nil {
				t.Fatal(err)
			}
			started = true
		}
	}
	if p.buf.onDisk() == 0 || len(p.buf.mem) > MemLines {
		t.Fatalf("%d lines on disk, %d in memory", p.buf.onDisk(), len(p.buf.mem))
	}
	for i, w := range map[int]string{0: "ready", 1: "1", 12000: "12000"} {
		if l, err := p.buf.line(i); err != nil || l.Text != w || l.Time.IsZero() {
			t.Fatalf("line %d: %q at %v (%v)", i, l.Text, l.Time, err)
		}
	}
	if l, err := p.buf.line(want - 2); err != nil || l.Text != strings.Repeat("x", 90000) {
		t.Fatalf("the long line kept %d characters (%v)", len(l.Text), err)
	}

	// Timestamps show the engine's time; the search covers the disk part.
	p.Do(keymap.Timestamps, 10)
	last, _ := p.buf.line(want - 1)
	frame := ansi.Strip(views.LogsPane(views.NewTheme(true), p.Data(true), 100, 11))
	if !strings.Contains(frame, last.Time.Local().Format("15:04:05.000")+" needle-END") {
		t.Fatalf("no timestamp:\n%s", frame)
	}
	p.startSearch()
	p.search.query = "needle"
	p.keepSearch(10)
	if m := p.search.matches; len(m) != 1 || m[0] != want-1 {
		t.Fatalf("needle found at %v", m)
	}
	p.startSearch()
	p.search.query = "100"
	p.keepSearch(10)
	if got, wantN := len(p.search.matches), countContaining(12000, "100"); got != wantN || p.search.matches[0] != 100 {
		t.Fatalf("search found %d lines with 100, want %d", got, wantN)
	}

	// Save writes every line, the disk part included.
	path, n, err := p.saveTo(filepath.Join(tmp, "saved"), time.Now())
	if err != nil || n != want || !strings.HasPrefix(filepath.Base(path), "logburst-") {
		t.Fatalf("saved %d lines to %s: %v", n, path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"); len(lines) != want || !strings.HasSuffix(lines[6000], " 6000") {
		t.Fatalf("saved %d lines; line 6000 %q", len(lines), lines[min(6000, len(lines)-1)])
	}
}

// countContaining is how many of 1..n contain s in decimal.
func countContaining(n int, s string) int {
	c := 0
	for i := 1; i <= n; i++ {
		if strings.Contains(fmt.Sprint(i), s) {
			c++
		}
	}
	return c
}
