package pods

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/handoff"
	"github.com/podiumdev/podium/views"
)

// maxOpEvents bounds the progress events buffered for the UI; the footer shows the latest.
const maxOpEvents = 256

// allRows is the busy key of an operation on the whole workspace (down).
const allRows = "*"

var opGen atomic.Uint64

// podOp is a running up, stop, restart, remove, build, pull, down or apply of pods or
// services. Its progress events go through a handoff, so the lifecycle code never waits for the UI.
type podOp struct {
	id     uint64
	verb   string   // up, stop, restart, …
	target string   // frontend, frontend/web
	key    string   // the row it acts on, for the busy mark; allRows for down
	also   []string // further rows it acts on (apply's services)
	// started is when it began, for the footer's task list.
	started time.Time
	feed    *handoff.Queue[compose.Event]
	done    chan struct{} // closed when the call returns
}

// opProgressMsg carries the events an operation reported since the last one.
type opProgressMsg struct {
	op     uint64
	events []compose.Event
}

// podOpDoneMsg says an operation returned.
type podOpDoneMsg struct {
	op  uint64
	err error
}

// execReadyMsg carries a prepared shell, exec, test or run, to hand the terminal to.
type execReadyMsg struct {
	Action keymap.Action
	Target string
	Cmd    tea.ExecCommand
	Err    error
}

// ExecDoneMsg says the user is back from a shell, exec, test or run. It is exported for the
// root's golden screens, which show a command's result in the footer: the Program makes it
// (tea.Exec's callback) and a test, which cannot run tea.Exec, hands it to the root instead.
type ExecDoneMsg struct {
	Action keymap.Action
	Target string
	Err    error
}

// verbs are the words of the actions in messages.
var verbs = map[keymap.Action]string{
	keymap.BringUp: "up", keymap.Stop: "stop", keymap.Restart: "restart",
	keymap.Shell: "shell", keymap.Exec: "exec", keymap.Test: "test", keymap.Run: "run",
	keymap.Remove: "remove", keymap.Build: "build", keymap.Pull: "pull", keymap.PodsDown: "down",
	keymap.Apply: "apply", keymap.RunScript: "run-script",
}

func (m ExecDoneMsg) status() views.Status {
	verb := verbs[m.Action]
	if m.Err == nil {
		return views.Status{Text: fmt.Sprintf("%s %s exited (code 0)", verb, m.Target)}
	}
	if code, ok := exitCode(m.Err); ok {
		return views.Status{Text: fmt.Sprintf("%s %s exited (code %d)", verb, m.Target, code), Err: code != 0}
	}
	return views.Status{Text: fmt.Sprintf("%s %s: %v", verb, m.Target, m.Err), Err: true}
}

// exitCode finds a command's exit code in err: the engine's ExitError, or any error that
// reports one (os/exec's does).
func exitCode(err error) (int, bool) {
	var de docker.ExitError
	if errors.As(err, &de) {
		return de.Code, true
	}
	var pe *docker.ExitError
	if errors.As(err, &pe) && pe != nil {
		return pe.Code, true
	}
	var coder interface{ ExitCode() int }
	if errors.As(err, &coder) {
		return coder.ExitCode(), true
	}
	return 0, false
}

// actionRow is the selected row if action a may act on it, else why not.
func (m Model) actionRow(a keymap.Action) (views.PodTreeRow, string) {
	r, ok := m.Selected()
	if !ok {
		return r, "no pod selected"
	}
	return r, m.refusal(a, r)
}

// rowTarget is what a row acts on: its pod, its service ("" for a pod row), and both as one
// name for messages ("frontend/web").
func rowTarget(r views.PodTreeRow) (pod, service, target string) {
	if r.Kind != views.PodLevel {
		service = r.Service.Service
	}
	return r.Pod.Name, service, pods.Address(r.Pod.Name, service)
}

// lifecycle starts up, stop or restart on the selected pod (a pod row) or service.
func (m Model) lifecycle(a keymap.Action) (Model, tea.Cmd) {
	r, why := m.actionRow(a)
	if why != "" {
		m.status = views.Status{Text: why, Err: true}
		return m, nil
	}
	pod, service, target := rowTarget(r)
	call := m.pb.Up
	switch a {
	case keymap.Stop:
		call = m.pb.Stop
	case keymap.Restart:
		call = m.pb.Restart
	case keymap.Remove:
		call = m.pb.Remove
	case keymap.Build:
		call = m.pb.Build
	case keymap.Pull:
		call = m.pb.Pull
	}
	ws := m.ws
	return m.startOp(verbs[a], target, []string{target}, func(ctx context.Context, progress func(compose.Event)) error {
		return call(ctx, ws, pod, service, progress)
	})
}

// startOp runs call off the UI loop as an operation on rows (the first names it in the busy
// marks, unless it is allRows), unless one under way acts on any of them.
func (m Model) startOp(verb, target string, rows []string, call func(context.Context, func(compose.Event)) error) (Model, tea.Cmd) {
	for _, op := range m.ops {
		for _, row := range rows {
			if op.touches(row) {
				m.status = views.Status{Text: fmt.Sprintf("%s %s is still running", op.verb, op.target), Err: true}
				return m, nil
			}
		}
	}
	op := &podOp{id: opGen.Add(1), verb: verb, target: target, key: rows[0], also: rows[1:], started: m.Now(),
		feed: handoff.New[compose.Event](maxOpEvents), done: make(chan struct{})}
	m.ops = append(slices.Clone(m.ops), op)
	m.status = views.Status{Text: op.verb + " " + target + "…"}
	ctx := m.Ctx
	run := func() tea.Msg {
		err := call(ctx, op.feed.Push)
		close(op.done)
		if err != nil && ctx.Err() != nil {
			return nil // quitting
		}
		return podOpDoneMsg{op: op.id, err: err}
	}
	return m, tea.Batch(run, op.wait())
}

