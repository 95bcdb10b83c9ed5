package pods

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

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
	FilePorts    []string           // the host ports its files publish, as cage shows them
	// Drifted: a container's config hash differs from Hash, or the count differs from
	// Replicas while some run. A pod that is simply not up is not drifted.
	Drifted bool
	// ToCreate: the service is in the files but has no container while others of its pod
	// have some (it was added to a running pod): up creates it. Drifted too.
	ToCreate bool
	// Orphan: the containers carry the pod's labels but their service is no longer in its
	// files: up of the pod, apply and down remove them. Drifted too.
	Orphan bool
	Err    error // the hash could not be computed
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
//
// A pod's containers whose service is no longer in its files are orphans (a service of their
// own, Orphan); a service with no container in a pod that has some is to be created
// (ToCreate). A pod that failed to load still shows its containers, by the service their
// labels name, so a broken file hides nothing that runs.
func (w *Workspace) State(containers []docker.Container) []PodState {
	byService := map[string][]docker.Container{}
	for _, c := range containers {
		if !w.owns(c) || c.Labels[docker.LabelComposeOneoff] == "True" {
			continue
		}
		key := containerPod(c) + "/" + c.Labels[docker.LabelComposeService]
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
		for _, name := range labelledServices(byService, p.Name) {
			if p.Project != nil && !p.orphanService(name) {
				continue
			}
			cs := byService[p.Name+"/"+name]
			sortByNumber(cs)
			// An orphan wants no container: up removes them. A broken pod's service wants
			// what is unknown, so it is shown as it runs, neither drifted nor an orphan.
			s := ServiceState{Pod: p.Name, Service: name, Containers: cs, Replicas: len(cs)}
			if p.Project != nil {
				s.Orphan, s.Drifted, s.Replicas = true, true, 0
			}
			ps.Services = append(ps.Services, s)
		}
		sort.SliceStable(ps.Services, func(i, j int) bool { return ps.Services[i].Service < ps.Services[j].Service })
		if p.Enabled && p.Type != PodTask {
			markToCreate(ps.Services)
		}
		out = append(out, ps)
	}
	return append(out, w.gonePods(byService)...)
}

// gonePods are the pods whose containers run but whose file is gone from pods/: each a pod
// that failed to load (its error says so), its services orphans, so that nothing that runs
// is hidden. Only down removes them.
func (w *Workspace) gonePods(byService map[string][]docker.Container) []PodState {
	gone := map[string]bool{}
	for key := range byService {
		if name, _, _ := strings.Cut(key, "/"); name != "" && w.Pod(name) == nil {
			gone[name] = true
		}
	}
	var out []PodState
	for _, name := range sortedKeys(gone) {
		p := &Pod{Name: name, Type: PodService, Enabled: true, Mounts: map[string][]string{},
			Err: fmt.Errorf("%s/%s%s is gone, but its containers are not: they are orphans, which down removes", podsDir, name, podFileExt)}
		ps := PodState{Pod: p}
		for _, svc := range labelledServices(byService, name) {
			cs := byService[name+"/"+svc]
			sortByNumber(cs)
			ps.Services = append(ps.Services, ServiceState{Pod: name, Service: svc, Containers: cs, Orphan: true, Drifted: true})
		}
		out = append(out, ps)
	}
	return out
}

// owns says a container is of the workspace's compose project in its target: each target
// label it carries (Podium's, cage's) names the workspace's target. A container with neither,
// made by Compose from a file that has no labels, counts.
func (w *Workspace) owns(c docker.Container) bool {
	if c.Labels[docker.LabelComposeProject] != w.ComposeName {
		return false
	}
	for _, l := range []string{docker.LabelTarget, docker.LabelCageTarget} {
		if t, ok := c.Labels[l]; ok && t != w.Target {
			return false
		}
	}
	return true
}

// containerPod is the pod a container's labels name: Podium's, else cage's, else "".
func containerPod(c docker.Container) string {
	if p, ok := c.Labels[docker.LabelPod]; ok {
		return p
	}
	return c.Labels[docker.LabelCagePod]
}

// orphanService says a service named by a container's labels is not one of the loaded pod's
// (a service disabled by a profile is still the pod's, as Compose counts it).
func (p *Pod) orphanService(name string) bool {
	if _, ok := p.Project.Services[name]; ok {
		return false
	}
	_, disabled := p.Project.DisabledServices[name]
	return !disabled
}

// orphan says service is one of pod's orphans: pod is loaded and its files do not name it.
func (w *Workspace) orphan(pod, service string) bool {
	p := w.Pod(pod)
	return service != "" && p != nil && p.Project != nil && p.orphanService(service)
}

// labelledServices lists, sorted, the services named by containers labelled with pod.
func labelledServices(byService map[string][]docker.Container, pod string) []string {
	var out []string
	for key := range byService {
		if svc, ok := strings.CutPrefix(key, pod+"/"); ok && pod != "" {
			out = append(out, svc)
		}
	}
	sort.Strings(out)
	return out
}

// markToCreate marks the services of a pod that some container runs for (the pod is up)
// which want containers and have none: they were added to its files since (or their
// containers were removed), and up creates them.
func markToCreate(ss []ServiceState) {
	up := false
	for _, s := range ss {
		up = up || len(s.Containers) > 0
	}
	if !up {
		return
	}
	for i := range ss {
		if s := &ss[i]; len(s.Containers) == 0 && s.Replicas > 0 && s.Err == nil && s.Hash != "" {
			s.ToCreate, s.Drifted = true, true
		}
	}
}

func serviceState(p *Pod, svc types.ServiceConfig, cs []docker.Container) ServiceState {
	s := ServiceState{Pod: p.Name, Service: svc.Name, Replicas: replicasOf(svc), Containers: cs, Mounted: p.Mounts[svc.Name]}
	for _, port := range svc.Ports {
		if port.Published != "" {
			s.FilePorts = append(s.FilePorts, port.Published)
		}
	}
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
