package pods

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// podsConfirm is a remove or a down on screen, waiting for y or n.
type podsConfirm struct {
	action       keymap.Action // keymap.Remove or keymap.PodsDown
	pod, service string        // what remove acts on; service "" for the whole pod
	question     string
	detail       string
}

// askRemove asks before removing the selected pod's or service's containers.
func (m Model) askRemove() (Model, tea.Cmd) {
	r, why := m.actionRow(keymap.Remove)
	if why != "" {
		m.status = views.Status{Text: why, Err: true}
		return m, nil
	}
	pod, service, target := rowTarget(r)
	cs := m.containersOf(pod, service)
	if len(cs) == 0 {
		m.status = views.Status{Text: target + " has no containers to remove", Err: true}
		return m, nil
	}
	m.confirm = &podsConfirm{action: keymap.Remove, pod: pod, service: service,
		question: "Remove the containers of " + target + "?", detail: containersDetail(cs) + " Volumes are kept."}
	m.status = views.Status{}
	return m, nil
}

// askDown asks before removing every pod's containers and the project's networks.
func (m Model) askDown() (Model, tea.Cmd) {
	if m.pb == nil || m.ws == nil {
		return m, nil
	}
	var cs []docker.Container
	for _, ps := range m.states {
		for _, s := range ps.Services {
			cs = append(cs, s.Containers...)
		}
	}
	detail := fmt.Sprintf("%s (%s): no container is up; the networks are removed.", m.ws.Name, m.ws.Target)
	if len(cs) > 0 {
		detail = fmt.Sprintf("%s (%s): %s The networks go too; volumes are kept.", m.ws.Name, m.ws.Target, containersDetail(cs))
	}
	m.confirm = &podsConfirm{action: keymap.PodsDown, question: "Down: remove every pod's containers?", detail: detail}
	m.status = views.Status{}
	return m, nil
}

// containersOf are the containers of a pod, or of one of its services.
func (m Model) containersOf(pod, service string) []docker.Container {
	var out []docker.Container
	for _, ps := range m.states {
		if ps.Pod.Name != pod {
			continue
		}
		for _, s := range ps.Services {
			if service == "" || s.Service == service {
				out = append(out, s.Containers...)
			}
		}
	}
	return out
}

// containersDetail names what a removal takes: "shop-web-1, shop-web-2 (1 running: stopped
// first)."
func containersDetail(cs []docker.Container) string {
	names := make([]string, 0, len(cs))
	running := 0
	for _, c := range cs {
		names = append(names, c.Name)
		if c.Running() {
			running++
		}
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	s := strings.Join(names, ", ")
	if running > 0 {
		s += fmt.Sprintf(" (%d running: stopped first)", running)
	}
	return s + "."
}

// confirmKey answers the question on screen: y runs the remove or the down, n keeps everything.
func (m Model) confirmKey(a keymap.Action) (Model, tea.Cmd) {
	q := m.confirm
	switch a {
	case keymap.Confirm:
		m.confirm = nil
		ws, pb := m.ws, m.pb
		if q.action == keymap.PodsDown {
			return m.startOp(verbs[keymap.PodsDown], ws.Name, []string{allRows}, func(ctx context.Context, progress func(compose.Event)) error {
				return pb.Down(ctx, ws, progress)
			})
		}
		target := q.pod
		if q.service != "" {
			target += "/" + q.service
		}
		return m.startOp(verbs[keymap.Remove], target, []string{target}, func(ctx context.Context, progress func(compose.Event)) error {
			return pb.Remove(ctx, ws, q.pod, q.service, progress)
		})
	case keymap.Cancel:
		m.confirm = nil
		m.status = views.Status{Text: "kept everything"}
	}
	return m, nil
}
