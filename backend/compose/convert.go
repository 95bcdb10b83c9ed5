package compose

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
)

// SpecOptions carry what ContainerSpec cannot read from the project.
type SpecOptions struct {
	// APIVersion is the engine's negotiated API version ("1.41"). Settings the engine would
	// silently ignore below their version are refused; "" gates nothing.
	APIVersion string
	// ImageID is the id of the service's image (sha256:…), written to com.docker.compose.image
	// as Compose does; empty leaves the label out.
	ImageID string
	// ExtraLabels are Podium's own labels (dev.podium.pod, dev.podium.target). They are not
	// part of the config hash.
	ExtraLabels map[string]string
	// OneOff marks a `run`-style container (com.docker.compose.oneoff=True).
	OneOff bool
	// Containers maps a service name to the id (or name) of one of its containers, for
	// network_mode, ipc and pid "service:x" and for volumes_from.
	Containers map[string]string
	// InheritVolumes maps the target of an anonymous volume to the volume a replaced container
	// used there, so that recreating a container keeps its anonymous volumes, as Compose does.
	InheritVolumes map[string]string
}

// ContainerName is the name Compose gives container number n of a service: container_name, or
// <project>-<service>-<n>.
func ContainerName(p *types.Project, s types.ServiceConfig, number int) string {
	if s.ContainerName != "" {
		return s.ContainerName
	}
	return fmt.Sprintf("%s-%s-%d", p.Name, s.Name, number)
}

// ServiceImage is the image a service runs: image:, or <project>-<service>, the name Compose
// gives the image it builds for a service without one.
func ServiceImage(p *types.Project, s types.ServiceConfig) string {
	if s.Image != "" {
		return s.Image
	}
	return p.Name + "-" + s.Name
}

// ContainerSpec is the Engine API create body for container number n of service s, as Docker
// Compose builds it, with Compose's labels (config hash included). Settings Podium cannot honour
// are an error naming the service and the key rather than being dropped.
func ContainerSpec(p *types.Project, s types.ServiceConfig, number int, opts SpecOptions) (docker.CreateSpec, error) {
	s, err := resolvedService(p, s)
	if err != nil {
		return docker.CreateSpec{}, err
	}
	if err := checkSupported(p, s, opts); err != nil {
		return docker.CreateSpec{}, err
	}
	hash, err := ServiceHash(s)
	if err != nil {
		return docker.CreateSpec{}, err
	}
	name := ContainerName(p, s, number)
	fail := func(err error) (docker.CreateSpec, error) {
		return docker.CreateSpec{}, fmt.Errorf("container %s for service %s: %w", name, s.Name, err)
	}

	cfg := &container.Config{
		Hostname:     s.Hostname,
		Domainname:   s.DomainName,
		User:         s.User,
		Tty:          s.Tty,
		OpenStdin:    s.StdinOpen,
		AttachStdout: true,
		AttachStderr: true,
		Image:        ServiceImage(p, s),
		WorkingDir:   s.WorkingDir,
		Env:          envList(s.Environment),
		Labels:       containerLabels(p, s, number, hash, opts),
		StopSignal:   s.StopSignal,
		Healthcheck:  healthConfig(s.HealthCheck, opts.APIVersion),
		StopTimeout:  stopTimeout(s.StopGracePeriod),
	}
	if s.Command != nil {
		cfg.Cmd = []string(s.Command)
	}
	if s.Entrypoint != nil {
		cfg.Entrypoint = []string(s.Entrypoint)
	}
	if cfg.ExposedPorts, err = exposedPorts(s); err != nil {
		return fail(err)
	}
	host, err := hostConfig(p, s, opts)
	if err != nil {
		return fail(err)
	}
	if host.PortBindings, err = portBindings(s); err != nil {
		return fail(err)
	}
	if err := applyVolumes(p, s, opts, cfg, host); err != nil {
		return fail(err)
	}
	spec := docker.CreateSpec{Name: name, Config: cfg, HostConfig: host}
	if err := applyNetworks(p, s, number, opts, &spec); err != nil {
		return fail(err)
	}
	return spec, nil
}

