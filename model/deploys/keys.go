package deploys

import (
	"github.com/podiumdev/podium/model/list"

	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/views"
)

// deployConfirm is a question about a service on screen, waiting for y or n.
type deployConfirm struct {
	action keymap.Action // Restart, Rollback or TakeOver
	name   string        // the service; for TakeOver, the supervisor's URL
	rev    int           // the revision a rollback goes back to
	detail string        // what the dialog adds below the question
	names  []string      // a bulk restart: the marked services
}

// question is what the confirm dialog asks, and what it adds below the question.
func (q deployConfirm) question() (string, string) {
	if len(q.names) > 0 {
		return fmt.Sprintf("Restart %s (%s)?", views.Plural(len(q.names), "service"), list.SomeNames(q.names)), q.detail
	}
	switch q.action {
	case keymap.Rollback:
		return fmt.Sprintf("Roll %s back to r%d?", q.name, q.rev), q.detail
	case keymap.TakeOver:
		return fmt.Sprintf("Take over from the supervisor at %s?", q.name), q.detail
	}
	return fmt.Sprintf("Restart %s?", q.name), q.detail
}

// deployActionDoneMsg reports how a restart, rollback, pause or resume went.
type deployActionDoneMsg struct {
	action keymap.Action // Restart, Rollback, or PauseResume
	pause  bool          // PauseResume: it paused (else resumed)
	name   string
	rev    int
	err    error
}

func (m deployActionDoneMsg) status() views.Status {
	if m.err != nil {
		verb := map[keymap.Action]string{keymap.Restart: "restart", keymap.Rollback: "roll back"}[m.action]
		if m.action == keymap.PauseResume {
			verb = map[bool]string{true: "pause", false: "resume"}[m.pause]
		}
		return views.Status{Text: fmt.Sprintf("%s %s: %v", verb, m.name, m.err), Err: true}
	}
	switch m.action {
	case keymap.Restart:
		return views.Status{Text: "restarted " + m.name}
	case keymap.Rollback:
		return views.Status{Text: fmt.Sprintf("rolled %s back to r%d", m.name, m.rev)}
	}
	if m.pause {
		return views.Status{Text: "paused " + m.name + ": no deploys until resumed"}
	}
	return views.Status{Text: "resumed " + m.name}
}

// deployShellExitedMsg says the user left a shell in a service's container.
type deployShellExitedMsg struct{ engine.ShellExitedMsg }

// handleKey routes a key press by the tab's context.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	key := msg.String()
	switch ctx := m.Context(); ctx {
	case keymap.CtxConfirm:
		return m.confirmKey(m.Keys.Resolve(ctx, key))
	case keymap.CtxFilter:
		f, ok := m.list.FilterKey(msg, m.Keys.Resolve(ctx, key))
		if !ok {
			return m, nil
		}
		m.setFilter(f)
		return m, m.syncLogs()
	case keymap.CtxSearch:
		m.logs.SearchKey(msg, m.Keys.Resolve(ctx, key), m.panes().logLines())
		return m, nil
	default:
		return m.do(m.Keys.Resolve(ctx, key))
	}
}

// do performs an action in the list or its logs pane, from a key or the command palette.
func (m Model) do(a keymap.Action) (Model, tea.Cmd) {
	if m.db == nil {
		if a == keymap.Cancel {
			m.status = views.Status{}
		}
		return m, nil
	}
	if a == keymap.OpenError {
		return m.openError()
	}
	if cmd, ok := m.detailKey(a); ok {
		return m, cmd
	}
	switch m.list.Key(a, &m.logs, m.panes().logLines(), &m.status, func() { m.setFilter("") }) {
	case list.Done:
		// Focus moves may show or hide the logs pane.
		return m, tea.Batch(m.syncLogs(), m.logs.TakeCmd())
	case list.Moved:
		m.movedAt = m.Now()
		return m, m.syncLogs()
	}
	if m, cmd, ok := m.markKey(a); ok {
		return m, cmd
	}
	switch a {
	case keymap.Restart, keymap.Rollback, keymap.PauseResume, keymap.Shell:
		return m.serviceAction(a)
	case keymap.TakeOver:
		return m.askTakeOver()
	}
	return m, nil
}

// serviceAction starts an action on the selected service: restart and rollback ask first.
func (m Model) serviceAction(a keymap.Action) (Model, tea.Cmd) {
	s, ok := m.Selected()
	if !ok {
		m.status = views.Status{Text: "no service selected", Err: true}
		return m, nil
	}
	if busy := m.busy[s.Name]; busy != "" && a != keymap.Shell {
		m.status = views.Status{Text: fmt.Sprintf("%s: still %s", s.Name, busy), Err: true}
		return m, nil
	}
	switch a {
	case keymap.Restart:
		detail := "Its containers are replaced as in a deploy, in its deploy order."
		if s.Revision > 0 {
			detail = fmt.Sprintf("New containers of r%d replace the running ones, in its deploy order.", s.Revision)
		}
		m.confirm = &deployConfirm{action: a, name: s.Name, detail: detail}
		return m, nil
	case keymap.Rollback:
		rev, ok := supervisor.PreviousRevision(s)
		if !ok {
			m.status = views.Status{Text: s.Name + " has no earlier stable revision to roll back to", Err: true}
			return m, nil
		}
		m.confirm = &deployConfirm{action: a, name: s.Name, rev: rev, detail: rollbackDetail(s, rev, m.Now)}
		return m, nil
	case keymap.PauseResume:
		return m.call(a, s.Name, !s.Paused, 0)
	}
	return m.shell(s)
}

