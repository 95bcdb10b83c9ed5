package compose

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// serviceContainers lists the non-one-off containers of a service, stopped ones included,
// ordered by container number. Docker is the source of truth: nothing is cached.
func serviceContainers(ctx context.Context, e *docker.Engine, project, service string) ([]docker.Container, error) {
	cs, err := e.List(ctx, docker.ListOptions{All: true, Labels: serviceFilters(project, service)})
	if err != nil {
		return nil, fmt.Errorf("containers of service %s: %w", service, err)
	}
	sortByNumber(cs)
	return cs, nil
}

// projectContainers lists every container of a project, one-offs included.
func projectContainers(ctx context.Context, e *docker.Engine, project string) ([]docker.Container, error) {
	cs, err := e.List(ctx, docker.ListOptions{All: true, Labels: []string{projectFilter(project)}})
	if err != nil {
		return nil, fmt.Errorf("containers of project %s: %w", project, err)
	}
	return cs, nil
}

// number is a container's com.docker.compose.container-number, or 0.
func number(c docker.Container) int {
	n, _ := strconv.Atoi(c.Labels[docker.LabelComposeNumber])
	return n
}

func sortByNumber(cs []docker.Container) {
	sort.SliceStable(cs, func(i, j int) bool {
		if number(cs[i]) != number(cs[j]) {
			return number(cs[i]) < number(cs[j])
		}
		return cs[i].Name < cs[j].Name
	})
}

// replicas is how many containers a service wants: deploy.replicas or scale, default 1.
func replicas(s types.ServiceConfig) int {
	if s.Deploy != nil && s.Deploy.Replicas != nil {
		return *s.Deploy.Replicas
	}
	if s.Scale != nil {
		return *s.Scale
	}
	return 1
}

// oneShots are the services another service waits on with service_completed_successfully:
// their containers are meant to run once, so one that exited 0 is done, not stopped.
func oneShots(p *types.Project) map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Services {
		for dep, d := range s.DependsOn {
			if d.Condition == types.ServiceConditionCompletedSuccessfully {
				out[dep] = true
			}
		}
	}
	return out
}

// completed reports whether a container of a one-shot service has run to success.
func completed(c docker.Container, oneShot bool) bool {
	return oneShot && c.State == "exited" && c.ExitCode == 0
}

// selectServices returns the named services (all when names is empty) plus, when withDeps, every
// service they depend on that the project has. An unknown name is an error.
func selectServices(p *types.Project, names []string, withDeps bool) (map[string]bool, error) {
	sel := map[string]bool{}
	if len(names) == 0 {
		for n := range p.Services {
			sel[n] = true
		}
		return sel, nil
	}
	var add func(string)
	add = func(n string) {
		if sel[n] {
			return
		}
		sel[n] = true
		if !withDeps {
			return
		}
		for dep := range p.Services[n].DependsOn {
			if _, ok := p.Services[dep]; ok {
				add(dep)
			}
		}
	}
	for _, n := range names {
		if _, ok := p.Services[n]; !ok {
			return nil, fmt.Errorf("project %s has no service %s", p.Name, n)
		}
		add(n)
	}
	return sel, nil
}

// subProject is p with only the selected services, for walking the dependency graph without
// touching the caller's project (compose-go's graph writes to the Services map).
func subProject(p *types.Project, sel map[string]bool) *types.Project {
	sub := *p
	sub.Services = types.Services{}
	for n, s := range p.Services {
		if !sel[n] {
			continue
		}
		deps := types.DependsOnConfig{}
		for d, c := range s.DependsOn {
			if _, ok := p.Services[d]; ok && sel[d] {
				deps[d] = c
			}
		}
		s.DependsOn = deps
		sub.Services[n] = s
	}
	return &sub
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
