package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/model"
)

// startSupervisor runs a supervisor of setup's spec directories in this process until ctx
// ends, leaving its containers running; done is closed once it has saved its state and
// returned.
func startSupervisor(ctx context.Context, eng *docker.Engine, setup superviseSetup) (*supervisor.Supervisor, <-chan struct{}, error) {
	sup, err := supervisor.New(supervisor.Options{
		Engine: eng, StateFile: setup.state, SpecDirs: setup.specDirs,
		Labels: supervisorLabels(setup.state, nil), Logger: slog.Default(),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("supervisor of %s: %w", setup.state, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sup.Run(ctx); err != nil {
			slog.Error("supervisor stopped", "err", err)
		}
	}()
	return sup, done, nil
}

// takeOvers is the Deploys tab's take over: when the `podium supervise` it follows stopped,
// it starts the supervisor startDeploys would have started had none answered. The supervisors
// run until ctx ends; wait returns once they have saved their state.
type takeOvers struct {
	ctx   context.Context
	eng   *docker.Engine
	setup superviseSetup

	mu      sync.Mutex
	done    []<-chan struct{}
	stopped bool // wait began: no more starts
}

// start starts a supervisor in this process, for the tab to follow instead. The supervisor
// lives as long as the TUI, not as long as the call's context.
func (t *takeOvers) start(context.Context) (model.DeploysBackend, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped || t.ctx.Err() != nil {
		return nil, errors.New("podium is quitting")
	}
	sup, done, err := startSupervisor(t.ctx, t.eng, t.setup)
	if err != nil {
		return nil, err
	}
	slog.Info("took over from the supervisor daemon", "state", t.setup.state)
	t.done = append(t.done, done)
	return sup, nil
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
