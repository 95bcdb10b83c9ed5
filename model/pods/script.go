package pods

import (
	"context"
	"errors"
	"fmt"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// rowServices are the services a row acts on: all of a pod's, or its own.
func rowServices(r views.PodTreeRow) []string {
	if r.Kind == views.PodLevel {
		return r.Pod.ServiceNames()
	}
	return []string{r.Service.Service}
}

// scriptNames are the scripts that services of p define, sorted, each once.
func scriptNames(p *pods.Pod, services []string) []string {
	var out []string
	for _, svc := range services {
		for name := range p.Scripts[svc] {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// askScript opens the command prompt for the name of a script to run on the selected pod or
// service, naming the scripts it has; with none, it says where scripts are defined.
func (m Model) askScript() (Model, tea.Cmd) {
	r, why := m.actionRow(keymap.RunScript)
	if why != "" {
		m.status = views.Status{Text: why, Err: true}
		return m, nil
	}
	_, service, target := rowTarget(r)
	names := scriptNames(r.Pod, rowServices(r))
	if len(names) == 0 {
		m.status = views.Status{Text: fmt.Sprintf("%s has no scripts: they are services.<service>.scripts in pods/%s.metadata.yml",
			target, r.Pod.Name), Err: true}
		return m, nil
	}
	m.prompt = &commandPrompt{action: keymap.RunScript, pod: r.Pod.Name, service: service, scripts: names}
	m.status = views.Status{}
	return m, nil
}

// runScript prepares script name of a pod's services (service "") or of one service, then
// hands it the terminal as exec and run do (its output stays until enter). A name no service
// there defines is refused here, before anything runs.
func (m Model) runScript(pod, service, name string) (Model, tea.Cmd) {
	if name == "" {
		m.status = views.Status{Text: "run-script needs a script's name", Err: true}
		return m, nil
	}
	where := pods.Address(pod, service)
	p := m.ws.Pod(pod)
	if p == nil {
		m.status = views.Status{Text: "pod " + pod + " is gone from the workspace", Err: true}
		return m, nil
	}
	services := []string{service}
	if service == "" {
		services = p.ServiceNames()
	}
	if !slices.Contains(scriptNames(p, services), name) {
		text := fmt.Sprintf("no service of %s has a script called %s", pod, name)
		if service != "" {
			text = fmt.Sprintf("%s has no script called %s", where, name)
		}
		m.status = views.Status{Text: text, Err: true}
		return m, nil
	}
	target := name + " " + where
	m.status = views.Status{Text: "run-script " + target + "…"}
	pb, ws, ctx := m.pb, m.ws, m.Ctx
	return m, func() tea.Msg {
		x, err := pb.RunScript(ctx, ws, pod, service, name)
		if err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil // quitting
		}
		if err == nil && x == nil {
			err = errors.New("nothing to run")
		}
		return execReadyMsg{Action: keymap.RunScript, Target: target, Cmd: x, Err: err}
	}
}
