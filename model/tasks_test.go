package model

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/podiumdev/podium/model/tasks"
)

// follow runs cmd and feeds what it returns back to the root, through batches and background
// tasks, until nothing more comes: the program loop in small, without the spinner's ticks.
func follow(t *testing.T, r Root, cmd tea.Cmd) Root {
	t.Helper()
	if cmd == nil {
		return r
	}
	msg := runCmd(t, cmd)
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
		return r
	case tea.BatchMsg:
		for _, c := range msg {
			r = follow(t, r, c)
		}
		return r
	}
	m, next := r.Update(msg)
	return follow(t, m.(Root), next)
}

func TestTaskShownWhileItRuns(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 120, 40)
	r, _ = press(t, r, "j", "j") // shop-api-1
	r, cmd := press(t, r, "s")
	started, ok := runCmd(t, cmd).(tasks.StartedMsg)
	if !ok {
		t.Fatal("stop is not a background task")
	}
	m, run := r.Update(started)
	r = m.(Root)
	footer := lastLine(screen(r))
	if !strings.Contains(footer, "stopping shop-api-1") || !strings.Contains(footer, "⠋") {
		t.Fatalf("the footer does not show the task with its spinner: %q", footer)
	}
	r = follow(t, r, run)
	if r.tasks.Busy() || strings.Contains(lastLine(screen(r)), "⠋") {
		t.Fatalf("the task is still listed after it ended: %q", lastLine(screen(r)))
	}
	if !strings.Contains(screen(r), "stopped shop-api-1") {
		t.Fatalf("the task's result did not reach the tab:\n%s", screen(r))
	}
}

func TestSpinnerStopsWhenIdle(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	if r.busy() {
		t.Fatal("the fixed data set has nothing running, yet the root is busy")
	}
	if cmd := r.tasks.EnsureSpin(r.busy); cmd != nil {
		t.Fatal("an idle root starts a timer")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
