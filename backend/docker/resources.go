package docker

import (
	"context"
	"fmt"
	"sort"

	"github.com/moby/moby/client"
)

// Network is a Docker network as Podium shows and manages it.
type Network struct {
	ID, Name, Driver string
	Labels           map[string]string
}

// Volume is a named volume.
type Volume struct {
	Name, Driver, Mountpoint string
	Labels                   map[string]string
}

// NetworkOptions describe a network to create.
type NetworkOptions struct {
	Driver   string // default bridge
	Internal bool
	Labels   map[string]string
}

// CreateNetwork creates a network and returns its id. A network of that name that already
// exists is returned as it is (creation is idempotent, as Compose's is).
func (e *Engine) CreateNetwork(ctx context.Context, name string, opts NetworkOptions) (string, error) {
	if n, err := e.cli.NetworkInspect(ctx, name, client.NetworkInspectOptions{}); err == nil {
		return n.Network.ID, nil
	}
	res, err := e.cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: nameOr(opts.Driver, "bridge"), Internal: opts.Internal, Labels: opts.Labels})
	if err != nil {
		if IsConflict(err) {
			if n, ierr := e.cli.NetworkInspect(ctx, name, client.NetworkInspectOptions{}); ierr == nil {
				return n.Network.ID, nil
			}
		}
		return "", fmt.Errorf("create network %s: %w", name, err)
	}
	return res.ID, nil
}

// Networks lists networks carrying every label filter given ("key" or "key=value").
func (e *Engine) Networks(ctx context.Context, labels ...string) ([]Network, error) {
	f := labelFilters(labels)
	res, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list networks (labels %v): %w", labels, err)
	}
	out := make([]Network, 0, len(res.Items))
	for _, n := range res.Items {
		out = append(out, Network{ID: n.ID, Name: n.Name, Driver: n.Driver, Labels: n.Labels})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveNetwork deletes a network. A missing network is not an error.
func (e *Engine) RemoveNetwork(ctx context.Context, idOrName string) error {
	if _, err := e.cli.NetworkRemove(ctx, idOrName, client.NetworkRemoveOptions{}); err != nil && !IsNotFound(err) {
		return fmt.Errorf("remove network %s: %w", idOrName, err)
	}
	return nil
}

// ConnectNetwork attaches a container to a network, with optional aliases.
func (e *Engine) ConnectNetwork(ctx context.Context, netName, containerID string, aliases ...string) error {
	opts := client.NetworkConnectOptions{Container: containerID}
	if len(aliases) > 0 {
		opts.EndpointConfig = endpointWithAliases(aliases)
	}
	if _, err := e.cli.NetworkConnect(ctx, netName, opts); err != nil {
		return fmt.Errorf("connect container %s to network %s: %w", containerID, netName, err)
	}
	return nil
}

// VolumeOptions describe a volume to create.
type VolumeOptions struct {
	Driver     string
	DriverOpts map[string]string
	Labels     map[string]string
}

// CreateVolume creates a named volume (idempotent: an existing one is kept).
func (e *Engine) CreateVolume(ctx context.Context, name string, opts VolumeOptions) (Volume, error) {
	res, err := e.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Driver: opts.Driver, DriverOpts: opts.DriverOpts, Labels: opts.Labels})
	if err != nil {
		return Volume{}, fmt.Errorf("create volume %s: %w", name, err)
	}
	v := res.Volume
	return Volume{Name: v.Name, Driver: v.Driver, Mountpoint: v.Mountpoint, Labels: v.Labels}, nil
}

// Volumes lists volumes carrying every label filter given.
func (e *Engine) Volumes(ctx context.Context, labels ...string) ([]Volume, error) {
	f := labelFilters(labels)
	res, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list volumes (labels %v): %w", labels, err)
	}
	out := make([]Volume, 0, len(res.Items))
	for _, v := range res.Items {
		out = append(out, Volume{Name: v.Name, Driver: v.Driver, Mountpoint: v.Mountpoint, Labels: v.Labels})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveVolume deletes a volume. A missing volume is not an error.
func (e *Engine) RemoveVolume(ctx context.Context, name string, force bool) error {
	if _, err := e.cli.VolumeRemove(ctx, name, client.VolumeRemoveOptions{Force: force}); err != nil && !IsNotFound(err) {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	return nil
}