// touches says the operation acts on row, a row below it or a row above it: an up of a pod
// and a stop of its service must not overlap.
func (op *podOp) touches(row string) bool {
	if op.key == allRows || row == allRows {
		return true
	}
	for _, k := range append([]string{op.key}, op.also...) {
		if k == row || strings.HasPrefix(row, k+"/") || strings.HasPrefix(k, row+"/") {
			return true
		}
	}
	return false
}

// wait delivers the operation's next events; it ends with the operation.
func (op *podOp) wait() tea.Cmd {
	return func() tea.Msg {
		events, ok := op.feed.Next(op.done)
		if !ok {
			return nil
		}
		return opProgressMsg{op: op.id, events: events}
	}
}

// eventText is a progress event for the footer: "up frontend: web started".
func (op *podOp) eventText(e compose.Event) views.Status {
	subject := e.Service
	if subject == "" {
		subject = e.Container // a network or volume
	}
	if e.Action == compose.ActionError || e.Err != nil {
		return views.Status{Text: fmt.Sprintf("%s %s: %s: %v", op.verb, op.target, subject, e.Err), Err: true}
	}
	if e.Action == compose.ActionOutput {
		return views.Status{Text: fmt.Sprintf("%s %s: %s | %s", op.verb, op.target, subject, e.Detail)}
	}
	return views.Status{Text: fmt.Sprintf("%s %s: %s %s", op.verb, op.target, subject, e.Action)}
}

func (m Model) op(id uint64) (int, *podOp) {
	for i, op := range m.ops {
		if op.id == id {
			return i, op
		}
	}
	return -1, nil
}

func (m Model) opProgress(msg opProgressMsg) (Model, tea.Cmd) {
	_, op := m.op(msg.op)
	if op == nil {
		return m, nil // finished: its done message already showed the outcome
	}
	if n := len(msg.events); n > 0 {
		m.status = op.eventText(msg.events[n-1])
	}
	return m, op.wait()
}

func (m Model) opDone(msg podOpDoneMsg) (Model, tea.Cmd) {
	i, op := m.op(msg.op)
	if op == nil {
		return m, nil
	}
	m.ops = slices.Delete(slices.Clone(m.ops), i, i+1)
	switch {
	case msg.err != nil:
		m.status = views.Status{Text: fmt.Sprintf("%s %s: %v", op.verb, op.target, msg.err), Err: true}
	default:
		m.status = views.Status{Text: fmt.Sprintf("%s %s: done", op.verb, op.target)}
	}
	if m.applyDue {
		// --watch had a change to apply while this operation was in its way.
		m.applyDue = false
		return m.apply(true)
	}
	return m, nil
}

// busy marks the rows an operation is acting on, for the view.
func (m Model) busy() map[string]string {
	if len(m.ops) == 0 {
		return nil
	}
	out := make(map[string]string, len(m.ops))
	for _, op := range m.ops {
		for _, k := range append([]string{op.key}, op.also...) {
			out[k] = op.verb + "…"
		}
		if op.key == allRows {
			for _, ps := range m.states {
				out[ps.Pod.Name] = op.verb + "…"
			}
		}
	}
	return out
}

// interactive prepares a shell, exec, test or run off the UI loop; execReady then hands it the
// terminal.
func (m Model) interactive(a keymap.Action, pod, service string, args []string) (Model, tea.Cmd) {
	target := pod + "/" + service
	m.status = views.Status{Text: fmt.Sprintf("%s %s…", verbs[a], target)}
	pb, ws, ctx := m.pb, m.ws, m.Ctx
	return m, func() tea.Msg {
		var x tea.ExecCommand
		var err error
		switch a {
		case keymap.Shell:
			x, err = pb.Shell(ctx, ws, pod, service)
		case keymap.Exec:
			x, err = pb.Exec(ctx, ws, pod, service, args)
		case keymap.Test:
			x, err = pb.Test(ctx, ws, pod, service)
		case keymap.Run:
			x, err = pb.Run(ctx, ws, pod, service, args)
		}
		if err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil
		}
		if err == nil && x == nil {
			err = errors.New("nothing to run")
		}
		return execReadyMsg{Action: a, Target: target, Cmd: x, Err: err}
	}
}

func (m Model) execReady(msg execReadyMsg) (Model, tea.Cmd) {
	if msg.Err != nil {
		m.status = views.Status{Text: fmt.Sprintf("%s %s: %v", verbs[msg.Action], msg.Target, msg.Err), Err: true}
		return m, nil
	}
	m.status = views.Status{}
	a, target := msg.Action, msg.Target
	return m, tea.Exec(msg.Cmd, func(err error) tea.Msg { return ExecDoneMsg{Action: a, Target: target, Err: err} })
}
