package pods

import (
	"github.com/podiumdev/podium/model/list"

	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/query"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// podRows is how listNav moves over the pods tree: the cursor stops on every row (pods and
// services are what the actions apply to), kept by key; a row whose key is gone hands the
// selection to its service, else its pod; a row is shown with its pod's row when that fits.
var podRows = list.Spec[views.PodTreeRow]{
	Key: func(r views.PodTreeRow) string { return r.Key() },
	Parent: func(key string) string {
		if i := strings.LastIndex(key, "/"); i >= 0 {
			return key[:i]
		}
		return ""
	},
	Context: func(rows []views.PodTreeRow, i int) bool { return rows[i].Kind != views.PodLevel },
}

// rebuild recomputes the tree from the state and the filter, keeping the selection on the same
// row (by key) when it is still there, else on its service, else its pod, else near where it was.
func (m *Model) rebuild() {
	m.list.SetRows(views.PodTree(m.states, query.New(m.list.Filter)), m.list.Cursor)
}

// setFilter changes the filter and rebuilds the tree; a hidden selection moves to the first match.
func (m *Model) setFilter(f string) {
	m.list.Filter = f
	m.list.Refilter(views.PodTree(m.states, query.New(f)))
}

// layout is the tab's current division into panes.
func (m Model) layout() views.Layout { return m.list.Layout() }

// syncLogs makes the logs pane follow the selection: a container row its container, a service
// row its containers multiplexed, a pod row all of its services' containers.
func (m *Model) syncLogs() tea.Cmd {
	return m.logs.Sync(m.Ctx, m.b, m.logWant(), m.snap.Status)
}

func (m Model) logWant() logs.Want {
	r, ok := m.Selected()
	if !ok {
		return logs.Want{Empty: "nothing selected"}
	}
	p := r.Pod
	switch r.Kind {
	case views.ContainerLevel:
		return logs.Want{Key: r.Key(), Title: r.Container.Name, Containers: []docker.Container{r.Container}}
	case views.ServiceLevel:
		title := p.Name + "/" + r.Service.Service
		if len(r.Service.Containers) == 0 {
			return logs.Want{Empty: title + " has no containers" + m.noContainersHint(r)}
		}
		return logs.Want{Key: r.Key(), Title: title, Containers: r.Service.Containers, Multi: true}
	}
	var cs []docker.Container
	for _, ps := range m.states {
		if ps.Pod == p {
			for _, s := range ps.Services {
				cs = append(cs, s.Containers...)
			}
		}
	}
	if len(cs) == 0 {
		return logs.Want{Empty: p.Name + " has no containers" + m.noContainersHint(r)}
	}
	return logs.Want{Key: r.Key(), Title: p.Name, Containers: cs, Multi: true}
}

// noContainersHint says how a selection with no containers gets some.
func (m Model) noContainersHint(r views.PodTreeRow) string {
	switch {
	case r.Pod.Err != nil:
		return ""
	case !r.Pod.Enabled:
		return ": it is not enabled in target " + m.ws.Target
	case r.Pod.Type == pods.PodTask:
		return ": it is a task, " + m.keyName(keymap.Run) + " runs it"
	}
	return ": " + m.keyName(keymap.BringUp) + " brings it up"
}
