// Package model holds Podium's Bubble Tea models: the root, which owns the header, help and
// quitting, and one self-contained model per tab (Pods, Deploys, Pipelines, Containers). Models
// keep state and handle messages; the views package draws them.
package model

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// Backend is everything the TUI asks of the engine. The real one is NewEngineBackend; tests
// use a fixed data set.
type Backend interface {
	// Snapshot is the live container index right now.
	Snapshot() docker.Snapshot
	// Subscribe signals after every change of the index.
	Subscribe() *docker.Subscription
	// Logs streams a container's output to sink until ctx ends or the log does.
	Logs(ctx context.Context, id string, opts docker.LogOptions, sink func(docker.LogLine)) error
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
}

// engineBackend serves Backend from a Docker engine and its live index.
type engineBackend struct {
	e  *docker.Engine
	ix *docker.Index
}

// NewEngineBackend adapts an engine and its index (which the caller runs) to Backend.
func NewEngineBackend(e *docker.Engine, ix *docker.Index) Backend {
	return engineBackend{e: e, ix: ix}
}

func (b engineBackend) Snapshot() docker.Snapshot       { return b.ix.Snapshot() }
func (b engineBackend) Subscribe() *docker.Subscription { return b.ix.Subscribe() }

func (b engineBackend) Logs(ctx context.Context, id string, opts docker.LogOptions, sink func(docker.LogLine)) error {
	return b.e.Logs(ctx, id, opts, sink)
}

func (b engineBackend) Stop(ctx context.Context, id string, timeout time.Duration) error {
	return b.e.Stop(ctx, id, timeout)
}

func (b engineBackend) Restart(ctx context.Context, id string, timeout time.Duration) error {
	return b.e.Restart(ctx, id, timeout)
}

func (b engineBackend) Remove(ctx context.Context, id string, opts docker.RemoveOptions) error {
	return b.e.Remove(ctx, id, opts)
}

func (b engineBackend) Shell(ctx context.Context, id string) tea.ExecCommand {
	return b.e.Interactive(ctx, id, docker.InteractiveOptions{})
}

func (b engineBackend) Inspect(ctx context.Context, id string) (docker.ContainerDetail, error) {
	return b.e.InspectDetail(ctx, id)
}

func (b engineBackend) Stats(ctx context.Context, id string, sink func(docker.Stats)) error {
	return b.e.StreamStats(ctx, id, sink)
}
