package views

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
)

// The containers list as it was drawn before its fast paths (widths measured from plain
// text, styled cells only for the rows on screen, lines measured once, cells drawn without
// lipgloss where a style only colours): every row's cells built and measured, every line
// measured and cut by the general path. table_fast_test.go checks the list draws the same.

// refContainerList is ContainerList as it was.
func refContainerList(t Theme, d ListData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	up, n := 0, 0
	for _, r := range d.Rows {
		if r.Kind == ContainerRow {
			n++
			if r.Container.Running() {
				up++
			}
		}
	}
	title := fmt.Sprintf("Containers %d", n)
	if d.Filter != "" {
		title = fmt.Sprintf("Containers %d of %d", n, d.Total)
	}
	if n > 0 {
		title += fmt.Sprintf("%s%d up", t.G.Sep, up)
	}
	cells := make([][]cell, len(d.Rows))
	for i, r := range d.Rows {
		cells[i] = refRowCells(t, r, d.Now)
	}
	msg := "no containers"
	switch {
	case d.Waiting:
		msg = "waiting for the engine…"
	case d.Filter != "":
		msg = fmt.Sprintf("no container matches %q (esc clears the filter)", Clean(d.Filter, 40))
	}
	return refTable(t, containersTable, title, d.Filter, cells, d.Cursor, d.Offset, d.Focused,
		"  "+t.Dim.Render(msg), d.Marked, width, height)
}

// refTable is tablePane.render as it was.
func refTable(t Theme, spec tableSpec, title, filter string, cells [][]cell, cursor, offset int,
	focused bool, empty string, marked []bool, width, height int) string {
	rowsH := height - 2
	var notes []string
	if filter != "" {
		notes = append(notes, t.Prompt.Render("/")+t.Text.Render(Clean(filter, 40)))
	}
	notes = append(notes, scrollNotes(t, offset, rowsH, len(cells))...)
	if n := marks(marked); n > 0 {
		title += fmt.Sprintf("%s%d marked", t.G.Sep, n)
	}
	lines := []string{rule(t, title, strings.Join(notes, " "), width, focused)}
	cols := refFitColumns(spec, cells, width-2)
	lines = append(lines, refHeader(t, cols, width))
	if len(cells) == 0 {
		lines = append(lines, empty)
	}
	for i := offset; i < len(cells) && i < offset+rowsH; i++ {
		if i < 0 {
			continue
		}
		m := i < len(marked) && marked[i]
		lines = append(lines, refListRow(t, spec, cells[i], cols, width, i == cursor, focused, m))
	}
	out := make([]string, height)
	for i := range out {
		if i < len(lines) {
			out[i] = refFit(lines[i], width)
		} else {
			out[i] = strings.Repeat(" ", width)
		}
	}
	return strings.Join(out, "\n")
}

// refRowCells is rowCells as it was.
func refRowCells(t Theme, r TreeRow, now time.Time) []cell {
	cs := make([]cell, numCols)
	indent := strings.Repeat("  ", r.Depth)
	switch r.Kind {
	case ProjectRow:
		st := t.Project
		if r.Project == "" {
			st = t.Dim.Bold(!t.NoColor)
		}
		cs[colName] = one(indent+Clean(r.Label(), 200), st)
		cs[colState] = refGroupSummary(t, r.Up, r.Total)
	case ServiceRow:
		cs[colName] = one(indent+Clean(r.Label(), 200), t.Service)
		cs[colState] = refGroupSummary(t, r.Up, r.Total)
	default:
		c := r.Container
		cs[colName] = one(indent+Clean(c.Name, 200), t.Text)
		code := ExitCode(c)
		state := c.State
		if state == "" {
			state = "unknown"
		}
		cs[colState] = one(t.StateGlyph(c.State, code)+" "+state, t.StateStyle(c.State, c.Health, code))
		cs[colHealth] = one(c.Health, t.HealthStyle(c.Health))
		cs[colImage] = one(Clean(c.Image, 200), t.Dim)
		cs[colPorts] = one(Clean(PortsText(c.Ports), 200), t.Text)
		cs[colSince] = one(Clean(Since(c, now), 60), t.Dim)
	}
	return cs
}

func refGroupSummary(t Theme, up, total int) cell {
	g, st := t.G.Partial, t.Warn
	switch {
	case up == total:
		g, st = t.G.Running, t.OK
	case up == 0:
		g, st = t.G.Stopped, t.Muted
	}
	return one(fmt.Sprintf("%s %d/%d up", g, up, total), st)
}

