package docker

import (
	"context"
	"time"
)

// Live serves what a UI reads of containers and does to them from an engine and its live
// index: the snapshot and its changes from the index, everything else from the engine. The
// TUI's containers backend is one; the caller runs the index.
type Live struct {
	e  *Engine
	ix *Index
}

// NewLive serves Live from e and ix (nil when only the engine's calls are used).
func NewLive(e *Engine, ix *Index) Live { return Live{e: e, ix: ix} }

// Snapshot is the live container index right now.
func (l Live) Snapshot() Snapshot { return l.ix.Snapshot() }

// Subscribe signals after every change of the index.
func (l Live) Subscribe() *Subscription { return l.ix.Subscribe() }

// LogBatches streams a container's output to sink, a read's lines at a time, until ctx ends
// or the log does.
func (l Live) LogBatches(ctx context.Context, id string, opts LogOptions, sink func([]LogLine)) error {
	return l.e.LogBatches(ctx, id, opts, sink)
}

// Stop stops a container; a negative timeout means the container's own.
func (l Live) Stop(ctx context.Context, id string, timeout time.Duration) error {
	return l.e.Stop(ctx, id, timeout)
}

// Restart restarts a container; a negative timeout means the container's own.
func (l Live) Restart(ctx context.Context, id string, timeout time.Duration) error {
	return l.e.Restart(ctx, id, timeout)
}

// Remove removes a container.
func (l Live) Remove(ctx context.Context, id string, opts RemoveOptions) error {
	return l.e.Remove(ctx, id, opts)
}

// Shell prepares an interactive shell in a running container; it satisfies Bubble Tea's
// ExecCommand.
func (l Live) Shell(ctx context.Context, id string) *InteractiveExec {
	return l.e.Interactive(ctx, id, InteractiveOptions{})
}

// Inspect reads a container's whole configuration.
func (l Live) Inspect(ctx context.Context, id string) (ContainerDetail, error) {
	return l.e.InspectDetail(ctx, id)
}

// Stats streams a container's resource use to sink about once a second, until ctx ends or the
// container stops.
func (l Live) Stats(ctx context.Context, id string, sink func(Stats)) error {
	return l.e.StreamStats(ctx, id, sink)
}

// AwaitExecEnd waits until more than seen execs (health probes, mostly) have ended in the
// container, and returns how many have.
func (l Live) AwaitExecEnd(ctx context.Context, id string, seen uint64) (uint64, error) {
	return l.ix.AwaitExecEnd(ctx, id, seen)
}
