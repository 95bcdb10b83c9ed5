package views

import (
	"github.com/podiumdev/podium/backend/docker"
)

// RowKind says what a row of the containers tree is.
type RowKind uint8

// Project and service rows are headers: the cursor only stops on containers.
const (
	ProjectRow RowKind = iota
	ServiceRow
	ContainerRow
)

// StandaloneTitle names the group of containers that belong to no compose project.
const StandaloneTitle = "standalone"

// TreeRow is one line of the containers tree.
type TreeRow struct {
	Kind      RowKind
	Depth     int    // 0 project, 1 service (or a container with no service), 2 container
	Project   string // "" for standalone containers
	Service   string
	Container docker.Container // for ContainerRow
	Total     int              // for headers: containers in the group
	Up        int              // for headers: of which running
}

// Label is the text a row shows in the name column.
func (r TreeRow) Label() string {
	switch r.Kind {
	case ProjectRow:
		if r.Project == "" {
			return StandaloneTitle
		}
		return r.Project
	case ServiceRow:
		return r.Service
	}
	return r.Container.Name
}

// GroupContainers builds the tree lazydocker users know: compose project, then service, then
// container, in the backend's group order (docker.GroupOrder: standalone containers last,
// under "standalone"). Input order does not matter. The input is not changed; each row holds
// a copy of its container.
func GroupContainers(cs []docker.Container) []TreeRow {
	if len(cs) == 0 {
		return nil
	}
	keys := docker.GroupOrder(cs)
	// One row per project and per service with a name, then one per container.
	n := len(keys)
	for i, k := range keys {
		if i == 0 || keys[i-1].Project != k.Project {
			n++
		}
		if k.Project != "" && k.Service != "" && (i == 0 || keys[i-1].Group != k.Group) {
			n++
		}
	}
	rows := make([]TreeRow, 0, n)
	proj, svc := -1, -1
	for _, k := range keys {
		p, s := k.Project, k.Service
		c := &cs[k.Index]
		if proj < 0 || rows[proj].Project != p {
			rows = append(rows, TreeRow{Kind: ProjectRow, Project: p})
			proj, svc = len(rows)-1, -1
		}
		depth := 1
		if p != "" && s != "" {
			if svc < 0 || rows[svc].Service != s {
				rows = append(rows, TreeRow{Kind: ServiceRow, Depth: 1, Project: p, Service: s})
				svc = len(rows) - 1
			}
			depth = 2
			count(&rows[svc], c)
		}
		count(&rows[proj], c)
		rows = append(rows, TreeRow{Kind: ContainerRow, Depth: depth, Project: p, Service: s, Container: *c})
	}
	return rows
}

func count(r *TreeRow, c *docker.Container) {
	r.Total++
	if c.Running() {
		r.Up++
	}
}
