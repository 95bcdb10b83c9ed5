package logs

import (
	"context"
	"fmt"
	"testing"

	"github.com/podiumdev/podium/model/modeltest"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// runCmd runs a command that should not block and returns its message.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg { t.Helper(); return modeltest.RunCmd(t, cmd) }

func TestLogBuffersAreBounded(t *testing.T) {
	s := newStream(context.Background(), "x", 0)
	const n = feedLimit + 3*Batch/2
	go func() {
		for i := range n {
			s.push("", docker.LogLine{Text: fmt.Sprint(i)}) // waits while the handoff is full
		}
	}()
	var p Pane
	p.Reset("x")
	t.Cleanup(p.Close)
	for p.Lines() < n {
		lm, ok := runCmd(t, s.wait()).(LinesMsg)
		if !ok || len(lm.Lines) == 0 || len(lm.Lines) > Batch {
			t.Fatalf("a message of %d lines", len(lm.Lines))
		}
		p.Add(lm.Lines)
	}
	// Nothing was dropped, and memory holds no more than its share.
	if len(p.buf.mem) > MemLines {
		t.Fatalf("%d lines in memory", len(p.buf.mem))
	}
	for _, i := range []int{0, 1, feedLimit, n - 1} {
		if l, err := p.buf.line(i); err != nil || l.Text != fmt.Sprint(i) {
			t.Fatalf("line %d: %q, %v", i, l.Text, err)
		}
	}
	// A reader waiting for room lets go when its stream is cancelled.
	full := newStream(context.Background(), "y", 0)
	for range feedLimit {
		full.push("", docker.LogLine{Text: "x"})
	}
	released := make(chan tea.Msg)
	go func() {
		full.push("", docker.LogLine{Text: "one too many"})
		released <- nil
	}()
	full.cancel()
	runCmd(t, func() tea.Msg { return <-released })
}
