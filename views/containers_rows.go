package views

import (
	"strconv"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// rowTexts writes the plain text of the rows of one frame: of every row for the column widths,
// and again with styles for the rows on screen. The theme comes by pointer and the glyph of
// each state is looked up once: the theme is 16 KB, its methods take it by value, and this
// runs for every row of every frame.
type rowTexts struct {
	t       *Theme
	now     time.Time
	scratch []byte // the text of the row last written
	glyphs  map[glyphKey]string
	painted painter[cellLook] // the styles of the cells on screen
}

// cellLook names the style of a cell of the containers table.
type cellLook struct {
	src           lookSrc
	state, health string // lookState, lookHealth: the arguments of the theme's style
	code          int
	sum           int // lookSum: whether all, none or some of a group are up
}

// lookSrc is where a cell's style comes from.
type lookSrc uint8

const (
	lookText lookSrc = iota
	lookDim
	lookProject
	lookStandalone // the project row of the containers of no project
	lookService
	lookSum
	lookState
	lookHealth
)

// glyphKey is what Theme.StateGlyph depends on.
type glyphKey struct {
	state string
	code  int
}

// style is the theme's style that k names.
func (k cellLook) style(t *Theme) lipgloss.Style {
	switch k.src {
	case lookDim:
		return t.Dim
	case lookProject:
		return t.Project
	case lookStandalone:
		return t.Dim.Bold(!t.NoColor)
	case lookService:
		return t.Service
	case lookSum:
		return summaryStyle(t, k.sum)
	case lookState:
		return t.StateStyle(k.state, k.health, k.code)
	case lookHealth:
		return t.HealthStyle(k.health)
	}
	return t.Text
}

// plain is the text of a row, column after column, with where each column ends, in a buffer
// the next call reuses: what the column widths are measured from.
func (rt *rowTexts) plain(r *TreeRow) ([]byte, [numCols]int) {
	b, ends := rt.append(rt.scratch[:0], r)
	rt.scratch = b
	return b, ends
}

// append appends the plain text of every column of a row to b, column after column, and says
// where each ends: the one source of both the cells' text and the column widths.
func (rt *rowTexts) append(b []byte, r *TreeRow) ([]byte, [numCols]int) {
	var ends [numCols]int
	for range r.Depth {
		b = append(b, "  "...)
	}
	if r.Kind != ContainerRow {
		b = append(b, Clean(r.Label(), 200)...)
		ends[colName] = len(b)
		b = append(append(b, summaryGlyph(rt.t, summaryCase(r.Up, r.Total))...), ' ')
		b = append(strconv.AppendInt(b, int64(r.Up), 10), '/')
		b = append(strconv.AppendInt(b, int64(r.Total), 10), " up"...)
		for i := colState; i < numCols; i++ {
			ends[i] = len(b)
		}
		return b, ends
	}
	c := &r.Container
	b = append(b, Clean(c.Name, 200)...)
	ends[colName] = len(b)
	b = rt.appendState(b, c)
	ends[colState] = len(b)
	b = append(b, c.Health...)
	ends[colHealth] = len(b)
	b = append(b, Clean(c.Image, 200)...)
	ends[colImage] = len(b)
	b = cleanFrom(appendPorts(b, c.Ports), ends[colImage], 200)
	ends[colPorts] = len(b)
	b = cleanFrom(appendSince(b, c, rt.now), ends[colPorts], 60)
	ends[colSince] = len(b)
	return b, ends
}

// drawn is a row drawn in advance: its cells' text, and each drawn in its style.
func (rt *rowTexts) drawn(r *TreeRow) drawnRow {
	text, ends := rt.text(r)
	d := drawnRow{plain: make([]string, numCols), drawn: make([]string, numCols)}
	for col, k := range rt.looks(r) {
		start := 0
		if col > 0 {
			start = ends[col-1]
		}
		if s := text[start:ends[col]]; s != "" {
			d.plain[col], d.drawn[col] = s, rt.painted.get(k).draw(s)
		}
	}
	return d
}

// cells are a row's cells: its text in the styles of its columns.
func (rt *rowTexts) cells(r *TreeRow) []cell {
	text, ends := rt.text(r)
	cs := make([]cell, numCols)
	for col, k := range rt.looks(r) {
		start := 0
		if col > 0 {
			start = ends[col-1]
		}
		if s := text[start:ends[col]]; s != "" {
			cs[col] = one(s, rt.painted.get(k).st)
		}
	}
	return cs
}

// text is a row's text as a string, with where each column ends.
func (rt *rowTexts) text(r *TreeRow) (string, [numCols]int) {
	b, ends := rt.plain(r)
	return string(b), ends
}

// looks are the styles of a row's columns.
func (rt *rowTexts) looks(r *TreeRow) [numCols]cellLook {
	var ks [numCols]cellLook
	if r.Kind != ContainerRow {
		switch {
		case r.Kind == ServiceRow:
			ks[colName] = cellLook{src: lookService}
		case r.Project == "":
			ks[colName] = cellLook{src: lookStandalone}
		default:
			ks[colName] = cellLook{src: lookProject}
		}
		ks[colState] = cellLook{src: lookSum, sum: summaryCase(r.Up, r.Total)}
		return ks // the other columns are empty
	}
	c := &r.Container
	ks[colName] = cellLook{src: lookText}
	ks[colState] = cellLook{src: lookState, state: c.State, health: c.Health, code: c.FailedExitCode()}
	ks[colHealth] = cellLook{src: lookHealth, health: c.Health}
	ks[colImage] = cellLook{src: lookDim}
	ks[colPorts] = cellLook{src: lookText}
	ks[colSince] = cellLook{src: lookDim}
	return ks
}

// appendState appends a container's state text: "● running", "✖ exited".
func (rt *rowTexts) appendState(b []byte, c *docker.Container) []byte {
	k := glyphKey{c.State, c.FailedExitCode()}
	g, ok := rt.glyphs[k]
	if !ok {
		if rt.glyphs == nil {
			rt.glyphs = map[glyphKey]string{}
		}
		g = rt.t.StateGlyph(k.state, k.code)
		rt.glyphs[k] = g
	}
	state := c.State
	if state == "" {
		state = "unknown"
	}
	b = append(b, g...)
	b = append(b, ' ')
	return append(b, state...)
}
