package compose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/graph"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// UpOptions tune Up.
type UpOptions struct {
	// Services to bring up, with the services they depend on; empty means every service of p.
	// A completed one-shot named here runs again.
	Services []string
	// ExtraLabels returns Podium's own labels for a service's containers (dev.podium.pod, …);
	// they are not part of the config hash. May be nil.
	ExtraLabels func(service string) map[string]string
	// ResourceLabels are added to the networks and volumes Up creates.
	ResourceLabels map[string]string
	// Progress receives every step. May be nil.
	Progress Progress
	// Wait blocks at the end until every container is healthy (with a healthcheck) or running.
	Wait bool
	// Build builds the image of every selected service with a build: section first. Without it,
	// a missing image of such a service is an error that says to build.
	Build bool
	// Awaiter follows the containers Up waits on (depends_on conditions, Wait): the process's
	// container index, so a wait opens no events stream of its own. Nil: the engine.
	Awaiter docker.Awaiter
	// Orphans are containers to stop and remove (as `docker compose up --remove-orphans`
	// does): once the project is known to be valid and its images present, so an up that
	// fails its checks removes nothing, and before any container is created, so an orphan
	// frees its name and ports for its successor.
	Orphans []docker.Container
}

// upRun is the state of one Up call.
type upRun struct {
	e        *docker.Engine
	p        *types.Project
	r        *reporter
	opts     UpOptions
	api      string
	imageIDs map[string]string
	oneShots map[string]bool
	explicit map[string]bool
	changed  *changedSet
}

// Up makes the engine match p: images present (before anything else changes, so a missing
// image stops nothing), networks and volumes created, then every selected service converged in
// dependency order, independent services in parallel, each one after its depends_on conditions
// hold. A container whose config hash (and image) is current is left alone; a stopped one is
// started; an outdated one is recreated; missing numbers are created and surplus ones removed.
func Up(ctx context.Context, e *docker.Engine, p *types.Project, opts UpOptions) error {
	resolved, err := p.WithServicesEnvironmentResolved(true) // as Compose hashes; also a private copy
	if err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	p = resolved
	sel, err := selectServices(p, opts.Services, true)
	if err != nil {
		return fmt.Errorf("up: %w", err)
	}
	if err := checkDependencies(p, sel); err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	if err := e.Ping(ctx); err != nil {
		return err
	}
	if err := validate(p, sel, e.APIVersion()); err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	run := &upRun{
		e: e, p: p, r: newReporter(opts.Progress), opts: opts, api: e.APIVersion(),
		oneShots: oneShots(p), explicit: map[string]bool{}, changed: newChangedSet(),
	}
	for _, n := range opts.Services {
		run.explicit[n] = true
	}
	if run.imageIDs, err = ensureImages(ctx, e, run.r, p, sortedKeys(sel), opts.Build); err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	if err := RemoveContainers(ctx, e, opts.Orphans, -1, false, opts.Progress); err != nil {
		return fmt.Errorf("up project %s: remove orphans: %w", p.Name, err)
	}
	if err := ensureNetworks(ctx, e, run.r, p, usedNetworks(p, sel), opts.ResourceLabels); err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	if err := ensureVolumes(ctx, e, run.r, p, usedVolumes(p, sel), opts.ResourceLabels); err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	err = graph.InDependencyOrder(ctx, subProject(p, sel), func(ctx context.Context, name string, _ types.ServiceConfig) error {
		return run.service(ctx, p.Services[name])
	})
	if err != nil {
		return fmt.Errorf("up project %s: %w", p.Name, err)
	}
	if opts.Wait {
		if err := waitReady(ctx, e, awaiter(e, opts.Awaiter), run.r, p, sortedKeys(sel), run.oneShots); err != nil {
			return fmt.Errorf("up project %s: %w", p.Name, err)
		}
	}
	return nil
}

// checkDependencies refuses a required dependency that the project does not have (a service
// disabled by a profile), as Compose does.
func checkDependencies(p *types.Project, sel map[string]bool) error {
	for _, n := range sortedKeys(sel) {
		for dep, d := range p.Services[n].DependsOn {
			if _, ok := p.Services[dep]; ok || !d.Required {
				continue
			}
			if ds, off := p.DisabledServices[dep]; off {
				return fmt.Errorf("service %s is required by %s but is disabled; enable it with a profile of %s", dep, n, strings.Join(ds.Profiles, ", "))
			}
			return fmt.Errorf("service %s depends on unknown service %s", n, dep)
		}
	}
	return nil
}

// validate refuses, before anything changes, the services Podium cannot create.
func validate(p *types.Project, sel map[string]bool, api string) error {
	var errs []error
	for _, n := range sortedKeys(sel) {
		s := p.Services[n]
		if s.ContainerName != "" && replicas(s) > 1 {
			errs = append(errs, fmt.Errorf("service %s: container_name %s cannot be used with %d replicas", s.Name, s.ContainerName, replicas(s)))
		}
		errs = append(errs, checkSupported(p, s, SpecOptions{APIVersion: api}))
	}
	return errors.Join(errs...)
}

