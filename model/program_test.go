package model

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestProgramHeadless drives the real Bubble Tea program: it renders, takes keys, filters
// and quits, and its streams and watchers end with it.
func TestProgramHeadless(t *testing.T) {
	f := newFake()
	tm := teatest.NewTestModel(t, New(Config{Backend: f, Workspace: "~/src/shop", Now: testNow}),
		teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("shop-worker-2")) },
		teatest.WithDuration(5*time.Second))

	tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"}) // blog-web-1
	tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"}) // shop-api-1
	tm.Send(tea.KeyPressMsg{Code: 'k', Text: "k"}) // blog-web-1
	tm.Type("/shop")                               // filter; blog-web-1 is hidden, the first match is selected
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})   // keep the filter
	tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"}) // shop-db-1
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})

	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Root)
	if !ok {
		t.Fatal("final model is not a Root")
	}
	if !fm.quitting {
		t.Error("not quitting")
	}
	if filter, editing := fm.containers().Filter(); filter != "shop" || editing {
		t.Errorf("filter %q editing %v", filter, editing)
	}
	if got := selectedName(fm); got != "shop-db-1" {
		t.Errorf("selected %q, want shop-db-1", got)
	}
	if fm.width != 100 || fm.height != 30 {
		t.Errorf("size %dx%d", fm.width, fm.height)
	}
	if s := fm.containers().LogStream(); s == nil || s.Err() == nil {
		t.Error("the log stream outlived the program")
	}
	// The program asked for the logs of each container it selected, with a tail.
	if calls := f.LogCalls(); len(calls) == 0 || calls[0] != "b6b6b6b6b6b6b6b6 follow=true tail=200" {
		t.Errorf("log calls %v", calls)
	}
}
