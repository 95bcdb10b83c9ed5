// Package tasks is the footer's background tasks: a tab starts one with Run, the root lists
// it (with a spinner and how long it has run) until its result comes back.
package tasks

import (
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/views"
)

// token names one background task. A pointer is unique without a global counter, and
// its start and end messages compare equal by it. It is not empty: pointers to zero-size
// values may all be the same, and then every task's end would match the oldest task.
type token struct{ _ byte }

// StartedMsg says a background action is about to begin: the root lists it in the
// footer, then runs it; its result comes back as an EndedMsg.
type StartedMsg struct {
	tok  *token
	what string
	at   time.Time
	run  tea.Cmd
}

// EndedMsg carries what the task's command returned, for the tab that started it.
type EndedMsg struct {
	tok    *token
	result tea.Msg
}

// task is a one-shot action the root shows in the footer while it runs.
type task struct {
	tok  *token
	what string
	at   time.Time
}

// List is the root's list of running background work and the spinner drawn beside it.
// The spinner ticks only while something runs, so an idle TUI has no timer.
type List struct {
	running  []task
	spin     spinner.Model
	spinning bool // a tick is on its way
}

// Run runs cmd as a background task named what: the footer shows it (with a spinner and
// how long it has run) from before cmd starts until its result is delivered.
func Run(what string, now time.Time, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	tok := &token{}
	run := func() tea.Msg { return EndedMsg{tok: tok, result: cmd()} }
	return func() tea.Msg { return StartedMsg{tok: tok, what: what, at: now, run: run} }
}

// NewList is an empty list with its spinner.
func NewList() List {
	return List{spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Start lists a task and returns its command to run.
func (t *List) Start(msg StartedMsg) tea.Cmd {
	t.running = append(t.running, task{tok: msg.tok, what: msg.what, at: msg.at})
	return msg.run
}

// End removes a task and returns what its command returned, for the tab that started it.
func (t *List) End(msg EndedMsg) tea.Msg {
	for i, x := range t.running {
		if x.tok == msg.tok {
			t.running = append(t.running[:i:i], t.running[i+1:]...)
			break
		}
	}
	return msg.result
}

// Busy says a task is running.
func (t List) Busy() bool { return len(t.running) > 0 }

// EnsureSpin starts the spinner's ticks when busy says work is under way and no tick is on
// its way; busy is asked only then, so a spinning root does not walk the tabs per message.
func (t *List) EnsureSpin(busy func() bool) tea.Cmd {
	if t.spinning || !busy() {
		return nil
	}
	t.spinning = true
	return t.spin.Tick
}

// Tick advances the spinner while anything is busy; otherwise the chain of ticks ends here.
func (t *List) Tick(msg spinner.TickMsg, busy bool) tea.Cmd {
	if msg.ID != t.spin.ID() {
		return nil
	}
	if !busy {
		t.spinning = false
		return nil
	}
	var cmd tea.Cmd
	t.spin, cmd = t.spin.Update(msg)
	return cmd
}

// View is the tasks as the footer shows them, the root's own first, then the tabs' ongoing work.
func (t List) View(others []views.Task) []views.Task {
	out := make([]views.Task, 0, len(t.running)+len(others))
	for _, x := range t.running {
		out = append(out, views.Task{What: x.what, Since: x.at})
	}
	return append(out, others...)
}

// Frame is the spinner's current glyph.
func (t List) Frame() string { return t.spin.View() }
