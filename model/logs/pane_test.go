package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/views"

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

// TestStreamSendsOneMessageAFrame feeds a stream small batches without pause, as a reader of a
// fast producer does, for a while: the lines reach the UI in at most one message a Frame (the
// Program draws after every message) besides full ones (Batch lines), all of them, in order.
func TestStreamSendsOneMessageAFrame(t *testing.T) {
	s := newStream(context.Background(), "x", 0)
	t.Cleanup(s.Cancel)
	const n = 200_000
	go func() {
		for i := 0; i < n; i += 50 {
			batch := make([]docker.LogLine, 50)
			for k := range batch {
				batch[k] = docker.LogLine{Text: fmt.Sprint(i + k)}
			}
			s.pushBatch(s.ctx, "", batch)
		}
	}()
	start := time.Now()
	got, msgs := 0, 0
	for got < n {
		lm, ok := runCmd(t, s.wait()).(LinesMsg)
		if !ok || len(lm.Lines) == 0 || len(lm.Lines) > Batch {
			t.Fatalf("a message of %d lines", len(lm.Lines))
		}
		for _, l := range lm.Lines {
			if l.Text != fmt.Sprint(got) {
				t.Fatalf("line %d came as %q", got, l.Text)
			}
			got++
		}
		if len(lm.Lines) < Batch {
			msgs++
		}
	}
	if frames := int(time.Since(start)/Frame) + 1; msgs > frames {
		t.Fatalf("%d lines came in %d messages short of a batch over %d frames", n, msgs, frames)
	}
}

// TestSaveWithNothingToReadSavesTheLinesHeld: a pane that follows no container (none left
// of its selection) saves the lines it holds at once, rather than saying it is saving forever.
func TestSaveWithNothingToReadSavesTheLinesHeld(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var p Pane
	p.Reset("gone")
	t.Cleanup(p.Close)
	p.stream = newStream(context.Background(), "gone", 0)
	p.Add([]views.LogLine{{LogLine: docker.LogLine{Text: "a"}}, {LogLine: docker.LogLine{Text: "b"}}})
	ok, st := p.Do(keymap.Save, 10)
	if !ok || !strings.HasPrefix(st.Text, "saved to") || !strings.Contains(st.Text, "2 lines") || p.TakeCmd() != nil {
		t.Fatalf("save: %v %+v", ok, st)
	}
}

// TestLinesStayInOrderAcrossTheEnd: a container's log ends while the stream's waiter has taken
// lines the pane has not had yet: the lines after them, still in the handoff, come after them.
func TestLinesStayInOrderAcrossTheEnd(t *testing.T) {
	var p Pane
	p.Reset("x")
	t.Cleanup(p.Close)
	p.stream = newStream(context.Background(), "x", 0)
	p.srcs = []source{{Source: Source{ID: "x"}, cancel: func() {}}}
	push := func(from, to int) {
		for i := from; i < to; i++ {
			p.stream.push("", docker.LogLine{Text: fmt.Sprint(i)})
		}
	}
	push(0, 10)
	taken := runCmd(t, p.stream.wait()).(LinesMsg) // delivered, not handled yet
	push(10, 20)
	if !p.OnEnded(EndedMsg{Key: "x", Gen: p.stream.gen, ContainerID: "x"}) {
		t.Fatal("the end is not the pane's")
	}
	next := p.OnLines(taken)
	for p.Lines() < 20 {
		next = p.OnLines(runCmd(t, next).(LinesMsg))
	}
	for i := range 20 {
		if l, _ := p.buf.line(i); l.Text != fmt.Sprint(i) {
			t.Fatalf("line %d is %q", i, l.Text)
		}
	}
}
