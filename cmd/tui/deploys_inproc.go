package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/deploys"
)

// takeOvers is the Deploys tab's take over: when the supervisor it follows stopped, it starts
// the supervisor startDeploys would have started had none answered, serving the socket. The supervisors
// run until ctx ends; wait returns once they have saved their state.
type takeOvers struct {
	ctx   context.Context
	g     *globalFlags
	eng   *docker.Engine
	setup superviseSetup

	mu      sync.Mutex
	done    []<-chan struct{}
	stopped bool // wait began: no more starts
}

// start starts a supervisor in this process, for the tab to follow instead. The supervisor
// lives as long as the TUI, not as long as the call's context.
func (t *takeOvers) start(context.Context) (deploys.Backend, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped || t.ctx.Err() != nil {
		return nil, errors.New("podium is quitting")
	}
	ls, err := startLocalSupervisor(t.ctx, t.g, t.eng, t.setup, slog.Default())
	if err != nil {
		return nil, fmt.Errorf("take over: %w", err)
	}
	slog.Info("took over from the workspace's supervisor", "state", t.setup.state, "socket", ls.socket)
	t.done = append(t.done, ls.done)
	return ls.sup, nil
}

// wait returns once ctx has ended and every supervisor start started has returned.
func (t *takeOvers) wait() {
	<-t.ctx.Done()
	t.mu.Lock()
	t.stopped = true
	done := t.done
	t.mu.Unlock()
	for _, d := range done {
		<-d
	}
}
