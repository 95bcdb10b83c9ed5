package compose

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/podiumdev/podium/backend/docker"
)

// endpointIfname is the driver option that names the container's interface on a network.
const endpointIfname = "com.docker.network.endpoint.ifname"

// applyNetworks joins the service's networks, by their project-prefixed names, with Compose's
// aliases; the highest-priority network is the container's NetworkMode (backend/docker connects
// the others before start). network_mode host/none/bridge/container:x is used as it is, and
// service:x becomes container:<a container of x>.
func applyNetworks(p *types.Project, s types.ServiceConfig, number int, opts SpecOptions, spec *docker.CreateSpec) error {
	h := spec.HostConfig
	if s.NetworkMode != "" {
		mode, err := namespaceMode[container.NetworkMode](s.NetworkMode, "network_mode", opts)
		if err != nil {
			return err
		}
		h.NetworkMode = mode
		spec.Config.NetworkDisabled = s.NetworkMode == "disabled"
		return nil
	}
	if len(p.Networks) == 0 || len(s.Networks) == 0 {
		h.NetworkMode = "none"
		return nil
	}
	spec.Networks = map[string]*network.EndpointSettings{}
	for i, key := range s.NetworksByPriority() {
		def, ok := p.Networks[key]
		if !ok {
			return fmt.Errorf("networks: %s is not a network of project %s", key, p.Name)
		}
		name := def.Name
		if name == "" {
			name = p.Name + "_" + key
		}
		ep, err := endpoint(p, s, number, s.Networks[key], i == 0, opts)
		if err != nil {
			return fmt.Errorf("networks: %s: %w", key, err)
		}
		if i == 0 {
			h.NetworkMode = container.NetworkMode(name)
			ep.Links = links(p, s)
		}
		spec.Networks[name] = ep
		spec.NetworkOrder = append(spec.NetworkOrder, name)
	}
	return nil
}

// endpoint is one network attachment: the container name, the service name (unless
// use_service_name_alias is false) and the configured aliases, fixed addresses, driver options;
// the service's mac_address goes to its primary network.
func endpoint(p *types.Project, s types.ServiceConfig, number int, cfg *types.ServiceNetworkConfig, primary bool, opts SpecOptions) (*network.EndpointSettings, error) {
	ep := &network.EndpointSettings{Aliases: []string{ContainerName(p, s, number)}}
	if cfg.ServiceNameAliasEnabled() {
		ep.Aliases = append(ep.Aliases, s.Name)
	}
	mac := ""
	if primary {
		mac = s.MacAddress
	}
	if cfg == nil {
		cfg = &types.ServiceNetworkConfig{}
	}
	ep.Aliases = append(ep.Aliases, cfg.Aliases...)
	if cfg.Ipv4Address != "" || cfg.Ipv6Address != "" || len(cfg.LinkLocalIPs) > 0 {
		ipam := &network.EndpointIPAMConfig{}
		var err error
		if cfg.Ipv4Address != "" {
			if ipam.IPv4Address, err = netip.ParseAddr(cfg.Ipv4Address); err != nil {
				return nil, fmt.Errorf("ipv4_address: %w", err)
			}
		}
		if cfg.Ipv6Address != "" {
			if ipam.IPv6Address, err = netip.ParseAddr(cfg.Ipv6Address); err != nil {
				return nil, fmt.Errorf("ipv6_address: %w", err)
			}
		}
		for _, l := range cfg.LinkLocalIPs {
			a, err := netip.ParseAddr(l)
			if err != nil {
				return nil, fmt.Errorf("link_local_ips: %w", err)
			}
			ipam.LinkLocalIPs = append(ipam.LinkLocalIPs, a)
		}
		ep.IPAMConfig = ipam
	}
	if len(cfg.DriverOpts) > 0 || cfg.InterfaceName != "" {
		ep.DriverOpts = map[string]string{}
		for k, v := range cfg.DriverOpts {
			ep.DriverOpts[k] = v
		}
		if cfg.InterfaceName != "" {
			ep.DriverOpts[endpointIfname] = cfg.InterfaceName
		}
	}
	if cfg.GatewayPriority != 0 {
		if !apiAtLeast(opts.APIVersion, "1.48") {
			return nil, fmt.Errorf("gw_priority needs Docker API 1.48")
		}
		ep.GwPriority = cfg.GatewayPriority
	}
	if cfg.MacAddress != "" {
		mac = cfg.MacAddress
	}
	if mac != "" {
		if !apiAtLeast(opts.APIVersion, "1.44") {
			return nil, fmt.Errorf("mac_address needs Docker API 1.44")
		}
		hw, err := net.ParseMAC(mac)
		if err != nil {
			return nil, fmt.Errorf("mac_address: %w", err)
		}
		ep.MacAddress = network.HardwareAddr(hw)
	}
	return ep, nil
}

// links maps links: ("service[:alias]") to the engine's "container:alias", with the service's
// first container, and external_links as they are.
func links(p *types.Project, s types.ServiceConfig) []string {
	var out []string
	for _, l := range s.Links {
		svc, alias, ok := strings.Cut(l, ":")
		if !ok {
			alias = svc
		}
		target := p.Name + "-" + svc + "-1"
		if other, err := p.GetService(svc); err == nil {
			target = ContainerName(p, other, 1)
		}
		out = append(out, target+":"+alias)
	}
	for _, l := range s.ExternalLinks {
		if !strings.Contains(l, ":") {
			l = l + ":" + l
		}
		out = append(out, l)
	}
	return out
}
