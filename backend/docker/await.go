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
