package docker

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
)

// ContainerDetail is one container's whole configuration, for the TUI's Config and Env views:
// the summary fields plus what only an inspect has. Plain data, safe to copy and to render.
type ContainerDetail struct {
	Container
	Entrypoint  []string
	Cmd         []string
	WorkingDir  string
	User        string
	Restart     string   // the restart policy: no, always, unless-stopped, on-failure:3
	Env         []string // KEY=VALUE, in the engine's order (the image's first)
	Mounts      []Mount
	Attached    []NetworkEndpoint // the networks joined, by name
	Healthcheck *Healthcheck      // nil when the container has none
	// HealthLast is the newest health probe's result; nil before the first one.
	HealthLast    *HealthResult
	FailingStreak int
}

// Mount is one volume, bind or tmpfs mount of a container.
type Mount struct {
	Type        string // volume, bind, tmpfs
	Name        string // the volume's name
	Source      string
	Destination string
	ReadOnly    bool
}

// NetworkEndpoint is a container's place on one network.
type NetworkEndpoint struct {
	Network string
	IP      string
	Aliases []string
}

// Healthcheck is how the engine probes a container's health.
type Healthcheck struct {
	Test        []string // ["CMD-SHELL", "curl -f …"] or ["CMD", args…]
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
}

// HealthResult is one health probe.
type HealthResult struct {
	Start, End time.Time
	ExitCode   int
	Output     string
}

// InspectDetail reads one container's whole configuration.
func (e *Engine) InspectDetail(ctx context.Context, idOrName string) (ContainerDetail, error) {
	raw, err := e.InspectRaw(ctx, idOrName)
	if err != nil {
		return ContainerDetail{}, err
	}
	return detailFromInspect(raw), nil
}

func detailFromInspect(r container.InspectResponse) ContainerDetail {
	d := ContainerDetail{Container: fromInspect(r)}
	if c := r.Config; c != nil {
		d.Entrypoint, d.Cmd = slices.Clone(c.Entrypoint), slices.Clone(c.Cmd)
		d.WorkingDir, d.User = c.WorkingDir, c.User
		d.Env = slices.Clone(c.Env)
		if h := c.Healthcheck; h != nil && len(h.Test) > 0 && h.Test[0] != "NONE" {
			d.Healthcheck = &Healthcheck{Test: slices.Clone(h.Test), Interval: h.Interval, Timeout: h.Timeout,
				StartPeriod: h.StartPeriod, Retries: h.Retries}
		}
	}
	if h := r.HostConfig; h != nil {
		d.Restart = string(h.RestartPolicy.Name)
		if d.Restart == "on-failure" && h.RestartPolicy.MaximumRetryCount > 0 {
			d.Restart += ":" + strconv.Itoa(h.RestartPolicy.MaximumRetryCount)
		}
	}
	for _, m := range r.Mounts {
		d.Mounts = append(d.Mounts, Mount{Type: string(m.Type), Name: m.Name, Source: m.Source,
			Destination: m.Destination, ReadOnly: !m.RW})
	}
	sort.Slice(d.Mounts, func(i, j int) bool { return d.Mounts[i].Destination < d.Mounts[j].Destination })
	if ns := r.NetworkSettings; ns != nil {
		for name, ep := range ns.Networks {
			e := NetworkEndpoint{Network: name}
			if ep != nil {
				if ep.IPAddress.IsValid() {
					e.IP = ep.IPAddress.String()
				}
				e.Aliases = slices.Clone(ep.Aliases)
				for _, n := range ep.DNSNames {
					if !slices.Contains(e.Aliases, n) {
						e.Aliases = append(e.Aliases, n)
					}
				}
			}
			d.Attached = append(d.Attached, e)
		}
		sort.Slice(d.Attached, func(i, j int) bool { return d.Attached[i].Network < d.Attached[j].Network })
	}
	if s := r.State; s != nil && s.Health != nil {
		d.FailingStreak = s.Health.FailingStreak
		if n := len(s.Health.Log); n > 0 && s.Health.Log[n-1] != nil {
			l := s.Health.Log[n-1]
			d.HealthLast = &HealthResult{Start: l.Start, End: l.End, ExitCode: l.ExitCode,
				Output: strings.TrimSpace(l.Output)}
		}
	}
	return d
}
