package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/query"
)

// PodRowKind says what a row of the pods tree is. Unlike the containers tree, the cursor
// stops on every row: pods and services are what the actions apply to.
type PodRowKind uint8

const (
	PodLevel PodRowKind = iota
	ServiceLevel
	ContainerLevel
)

// PodTreeRow is one line of the pods tree: pod → service → container.
type PodTreeRow struct {
	Kind      PodRowKind
	Pod       *pods.Pod
	Service   pods.ServiceState // service and container rows
	Container docker.Container  // container rows
	// Pod rows: running containers of all its services, of how many are wanted, and whether
	// `up` would recreate any of them.
	Up, Total int
	Drifted   bool
}

// Key names a row for keeping the selection across rebuilds: "frontend", "frontend/web",
// "frontend/web/<container id>".
func (r PodTreeRow) Key() string {
	switch r.Kind {
	case ServiceLevel:
		return r.Pod.Name + "/" + r.Service.Service
	case ContainerLevel:
		return r.Pod.Name + "/" + r.Service.Service + "/" + r.Container.ID
	}
	return r.Pod.Name
}

// Label is the name a row shows.
func (r PodTreeRow) Label() string {
	switch r.Kind {
	case ServiceLevel:
		return r.Service.Service
	case ContainerLevel:
		return r.Container.Name
	}
	return r.Pod.Name
}

// PodTree builds the tree `podium status` prints, in the workspace's pod order (placeholders,
// services, tasks), services by name, containers by number. Under a query it keeps a pod that
// matches whole, a service that matches with its containers, and a container that matches,
// each under its parents (what matches is the query's to say).
func PodTree(states []pods.PodState, q query.Query) []PodTreeRow {
	var rows []PodTreeRow
	for _, ps := range states {
		p := ps.Pod
		podRow := PodTreeRow{Kind: PodLevel, Pod: p}
		for _, s := range ps.Services {
			podRow.Up += s.Running()
			podRow.Total += max(s.Replicas, len(s.Containers))
			podRow.Drifted = podRow.Drifted || s.Drifted
		}
		podMatch := q.Pod(p)
		var below []PodTreeRow
		for _, s := range ps.Services {
			svcMatch := podMatch || q.PodService(s)
			var cs []PodTreeRow
			for i, c := range s.Containers {
				if svcMatch || q.PodContainer(&s.Containers[i]) {
					cs = append(cs, PodTreeRow{Kind: ContainerLevel, Pod: p, Service: s, Container: c})
				}
			}
			if !svcMatch && len(cs) == 0 {
				continue
			}
			below = append(below, PodTreeRow{Kind: ServiceLevel, Pod: p, Service: s})
			below = append(below, cs...)
		}
		if !podMatch && len(below) == 0 {
			continue
		}
		rows = append(rows, podRow)
		rows = append(rows, below...)
	}
	return rows
}

// PodListData is what the pods tree pane shows.
type PodListData struct {
	Rows    []PodTreeRow
	Cursor  int // index in Rows; -1 for none
	Offset  int // first row shown
	Focused bool
	Now     time.Time
	Filter  string
	Total   int               // pods before filtering
	Busy    map[string]string // row key → what is being done to it ("up…")
	Marked  []bool            // parallel to Rows: marked for a bulk action
	// Unknown: the engine is not connected, so the containers shown are the last known and a
	// service without any may have some: states are not guessed.
	Unknown bool
}

// The columns of the pods tree, in screen order.
const (
	pcolName = iota
	pcolState
	pcolHealth
	pcolPorts
	pcolSince
	pcolInfo
	numPodCols
)

// podsTable gives way when short: the info column shrinks first (it keeps its start: the
// type, a drift mark, an error), then ports go, health folds into the state, ages go.
var podsTable = tableSpec{
	titles: []string{"NAME", "STATE", "HEALTH", "PORTS", "STATUS", "INFO"},
	steps: []fitStep{
		{fitShrink, pcolInfo, 24},
		{fitShrink, pcolPorts, 18},
		{fitDrop, pcolPorts, 0},
		{fitFold, pcolHealth, 0},
		{fitShrink, pcolSince, 8},
		{fitShrink, pcolInfo, 16},
		{fitShrink, pcolName, 14},
		{fitDrop, pcolSince, 0},
		{fitShrink, pcolInfo, 8},
		{fitShrink, pcolName, 6},
	},
	giveBack: []int{pcolName, pcolInfo, pcolPorts, pcolSince},
	foldFrom: pcolHealth, foldInto: pcolState,
}