// service converges one service: waits for its dependencies, then applies its plan.
func (u *upRun) service(ctx context.Context, s types.ServiceConfig) error {
	hash, err := ServiceHash(s)
	if err != nil {
		return err
	}
	existing, err := serviceContainers(ctx, u.e, u.p.Name, s.Name)
	if err != nil {
		return err
	}
	want := desired{Hash: hash, ImageID: u.imageIDs[s.Name], Replicas: replicas(s),
		OneShot: u.oneShots[s.Name], Rerun: u.explicit[s.Name]}
	steps := planService(want, existing)
	if u.changed.anyOf(referencedServices(s)) {
		// A container that shares a namespace or volumes with a replaced one must be recreated
		// to point at the new one.
		steps = recreateAll(steps)
	}
	restartDeps := u.changed.restartNeeded(s)
	starts := false
	for _, st := range steps {
		switch {
		case st.Kind == stepRemove:
			if err := u.remove(ctx, s.Name, st.Container); err != nil {
				return err
			}
			u.changed.mark(s.Name)
		case st.Kind != stepKeep, restartDeps && st.Container.Running():
			starts = true
		}
	}
	// Only a service that will start something waits: one that is up to date is not held back
	// by a dependency's present state.
	if starts {
		if err := waitDependencies(ctx, u.e, awaiter(u.e, u.opts.Awaiter), u.r, u.p, s); err != nil {
			return err
		}
	}
	for _, st := range steps {
		switch st.Kind {
		case stepKeep:
			if restartDeps && st.Container.Running() {
				if err := u.restart(ctx, s.Name, st.Container); err != nil {
					return err
				}
				u.changed.mark(s.Name)
				continue
			}
			u.r.emit(s.Name, st.Container.Name, ActionUpToDate)
		case stepStart:
			if err := u.start(ctx, s.Name, st.Container.ID, st.Container.Name); err != nil {
				return err
			}
			u.changed.mark(s.Name)
		case stepCreate, stepRecreate:
			if err := u.create(ctx, s, st); err != nil {
				return err
			}
			u.changed.mark(s.Name)
		}
	}
	return nil
}

// create makes container number st.Number (replacing st.Container on a recreate) and starts it.
func (u *upRun) create(ctx context.Context, s types.ServiceConfig, st step) error {
	opts := SpecOptions{APIVersion: u.api, ImageID: u.imageIDs[s.Name]}
	if u.opts.ExtraLabels != nil {
		opts.ExtraLabels = u.opts.ExtraLabels(s.Name)
	}
	var err error
	if opts.Containers, err = u.references(ctx, s); err != nil {
		return err
	}
	if st.Kind == stepRecreate {
		if opts.InheritVolumes, err = anonymousVolumes(ctx, u.e, s, st.Container.ID); err != nil {
			return err
		}
	}
	spec, err := ContainerSpec(u.p, s, st.Number, opts)
	if err != nil {
		return err
	}
	if st.Kind == stepRecreate {
		u.r.emit(s.Name, st.Container.Name, ActionRecreating)
		if err := u.remove(ctx, s.Name, st.Container); err != nil {
			return err
		}
	}
	u.r.emit(s.Name, spec.Name, ActionCreating)
	id, err := u.e.Create(ctx, spec)
	if err != nil {
		err = fmt.Errorf("service %s: %w", s.Name, err)
		u.r.fail(s.Name, spec.Name, err)
		return err
	}
	u.r.emit(s.Name, spec.Name, ActionCreated)
	return u.start(ctx, s.Name, id, spec.Name)
}

func (u *upRun) start(ctx context.Context, service, id, name string) error {
	u.r.emit(service, name, ActionStarting)
	if err := u.e.Start(ctx, id); err != nil {
		err = fmt.Errorf("service %s: start container %s: %w", service, name, err)
		u.r.fail(service, name, err)
		return err
	}
	u.r.emit(service, name, ActionStarted)
	return nil
}

func (u *upRun) restart(ctx context.Context, service string, c docker.Container) error {
	u.r.emit(service, c.Name, ActionRestarting)
	if err := u.e.Restart(ctx, c.ID, u.stopTimeout()); err != nil {
		err = fmt.Errorf("service %s: %w", service, err)
		u.r.fail(service, c.Name, err)
		return err
	}
	u.r.emit(service, c.Name, ActionRestarted)
	return nil
}

// remove stops (if running) and removes a container.
func (u *upRun) remove(ctx context.Context, service string, c docker.Container) error {
	return stopRemove(ctx, u.e, u.r, service, c, u.stopTimeout(), false)
}

// stopTimeout is the container's own stop_grace_period (the engine's default without one),
// which is what Compose uses when it replaces a container.
func (u *upRun) stopTimeout() time.Duration { return -1 }
