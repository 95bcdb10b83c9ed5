package pods

import (
	"fmt"
	"strings"
)

// Scope is which pods a command takes when it is given no names (cage's defaults).
type Scope int

const (
	// ScopeNoTasks: every enabled pod but tasks (up, stop, restart).
	ScopeNoTasks Scope = iota
	// ScopeAll: every enabled pod, tasks included (build, pull, logs, status).
	ScopeAll
	// ScopeRemove: every pod, enabled or not, tasks included (rm, down). A pod not enabled in
	// the target can still have containers and a network (`podium test` runs any service in the
	// test target, where cage enables no pod by default), and removing them must be possible.
	ScopeRemove
)

// Selected is one pod a command acts on, whole (Services nil) or some of its services.
type Selected struct {
	Pod      *Pod
	Services []string
}

// Whole reports whether the whole pod was selected.
func (s Selected) Whole() bool { return s.Services == nil }

// Describe names the selection for messages: "frontend" or "frontend/web".
func (s Selected) Describe() string {
	if s.Whole() {
		return s.Pod.Name
	}
	parts := make([]string, len(s.Services))
	for i, svc := range s.Services {
		parts[i] = s.Pod.Name + "/" + svc
	}
	return strings.Join(parts, ", ")
}

// Select resolves the names a command was given ("pod", "pod/service" or a unique service)
// into pods in start order (placeholders, services, tasks). With no names it takes the scope's
// default set, leaving out pods not enabled in the target (but for ScopeRemove). A named pod
// that is not enabled (but for ScopeRemove), or that failed to load, is an error naming it; in
// the default set a pod that failed to load is kept, so the command reports it while acting on
// the others.
func (w *Workspace) Select(names []string, scope Scope) ([]Selected, error) {
	if len(names) == 0 {
		var out []Selected
		for _, p := range w.Pods {
			if p.Err == nil && !p.Enabled && scope != ScopeRemove {
				continue
			}
			if scope == ScopeNoTasks && p.Type == PodTask {
				continue
			}
			out = append(out, Selected{Pod: p})
		}
		return out, nil
	}
	whole := map[string]bool{}
	services := map[string][]string{}
	for _, n := range names {
		p, svc, err := w.Lookup(n)
		if err != nil && scope == ScopeRemove && p != nil && svc == "" && err == p.Err {
			err = nil // a broken pod can still be removed: by its containers' labels, not its file
		}
		if err != nil {
			if p != nil {
				return nil, fmt.Errorf("pod %s: %w", p.Name, err)
			}
			return nil, err
		}
		if !p.Enabled && scope != ScopeRemove {
			return nil, fmt.Errorf("pod %s is not enabled in target %s (enable_in_targets: %s)", p.Name, w.Target, strings.Join(p.EnabledTargets, ", "))
		}
		if svc == "" {
			whole[p.Name] = true
		} else if !contains(services[p.Name], svc) {
			services[p.Name] = append(services[p.Name], svc)
		}
	}
	var out []Selected
	for _, p := range w.Pods {
		switch {
		case whole[p.Name]:
			out = append(out, Selected{Pod: p})
		case len(services[p.Name]) > 0:
			out = append(out, Selected{Pod: p, Services: services[p.Name]})
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
