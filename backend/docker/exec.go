package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// ExecOptions describe a command to run in a running container.
type ExecOptions struct {
	Cmd        []string
	Env        []string
	User       string
	WorkingDir string
	Privileged bool
	Stdin      io.Reader // nil: no standard input
}

// ExecResult is what a non-interactive exec produced.
type ExecResult struct {
	Stdout   string
	Stderr   string
	ExitCode int
}

// Exec runs a command in a container without a TTY, captures stdout and stderr apart, and
// returns its exit code. A non-zero exit is not an error: the caller reads ExitCode.
func (e *Engine) Exec(ctx context.Context, id string, opts ExecOptions) (ExecResult, error) {
	var out, errb bytes.Buffer
	code, err := e.ExecStream(ctx, id, opts, &out, &errb)
	return ExecResult{Stdout: out.String(), Stderr: errb.String(), ExitCode: code}, err
}

// ExecStream is Exec with the output streamed to stdout and stderr as it comes.
func (e *Engine) ExecStream(ctx context.Context, id string, opts ExecOptions, stdout, stderr io.Writer) (int, error) {
	what := fmt.Sprintf("exec %q in container %s", strings.Join(opts.Cmd, " "), id)
	cr, err := e.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		Cmd: opts.Cmd, Env: opts.Env, User: opts.User, WorkingDir: opts.WorkingDir, Privileged: opts.Privileged,
		AttachStdin: opts.Stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return -1, fmt.Errorf("%s: %w", what, err)
	}
	att, err := e.cli.ExecAttach(ctx, cr.ID, client.ExecAttachOptions{})
	if err != nil {
		return -1, fmt.Errorf("%s: attach: %w", what, err)
	}
	defer att.Close()
	stop := context.AfterFunc(ctx, func() { att.Close() })
	defer stop()
	if opts.Stdin != nil {
		go func() {
			_, _ = io.Copy(att.Conn, opts.Stdin)
			_ = att.CloseWrite()
		}()
	}
	if _, err := stdcopy.StdCopy(stdout, stderr, att.Reader); err != nil && ctx.Err() == nil {
		return -1, fmt.Errorf("%s: read output: %w", what, err)
	}
	if ctx.Err() != nil {
		return -1, fmt.Errorf("%s: %w", what, ctx.Err())
	}
	// The output ends when the process closes it, which can be a moment before the engine has
	// recorded the exit; until then inspect says Running with exit code 0.
	delay := 5 * time.Millisecond
	for {
		ins, err := e.cli.ExecInspect(ctx, cr.ID, client.ExecInspectOptions{})
		if err != nil {
			return -1, fmt.Errorf("%s: inspect: %w", what, err)
		}
		if !ins.Running {
			return ins.ExitCode, nil
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return -1, fmt.Errorf("%s: wait for exit code: %w", what, ctx.Err())
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

// ExecDetached starts a command in a container and returns at once, as `docker exec -d`.
func (e *Engine) ExecDetached(ctx context.Context, id string, opts ExecOptions) error {
	what := fmt.Sprintf("exec -d %q in container %s", strings.Join(opts.Cmd, " "), id)
	cr, err := e.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		Cmd: opts.Cmd, Env: opts.Env, User: opts.User, WorkingDir: opts.WorkingDir, Privileged: opts.Privileged,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := e.cli.ExecStart(ctx, cr.ID, client.ExecStartOptions{Detach: true}); err != nil {
		return fmt.Errorf("%s: start: %w", what, err)
	}
	return nil
}
