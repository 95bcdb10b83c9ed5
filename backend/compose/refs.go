package compose

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// referencedServices are the services s names in network_mode, ipc, pid, uts ("service:x") or
// volumes_from.
func referencedServices(s types.ServiceConfig) []string {
	var names []string
	for _, v := range []string{s.NetworkMode, s.Ipc, s.Pid, s.Uts} {
		if n, ok := strings.CutPrefix(v, types.ServicePrefix); ok {
			names = append(names, n)
		}
	}
	for _, v := range s.VolumesFrom {
		if !strings.HasPrefix(v, types.ContainerPrefix) {
			n, _, _ := strings.Cut(v, ":")
			names = append(names, n)
		}
	}
	return names
}

// references finds a container of every service s refers to (referencedServices), preferring a
// running one.
func (u *upRun) references(ctx context.Context, s types.ServiceConfig) (map[string]string, error) {
	out := map[string]string{}
	for _, n := range referencedServices(s) {
		cs, err := serviceContainers(ctx, u.e, u.p.Name, n)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", s.Name, err)
		}
		slices.SortStableFunc(cs, func(a, b docker.Container) int {
			if a.Running() == b.Running() {
				return 0
			}
			if a.Running() {
				return -1
			}
			return 1
		})
		if len(cs) > 0 {
			out[n] = cs[0].ID
		}
	}
	return out, nil
}

// anonymousVolumes maps the targets of the service's anonymous volumes to the volumes the
// container being replaced has there, so the new container keeps their data.
func anonymousVolumes(ctx context.Context, e *docker.Engine, s types.ServiceConfig, id string) (map[string]string, error) {
	targets := map[string]bool{}
	for _, v := range s.Volumes {
		if (v.Type == types.VolumeTypeVolume || v.Type == "") && v.Source == "" {
			targets[v.Target] = true
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	raw, err := e.InspectRaw(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("service %s: %w", s.Name, err)
	}
	out := map[string]string{}
	for _, m := range raw.Mounts {
		if string(m.Type) == "volume" && targets[m.Destination] && m.Name != "" {
			out[m.Destination] = m.Name
		}
	}
	return out, nil
}