// PodList renders the pods pane: a title rule, column headers, then the tree from Offset,
// exactly height lines of exactly width cells.
func PodList(t Theme, d PodListData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	n, up := 0, 0
	for _, r := range d.Rows {
		switch r.Kind {
		case PodLevel:
			n++
		case ContainerLevel:
			if r.Container.Running() {
				up++
			}
		}
	}
	title := fmt.Sprintf("Pods %d", n)
	if d.Filter != "" {
		title = fmt.Sprintf("Pods %d of %d", n, d.Total)
	}
	if n > 0 {
		title += fmt.Sprintf("%s%d %s up", t.G.Sep, up, map[bool]string{true: "container", false: "containers"}[up == 1])
	}
	cells := make([][]cell, len(d.Rows))
	for i, r := range d.Rows {
		cells[i] = podCells(t, r, d.Now, d.Busy[r.Key()], d.Unknown)
	}
	msg := "the workspace has no pods (pods/<pod>.yml)"
	if d.Filter != "" {
		msg = fmt.Sprintf("nothing matches %q (esc clears the filter)", Clean(d.Filter, 40))
	}
	return tablePane{
		spec: podsTable, title: title, filter: d.Filter,
		rows: len(cells), widths: measureCells(podsTable, cells), cells: func(i int) []cell { return cells[i] },
		cursor: d.Cursor, offset: d.Offset, focused: d.Focused, empty: "  " + t.Dim.Render(oneLine(msg, width-2)),
		marked: d.Marked,
	}.render(t, width, height)
}

// podCells computes the columns of one row of the pods tree.
func podCells(t Theme, r PodTreeRow, now time.Time, busy string, unknown bool) []cell {
	cs := make([]cell, numPodCols)
	p := r.Pod
	switch r.Kind {
	case PodLevel:
		cs[pcolName] = one(Clean(p.Name, 200), t.Project)
		if p.Err != nil {
			cs[pcolState] = one(t.G.Failed+" broken", t.Bad)
			cs[pcolInfo] = one(t.G.Failed+" "+oneLine(PodError(p), 400), t.Bad)
			break
		}
		cs[pcolState] = groupSummary(t, r.Up, r.Total)
		if unknown {
			cs[pcolState] = one(t.G.Unknown+" unknown", t.Muted)
		}
		info := cell{{string(p.Type), t.Text}}
		// In the current target, which the header shows.
		if p.Enabled {
			info = append(info, span{t.G.Sep + "enabled", t.Dim})
		} else {
			info = append(info, span{t.G.Sep + "disabled", t.Dim})
		}
		if r.Drifted && !unknown {
			info = append(cell{{"≠ ", t.Drift}}, info...)
		}
		cs[pcolInfo] = info
	case ServiceLevel:
		s := r.Service
		cs[pcolName] = one("  "+Clean(s.Service, 200), t.Service)
		cs[pcolState] = serviceState(t, s)
		if unknown && len(s.Containers) == 0 {
			cs[pcolState] = one(t.G.Unknown+" unknown (engine disconnected)", t.Muted)
		}
		h := serviceHealth(s)
		cs[pcolHealth] = one(h, t.HealthStyle(h))
		var ports []docker.Port
		for _, c := range s.Containers {
			ports = append(ports, c.Ports...)
		}
		cs[pcolPorts] = one(Clean(PortsText(ports), 200), t.Text)
		var info cell
		if s.Err != nil {
			info = append(info, span{t.G.Failed + " " + oneLine(s.Err.Error(), 300), t.Bad})
		}
		switch {
		case unknown:
		case s.Orphan && p.Err != nil:
			info = appendInfo(info, span{"≠ orphan: its pod file is gone, down removes it", t.Drift})
		case s.Orphan:
			info = appendInfo(info, span{"≠ orphan: not in the files, up removes it", t.Drift})
		case s.ToCreate:
			info = appendInfo(info, span{"≠ new: up creates it", t.Drift})
		case s.Drifted:
			info = appendInfo(info, span{"≠ drifted: up recreates", t.Drift})
		}
		if len(s.Mounted) > 0 {
			info = appendInfo(info, span{"mounted: " + Clean(strings.Join(s.Mounted, ", "), 200), t.Text})
		}
		cs[pcolInfo] = info
	default:
		c := r.Container
		cs[pcolName] = one("    "+Clean(c.Name, 200), t.Text)
		cs[pcolState] = containerState(t, c)
		cs[pcolHealth] = one(c.Health, t.HealthStyle(c.Health))
		cs[pcolSince] = one(Clean(Since(c, now), 60), t.Dim)
		if h := r.Service.Hash; h != "" && c.Labels[docker.LabelComposeConfigHash] != h {
			cs[pcolInfo] = one("≠ outdated config", t.Drift)
		}
	}
	if busy != "" {
		cs[pcolInfo] = append(cell{{t.G.Pending + " " + busy + "  ", t.Warn}}, cs[pcolInfo]...)
	}
	if p.Err == nil && !p.Enabled {
		for i := range cs {
			cs[i] = cs[i].restyle(t.Dim)
		}
	}
	return cs
}

