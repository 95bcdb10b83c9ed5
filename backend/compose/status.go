package compose

import (
	"context"
	"fmt"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// ServiceStatus is one service as the engine has it, against what the project wants.
type ServiceStatus struct {
	Service    string
	Hash       string // the config hash the service wants
	Replicas   int    // how many containers it wants
	Containers []docker.Container
	// Drifted: a container's config hash (or image) differs from the service's, or there are
	// fewer or more containers than Replicas; Up would change something. A stopped container
	// is not drift.
	Drifted bool
}

// Status reports every service of p, sorted by name, with its non-one-off containers.
func Status(ctx context.Context, e *docker.Engine, p *types.Project) ([]ServiceStatus, error) {
	resolved, err := p.WithServicesEnvironmentResolved(true)
	if err != nil {
		return nil, fmt.Errorf("status of project %s: %w", p.Name, err)
	}
	p = resolved
	out := make([]ServiceStatus, 0, len(p.Services))
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		hash, err := ServiceHash(s)
		if err != nil {
			return nil, err
		}
		cs, err := serviceContainers(ctx, e, p.Name, name)
		if err != nil {
			return nil, fmt.Errorf("status of project %s: %w", p.Name, err)
		}
		want := desired{Hash: hash, Replicas: replicas(s)}
		if id, err := e.ImageID(ctx, ServiceImage(p, s)); err == nil {
			want.ImageID = id
		}
		out = append(out, ServiceStatus{Service: name, Hash: hash, Replicas: want.Replicas, Containers: cs, Drifted: drifted(want, cs)})
	}
	return out, nil
}