// resolvedService merges a service's env_file into its environment when the loader has not,
// as Compose does before hashing and creating; the caller's service is not changed.
func resolvedService(p *types.Project, s types.ServiceConfig) (types.ServiceConfig, error) {
	if len(s.EnvFiles) == 0 {
		return s, nil
	}
	one := types.Project{Name: p.Name, WorkingDir: p.WorkingDir, Environment: p.Environment,
		Services: types.Services{s.Name: s}}
	res, err := one.WithServicesEnvironmentResolved(true)
	if err != nil {
		return s, fmt.Errorf("service %s: env_file: %w", s.Name, err)
	}
	return res.Services[s.Name], nil
}

// envList renders the environment as sorted KEY=value; a key without a value is unset, so left
// out.
func envList(env types.MappingWithEquals) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		if v != nil {
			out = append(out, k+"="+*v)
		}
	}
	sort.Strings(out)
	return out
}

// healthConfig maps a healthcheck. StartInterval needs API 1.44; an older engine ignores it
// silently, so it is not sent.
func healthConfig(h *types.HealthCheckConfig, api string) *container.HealthConfig {
	if h == nil {
		return nil
	}
	out := &container.HealthConfig{Test: []string(h.Test)}
	if h.Disable {
		out.Test = []string{"NONE"}
	}
	if h.Interval != nil {
		out.Interval = time.Duration(*h.Interval)
	}
	if h.Timeout != nil {
		out.Timeout = time.Duration(*h.Timeout)
	}
	if h.StartPeriod != nil {
		out.StartPeriod = time.Duration(*h.StartPeriod)
	}
	if h.StartInterval != nil && apiAtLeast(api, "1.44") {
		out.StartInterval = time.Duration(*h.StartInterval)
	}
	if h.Retries != nil {
		out.Retries = int(*h.Retries)
	}
	return out
}

func stopTimeout(d *types.Duration) *int {
	if d == nil {
		return nil
	}
	secs := int(time.Duration(*d).Seconds())
	return &secs
}

// checkSupported refuses the settings Podium cannot turn into a container, naming them.
func checkSupported(p *types.Project, s types.ServiceConfig, opts SpecOptions) error {
	var bad []string
	add := func(cond bool, key string) {
		if cond {
			bad = append(bad, key)
		}
	}
	add(len(s.Gpus) > 0, "gpus")
	add(len(s.Models) > 0, "models")
	add(s.Provider != nil, "provider")
	add(s.UseAPISocket, "use_api_socket")
	add(len(s.PreStart) > 0, "pre_start")
	add(len(s.PostStart) > 0, "post_start")
	add(len(s.PreStop) > 0, "pre_stop")
	add(s.CredentialSpec != nil, "credential_spec")
	if s.Deploy != nil && s.Deploy.Resources.Reservations != nil {
		add(len(s.Deploy.Resources.Reservations.Devices) > 0, "deploy.resources.reservations.devices")
		add(len(s.Deploy.Resources.Reservations.GenericResources) > 0, "deploy.resources.reservations.generic_resources")
	}
	add(len(s.Annotations) > 0 && !apiAtLeast(opts.APIVersion, "1.43"), "annotations (needs Docker API 1.43)")
	add(s.MacAddress != "" && !apiAtLeast(opts.APIVersion, "1.44"), "mac_address (needs Docker API 1.44)")
	for _, sec := range s.Secrets {
		if def, ok := p.Secrets[sec.Source]; !ok || def.File == "" || bool(def.External) {
			bad = append(bad, "secrets."+sec.Source+" (only file-based secrets are supported)")
		}
	}
	for _, c := range s.Configs {
		if def, ok := p.Configs[c.Source]; !ok || def.File == "" || bool(def.External) {
			bad = append(bad, "configs."+c.Source+" (only file-based configs are supported)")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("service %s: unsupported: %s", s.Name, strings.Join(bad, ", "))
	}
	return nil
}
