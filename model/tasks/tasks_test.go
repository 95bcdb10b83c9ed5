package tasks

import (
	"testing"

	"charm.land/bubbles/v2/spinner"
)

func TestSpinnerStopsWhenIdle(t *testing.T) {
	tt := NewList()
	if cmd := tt.Tick(spinner.TickMsg{ID: tt.spin.ID()}, false); cmd != nil {
		t.Fatal("the spinner ticks on with nothing running")
	}
}
