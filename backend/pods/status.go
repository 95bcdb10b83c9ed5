package pods

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
)

// Status reads the workspace's containers from the engine and matches them to its pods.
func (r *Runner) Status(ctx context.Context) ([]PodState, error) {
	cs, err := r.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + r.WS.ComposeName}})
	if err != nil {
		return nil, err
	}
	return r.WS.State(cs), nil
}

// WriteStatus prints cage's status tree, with health and drift:
//
//	frontend        enabled type:service
//	├─ web          RUNNING healthy ports:127.0.0.1:32768->8080 mounted:frontend
//	└─ worker       RUNNING drifted
//
// only, when not empty, limits it to some pods: each to the services listed, or whole when
// its list is nil. A service with no container shows the host ports its files publish
// (ports:8080), as cage did whether or not it ran.
func WriteStatus(w io.Writer, target string, states []PodState, only map[string][]string) {
	for _, ps := range states {
		p := ps.Pod
		services, shown := only[p.Name]
		if len(only) > 0 && !shown {
			continue
		}
		enabled := "enabled"
		if !p.Enabled {
			enabled = "disabled"
		}
		fmt.Fprintf(w, "%-15s %s type:%s\n", p.Name, enabled, p.Type)
		var list []ServiceState
		for _, s := range ps.Services {
			if services == nil || contains(services, s.Service) {
				list = append(list, s)
			}
		}
		if p.Err != nil {
			// A broken pod's containers still run: they follow its error.
			branch := "└─"
			if len(list) > 0 {
				branch = "├─"
			}
			fmt.Fprintf(w, "%s error: %v\n", branch, p.Err)
		}
		for i, s := range list {
			branch := "├─"
			if i == len(list)-1 {
				branch = "└─"
			}
			fmt.Fprintf(w, "%s %-12s%s\n", branch, s.Service, serviceSummary(s))
		}
	}
}

// StatusError is the error of the first pod status shows (all with an empty only) that
// failed to load, naming it; nil when every one loaded.
func StatusError(states []PodState, only map[string][]string) error {
	for _, ps := range states {
		if _, shown := only[ps.Pod.Name]; len(only) > 0 && !shown {
			continue
		}
		if ps.Pod.Err != nil {
			return fmt.Errorf("status: pod %s: %w", ps.Pod.Name, ps.Pod.Err)
		}
	}
	return nil
}

func serviceSummary(s ServiceState) string {
	var parts []string
	if len(s.Containers) > 0 {
		c := s.Containers[0]
		parts = append(parts, marker(c))
		if len(s.Containers) > 1 {
			parts[0] += fmt.Sprintf(" (%d/%d running)", s.Running(), len(s.Containers))
		}
		if c.Health != "" {
			parts = append(parts, c.Health)
		}
		var ports []string
		for _, c := range s.Containers {
			for _, p := range c.Ports {
				if p.HostPort != 0 {
					ports = append(ports, fmt.Sprintf("%s:%d->%d", p.HostIP, p.HostPort, p.ContainerPort))
				}
			}
		}
		if len(ports) > 0 {
			parts = append(parts, "ports:"+strings.Join(dedupe(ports), ","))
		}
	} else if len(s.FilePorts) > 0 {
		parts = append(parts, "ports:"+strings.Join(dedupe(s.FilePorts), ","))
	}
	if len(s.Mounted) > 0 {
		parts = append(parts, "mounted:"+strings.Join(s.Mounted, ","))
	}
	switch {
	case s.Orphan:
		parts = append(parts, "orphan: not in the pod's files")
	case s.ToCreate:
		parts = append(parts, "to create: new in the pod's files (up creates it)")
	case s.Drifted:
		parts = append(parts, "drifted")
	}
	if s.Err != nil {
		parts = append(parts, "error: "+s.Err.Error())
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// marker is cage's word for a container: RUNNING, DONE (exit 0), EXITED (non-zero) or OTHER.
func marker(c docker.Container) string {
	switch {
	case c.State == "running":
		return "RUNNING"
	case c.State == "exited" && c.ExitCode == 0:
		return "DONE"
	case c.State == "exited":
		return fmt.Sprintf("EXITED(%d)", c.ExitCode)
	}
	return "OTHER(" + c.State + ")"
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// ConfigHashes returns `service hash` lines as `docker compose config --hash` prints them, for
// one service (pod/service or a unique name) or every service of every loaded pod with "*".
func (w *Workspace) ConfigHashes(name string) ([]string, error) {
	type entry struct{ svc, hash string }
	var out []entry
	add := func(p *Pod, svc string) error {
		h, err := compose.ServiceHash(p.Project.Services[svc])
		if err != nil {
			return fmt.Errorf("config hash of %s/%s: %w", p.Name, svc, err)
		}
		out = append(out, entry{svc, h})
		return nil
	}
	if name == "*" {
		for _, p := range w.Pods {
			if p.Err != nil {
				return nil, fmt.Errorf("pod %s: %w", p.Name, p.Err)
			}
			for _, svc := range p.Project.ServiceNames() {
				if err := add(p, svc); err != nil {
					return nil, err
				}
			}
		}
	} else {
		p, svc, err := w.LookupService(name)
		if err != nil {
			return nil, err
		}
		if err := add(p, svc); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].svc < out[j].svc })
	lines := make([]string, len(out))
	for i, e := range out {
		lines[i] = e.svc + " " + e.hash
	}
	return lines, nil
}
