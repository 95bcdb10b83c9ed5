package compose

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/network"
)

// exposedPorts is expose: plus every published port's target, as Compose exposes them.
func exposedPorts(s types.ServiceConfig) (network.PortSet, error) {
	if len(s.Expose) == 0 && len(s.Ports) == 0 {
		return nil, nil
	}
	set := network.PortSet{}
	for _, e := range s.Expose {
		spec := e
		if !strings.Contains(spec, "/") {
			spec += "/tcp"
		}
		pr, err := network.ParsePortRange(spec)
		if err != nil {
			return nil, fmt.Errorf("expose %q: %w", e, err)
		}
		for p := range pr.All() {
			set[p] = struct{}{}
		}
	}
	for _, sp := range s.Ports {
		p, err := containerPort(sp)
		if err != nil {
			return nil, err
		}
		set[p] = struct{}{}
	}
	return set, nil
}

// portBindings publishes ports: host IP and host port (a single port, a range the engine picks
// from, or empty for any free port).
func portBindings(s types.ServiceConfig) (network.PortMap, error) {
	if len(s.Ports) == 0 {
		return nil, nil
	}
	m := network.PortMap{}
	for _, sp := range s.Ports {
		p, err := containerPort(sp)
		if err != nil {
			return nil, err
		}
		b := network.PortBinding{HostPort: sp.Published}
		if sp.HostIP != "" {
			if b.HostIP, err = netip.ParseAddr(sp.HostIP); err != nil {
				return nil, fmt.Errorf("ports: host_ip %q: %w", sp.HostIP, err)
			}
		}
		m[p] = append(m[p], b)
	}
	return m, nil
}

func containerPort(sp types.ServicePortConfig) (network.Port, error) {
	proto := sp.Protocol
	if proto == "" {
		proto = "tcp"
	}
	p, err := network.ParsePort(fmt.Sprintf("%d/%s", sp.Target, proto))
	if err != nil {
		return network.Port{}, fmt.Errorf("ports: target %d/%s: %w", sp.Target, proto, err)
	}
	return p, nil
}
