package docker

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// AwaitContainer watches one container until check says it is done (or fails), re-inspecting
// it only when the engine reports an event for it: a start, a health status, a death. It
// subscribes before the first inspect, so a change in between is not missed, and it never
// polls. check's error ends the wait; so does the container's removal, or ctx.
func (e *Engine) AwaitContainer(ctx context.Context, id string, check func(Container) (bool, error)) (Container, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := make(client.Filters).Add("type", string(events.ContainerEventType)).Add("container", id)
	ev := e.cli.Events(ctx, client.EventsListOptions{Filters: f})
	for {
		c, err := e.Inspect(ctx, id)
		if err != nil {
			return Container{}, err
		}
		done, err := check(c)
		if err != nil || done {
			return c, err
		}
	wait:
		for {
			select {
			case <-ctx.Done():
				return c, fmt.Errorf("wait for container %s: %w", c.Name, ctx.Err())
			case err := <-ev.Err:
				if ctx.Err() != nil {
					return c, fmt.Errorf("wait for container %s: %w", c.Name, ctx.Err())
				}
				return c, fmt.Errorf("wait for container %s: events: %w", c.Name, err)
			case m := <-ev.Messages:
				// Health checks run an exec every interval; only their verdict matters.
				if !strings.HasPrefix(string(m.Action), "exec_") {
					break wait
				}
			}
		}
	}
}

// Awaiter waits on one container, as AwaitContainer does. Both an Engine (its own events
// subscription per wait) and an Index (the process's one events stream) are Awaiters, so a
// caller that runs beside an index waits on it and opens no stream of its own.
type Awaiter interface {
	AwaitContainer(ctx context.Context, id string, check func(Container) (bool, error)) (Container, error)
}

// AwaitContainer is Engine.AwaitContainer over the index's events stream: it subscribes to the
// index before the first inspect, then re-inspects the container (the engine's word, not the
// index's copy) each time the index sees it change: its state, health, exit or start, or its
// removal. id must be the container's full id. A container the index does not follow (its
// labels do not match the index's) is waited on through the engine's own subscription. While the index is disconnected the wait simply goes on: ctx's
// deadline ends it, and the re-list after a reconnect counts as a change.
func (ix *Index) AwaitContainer(ctx context.Context, id string, check func(Container) (bool, error)) (Container, error) {
	sub := ix.Subscribe()
	defer sub.Close()
	seen, _ := ix.progress(id)
	for {
		c, err := ix.eng.Inspect(ctx, id)
		if err != nil {
			return Container{}, err
		}
		if !ix.matches(c) {
			return ix.eng.AwaitContainer(ctx, id, check)
		}
		done, err := check(c)
		if err != nil || done {
			return c, err
		}
		for changed := false; !changed; {
			select {
			case <-ctx.Done():
				return c, fmt.Errorf("wait for container %s: %w", c.Name, ctx.Err())
			case <-sub.C:
				now, _ := ix.progress(id)
				changed, seen = now != seen, now
			}
		}
	}
}

// progress is what of a container a wait cares about: a change of any of it (or of whether
// the index holds it) is worth a fresh inspect. ok is false when the index does not hold it.
type progress struct {
	held                  bool
	state, health         string
	exitCode              int
	startedAt, finishedAt int64 // UnixNano: times compared by value
}

// progress reads the container's progress from the index.
func (ix *Index) progress(id string) (progress, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c, ok := ix.containers[id]
	if !ok {
		return progress{}, false
	}
	return progress{held: true, state: c.State, health: c.Health, exitCode: c.ExitCode, startedAt: c.StartedAt.UnixNano(), finishedAt: c.FinishedAt.UnixNano()}, true
}
