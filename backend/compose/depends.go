package compose

import (
	"context"
	"fmt"

	"github.com/compose-spec/compose-go/v2/types"
	"golang.org/x/sync/errgroup"

	"github.com/podiumdev/podium/backend/docker"
)

// waitDependencies blocks until every depends_on condition of s holds: service_healthy (every
// container healthy), service_completed_successfully (every container exited 0). A dependency
// that is unhealthy, or exited when it should be healthy, or exited non-zero, is an error naming
// both services; with required: false it is skipped instead. service_started needs no wait: the
// dependency order already started it.
func waitDependencies(ctx context.Context, e *docker.Engine, aw docker.Awaiter, r *reporter, p *types.Project, s types.ServiceConfig) error {
	var names []string
	for dep, d := range s.DependsOn {
		if d.Condition == types.ServiceConditionHealthy || d.Condition == types.ServiceConditionCompletedSuccessfully {
			names = append(names, dep)
		}
	}
	// The first failure ends the other waits: the service will not start anyway.
	g, ctx := errgroup.WithContext(ctx)
	for _, dep := range names {
		g.Go(func() error {
			d := s.DependsOn[dep]
			err := waitDependency(ctx, e, aw, r, p, s.Name, dep, d.Condition)
			if err != nil && !d.Required && ctx.Err() == nil {
				r.fail(dep, "", fmt.Errorf("optional dependency of %s skipped: %w", s.Name, err))
				return nil
			}
			return err
		})
	}
	return g.Wait()
}

func waitDependency(ctx context.Context, e *docker.Engine, aw docker.Awaiter, r *reporter, p *types.Project, service, dep, cond string) error {
	ds, ok := p.Services[dep]
	if !ok {
		return fmt.Errorf("service %s depends on %s, which is not in project %s (disabled by a profile?)", service, dep, p.Name)
	}
	if replicas(ds) == 0 {
		return nil
	}
	cs, err := serviceContainers(ctx, e, p.Name, dep)
	if err != nil {
		return fmt.Errorf("service %s: %w", service, err)
	}
	if len(cs) == 0 {
		return fmt.Errorf("service %s depends on %s, which has no container", service, dep)
	}
	g, ctx := errgroup.WithContext(ctx)
	for _, c := range cs {
		g.Go(func() error { return waitCondition(ctx, aw, r, service, dep, c.ID, cond) })
	}
	return g.Wait()
}

// waitCondition follows one dependency container until cond holds or cannot hold any more.
func waitCondition(ctx context.Context, aw docker.Awaiter, r *reporter, service, dep, id, cond string) error {
	announced := false
	c, err := aw.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		if !announced {
			r.emit(dep, c.Name, ActionWaiting)
			announced = true
		}
		return conditionMet(c, service, dep, cond)
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("service %s: waiting for %s (container %s): %w", service, dep, c.Name, ctx.Err())
	case err != nil:
		r.fail(dep, c.Name, err)
		return fmt.Errorf("service %s waits on %s: %w", service, dep, err)
	case cond == types.ServiceConditionHealthy:
		r.emit(dep, c.Name, ActionHealthy)
	default:
		r.emit(dep, c.Name, ActionExited)
	}
	return nil
}

// conditionMet reads one state of a dependency container: met, not yet, or never (an error).
func conditionMet(c docker.Container, service, dep, cond string) (bool, error) {
	switch cond {
	case types.ServiceConditionHealthy:
		switch {
		case c.Health == "healthy":
			return true, nil
		case c.Health == "unhealthy":
			return false, fmt.Errorf("service %s depends on %s being healthy, but container %s is unhealthy", service, dep, c.Name)
		case !c.Running() && c.State != "created":
			return false, fmt.Errorf("service %s depends on %s being healthy, but container %s exited with code %d", service, dep, c.Name, c.ExitCode)
		case c.Health == "" && c.Running():
			return false, fmt.Errorf("service %s depends on %s being healthy, but container %s has no healthcheck", service, dep, c.Name)
		}
		return false, nil
	case types.ServiceConditionCompletedSuccessfully:
		if c.Running() || c.State == "created" {
			return false, nil
		}
		if c.ExitCode != 0 {
			return false, fmt.Errorf("service %s depends on %s completing successfully, but container %s exited with code %d", service, dep, c.Name, c.ExitCode)
		}
		return true, nil
	}
	return true, nil
}

// awaiter is aw, or the engine itself when the caller has no index to wait on.
func awaiter(e *docker.Engine, aw docker.Awaiter) docker.Awaiter {
	if aw == nil {
		return e
	}
	return aw
}
