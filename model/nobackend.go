package model

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// nullBackend stands in when Config has no Backend, so a wiring mistake shows as a
// disconnected header instead of a crash.
type nullBackend struct{}

func errNoBackend() error { return errors.New("no docker backend configured") }

func (nullBackend) Snapshot() docker.Snapshot {
	return docker.Snapshot{Status: docker.Status{State: docker.Disconnected, Err: errNoBackend()}}
}

// Subscribe returns a subscription to an index that never runs, so it never fires.
func (nullBackend) Subscribe() *docker.Subscription {
	return docker.NewIndex(nil, docker.IndexOptions{}).Subscribe()
}

func (nullBackend) Logs(context.Context, string, docker.LogOptions, func(docker.LogLine)) error {
	return errNoBackend()
}
func (nullBackend) Stop(context.Context, string, time.Duration) error    { return errNoBackend() }
func (nullBackend) Restart(context.Context, string, time.Duration) error { return errNoBackend() }
func (nullBackend) Remove(context.Context, string, docker.RemoveOptions) error {
	return errNoBackend()
}
func (nullBackend) Shell(context.Context, string) tea.ExecCommand { return nil }

func (nullBackend) Inspect(context.Context, string) (docker.ContainerDetail, error) {
	return docker.ContainerDetail{}, errNoBackend()
}

func (nullBackend) Stats(context.Context, string, func(docker.Stats)) error { return errNoBackend() }
