package engine

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// None stands in when the TUI is given no Backend, so a wiring mistake shows as a
// disconnected header instead of a crash.
type None struct{}

func errNoBackend() error { return errors.New("no docker backend configured") }

func (None) Snapshot() docker.Snapshot {
	return docker.Snapshot{Status: docker.Status{State: docker.Disconnected, Err: errNoBackend()}}
}

// Subscribe returns a subscription to an index that never runs, so it never fires.
func (None) Subscribe() *docker.Subscription {
	return docker.NewIndex(nil, docker.IndexOptions{}).Subscribe()
}

func (None) LogBatches(context.Context, string, docker.LogOptions, func([]docker.LogLine)) error {
	return errNoBackend()
}
func (None) Stop(context.Context, string, time.Duration) error    { return errNoBackend() }
func (None) Restart(context.Context, string, time.Duration) error { return errNoBackend() }
func (None) Remove(context.Context, string, docker.RemoveOptions) error {
	return errNoBackend()
}
func (None) Shell(context.Context, string) tea.ExecCommand { return nil }

func (None) Inspect(context.Context, string) (docker.ContainerDetail, error) {
	return docker.ContainerDetail{}, errNoBackend()
}

func (None) Stats(context.Context, string, func(docker.Stats)) error { return errNoBackend() }

func (None) AwaitExecEnd(context.Context, string, uint64) (uint64, error) {
	return 0, errNoBackend()
}
