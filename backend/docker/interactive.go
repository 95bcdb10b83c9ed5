package docker

import (
	"context"
	"fmt"
	"io"
)

// InteractiveOptions describe an interactive exec (a shell) in a running container.
type InteractiveOptions struct {
	// Cmd is the command to run; empty means the container's best shell (bash if it has one, else sh).
	Cmd        []string
	User       string
	WorkingDir string
	Env        []string
	Privileged bool
}

// ExitError is returned by InteractiveExec.Run when the command exits non-zero.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exec exited with code %d", e.Code) }

// InteractiveExec runs a command in a container attached to the user's terminal. It has the
// method set of Bubble Tea's tea.ExecCommand, so the TUI hands it the terminal with tea.Exec.
type InteractiveExec struct {
	ctx    context.Context
	eng    *Engine
	id     string
	opts   InteractiveOptions
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Interactive prepares an interactive exec in container id; Run starts it.
func (e *Engine) Interactive(ctx context.Context, id string, opts InteractiveOptions) *InteractiveExec {
	return &InteractiveExec{ctx: ctx, eng: e, id: id, opts: opts}
}

func (x *InteractiveExec) SetStdin(r io.Reader)  { x.stdin = r }
func (x *InteractiveExec) SetStdout(w io.Writer) { x.stdout = w }
func (x *InteractiveExec) SetStderr(w io.Writer) { x.stderr = w }

// Run is being written (helper A); it returns an error until then.
func (x *InteractiveExec) Run() error { return fmt.Errorf("interactive exec not implemented yet") }
