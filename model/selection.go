package model

import (
	"strings"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

// matches reports whether c passes the filter: a case-insensitive substring of its name,
// image, compose project or service.
func matches(c docker.Container, filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	for _, s := range []string{c.Name, c.Image, c.Project(), c.Service()} {
		if strings.Contains(strings.ToLower(s), f) {
			return true
		}
	}
	return false
}

// rebuild recomputes the tree from the snapshot and the filter, keeping the selection on the
// same container (by id) when it is still there, else on the container row nearest to the
// row index fallback.
func (m *Containers) rebuild(fallback int) {
	var shown []docker.Container
	for _, c := range m.snap.Containers {
		if matches(c, strings.TrimSpace(m.filter)) {
			shown = append(shown, c)
		}
	}
	m.rows = views.GroupContainers(shown)
	m.cursor = -1
	for i, r := range m.rows {
		if r.Kind == views.ContainerRow && r.Container.ID == m.selID && m.selID != "" {
			m.cursor = i
			break
		}
	}
	if m.cursor < 0 {
		m.cursor = m.nearestContainer(max(fallback, 0))
	}
	m.selID = ""
	if m.cursor >= 0 {
		m.selID = m.rows[m.cursor].Container.ID
	}
	m.scrollToCursor()
}

// nearestContainer is the container row at or after i, else the last one before it; -1 if none.
func (m *Containers) nearestContainer(i int) int {
	for j := min(i, len(m.rows)-1); j >= 0 && j < len(m.rows); j++ {
		if m.rows[j].Kind == views.ContainerRow {
			return j
		}
	}
	for j := min(i, len(m.rows)-1); j >= 0; j-- {
		if m.rows[j].Kind == views.ContainerRow {
			return j
		}
	}
	return -1
}

// step moves the cursor n container rows (negative: up), stopping at the ends.
func (m *Containers) step(n int) {
	if m.cursor < 0 {
		return
	}
	dir := 1
	if n < 0 {
		dir, n = -1, -n
	}
	for i := m.cursor + dir; i >= 0 && i < len(m.rows) && n > 0; i += dir {
		if m.rows[i].Kind == views.ContainerRow {
			m.cursor = i
			n--
		}
	}
	m.selectCursor()
}

// jump moves the cursor by about n screen rows (a page), landing on a container.
func (m *Containers) jump(n int) {
	if m.cursor < 0 {
		return
	}
	target := min(max(m.cursor+n, 0), len(m.rows)-1)
	if n > 0 {
		m.cursor = m.nearestContainer(target)
	} else {
		// Prefer the container at or before the target when moving up.
		c := -1
		for j := target; j >= 0; j-- {
			if m.rows[j].Kind == views.ContainerRow {
				c = j
				break
			}
		}
		if c < 0 {
			c = m.nearestContainer(target)
		}
		m.cursor = c
	}
	m.selectCursor()
}

// first and last move the cursor to the ends of the tree.
func (m *Containers) first() {
	m.cursor = m.nearestContainer(0)
	m.offset = 0
	m.selectCursor()
}

func (m *Containers) last() {
	for j := len(m.rows) - 1; j >= 0; j-- {
		if m.rows[j].Kind == views.ContainerRow {
			m.cursor = j
			break
		}
	}
	m.selectCursor()
}

func (m *Containers) selectCursor() {
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		m.selID = m.rows[m.cursor].Container.ID
	}
	m.scrollToCursor()
}

// scrollToCursor keeps the cursor in view, and with it the group headers just above it
// when they fit, so a container is never shown without its project.
func (m *Containers) scrollToCursor() {
	rows := m.layout().ListRows()
	if rows <= 0 {
		m.offset = 0
		return
	}
	m.offset = min(m.offset, max(len(m.rows)-rows, 0))
	if m.cursor < 0 {
		m.offset = max(m.offset, 0)
		return
	}
	head := m.cursor
	for head > 0 && m.rows[head-1].Kind != views.ContainerRow && m.cursor-(head-1) < rows {
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

// setFilter changes the filter and rebuilds the tree. A selection the filter hides moves to
// the first match, as in any fuzzy finder.
func (m *Containers) setFilter(f string) {
	m.filter = f
	m.rebuild(0)
}

// layout is the tab's current division into panes.
func (m Containers) layout() views.Layout {
	return views.ListLayout(m.width, m.height, len(m.rows))
}
