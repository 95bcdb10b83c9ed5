package containers

import (
	"github.com/podiumdev/podium/model/list"

	"context"
	"fmt"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/tasks"
	"github.com/podiumdev/podium/views"
)

// containersBulkDoneMsg reports how a stop, restart or remove of the marked containers went:
// one result per container.
type containersBulkDoneMsg struct {
	action keymap.Action
	done   []ActionDoneMsg
}

func (m containersBulkDoneMsg) status() views.Status {
	var failed []string
	for _, d := range m.done {
		if d.Err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", d.Name, d.Err))
		}
	}
	if len(failed) > 0 {
		return views.Status{Text: fmt.Sprintf("%s: %d of %d failed: %s", m.action, len(failed), len(m.done), strings.Join(failed, "; ")), Err: true}
	}
	past := map[keymap.Action]string{keymap.Stop: "stopped", keymap.Restart: "restarted", keymap.Remove: "removed"}[m.action]
	return views.Status{Text: past + " " + views.Plural(len(m.done), "container")}
}

// markKey handles marking, and stop, restart and remove while containers are marked: they
// then apply to the marked ones instead of the selection. ok is false for any other action.
func (m Model) markKey(a keymap.Action) (Model, tea.Cmd, bool) {
	if st, ok := m.list.MarkOrClear(a, m.Keys, m.Context(), keymap.Stop, keymap.Restart, keymap.Remove); ok {
		m.status = st
		return m, m.syncLogs(), true
	}
	switch {
	case m.list.Marking() && (a == keymap.Stop || a == keymap.Restart || a == keymap.Remove):
		m, cmd := m.bulk(a)
		return m, cmd, true
	}
	return m, nil, false
}

// bulk starts an action on every marked container; remove asks first.
func (m Model) bulk(a keymap.Action) (Model, tea.Cmd) {
	var cs []docker.Container
	for _, r := range m.list.Marked() {
		if a != keymap.Stop || r.Container.Running() {
			cs = append(cs, r.Container)
		}
	}
	switch {
	case len(cs) == 0:
		m.status = views.Status{Text: fmt.Sprintf("none of the %d marked containers is running", m.list.MarkCount()), Err: true}
		return m, nil
	case a == keymap.Remove:
		m.confirm = &confirmation{action: a, name: views.Plural(len(cs), "container"), bulk: cs}
		return m, nil
	}
	return m.actMarked(a, cs)
}

// removeMarked removes the marked containers once the user said yes: those still there, each
// killed first if it is running now.
func (m Model) removeMarked(asked []docker.Container) (Model, tea.Cmd) {
	var cs []docker.Container
	for _, c := range asked {
		if now, ok := m.snap.ByID(c.ID); ok {
			cs = append(cs, now)
		}
	}
	if len(cs) == 0 {
		m.status = views.Status{Text: "the marked containers are gone", Err: true}
		return m, nil
	}
	return m.actMarked(keymap.Remove, cs)
}

// actMarked runs the action on every container at once, reports them together, and clears
// the marks.
func (m Model) actMarked(a keymap.Action, cs []docker.Container) (Model, tea.Cmd) {
	m.list.ClearMarks()
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	m.status = views.Status{Text: fmt.Sprintf("%s %s (%s)…", progressive(a), views.Plural(len(cs), "container"), list.SomeNames(names))}
	b, ctx := m.b, m.Ctx
	what := fmt.Sprintf("%s %s", progressive(a), views.Plural(len(cs), "container"))
	return m, tasks.Run(what, m.Now(), func() tea.Msg {
		msg := containersBulkDoneMsg{action: a, done: make([]ActionDoneMsg, len(cs))}
		var wg sync.WaitGroup
		for i, c := range cs {
			wg.Go(func() {
				msg.done[i] = ActionDoneMsg{Action: a, ContainerID: c.ID, Name: c.Name, Err: containerCall(ctx, b, a, c)}
			})
		}
		wg.Wait()
		if ctx.Err() != nil {
			return nil // quitting
		}
		return msg
	})
}

// containerCall is the engine call of a stop, restart or remove of c, as its key makes it: a
// running container is killed before it is removed.
func containerCall(ctx context.Context, b engine.Backend, a keymap.Action, c docker.Container) error {
	switch a {
	case keymap.Stop:
		return b.Stop(ctx, c.ID, -1)
	case keymap.Restart:
		return b.Restart(ctx, c.ID, -1)
	case keymap.Remove:
		return b.Remove(ctx, c.ID, docker.RemoveOptions{Force: c.Running()})
	}
	return fmt.Errorf("%s %s: not an action on containers", a, c.Name)
}

// bulkQuestion is what the confirm dialog asks before a bulk remove.
func (q confirmation) bulkQuestion() (string, string) {
	names := make([]string, len(q.bulk))
	running := 0
	for i, c := range q.bulk {
		names[i] = c.Name
		if c.Running() {
			running++
		}
	}
	question := fmt.Sprintf("Remove %s (%s)?", views.Plural(len(q.bulk), "container"), list.SomeNames(names))
	switch running {
	case 0:
		return question, ""
	case 1:
		return question, "1 is running: it will be killed first."
	}
	return question, fmt.Sprintf("%d are running: they will be killed first.", running)
}
