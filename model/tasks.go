package model

import (
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/views"
)

// taskToken names one background task. A pointer is unique without a global counter, and
// its start and end messages compare equal by it.
type taskToken struct{}

// taskStartedMsg says a background action is about to begin: the root lists it in the
// footer, then runs it; its result comes back as a taskEndedMsg.
type taskStartedMsg struct {
	tok  *taskToken
	what string
	at   time.Time
	run  tea.Cmd
}

// taskEndedMsg carries what the task's command returned, for the tab that started it.
type taskEndedMsg struct {
	tok    *taskToken
	result tea.Msg
}

// task is a one-shot action the root shows in the footer while it runs.
type task struct {
	tok  *taskToken
	what string
	at   time.Time
}

// tasks is the root's list of running background work and the spinner drawn beside it.
// The spinner ticks only while something runs, so an idle TUI has no timer.
type tasks struct {
	running  []task
	spin     spinner.Model
	spinning bool // a tick is on its way
}

// runTask runs cmd as a background task named what: the footer shows it (with a spinner and
// how long it has run) from before cmd starts until its result is delivered.
func runTask(what string, now time.Time, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	tok := &taskToken{}
	run := func() tea.Msg { return taskEndedMsg{tok: tok, result: cmd()} }
	return func() tea.Msg { return taskStartedMsg{tok: tok, what: what, at: now, run: run} }
}

func newTasks() tasks {
	return tasks{spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// start lists a task and returns its command to run.
func (t *tasks) start(msg taskStartedMsg) tea.Cmd {
	t.running = append(t.running, task{tok: msg.tok, what: msg.what, at: msg.at})
	return msg.run
}

// end removes a task.
func (t *tasks) end(tok *taskToken) {
	for i, x := range t.running {
		if x.tok == tok {
			t.running = append(t.running[:i:i], t.running[i+1:]...)
			return
		}
	}
}

// ensureSpin starts the spinner's ticks when busy says work is under way and no tick is on
// its way; busy is asked only then, so a spinning root does not walk the tabs per message.
func (t *tasks) ensureSpin(busy func() bool) tea.Cmd {
	if t.spinning || !busy() {
		return nil
	}
	t.spinning = true
	return t.spin.Tick
}

// tick advances the spinner while anything is busy; otherwise the chain of ticks ends here.
func (t *tasks) tick(msg spinner.TickMsg, busy bool) tea.Cmd {
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

// view is the tasks as the footer shows them, the root's own first, then the tabs' ongoing work.
func (t tasks) view(others []views.Task) []views.Task {
	out := make([]views.Task, 0, len(t.running)+len(others))
	for _, x := range t.running {
		out = append(out, views.Task{What: x.what, Since: x.at})
	}
	return append(out, others...)
}

// frame is the spinner's current glyph.
func (t tasks) frame() string { return t.spin.View() }
