// Package engine is what the TUI asks of the container engine: the Backend every tab that
// shows containers, logs or shells is given, and None, which stands in when there is none.
package engine

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// Backend is everything the TUI asks of the engine. cmd/tui serves it from docker.Live;
// tests use a fixed data set.
type Backend interface {
	// Snapshot is the live container index right now.
	Snapshot() docker.Snapshot
	// Subscribe signals after every change of the index.
	Subscribe() *docker.Subscription
	// LogBatches streams a container's output to sink, a batch of lines at a time (each the
	// sink's to keep), until ctx ends or the log does.
	LogBatches(ctx context.Context, id string, opts docker.LogOptions, sink func([]docker.LogLine)) error
	// Stop, Restart and Remove act on one container; a negative timeout means the container's own.
	Stop(ctx context.Context, id string, timeout time.Duration) error
	Restart(ctx context.Context, id string, timeout time.Duration) error
	Remove(ctx context.Context, id string, opts docker.RemoveOptions) error
	// Shell prepares an interactive shell in a running container, for tea.Exec.
	Shell(ctx context.Context, id string) tea.ExecCommand
	// Inspect reads a container's whole configuration, for the detail pane's Config and Env.
	Inspect(ctx context.Context, id string) (docker.ContainerDetail, error)
	// Stats streams a container's resource use to sink about once a second, until ctx ends
	// or the container stops.
	Stats(ctx context.Context, id string, sink func(docker.Stats)) error
	// AwaitExecEnd waits until more than seen execs have ended in a container (each health
	// probe is one), and returns how many have: the Config sub-tab follows the health check
	// by it.
	AwaitExecEnd(ctx context.Context, id string, seen uint64) (uint64, error)
}
