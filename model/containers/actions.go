package containers

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/tasks"
	"github.com/podiumdev/podium/views"
)

// ActionDoneMsg reports how a stop, restart or remove went.
type ActionDoneMsg struct {
	Action      keymap.Action
	ContainerID string
	Name        string
	Err         error
}

func (m ActionDoneMsg) status() views.Status {
	if m.Err != nil {
		return views.Status{Text: fmt.Sprintf("%s %s: %v", m.Action, m.Name, m.Err), Err: true}
	}
	past := map[keymap.Action]string{keymap.Stop: "stopped", keymap.Restart: "restarted", keymap.Remove: "removed"}[m.Action]
	return views.Status{Text: past + " " + m.Name}
}

// act runs a container action with the tab's context and reports back: a footer task. A
// running container is killed before it is removed (the question said so).
func (m Model) act(a keymap.Action, c docker.Container) tea.Cmd {
	b, ctx := m.b, m.Ctx
	return tasks.Run(progressive(a)+" "+c.Name, m.Now(), func() tea.Msg {
		err := containerCall(ctx, b, a, c)
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil // quitting
		}
		return ActionDoneMsg{Action: a, ContainerID: c.ID, Name: c.Name, Err: err}
	})
}

// shell hands the terminal to a shell in c until the user exits it.
func (m Model) shell(c docker.Container) tea.Cmd {
	x := m.b.Shell(m.Ctx, c.ID)
	if x == nil {
		return nil
	}
	id, name := c.ID, c.Name
	return tea.Exec(x, func(err error) tea.Msg { return engine.ShellExitedMsg{ContainerID: id, Name: name, Err: err} })
}
