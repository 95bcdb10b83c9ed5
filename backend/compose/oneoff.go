package compose

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// OneOffOptions shape a `run`-style container of a service: Compose's one-off labels, its own
// name, the service's config with these overrides.
type OneOffOptions struct {
	Cmd        []string // nil: the service's command
	Entrypoint []string // nil: the service's entrypoint
	Env        []string // K=V added to (and overriding) the service's environment
	User       string
	// Interactive attaches stdin; TTY gives the container a terminal (the caller knows
	// whether its stdin is one).
	Interactive, TTY bool
	ExtraLabels      map[string]string
	ResourceLabels   map[string]string
	Progress         Progress
}

// CreateOneOff creates, but does not start, a one-off container of service in p, as `docker
// compose run` does: the service's networks and volumes are made if missing, its image must be
// present (or pullable), the container is named <project>-<service>-run-<hex> and labelled
// oneoff=True so it never counts as the service's own. Dependencies are not started.
func CreateOneOff(ctx context.Context, e *docker.Engine, p *types.Project, service string, opts OneOffOptions) (string, error) {
	s, ok := p.Services[service]
	if !ok {
		names := p.ServiceNames()
		sort.Strings(names)
		return "", fmt.Errorf("run %s: no such service in project %s (services: %v)", service, p.Name, names)
	}
	resolved, err := p.WithServicesEnvironmentResolved(true)
	if err != nil {
		return "", fmt.Errorf("run %s: %w", service, err)
	}
	p, s = resolved, resolved.Services[service]
	r := newReporter(opts.Progress)
	sel := map[string]bool{service: true}
	if err := ensureNetworks(ctx, e, r, p, usedNetworks(p, sel), opts.ResourceLabels); err != nil {
		return "", err
	}
	if err := ensureVolumes(ctx, e, r, p, usedVolumes(p, sel), opts.ResourceLabels); err != nil {
		return "", err
	}
	imageID, err := ensureImage(ctx, e, r, p, s, false)
	if err != nil {
		return "", err
	}
	if opts.Cmd != nil {
		s.Command = opts.Cmd
	}
	if opts.Entrypoint != nil {
		s.Entrypoint = opts.Entrypoint
	}
	if opts.User != "" {
		s.User = opts.User
	}
	if len(opts.Env) > 0 {
		env := types.MappingWithEquals{}
		for k, v := range s.Environment {
			env[k] = v
		}
		for k, v := range types.NewMappingWithEquals(opts.Env) {
			env[k] = v
		}
		s.Environment = env
	}
	s.Ports = nil // as `compose run` without --service-ports: one-offs never take the service's ports
	s.ContainerName = ""
	spec, err := ContainerSpec(p, s, 1, SpecOptions{APIVersion: e.APIVersion(), ImageID: imageID, ExtraLabels: opts.ExtraLabels, OneOff: true})
	if err != nil {
		return "", err
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	spec.Name = fmt.Sprintf("%s-%s-run-%s", p.Name, service, hex.EncodeToString(suffix)[:12])
	cfg := *spec.Config
	cfg.Tty = opts.TTY
	cfg.OpenStdin, cfg.StdinOnce, cfg.AttachStdin = opts.Interactive, opts.Interactive, opts.Interactive
	cfg.AttachStdout, cfg.AttachStderr = true, true
	spec.Config = &cfg
	if spec.HostConfig != nil {
		hc := *spec.HostConfig
		hc.RestartPolicy.Name = "no"
		hc.PortBindings = nil
		spec.HostConfig = &hc
	}
	id, err := e.Create(ctx, spec)
	if err != nil {
		return "", fmt.Errorf("run %s: %w", service, err)
	}
	return id, nil
}
