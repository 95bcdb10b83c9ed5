package tasks

import (
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

func TestSpinnerStopsWhenIdle(t *testing.T) {
	tt := NewList()
	if cmd := tt.Tick(spinner.TickMsg{ID: tt.spin.ID()}, false); cmd != nil {
		t.Fatal("the spinner ticks on with nothing running")
	}
}

// TestEndRemovesTheTaskThatEnded ends the later of two running tasks: the earlier stays listed.
func TestEndRemovesTheTaskThatEnded(t *testing.T) {
	l := NewList()
	started := func(what string) StartedMsg {
		return Run(what, time.Time{}, func() tea.Msg { return nil })().(StartedMsg)
	}
	first, second := started("first"), started("second")
	l.Start(first)
	run := l.Start(second)
	l.End(run().(EndedMsg))
	if v := l.View(nil); len(v) != 1 || v[0].What != "first" {
		t.Fatalf("after the second task ended the footer lists %+v, want only the first", v)
	}
}