// rollbackDetail says what a rollback to rev brings back and what it abandons:
// "r11 (ghcr.io/acme/web:4.0.2, deployed 3d ago) keeps serving; r12 is abandoned."
func rollbackDetail(s supervisor.ServiceStatus, rev int, now func() time.Time) string {
	what := fmt.Sprintf("r%d", rev)
	for _, r := range s.History {
		if r.N != rev {
			continue
		}
		var about []string
		if r.Image != "" {
			about = append(about, r.Image)
		}
		if !r.At.IsZero() {
			about = append(about, "deployed "+views.Duration(now().Sub(r.At))+" ago")
		}
		if len(about) > 0 {
			what += " (" + strings.Join(about, ", ") + ")"
		}
	}
	if s.Next > 0 && rev == s.Revision {
		return fmt.Sprintf("%s keeps serving; r%d is abandoned.", what, s.Next)
	}
	return fmt.Sprintf("%s replaces r%d.", what, s.Revision)
}

func (m Model) confirmKey(a keymap.Action) (Model, tea.Cmd) {
	q := m.confirm
	switch a {
	case keymap.Confirm:
		m.confirm = nil
		switch {
		case len(q.names) > 0:
			return m.restartMarked(q.names)
		case q.action == keymap.TakeOver:
			return m.startTakeOver(q.name)
		}
		return m.call(q.action, q.name, false, q.rev)
	case keymap.Cancel:
		m.confirm = nil
		m.status = views.Status{Text: "kept " + q.name}
		if q.action == keymap.TakeOver {
			m.status = views.Status{Text: "still following " + q.name}
		}
	}
	return m, nil
}

// call runs a supervisor control off the UI loop and reports back; the service is marked
// busy meanwhile. pause says which way PauseResume goes.
func (m Model) call(a keymap.Action, name string, pause bool, rev int) (Model, tea.Cmd) {
	verb := map[keymap.Action]string{keymap.Restart: "restarting", keymap.Rollback: "rolling back"}[a]
	if a == keymap.PauseResume {
		verb = map[bool]string{true: "pausing", false: "resuming"}[pause]
	}
	m.busy = withBusy(m.busy, name, verb+"…")
	m.status = views.Status{Text: verb + " " + name + "…"}
	db, ctx := m.db, m.Ctx
	return m, func() tea.Msg {
		var err error
		switch a {
		case keymap.Restart:
			err = db.Restart(ctx, name)
		case keymap.Rollback:
			err = db.Rollback(ctx, name, rev)
		case keymap.PauseResume:
			if pause {
				err = db.Pause(name)
			} else {
				err = db.Resume(name)
			}
		}
		if err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil // quitting
		}
		return deployActionDoneMsg{action: a, pause: pause, name: name, rev: rev, err: err}
	}
}

func (m Model) actionDone(msg deployActionDoneMsg) (Model, tea.Cmd) {
	if _, ok := m.busy[msg.name]; ok {
		m.busy = withBusy(m.busy, msg.name, "")
	}
	m.status = msg.status()
	return m, nil
}

// shell hands the terminal to a shell in the service's first running container.
func (m Model) shell(s supervisor.ServiceStatus) (Model, tea.Cmd) {
	for _, c := range s.Containers {
		if c.State != "running" {
			continue
		}
		x := m.b.Shell(m.Ctx, c.ID)
		if x == nil {
			m.status = views.Status{Text: "cannot open a shell in " + c.Name, Err: true}
			return m, nil
		}
		m.status = views.Status{}
		id, name := c.ID, c.Name
		return m, tea.Exec(x, func(err error) tea.Msg {
			return deployShellExitedMsg{engine.ShellExitedMsg{ContainerID: id, Name: name, Err: err}}
		})
	}
	m.status = views.Status{Text: s.Name + " has no running container: a shell needs one", Err: true}
	return m, nil
}

// withBusy is a copy of busy with name marked as what (or unmarked, for ""): models are
// values, so the map an earlier copy holds must not change under it.
func withBusy(busy map[string]string, name, what string) map[string]string {
	out := make(map[string]string, len(busy)+1)
	for k, v := range busy {
		out[k] = v
	}
	if what == "" {
		delete(out, name)
	} else {
		out[name] = what
	}
	return out
}
