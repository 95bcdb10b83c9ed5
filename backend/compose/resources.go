package compose

import (
	"context"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// usedNetworks are the project network keys the selected services join.
func usedNetworks(p *types.Project, sel map[string]bool) map[string]bool {
	out := map[string]bool{}
	for n := range sel {
		s := p.Services[n]
		if s.NetworkMode != "" {
			continue
		}
		for k := range s.Networks {
			out[k] = true
		}
	}
	return out
}

// usedVolumes are the project volume keys the selected services mount.
func usedVolumes(p *types.Project, sel map[string]bool) map[string]bool {
	out := map[string]bool{}
	for n := range sel {
		for _, v := range p.Services[n].Volumes {
			if (v.Type == types.VolumeTypeVolume || v.Type == "") && v.Source != "" {
				out[v.Source] = true
			}
		}
	}
	return out
}

func networkName(p *types.Project, key string) string {
	if n := p.Networks[key].Name; n != "" {
		return n
	}
	return p.Name + "_" + key
}

func volumeName(p *types.Project, key string) string {
	if n := p.Volumes[key].Name; n != "" {
		return n
	}
	return p.Name + "_" + key
}

// ensureNetworks creates the project networks named by keys, labelled as Compose labels them
// (plus extra); an external network must already exist.
func ensureNetworks(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, keys map[string]bool, extra map[string]string) error {
	if len(keys) == 0 {
		return nil
	}
	all, err := e.Networks(ctx)
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, n := range all {
		exists[n.Name] = true
		exists[n.ID] = true
	}
	for _, key := range sortedKeys(keys) {
		def, ok := p.Networks[key]
		if !ok {
			return fmt.Errorf("network %s is not defined in project %s", key, p.Name)
		}
		name := networkName(p, key)
		if def.External {
			if !exists[name] {
				return fmt.Errorf("network %s is declared as external, but could not be found: create it first (docker network create %s)", name, name)
			}
			continue
		}
		if exists[name] {
			continue
		}
		if err := unsupportedNetwork(key, def); err != nil {
			return err
		}
		labels := map[string]string{}
		for k, v := range extra {
			labels[k] = v
		}
		for k, v := range def.Labels {
			labels[k] = v
		}
		labels[docker.LabelComposeProject] = p.Name
		labels[docker.LabelComposeNetwork] = key
		labels[docker.LabelComposeVersion] = ComposeVersion
		if _, err := e.CreateNetwork(ctx, name, docker.NetworkOptions{Driver: def.Driver, Internal: def.Internal, Labels: labels}); err != nil {
			return fmt.Errorf("network %s of project %s: %w", key, p.Name, err)
		}
		r.emit("", name, ActionNetworkCreated)
	}
	return nil
}

// unsupportedNetwork refuses network settings backend/docker cannot create yet, rather than
// making a network that differs from the file.
func unsupportedNetwork(key string, def types.NetworkConfig) error {
	var bad []string
	if len(def.DriverOpts) > 0 {
		bad = append(bad, "driver_opts")
	}
	if def.Ipam.Driver != "" || len(def.Ipam.Config) > 0 || len(def.Ipam.Options) > 0 {
		bad = append(bad, "ipam")
	}
	if def.EnableIPv6 != nil && *def.EnableIPv6 {
		bad = append(bad, "enable_ipv6")
	}
	if def.EnableIPv4 != nil && !*def.EnableIPv4 {
		bad = append(bad, "enable_ipv4")
	}
	if def.Attachable {
		bad = append(bad, "attachable")
	}
	if len(bad) > 0 {
		return fmt.Errorf("network %s: unsupported: %s", key, strings.Join(bad, ", "))
	}
	return nil
}

// ensureVolumes creates the project volumes named by keys, labelled as Compose labels them
// (plus extra); an external volume must already exist.
func ensureVolumes(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, keys map[string]bool, extra map[string]string) error {
	if len(keys) == 0 {
		return nil
	}
	all, err := e.Volumes(ctx)
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, v := range all {
		exists[v.Name] = true
	}
	for _, key := range sortedKeys(keys) {
		def, ok := p.Volumes[key]
		if !ok {
			return fmt.Errorf("volume %s is not defined in project %s", key, p.Name)
		}
		name := volumeName(p, key)
		if def.External {
			if !exists[name] {
				return fmt.Errorf("volume %s is declared as external, but could not be found: create it first (docker volume create %s)", name, name)
			}
			continue
		}
		if exists[name] {
			continue
		}
		labels := map[string]string{}
		for k, v := range extra {
			labels[k] = v
		}
		for k, v := range def.Labels {
			labels[k] = v
		}
		labels[docker.LabelComposeProject] = p.Name
		labels[docker.LabelComposeVolume] = key
		labels[docker.LabelComposeVersion] = ComposeVersion
		if _, err := e.CreateVolume(ctx, name, docker.VolumeOptions{Driver: def.Driver, DriverOpts: def.DriverOpts, Labels: labels}); err != nil {
			return fmt.Errorf("volume %s of project %s: %w", key, p.Name, err)
		}
		r.emit("", name, ActionVolumeCreated)
	}
	return nil
}
