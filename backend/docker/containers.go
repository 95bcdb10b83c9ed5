package docker

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Container is Podium's view of one container: plain data, safe to copy and to render.
type Container struct {
	ID         string
	Name       string // without the leading slash
	Image      string // as the user named it
	ImageID    string
	Command    string
	State      string // created, running, paused, restarting, removing, exited, dead
	Health     string // "", starting, healthy, unhealthy
	Status     string // docker's summary ("Up 2 minutes (healthy)"), from lists only; times are estimated from it
	ExitCode   int
	Created    time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	Ports      []Port
	Labels     map[string]string
	Networks   []string
	Tty        bool
	// StopAsked says the container's last exit came from a stop someone asked the engine for
	// (`docker stop`, Compose's stop, Podium's `s`: the events stream shows the stop signal or
	// the stop before the die), so a non-zero exit code, 137 when the stop signal was ignored,
	// is no failure. Only the live index knows it; starting the container again clears it.
	StopAsked bool
	// OOMKilled says the kernel killed the container for memory (from inspect).
	OOMKilled bool
}

// Port is one published or exposed port.
type Port struct {
	HostIP        string
	HostPort      uint16 // 0 when only exposed
	ContainerPort uint16
	Proto         string
}

// String renders a port the way `docker ps` does: 127.0.0.1:8080->80/tcp, or 80/tcp.
func (p Port) String() string {
	if p.HostPort == 0 {
		return fmt.Sprintf("%d/%s", p.ContainerPort, p.Proto)
	}
	return fmt.Sprintf("%s:%d->%d/%s", p.HostIP, p.HostPort, p.ContainerPort, p.Proto)
}

// Project is the compose project the container belongs to, or "".
func (c Container) Project() string { return c.Labels[LabelComposeProject] }

// Service is the compose service the container belongs to, or "".
func (c Container) Service() string { return c.Labels[LabelComposeService] }

// Running reports whether the container's process is up (paused and restarting count).
func (c Container) Running() bool {
	return c.State == "running" || c.State == "paused" || c.State == "restarting"
}

// ShortID is the 12-character id docker prints.
func (c Container) ShortID() string {
	if len(c.ID) > 12 {
		return c.ID[:12]
	}
	return c.ID
}

// CreateSpec is everything needed to create a container: the Engine API's own create body,
// plus the networks to join after creation (API 1.41 accepts one endpoint at create time).
type CreateSpec struct {
	Name       string
	Config     *container.Config
	HostConfig *container.HostConfig
	// Networks maps network name to endpoint settings. The first in NetworkOrder (or, without it,
	// the one named by HostConfig.NetworkMode) is joined at create time, the rest before start.
	Networks     map[string]*network.EndpointSettings
	NetworkOrder []string
}

// ListOptions select containers. Labels are "key" or "key=value" filters, all of which must match.
type ListOptions struct {
	All    bool
	Labels []string
	Name   string
}

// List returns containers matching opts, newest first.
func (e *Engine) List(ctx context.Context, opts ListOptions) ([]Container, error) {
	f := labelFilters(opts.Labels)
	if opts.Name != "" {
		f.Add("name", opts.Name)
	}
	res, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: opts.All, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers (labels %v): %w", opts.Labels, err)
	}
	out := make([]Container, 0, len(res.Items))
	for _, s := range res.Items {
		out = append(out, fromSummary(s))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Inspect returns the full state of one container, health included.
func (e *Engine) Inspect(ctx context.Context, idOrName string) (Container, error) {
	raw, err := e.InspectRaw(ctx, idOrName)
	if err != nil {
		return Container{}, err
	}
	return fromInspect(raw), nil
}

// InspectRaw returns the Engine API's own inspect document, for views that show the config.
func (e *Engine) InspectRaw(ctx context.Context, idOrName string) (container.InspectResponse, error) {
	res, err := e.cli.ContainerInspect(ctx, idOrName, client.ContainerInspectOptions{})
	if err != nil {
		return container.InspectResponse{}, fmt.Errorf("inspect container %s: %w", idOrName, err)
	}
	return res.Container, nil
}

// Create creates a container from spec and connects it to every network in spec.Networks.
// It returns the new container's id. On a failure after creation the container is removed,
// so a failed Create leaves nothing behind.
func (e *Engine) Create(ctx context.Context, spec CreateSpec) (string, error) {
	cfg := spec.Config
	if cfg == nil {
		return "", fmt.Errorf("create container %s: no config", spec.Name)
	}
	host := spec.HostConfig
	if host == nil {
		host = &container.HostConfig{}
	}
	// NetworkOrder first, then any other network of spec.Networks by name.
	order := append([]string{}, spec.NetworkOrder...)
	var others []string
	for name := range spec.Networks {
		if !slices.Contains(order, name) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	order = append(order, others...)
	// The network joined at create time is HostConfig.NetworkMode when set (it may be one of
	// spec.Networks or another, like "bridge"), else the first in order; the rest are connected
	// before start, since API 1.41 rejects more than one endpoint at create time.
	first := string(host.NetworkMode)
	if first == "" && len(order) > 0 {
		first = order[0]
		hc := *host
		hc.NetworkMode = container.NetworkMode(first)
		host = &hc
	}
	var netCfg *network.NetworkingConfig
	if ep, ok := spec.Networks[first]; ok {
		netCfg = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{first: endpointOrEmpty(ep)}}
	}
	var rest []string
	for _, n := range order {
		if n != first {
			rest = append(rest, n)
		}
	}
	res, err := e.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: spec.Name, Config: cfg, HostConfig: host, NetworkingConfig: netCfg,
	})
	if err != nil {
		return "", fmt.Errorf("create container %s (image %s): %w", nameOr(spec.Name, "<unnamed>"), cfg.Image, err)
	}
	for _, n := range rest {
		if _, err := e.cli.NetworkConnect(ctx, n, client.NetworkConnectOptions{Container: res.ID, EndpointConfig: endpointOrEmpty(spec.Networks[n])}); err != nil {
			_, _ = e.cli.ContainerRemove(context.WithoutCancel(ctx), res.ID, client.ContainerRemoveOptions{Force: true})
			return "", fmt.Errorf("connect container %s to network %s: %w", nameOr(spec.Name, res.ID), n, err)
		}
	}
	return res.ID, nil
}

