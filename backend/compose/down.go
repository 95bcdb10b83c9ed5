package compose

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/compose-spec/compose-go/v2/graph"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// DownOptions tune Down.
type DownOptions struct {
	// Services to take down; empty means every service of p, and then the project's networks.
	Services []string
	// Volumes also removes the project's named volumes (those the services use, or all of p's
	// with every service) and the containers' anonymous volumes.
	Volumes bool
	// RemoveNetworks removes the networks the services use even when only some are named.
	RemoveNetworks bool
	// Timeout bounds each container's stop; nil uses its own stop_grace_period.
	Timeout *time.Duration
	// Progress receives every step. May be nil.
	Progress Progress
}

// Down removes the containers (one-offs included) of the selected services, dependents first;
// then, with every service (or RemoveNetworks), the project's networks that no container of the
// project still uses — several pods may share one project — and with Volumes its named
// volumes. External networks and volumes are never removed.
func Down(ctx context.Context, e *docker.Engine, p *types.Project, opts DownOptions) error {
	sel, err := selectServices(p, opts.Services, false)
	if err != nil {
		return fmt.Errorf("down: %w", err)
	}
	r := newReporter(opts.Progress)
	timeout := time.Duration(-1)
	if opts.Timeout != nil {
		timeout = *opts.Timeout
	}
	err = graph.InDependencyOrder(ctx, subProject(p, sel), func(ctx context.Context, name string, _ types.ServiceConfig) error {
		cs, err := e.List(ctx, docker.ListOptions{All: true, Labels: []string{
			projectFilter(p.Name), docker.LabelComposeService + "=" + name}})
		if err != nil {
			return fmt.Errorf("containers of service %s: %w", name, err)
		}
		for _, c := range cs {
			if err := stopRemove(ctx, e, r, name, c, timeout, opts.Volumes); err != nil {
				return err
			}
		}
		return nil
	}, graph.InReverseOrder)
	if err != nil {
		return fmt.Errorf("down project %s: %w", p.Name, err)
	}
	all := len(opts.Services) == 0
	var errs []error
	if all || opts.RemoveNetworks {
		keys := usedNetworks(p, sel)
		if all {
			keys = keysOf(p.Networks)
		}
		errs = append(errs, removeNetworks(ctx, e, r, p, keys))
	}
	if opts.Volumes {
		keys := usedVolumes(p, sel)
		if all {
			keys = keysOf(p.Volumes)
		}
		errs = append(errs, removeVolumes(ctx, e, r, p, keys))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("down project %s: %w", p.Name, err)
	}
	return nil
}

// removeNetworks removes the project's networks among keys that the project created (labelled
// so) and that none of its remaining containers is attached to.
func removeNetworks(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, keys map[string]bool) error {
	owned, err := e.Networks(ctx, projectFilter(p.Name))
	if err != nil {
		return err
	}
	inUse, err := networksInUse(ctx, e, p.Name)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range owned {
		key := n.Labels[docker.LabelComposeNetwork]
		if !keys[key] || bool(p.Networks[key].External) || n.Name != networkName(p, key) || inUse[n.Name] {
			continue
		}
		if err := e.RemoveNetwork(ctx, n.ID); err != nil {
			r.fail("", n.Name, err)
			errs = append(errs, err)
			continue
		}
		r.emit("", n.Name, ActionNetworkRemoved)
	}
	return errors.Join(errs...)
}

// removeVolumes removes the project's named volumes among keys that the project created.
func removeVolumes(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, keys map[string]bool) error {
	owned, err := e.Volumes(ctx, projectFilter(p.Name))
	if err != nil {
		return err
	}
	var errs []error
	for _, v := range owned {
		key := v.Labels[docker.LabelComposeVolume]
		if !keys[key] || bool(p.Volumes[key].External) || v.Name != volumeName(p, key) {
			continue
		}
		if err := e.RemoveVolume(ctx, v.Name, false); err != nil {
			r.fail("", v.Name, err)
			errs = append(errs, err)
			continue
		}
		r.emit("", v.Name, ActionVolumeRemoved)
	}
	return errors.Join(errs...)
}

// networksInUse are the names of the networks the project's remaining containers are attached to.
func networksInUse(ctx context.Context, e *docker.Engine, project string) (map[string]bool, error) {
	rest, err := projectContainers(ctx, e, project)
	if err != nil {
		return nil, err
	}
	inUse := map[string]bool{}
	for _, c := range rest {
		for _, n := range c.Networks {
			inUse[n] = true
		}
	}
	return inUse, nil
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// RemoveContainers stops and removes containers that no service of a loaded project names
// (orphans: their service left the files, or their pod's file is broken or gone), each
// reported under the service its labels name. volumes also removes their anonymous volumes.
func RemoveContainers(ctx context.Context, e *docker.Engine, cs []docker.Container, timeout time.Duration, volumes bool, progress Progress) error {
	r := newReporter(progress)
	for _, c := range cs {
		if err := stopRemove(ctx, e, r, c.Labels[docker.LabelComposeService], c, timeout, volumes); err != nil && !docker.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// RemoveUnusedNetworks removes the networks created for the compose project (labelled with
// it) that none of the project's containers is attached to: what down leaves of a project
// once every container is gone, whichever pod file named the network.
func RemoveUnusedNetworks(ctx context.Context, e *docker.Engine, project string, progress Progress) error {
	r := newReporter(progress)
	owned, err := e.Networks(ctx, projectFilter(project))
	if err != nil {
		return err
	}
	inUse, err := networksInUse(ctx, e, project)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range owned {
		if inUse[n.Name] {
			continue
		}
		if err := e.RemoveNetwork(ctx, n.ID); err != nil && !docker.IsNotFound(err) {
			r.fail("", n.Name, err)
			errs = append(errs, err)
			continue
		}
		r.emit("", n.Name, ActionNetworkRemoved)
	}
	return errors.Join(errs...)
}
