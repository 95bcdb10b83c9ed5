package docker

import (
	"slices"
	"strings"
)

// Group is where a container belongs when containers are shown grouped: its compose project
// ("" for a standalone container) and service ("" for none).
type Group struct {
	Project, Service string
}

// Placed is one container in group order: its group, its name, and its index in the slice
// the order was made from (containers are big to move while sorting).
type Placed struct {
	Group
	Name  string
	Index int
}

// GroupOf is the group c belongs to.
func GroupOf(c *Container) Group {
	return Group{Project: c.Project(), Service: c.Service()}
}

// GroupOrder lists cs in the order lazydocker users know: by project (standalone containers
// last), then service (a project's service-less containers first), then name. Input order
// does not matter; cs is not changed.
func GroupOrder(cs []Container) []Placed {
	out := make([]Placed, len(cs))
	for i := range cs {
		out[i] = Placed{GroupOf(&cs[i]), cs[i].Name, i}
	}
	slices.SortStableFunc(out, comparePlaced)
	return out
}

// comparePlaced is GroupOrder's order.
func comparePlaced(a, b Placed) int {
	if (a.Project == "") != (b.Project == "") {
		if a.Project != "" {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.Project, b.Project); c != 0 {
		return c
	}
	if (a.Service == "") != (b.Service == "") {
		if a.Service == "" {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.Service, b.Service); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}