// refFitColumns is fitColumns as it was, measuring the cells themselves.
func refFitColumns(spec tableSpec, rows [][]cell, avail int) []column {
	cols := make([]column, len(spec.titles))
	for i := range cols {
		cols[i].title = spec.titles[i]
		for _, r := range rows {
			cols[i].w = max(cols[i].w, ansi.StringWidth(r[i].plain()))
		}
		cols[i].on = cols[i].w > 0
		if cols[i].on {
			cols[i].w = max(cols[i].w, ansi.StringWidth(cols[i].title))
		}
	}
	cols[0].on = true
	cols[0].w = max(cols[0].w, ansi.StringWidth(cols[0].title))
	total := func() int {
		sum, n := 0, 0
		for _, c := range cols {
			if c.on {
				sum += c.w
				n++
			}
		}
		return sum + colGap*max(n-1, 0)
	}
	natural := append([]column(nil), cols...)
	for _, s := range spec.steps {
		over := total() - avail
		if over <= 0 || !cols[s.col].on {
			continue
		}
		switch s.op {
		case fitShrink:
			cols[s.col].w = max(min(s.floor, cols[s.col].w), cols[s.col].w-over)
		case fitDrop:
			cols[s.col].on = false
		case fitFold:
			cols[s.col].on = false
			into := spec.foldInto
			for _, r := range rows {
				if h := r[s.col].plain(); h != "" {
					st := r[into].plain()
					cols[into].w = max(cols[into].w, ansi.StringWidth(st)-ansi.StringWidth(stateWord(st))+ansi.StringWidth(h))
				}
			}
		}
	}
	for _, i := range spec.giveBack {
		if spare := avail - total(); spare > 0 && cols[i].on {
			cols[i].w = min(natural[i].w, cols[i].w+spare)
		}
	}
	return cols
}

func refHeader(t Theme, cols []column, width int) string {
	var b strings.Builder
	b.WriteString("  ")
	first := true
	for _, c := range cols {
		if !c.on {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		first = false
		b.WriteString(t.ColumnHeader.Render(refFit(c.title, c.w)))
	}
	return refFit(b.String(), width)
}

// refListRow is renderListRow as it was.
func refListRow(t Theme, spec tableSpec, cs []cell, cols []column, width int, selected, focused, marked bool) string {
	base := lipgloss.NewStyle()
	cursor := " "
	if selected {
		base = t.Selected
		if !focused {
			base = t.SelectedBlur
		}
		cursor = t.Cursor.Render(t.G.Cursor)
	}
	mark := base.Render(" ")
	if marked {
		mark = t.Key.Inherit(base).Render(t.G.Mark)
	}
	var b strings.Builder
	b.WriteString(cursor + mark)
	first := true
	for i, c := range cols {
		if !c.on {
			continue
		}
		if !first {
			b.WriteString(base.Render(strings.Repeat(" ", colGap)))
		}
		first = false
		content := cs[i]
		if f := spec.foldFrom; i == spec.foldInto && f >= 0 && !cols[f].on && len(cs[f]) > 0 {
			text := content.plain()
			content = one(strings.TrimSuffix(text, stateWord(text))+cs[f].plain(), cs[f][0].style)
		}
		b.WriteString(refCell(content, c.w, base, selected))
	}
	line := ansi.Truncate(b.String(), width, "…")
	if pad := width - ansi.StringWidth(line); pad > 0 {
		line += base.Render(strings.Repeat(" ", pad))
	}
	return line
}

// refCell is renderCell as it was.
func refCell(c cell, w int, base lipgloss.Style, selected bool) string {
	fits := ansi.StringWidth(c.plain()) <= w
	var b strings.Builder
	used := 0
	for _, s := range c {
		room := w - used
		if room <= 0 {
			break
		}
		text, last := s.text, false
		if tw := ansi.StringWidth(text); !fits && tw >= room {
			text, last = ansi.Truncate(text, room-1, "")+"…", true
		}
		style := s.style
		if selected {
			style = style.Inherit(base)
		}
		b.WriteString(style.Render(text))
		used += ansi.StringWidth(text)
		if last {
			break
		}
	}
	if pad := w - used; pad > 0 {
		b.WriteString(base.Render(strings.Repeat(" ", pad)))
	}
	return b.String()
}

// refFit is Fit by the general path.
func refFit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = ansi.Truncate(s, width, "…")
	if w := ansi.StringWidth(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// refGroupContainers is GroupContainers as it was: the containers copied and sorted whole.
func refGroupContainers(cs []docker.Container) []TreeRow {
	sorted := append([]docker.Container(nil), cs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		ap, bp := a.Project(), b.Project()
		if (ap == "") != (bp == "") {
			return ap != ""
		}
		if ap != bp {
			return ap < bp
		}
		as, bs := a.Service(), b.Service()
		if (as == "") != (bs == "") {
			return as == ""
		}
		if as != bs {
			return as < bs
		}
		return a.Name < b.Name
	})
	var rows []TreeRow
	proj, svc := -1, -1
	for _, c := range sorted {
		p, s := c.Project(), c.Service()
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
			refCount(&rows[svc], c)
		}
		refCount(&rows[proj], c)
		rows = append(rows, TreeRow{Kind: ContainerRow, Depth: depth, Project: p, Service: s, Container: c})
	}
	return rows
}

func refCount(r *TreeRow, c docker.Container) {
	r.Total++
	if c.Running() {
		r.Up++
	}
}
