package engine

import (
	"errors"
	"fmt"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

// ShellExitedMsg says the user left a shell that Backend.Shell prepared (tea.Exec has given
// the terminal back). A tab that is not the only one opening shells wraps it in a type of its
// own, so the root's fan-out does not hand it to the wrong tab.
type ShellExitedMsg struct {
	ContainerID string
	Name        string
	Err         error
}

// Status is the footer's report of how the shell ended.
func (m ShellExitedMsg) Status() views.Status {
	var exit docker.ExitError
	switch {
	case m.Err == nil:
		return views.Status{Text: fmt.Sprintf("shell in %s exited (code 0)", m.Name)}
	case errors.As(m.Err, &exit):
		return views.Status{Text: fmt.Sprintf("shell in %s exited (code %d)", m.Name, exit.Code), Err: exit.Code != 0}
	}
	return views.Status{Text: fmt.Sprintf("shell in %s: %v", m.Name, m.Err), Err: true}
}