// Start starts a created or stopped container.
func (e *Engine) Start(ctx context.Context, id string) error {
	if _, err := e.cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	return nil
}

// Stop sends the container's stop signal and kills it after timeout.
// A negative timeout uses the container's own StopTimeout (or the engine's 10 s default).
func (e *Engine) Stop(ctx context.Context, id string, timeout time.Duration) error {
	if _, err := e.cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: timeoutSecs(timeout)}); err != nil {
		return fmt.Errorf("stop container %s: %w", id, err)
	}
	return nil
}

// Restart stops the container (waiting up to timeout) and starts it again.
func (e *Engine) Restart(ctx context.Context, id string, timeout time.Duration) error {
	if _, err := e.cli.ContainerRestart(ctx, id, client.ContainerRestartOptions{Timeout: timeoutSecs(timeout)}); err != nil {
		return fmt.Errorf("restart container %s: %w", id, err)
	}
	return nil
}

// timeoutSecs converts a stop timeout to the engine's whole seconds; negative means "the
// container's own" and is sent as no timeout at all.
func timeoutSecs(d time.Duration) *int {
	if d < 0 {
		return nil
	}
	secs := int(d.Round(time.Second) / time.Second)
	return &secs
}

// labelFilters selects objects carrying every label given ("key" or "key=value").
func labelFilters(labels []string) client.Filters {
	f := make(client.Filters)
	for _, l := range labels {
		f.Add("label", l)
	}
	return f
}

// Kill sends signal (default SIGKILL) to the container's main process.
func (e *Engine) Kill(ctx context.Context, id, signal string) error {
	if _, err := e.cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: signal}); err != nil {
		return fmt.Errorf("kill container %s (signal %s): %w", id, nameOr(signal, "KILL"), err)
	}
	return nil
}

// RemoveOptions control Remove.
type RemoveOptions struct {
	Force   bool // kill a running container first
	Volumes bool // remove its anonymous volumes
}

// Remove deletes a container. Removing one that is already gone is not an error.
func (e *Engine) Remove(ctx context.Context, id string, opts RemoveOptions) error {
	_, err := e.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: opts.Force, RemoveVolumes: opts.Volumes})
	if err != nil && !IsNotFound(err) {
		if IsConflict(err) && strings.Contains(err.Error(), "already in progress") {
			return nil
		}
		return fmt.Errorf("remove container %s: %w", id, err)
	}
	return nil
}

// Rename gives a container a new name.
func (e *Engine) Rename(ctx context.Context, id, name string) error {
	if _, err := e.cli.ContainerRename(ctx, id, client.ContainerRenameOptions{NewName: name}); err != nil {
		return fmt.Errorf("rename container %s to %s: %w", id, name, err)
	}
	return nil
}

// Wait blocks until the container is not running and returns its exit code. On a container
// that was created but not yet started it waits for the first exit, so calling it before Start
// is sure not to miss a fast exit.
func (e *Engine) Wait(ctx context.Context, id string) (int, error) {
	c, err := e.Inspect(ctx, id)
	if err != nil {
		return -1, fmt.Errorf("wait for container %s: %w", id, err)
	}
	// "not-running" is true at once of a created container; "next-exit" waits for its exit.
	cond := container.WaitConditionNotRunning
	if c.State == "created" {
		cond = container.WaitConditionNextExit
	}
	// ContainerWait returns once the engine has registered the wait.
	res := e.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
	if cond == container.WaitConditionNextExit {
		// It may have been started, and have exited, between the inspect and the registration:
		// then no next exit will come, and its exit code is already known.
		if c, err := e.Inspect(ctx, id); err == nil && c.State != "created" && !c.Running() {
			return c.ExitCode, nil
		}
	}
	select {
	case r := <-res.Result:
		if r.Error != nil && r.Error.Message != "" {
			return int(r.StatusCode), fmt.Errorf("wait for container %s: %s", id, r.Error.Message)
		}
		return int(r.StatusCode), nil
	case err := <-res.Error:
		return -1, fmt.Errorf("wait for container %s: %w", id, err)
	case <-ctx.Done():
		return -1, fmt.Errorf("wait for container %s: %w", id, ctx.Err())
	}
}