// PodError is why a pod is broken, without the "load pod <name>:" its own row or message
// already says.
func PodError(p *pods.Pod) string {
	if p.Err == nil {
		return ""
	}
	return strings.TrimPrefix(p.Err.Error(), "load pod "+p.Name+": ")
}

// appendInfo adds an item to an info cell, two spaces after the one before.
func appendInfo(c cell, s span) cell {
	if len(c) > 0 {
		s.text = "  " + s.text
	}
	return append(c, s)
}

// serviceState is a service's state cell: "● running", "◐ 1/2 running", "✖ exited",
// "○ to create" (new in a running pod's files), "○ not created".
func serviceState(t Theme, s pods.ServiceState) cell {
	n, up := len(s.Containers), s.Running()
	switch {
	case n == 0 && s.ToCreate:
		return one(t.G.Stopped+" to create", t.Drift)
	case n == 0:
		return one(t.G.Stopped+" not created", t.Muted)
	case up == n:
		// All up: the state of the first that is not plainly running says most.
		c := s.Containers[0]
		for _, x := range s.Containers {
			if x.State != "running" {
				c = x
				break
			}
		}
		return one(t.StateGlyph(c.State, 0)+" "+c.State, t.StateStyle(c.State, serviceHealth(s), 0))
	case up > 0:
		return one(fmt.Sprintf("%s %d/%d running", t.G.Partial, up, n), t.Warn)
	}
	worst := s.Containers[0]
	for _, c := range s.Containers {
		if c.FailedExitCode() != 0 || c.State == "dead" {
			worst = c
			break
		}
	}
	code := worst.FailedExitCode()
	return one(t.StateGlyph(worst.State, code)+" "+worst.State, t.StateStyle(worst.State, "", code))
}

// serviceHealth rolls the containers' health up: unhealthy if any is, starting if any is,
// healthy if every running one is, else "".
func serviceHealth(s pods.ServiceState) string {
	seen := map[string]int{}
	running := 0
	for _, c := range s.Containers {
		if c.Running() {
			running++
			seen[c.Health]++
		}
	}
	switch {
	case seen["unhealthy"] > 0:
		return "unhealthy"
	case seen["starting"] > 0:
		return "starting"
	case running > 0 && seen["healthy"] == running:
		return "healthy"
	}
	return ""
}

// Paragraph is a block of text for TextPane, wrapped to the pane's width.
type Paragraph struct {
	Text string
	Bad  bool // an error: red
	Dim  bool
}

// TextPane renders a title rule and paragraphs wrapped to the width, a blank line between
// them: the Pods tab's messages (no workspace) and a broken pod's error.
func TextPane(t Theme, title string, paras []Paragraph, width, height int, focused bool) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	lines := []string{rule(t, title, "", width, focused)}
	inner := max(width-4, 1)
	for i, p := range paras {
		if i > 0 {
			lines = append(lines, "")
		}
		style := t.Text
		switch {
		case p.Bad:
			style = t.Bad
		case p.Dim:
			style = t.Dim
		}
		for _, raw := range strings.Split(p.Text, "\n") {
			text := Clean(raw, 4096)
			for _, l := range strings.Split(ansi.Wrap(text, inner, " /,"), "\n") {
				lines = append(lines, "  "+style.Render(l))
			}
		}
	}
	return Block(lines, width, height)
}
