package pods

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
)

// PodState is one pod as the engine has it, against what the workspace wants.
type PodState struct {
	Pod      *Pod
	Services []ServiceState // sorted by name; empty when the pod failed to load
}

// ServiceState is one service of a pod with its containers and whether `up` would change it.
type ServiceState struct {
	Pod, Service string
	Hash         string // the config hash the service wants (Compose's)
	Replicas     int
	Containers   []docker.Container // the service's non-one-off containers, by number
	Mounted      []string           // aliases of the sources mounted into it
	// Drifted: a container's config hash differs from Hash, or the count differs from
	// Replicas while some run. A pod that is simply not up is not drifted.
	Drifted bool
	Err     error // the hash could not be computed
}

// Running counts the service's running containers.
func (s ServiceState) Running() int {
	n := 0
	for _, c := range s.Containers {
		if c.Running() {
			n++
		}
	}
	return n
}

// State matches containers (from the live index) to the workspace's pods and services. It is
// pure: no engine calls, so the TUI can call it on every index change. Containers count when
// they carry the workspace's compose project, the service's name, are not one-offs, and (when
// they have Podium's labels) belong to this pod and target; containers Compose itself created
// from an exported file have no Podium labels and still count.
func (w *Workspace) State(containers []docker.Container) []PodState {
	byService := map[string][]docker.Container{}
	for _, c := range containers {
		l := c.Labels
		if l[docker.LabelComposeProject] != w.ComposeName || l[docker.LabelComposeOneoff] == "True" {
			continue
		}
		if t, ok := l[docker.LabelTarget]; ok && t != w.Target {
			continue
		}
		key := l[docker.LabelPod] + "/" + l[docker.LabelComposeService]
		byService[key] = append(byService[key], c)
	}
	out := make([]PodState, 0, len(w.Pods))
	for _, p := range w.Pods {
		ps := PodState{Pod: p}
		if p.Project != nil {
			for _, name := range p.Project.ServiceNames() {
				svc := p.Project.Services[name]
				cs := append(byService[p.Name+"/"+name], byService["/"+name]...)
				sortByNumber(cs)
				ps.Services = append(ps.Services, serviceState(p, svc, cs))
			}
		}
		out = append(out, ps)
	}
	return out
}

func serviceState(p *Pod, svc types.ServiceConfig, cs []docker.Container) ServiceState {
	s := ServiceState{Pod: p.Name, Service: svc.Name, Replicas: replicasOf(svc), Containers: cs, Mounted: p.Mounts[svc.Name]}
	hash, err := compose.ServiceHash(svc)
	if err != nil {
		s.Err = fmt.Errorf("config hash of %s/%s: %w", p.Name, svc.Name, err)
		return s
	}
	s.Hash = hash
	for _, c := range cs {
		if c.Labels[docker.LabelComposeConfigHash] != hash {
			s.Drifted = true
		}
	}
	if len(cs) > 0 && len(cs) != s.Replicas {
		s.Drifted = true
	}
	return s
}

// replicasOf is how many containers a service wants, as Compose counts them.
func replicasOf(svc types.ServiceConfig) int {
	if svc.Deploy != nil && svc.Deploy.Replicas != nil {
		return *svc.Deploy.Replicas
	}
	if svc.Scale != nil {
		return *svc.Scale
	}
	return 1
}

func sortByNumber(cs []docker.Container) {
	num := func(c docker.Container) int {
		n, _ := strconv.Atoi(c.Labels[docker.LabelComposeNumber])
		return n
	}
	sort.SliceStable(cs, func(i, j int) bool { return num(cs[i]) < num(cs[j]) })
}