func fromSummary(s container.Summary) Container {
	c := Container{
		ID:      s.ID,
		Image:   s.Image,
		ImageID: s.ImageID,
		Command: s.Command,
		State:   string(s.State),
		Created: time.Unix(s.Created, 0),
		Labels:  s.Labels,
		Status:  s.Status,
		Health:  healthFromStatus(s.Status),
	}
	estimateFromStatus(&c, time.Now())
	if len(s.Names) > 0 {
		c.Name = strings.TrimPrefix(s.Names[0], "/")
	}
	if s.Health != nil && s.Health.Status != container.NoHealthcheck {
		c.Health = string(s.Health.Status)
	}
	for _, p := range s.Ports {
		c.Ports = append(c.Ports, Port{HostIP: addrString(p.IP), HostPort: p.PublicPort, ContainerPort: p.PrivatePort, Proto: p.Type})
	}
	sortPorts(c.Ports)
	if s.NetworkSettings != nil {
		for n := range s.NetworkSettings.Networks {
			c.Networks = append(c.Networks, n)
		}
		sort.Strings(c.Networks)
	}
	return c
}

// healthFromStatus reads health from `docker ps` status text: on API 1.41 the list has no
// Health field, only "Up 2 seconds (healthy)".
func healthFromStatus(status string) string {
	switch {
	case strings.Contains(status, "(healthy)"):
		return "healthy"
	case strings.Contains(status, "(unhealthy)"):
		return "unhealthy"
	case strings.Contains(status, "(health: starting)"):
		return "starting"
	}
	return ""
}

func fromInspect(r container.InspectResponse) Container {
	c := Container{ID: r.ID, Name: strings.TrimPrefix(r.Name, "/"), ImageID: r.Image}
	c.Created, _ = time.Parse(time.RFC3339Nano, r.Created)
	if r.Config != nil {
		c.Image = r.Config.Image
		c.Labels = r.Config.Labels
		c.Tty = r.Config.Tty
		c.Command = strings.Join(append(append([]string{}, r.Config.Entrypoint...), r.Config.Cmd...), " ")
	}
	if c.Command == "" {
		c.Command = strings.Join(append([]string{r.Path}, r.Args...), " ")
	}
	if s := r.State; s != nil {
		c.State = string(s.Status)
		c.ExitCode = s.ExitCode
		c.OOMKilled = s.OOMKilled
		c.StartedAt = parseDockerTime(s.StartedAt)
		c.FinishedAt = parseDockerTime(s.FinishedAt)
		if s.Health != nil && s.Health.Status != container.NoHealthcheck {
			c.Health = string(s.Health.Status)
		}
	}
	if ns := r.NetworkSettings; ns != nil {
		for port, binds := range ns.Ports {
			if len(binds) == 0 {
				c.Ports = append(c.Ports, Port{ContainerPort: port.Num(), Proto: string(port.Proto())})
			}
			for _, b := range binds {
				var hp uint16
				fmt.Sscan(b.HostPort, &hp)
				c.Ports = append(c.Ports, Port{HostIP: addrString(b.HostIP), HostPort: hp, ContainerPort: port.Num(), Proto: string(port.Proto())})
			}
		}
		for n := range ns.Networks {
			c.Networks = append(c.Networks, n)
		}
		sort.Strings(c.Networks)
	}
	sortPorts(c.Ports)
	return c
}

func sortPorts(ps []Port) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].ContainerPort != ps[j].ContainerPort {
			return ps[i].ContainerPort < ps[j].ContainerPort
		}
		if ps[i].Proto != ps[j].Proto {
			return ps[i].Proto < ps[j].Proto
		}
		return ps[i].HostIP < ps[j].HostIP
	})
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return "0.0.0.0"
	}
	return a.String()
}

// parseDockerTime reads the engine's timestamps; its zero time is "0001-01-01T00:00:00Z".
func parseDockerTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

func nameOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func endpointOrEmpty(ep *network.EndpointSettings) *network.EndpointSettings {
	if ep == nil {
		return &network.EndpointSettings{}
	}
	return ep
}

func endpointWithAliases(aliases []string) *network.EndpointSettings {
	return &network.EndpointSettings{Aliases: aliases}
}

// CopyFrom streams path in a container as a tar archive (the Engine API's archive endpoint,
// what `docker cp` reads); the caller closes it.
func (e *Engine) CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, error) {
	res, err := e.cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: path})
	if err != nil {
		return nil, fmt.Errorf("copy %s out of container %s: %w", path, id, err)
	}
	return res.Content, nil
}
