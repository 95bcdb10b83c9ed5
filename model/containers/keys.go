package containers

import (
	"github.com/podiumdev/podium/model/list"

	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// handleKey routes a key press by the tab's context.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	key := msg.String()
	switch ctx := m.Context(); ctx {
	case keymap.CtxConfirm:
		return m.confirmKey(m.Keys.Resolve(ctx, key))
	case keymap.CtxFilter:
		return m.filterKey(msg, m.Keys.Resolve(ctx, key))
	case keymap.CtxSearch:
		m.logs.SearchKey(msg, m.Keys.Resolve(ctx, key), m.layout().LogLines())
		return m, nil
	default:
		return m.do(m.Keys.Resolve(ctx, key))
	}
}

func (m Model) confirmKey(a keymap.Action) (Model, tea.Cmd) {
	q := m.confirm
	switch a {
	case keymap.Confirm:
		m.confirm = nil
		if len(q.bulk) > 0 {
			return m.removeMarked(q.bulk)
		}
		c, ok := m.snap.ByID(q.id)
		if !ok {
			m.status = views.Status{Text: q.name + " is gone", Err: true}
			return m, nil
		}
		m.status = views.Status{Text: progressive(q.action) + " " + q.name + "…"}
		return m, m.act(q.action, c)
	case keymap.Cancel:
		m.confirm = nil
		m.status = views.Status{Text: "kept " + q.name}
	}
	return m, nil
}

func (m Model) filterKey(msg tea.KeyPressMsg, a keymap.Action) (Model, tea.Cmd) {
	f, ok := m.list.FilterKey(msg, a)
	if !ok {
		return m, nil
	}
	m.setFilter(f)
	return m, m.syncLogs()
}

// do performs an action in the list or its logs pane, from a key or the command palette.
func (m Model) do(a keymap.Action) (Model, tea.Cmd) {
	if cmd, ok := m.detailKey(a); ok {
		return m, cmd
	}
	switch m.list.Key(a, &m.logs, m.layout().LogLines(), &m.status, func() { m.setFilter("") }) {
	case list.Done:
		return m, m.logs.TakeCmd() // reading older lines, saving the whole log
	case list.Moved:
		return m, m.syncLogs()
	}
	if m, cmd, ok := m.markKey(a); ok {
		return m, cmd
	}
	switch a {
	case keymap.Shell, keymap.Stop, keymap.Restart, keymap.Remove:
		return m.containerAction(a)
	}
	return m, nil
}

// containerAction starts an action on the selected container, asking first when it destroys.
func (m Model) containerAction(a keymap.Action) (Model, tea.Cmd) {
	c, ok := m.Selected()
	if !ok {
		m.status = views.Status{Text: "no container selected", Err: true}
		return m, nil
	}
	switch a {
	case keymap.Remove:
		m.confirm = &confirmation{action: a, id: c.ID, name: c.Name, force: c.Running()}
		return m, nil
	case keymap.Shell:
		if c.State != "running" {
			m.status = views.Status{Text: fmt.Sprintf("%s is %s: a shell needs it running", c.Name, c.State), Err: true}
			return m, nil
		}
		cmd := m.shell(c)
		if cmd == nil {
			m.status = views.Status{Text: "cannot open a shell in " + c.Name, Err: true}
			return m, nil
		}
		m.status = views.Status{}
		return m, cmd
	case keymap.Stop:
		if !c.Running() {
			m.status = views.Status{Text: c.Name + " is not running", Err: true}
			return m, nil
		}
	}
	m.status = views.Status{Text: progressive(a) + " " + c.Name + "…"}
	return m, m.act(a, c)
}

// progressive is the -ing form of an action for "stopping web-1…".
func progressive(a keymap.Action) string {
	switch a {
	case keymap.Stop:
		return "stopping"
	case keymap.Restart:
		return "restarting"
	case keymap.Remove:
		return "removing"
	}
	return string(a)
}

// question is what the confirm dialog asks, and what it adds below the question.
func (q confirmation) question() (string, string) {
	if len(q.bulk) > 0 {
		return q.bulkQuestion()
	}
	if q.force {
		return fmt.Sprintf("Remove container %s?", q.name), "It is running: it will be killed first."
	}
	return fmt.Sprintf("Remove container %s?", q.name), ""
}
