package compose

import (
	"context"
	"fmt"

	"github.com/compose-spec/compose-go/v2/types"
	"golang.org/x/sync/errgroup"

	"github.com/podiumdev/podium/backend/docker"
)

// waitReady blocks until every container of the named services is healthy (with a healthcheck)
// or running (without one); a completed one-shot counts as ready. Like `compose up --wait`, an
// unhealthy or exited container is an error, and the first error ends the wait.
func waitReady(ctx context.Context, e *docker.Engine, aw docker.Awaiter, r *reporter, p *types.Project, names []string, shots map[string]bool) error {
	all := map[string][]docker.Container{}
	for _, name := range names {
		cs, err := serviceContainers(ctx, e, p.Name, name)
		if err != nil {
			return err
		}
		all[name] = cs
	}
	g, ctx := errgroup.WithContext(ctx)
	for name, cs := range all {
		for _, c := range cs {
			g.Go(func() error { return waitOneReady(ctx, aw, r, name, c.ID, shots[name]) })
		}
	}
	return g.Wait()
}

func waitOneReady(ctx context.Context, aw docker.Awaiter, r *reporter, service, id string, oneShot bool) error {
	c, err := aw.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		switch {
		case completed(c, oneShot):
			return true, nil
		case c.Running() && c.Health == "":
			return true, nil
		case c.Health == "healthy":
			r.emit(service, c.Name, ActionHealthy)
			return true, nil
		case c.Health == "unhealthy":
			return false, fmt.Errorf("service %s: container %s is unhealthy", service, c.Name)
		case !c.Running() && c.State != "created":
			return false, fmt.Errorf("service %s: container %s exited with code %d", service, c.Name, c.ExitCode)
		}
		return false, nil
	})
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("service %s: waiting for container %s: %w", service, c.Name, ctx.Err())
	}
	return err
}
