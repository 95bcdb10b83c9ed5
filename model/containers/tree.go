package containers

import (
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/query"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/views"
)

// containerRows is how listNav moves over the containers tree: the cursor stops on containers
// (kept by id), and the project and service headers just above one stay in view with it.
var containerRows = list.Spec[views.TreeRow]{
	Key:        func(r views.TreeRow) string { return r.Container.ID },
	Selectable: func(r views.TreeRow) bool { return r.Kind == views.ContainerRow },
	Context:    func(rows []views.TreeRow, i int) bool { return rows[i-1].Kind != views.ContainerRow },
}

// tree is the containers tree of the snapshot under the filter. Without a filter the
// snapshot's own list is grouped, which copies each container once, into its row.
func (m *Model) tree() []views.TreeRow {
	q := query.New(m.list.Filter)
	if q.Empty() {
		return views.GroupContainers(m.snap.Containers)
	}
	var shown []docker.Container
	for i := range m.snap.Containers {
		if q.Container(&m.snap.Containers[i]) {
			shown = append(shown, m.snap.Containers[i])
		}
	}
	return views.GroupContainers(shown)
}

// rebuild recomputes the tree from the snapshot, keeping the selection on the same container
// (by id) when it is still there, else on the container nearest to where it was.
func (m *Model) rebuild() {
	m.list.SetRows(m.tree(), m.list.Cursor)
}

// setFilter changes the filter and rebuilds the tree. A selection the filter hides moves to
// the first match, as in any fuzzy finder.
func (m *Model) setFilter(f string) {
	m.list.Filter = f
	m.list.Refilter(m.tree())
}

// layout is the tab's current division into panes.
func (m Model) layout() views.Layout { return m.list.Layout() }
