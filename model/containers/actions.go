package model

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

// actionDoneMsg reports how a stop, restart or remove went.
type actionDoneMsg struct {
	action      keymap.Action
	containerID string
	name        string
	err         error
}

func (m actionDoneMsg) status() views.Status {
	if m.err != nil {
		return views.Status{Text: fmt.Sprintf("%s %s: %v", m.action, m.name, m.err), Err: true}
	}
	past := map[keymap.Action]string{keymap.Stop: "stopped", keymap.Restart: "restarted", keymap.Remove: "removed"}[m.action]
	return views.Status{Text: past + " " + m.name}
}

// act runs a container action with the tab's context and reports back: a footer task. A
// running container is killed before it is removed (the question said so).
func (m Containers) act(a keymap.Action, c docker.Container) tea.Cmd {
	b, ctx := m.b, m.Ctx
	return tasks.Run(progressive(a)+" "+c.Name, m.Now(), func() tea.Msg {
		err := containerCall(ctx, b, a, c)
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil // quitting
		}
		return actionDoneMsg{action: a, containerID: c.ID, name: c.Name, err: err}
	})
}

// shell hands the terminal to a shell in c until the user exits it.
func (m Containers) shell(c docker.Container) tea.Cmd {
	x := m.b.Shell(m.Ctx, c.ID)
	if x == nil {
		return nil
	}
	id, name := c.ID, c.Name
	return tea.Exec(x, func(err error) tea.Msg { return engine.ShellExitedMsg{ContainerID: id, Name: name, Err: err} })
}
