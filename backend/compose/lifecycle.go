package compose

import (
	"context"
	"fmt"
	"time"

	"github.com/compose-spec/compose-go/v2/graph"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// Start starts the stopped containers of the named services (all when empty) in dependency
// order, each service after its depends_on conditions hold. A one-shot that completed runs
// again only when it is named. aw follows the dependencies waited on (nil: the engine; see
// UpOptions.Awaiter).
func Start(ctx context.Context, e *docker.Engine, aw docker.Awaiter, p *types.Project, services []string, progress Progress) error {
	sel, err := selectServices(p, services, false)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	r := newReporter(progress)
	shots := oneShots(p)
	named := map[string]bool{}
	for _, n := range services {
		named[n] = true
	}
	err = graph.InDependencyOrder(ctx, subProject(p, sel), func(ctx context.Context, name string, _ types.ServiceConfig) error {
		cs, err := serviceContainers(ctx, e, p.Name, name)
		if err != nil {
			return err
		}
		var todo []docker.Container
		for _, c := range cs {
			if !c.Running() && (!completed(c, shots[name]) || named[name]) {
				todo = append(todo, c)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		if err := waitDependencies(ctx, e, awaiter(e, aw), r, p, p.Services[name]); err != nil {
			return err
		}
		for _, c := range todo {
			r.emit(name, c.Name, ActionStarting)
			if err := e.Start(ctx, c.ID); err != nil {
				err = fmt.Errorf("service %s: start container %s: %w", name, c.Name, err)
				r.fail(name, c.Name, err)
				return err
			}
			r.emit(name, c.Name, ActionStarted)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("start project %s: %w", p.Name, err)
	}
	return nil
}

// Stop stops the running containers of the named services (all when empty), dependents before
// their dependencies. A negative timeout uses each container's own stop_grace_period.
func Stop(ctx context.Context, e *docker.Engine, p *types.Project, services []string, timeout time.Duration, progress Progress) error {
	sel, err := selectServices(p, services, false)
	if err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	r := newReporter(progress)
	err = graph.InDependencyOrder(ctx, subProject(p, sel), func(ctx context.Context, name string, _ types.ServiceConfig) error {
		cs, err := serviceContainers(ctx, e, p.Name, name)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Running() {
				if err := stopOne(ctx, e, r, name, c, timeout); err != nil {
					return err
				}
			}
		}
		return nil
	}, graph.InReverseOrder)
	if err != nil {
		return fmt.Errorf("stop project %s: %w", p.Name, err)
	}
	return nil
}

// Restart restarts every container of the named services (all when empty), stopped ones
// included, in dependency order.
func Restart(ctx context.Context, e *docker.Engine, p *types.Project, services []string, timeout time.Duration, progress Progress) error {
	sel, err := selectServices(p, services, false)
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	r := newReporter(progress)
	err = graph.InDependencyOrder(ctx, subProject(p, sel), func(ctx context.Context, name string, _ types.ServiceConfig) error {
		cs, err := serviceContainers(ctx, e, p.Name, name)
		if err != nil {
			return err
		}
		for _, c := range cs {
			r.emit(name, c.Name, ActionRestarting)
			if err := e.Restart(ctx, c.ID, timeout); err != nil {
				err = fmt.Errorf("service %s: %w", name, err)
				r.fail(name, c.Name, err)
				return err
			}
			r.emit(name, c.Name, ActionRestarted)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restart project %s: %w", p.Name, err)
	}
	return nil
}

// Remove removes the stopped containers of the named services (all when empty); with force,
// running ones too (killed). volumes also removes their anonymous volumes.
func Remove(ctx context.Context, e *docker.Engine, p *types.Project, services []string, force, volumes bool, progress Progress) error {
	sel, err := selectServices(p, services, false)
	if err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	r := newReporter(progress)
	for _, name := range sortedKeys(sel) {
		cs, err := serviceContainers(ctx, e, p.Name, name)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Running() && !force {
				continue
			}
			if err := removeOne(ctx, e, r, name, c, force, volumes); err != nil {
				return fmt.Errorf("remove project %s: %w", p.Name, err)
			}
		}
	}
	return nil
}

// stopRemove stops a running container (waiting up to timeout) and removes it.
func stopRemove(ctx context.Context, e *docker.Engine, r *reporter, service string, c docker.Container, timeout time.Duration, volumes bool) error {
	if c.Running() {
		if err := stopOne(ctx, e, r, service, c, timeout); err != nil {
			return err
		}
	}
	return removeOne(ctx, e, r, service, c, true, volumes)
}

func stopOne(ctx context.Context, e *docker.Engine, r *reporter, service string, c docker.Container, timeout time.Duration) error {
	r.emit(service, c.Name, ActionStopping)
	if err := e.Stop(ctx, c.ID, timeout); err != nil && !docker.IsNotFound(err) {
		err = fmt.Errorf("service %s: stop container %s: %w", service, c.Name, err)
		r.fail(service, c.Name, err)
		return err
	}
	r.emit(service, c.Name, ActionStopped)
	return nil
}

func removeOne(ctx context.Context, e *docker.Engine, r *reporter, service string, c docker.Container, force, volumes bool) error {
	r.emit(service, c.Name, ActionRemoving)
	if err := e.Remove(ctx, c.ID, docker.RemoveOptions{Force: force, Volumes: volumes}); err != nil {
		err = fmt.Errorf("service %s: remove container %s: %w", service, c.Name, err)
		r.fail(service, c.Name, err)
		return err
	}
	r.emit(service, c.Name, ActionRemoved)
	return nil
}
