package deploys

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// deployTakenOverMsg says how taking over from a followed supervisor that stopped went: on
// success, the new backend (a supervisor in this process), its subscription, and what was
// read of it just after.
type deployTakenOverMsg struct {
	url string // the supervisor taken over from
	db  Backend
	sub *deploySub
	deployRead
	err error
}

// askTakeOver asks before starting a supervisor here in place of the followed one; only a
// followed supervisor that is gone can be taken over, and only when cmd/tui said how.
func (m Model) askTakeOver() (Model, tea.Cmd) {
	switch {
	case m.followed.URL == "":
		m.status = views.Status{Text: "nothing to take over: the supervisor runs in Podium", Err: true}
	case !m.followed.Gone:
		m.status = views.Status{Text: "nothing to take over: the supervisor at " + m.followed.URL + " is running", Err: true}
	case m.takeOver == nil:
		m.status = views.Status{Text: "cannot take over from " + m.followed.URL + ": no specs of this workspace to supervise", Err: true}
	case m.takingOver:
		m.status = views.Status{Text: "still taking over from " + m.followed.URL, Err: true}
	default:
		m.confirm = &deployConfirm{action: keymap.TakeOver, name: m.followed.URL,
			detail: "Podium supervises this workspace's specs itself, keeping the running containers, until it quits."}
	}
	return m, nil
}

// startTakeOver calls TakeOver off the UI loop, then subscribes to the new supervisor and
// reads it, so the swap in Update is only an assignment.
func (m Model) startTakeOver(url string) (Model, tea.Cmd) {
	m.takingOver = true
	m.status = views.Status{Text: "taking over from " + url + "…"}
	fn, ctx := m.takeOver, m.Ctx
	return m, func() tea.Msg {
		db, err := fn(ctx)
		if ctx.Err() != nil {
			return nil // quitting
		}
		if err != nil {
			return deployTakenOverMsg{url: url, err: fmt.Errorf("take over from %s: %w", url, err)}
		}
		events, cancel := db.Subscribe()
		return deployTakenOverMsg{url: url, db: db, sub: &deploySub{events: events, cancel: cancel, began: time.Now()},
			deployRead: readDeploys(db)}
	}
}

// takenOver swaps the tab's backend for the supervisor taken over with, or says why it failed.
func (m Model) takenOver(msg deployTakenOverMsg) (Model, tea.Cmd) {
	m.takingOver = false
	if msg.err != nil {
		m.status = views.Status{Text: msg.err.Error(), Err: true}
		return m, nil
	}
	if m.sub != nil && m.sub.cancel != nil {
		m.sub.cancel()
	}
	m.db, m.sub, m.takeOver = msg.db, msg.sub, nil // the supervisor is this process's now
	m.setRead(msg.deployRead)
	m.status = views.Status{Text: "took over from " + msg.url + ": Podium supervises the specs"}
	return m, tea.Batch(m.watch(), m.syncLogs())
}
