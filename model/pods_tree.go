package model

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// rebuild recomputes the tree from the state and the filter, keeping the selection on the same
// row (by key) when it is still there, else on its service, else its pod, else near where it was.
func (m *Pods) rebuild() {
	m.rows = views.PodTree(m.states, m.filter)
	m.cursor = m.find(m.selKey, m.cursor)
	m.selKey = ""
	if m.cursor >= 0 {
		m.selKey = m.rows[m.cursor].Key()
	}
	m.scrollToCursor()
}

// find is the row of key or of its nearest ancestor, else the row nearest to fallback.
func (m *Pods) find(key string, fallback int) int {
	if len(m.rows) == 0 {
		return -1
	}
	for k := key; k != ""; {
		for i, r := range m.rows {
			if r.Key() == k {
				return i
			}
		}
		i := strings.LastIndex(k, "/")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return min(max(fallback, 0), len(m.rows)-1)
}

// step moves the cursor n rows (negative: up), stopping at the ends.
func (m *Pods) step(n int) {
	if m.cursor < 0 {
		return
	}
	m.cursor = min(max(m.cursor+n, 0), len(m.rows)-1)
	m.selectCursor()
}

func (m *Pods) first() {
	if len(m.rows) > 0 {
		m.cursor, m.offset = 0, 0
	}
	m.selectCursor()
}

func (m *Pods) last() {
	m.cursor = len(m.rows) - 1
	m.selectCursor()
}

func (m *Pods) selectCursor() {
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		m.selKey = m.rows[m.cursor].Key()
	}
	m.scrollToCursor()
}

// scrollToCursor keeps the cursor in view, and with it its pod's row when that fits, so a
// service or container is not shown without its pod.
func (m *Pods) scrollToCursor() {
	rows := m.layout().ListRows()
	if rows <= 0 {
		m.offset = 0
		return
	}
	m.offset = max(min(m.offset, len(m.rows)-rows), 0)
	if m.cursor < 0 {
		return
	}
	head := m.cursor
	for head > 0 && m.rows[head].Kind != views.PodLevel && m.cursor-(head-1) < rows {
		head--
	}
	if head < m.offset {
		m.offset = head
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(m.offset, 0)
}

// setFilter changes the filter and rebuilds the tree; a hidden selection moves to the first match.
func (m *Pods) setFilter(f string) {
	m.filter = f
	keep := m.selKey
	m.rebuild()
	if m.selKey != keep && len(m.rows) > 0 {
		m.cursor = 0
		m.selectCursor()
	}
}

// layout is the tab's current division into panes.
func (m Pods) layout() views.Layout {
	return views.ListLayout(m.width, m.height, len(m.rows))
}

// syncLogs makes the logs pane follow the selection: a container row its container, a service
// row its containers multiplexed, a pod row all of its services' containers.
func (m *Pods) syncLogs() tea.Cmd {
	return m.logs.sync(m.ctx, m.b, m.logWant(), m.snap.Status)
}

func (m Pods) logWant() logWant {
	r, ok := m.Selected()
	if !ok {
		return logWant{empty: "nothing selected"}
	}
	p := r.Pod
	switch r.Kind {
	case views.ContainerLevel:
		return logWant{key: r.Key(), title: r.Container.Name, cs: []docker.Container{r.Container}}
	case views.ServiceLevel:
		title := p.Name + "/" + r.Service.Service
		if len(r.Service.Containers) == 0 {
			return logWant{empty: title + " has no containers" + m.noContainersHint(r)}
		}
		return logWant{key: r.Key(), title: title, cs: r.Service.Containers, multi: true}
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
		return logWant{empty: p.Name + " has no containers" + m.noContainersHint(r)}
	}
	return logWant{key: r.Key(), title: p.Name, cs: cs, multi: true}
}

// noContainersHint says how a selection with no containers gets some.
func (m Pods) noContainersHint(r views.PodTreeRow) string {
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

func itoa(n int) string { return strconv.Itoa(n) }
