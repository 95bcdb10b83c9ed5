package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/pipeline"
)

// PipelineGlyph is a node's or run's state as a glyph: the meaning survives without colour.
func PipelineGlyph(s pipeline.State, skipped bool) string {
	if skipped {
		return GlyphSkipped
	}
	switch s {
	case pipeline.StateQueued:
		return GlyphQueued
	case pipeline.StateRunning:
		return GlyphRunning
	case pipeline.StateDone:
		return GlyphDone
	case pipeline.StateError:
		return GlyphFailed
	case pipeline.StateKilled:
		return GlyphKilled
	}
	return GlyphPending
}

// pipelineStyle is the colour of a state.
func pipelineStyle(t Theme, s pipeline.State) lipgloss.Style {
	switch s {
	case pipeline.StateRunning, pipeline.StateQueued:
		return t.Warn
	case pipeline.StateDone:
		return t.OK
	case pipeline.StateError, pipeline.StateKilled:
		return t.Bad
	}
	return t.Dim
}

// RunState maps a run's status onto the node states, for its glyph and colour.
func RunState(s pipeline.RunStatus) pipeline.State {
	switch s {
	case pipeline.RunRunning:
		return pipeline.StateRunning
	case pipeline.RunDone:
		return pipeline.StateDone
	case pipeline.RunError:
		return pipeline.StateError
	case pipeline.RunPending:
		return pipeline.StatePending
	}
	return pipeline.StateKilled
}

// PipelineCounts is "3✓ 1✖ 2◌": leaves per state, in a fixed order, zeros left out.
func PipelineCounts(t Theme, c map[pipeline.State]int) string {
	var parts []string
	for _, s := range []pipeline.State{pipeline.StateDone, pipeline.StateError, pipeline.StateKilled,
		pipeline.StateRunning, pipeline.StateQueued, pipeline.StatePending} {
		if c[s] > 0 {
			parts = append(parts, pipelineStyle(t, s).Render(fmt.Sprintf("%d%s", c[s], PipelineGlyph(s, false))))
		}
	}
	return strings.Join(parts, " ")
}

// PipelineRow is one row of the Pipelines list: a file (Run nil) or one of its runs.
type PipelineRow struct {
	File string
	Err  error                // the file's parse error, or the error listing its runs
	Run  *pipeline.RunSummary // nil for the file's own row
}

// PipelineListData is the Pipelines list as the model sees it.
type PipelineListData struct {
	Rows    []PipelineRow
	Cursor  int
	Offset  int
	Focused bool
	Shown   string // the id of the run shown on the right
	Filter  string
	Now     time.Time
}

// PipelineList draws the pipeline files with their runs under them, newest first.
func PipelineList(t Theme, d PipelineListData, width, height int) string {
	note := ""
	if d.Filter != "" {
		note = "/" + d.Filter
	}
	lines := []string{rule(t, "Pipelines", note, width, d.Focused)}
	for i := d.Offset; i < len(d.Rows) && len(lines) < height; i++ {
		r := d.Rows[i]
		var s string
		if r.Run == nil {
			s = t.Service.Render(r.File)
			if r.Err != nil {
				s += " " + t.Bad.Render(t.G.Failed+" "+oneLine(r.Err.Error(), width))
			}
		} else {
			st := RunState(r.Run.Status)
			mark := " "
			if r.Run.ID == d.Shown {
				mark = "›"
			}
			dur := ""
			if !r.Run.Created.IsZero() {
				end := r.Run.Ended
				if end.IsZero() {
					end = d.Now
				}
				dur = Duration(d.Now.Sub(r.Run.Created)) + " ago " + Duration(end.Sub(r.Run.Created))
			}
			s = fmt.Sprintf(" %s%s %s %s %s", mark, r.Run.ID,
				pipelineStyle(t, st).Render(PipelineGlyph(st, false)+" "+string(r.Run.Status)),
				t.Dim.Render(dur), PipelineCounts(t, r.Run.Counts))
		}
		s = Fit(" "+s, width)
		if i == d.Cursor {
			if d.Focused {
				s = t.Selected.Render(ansi.Strip(s))
			} else {
				s = t.SelectedBlur.Render(ansi.Strip(s))
			}
		}
		lines = append(lines, s)
	}
	return Block(lines, width, height)
}

// RunTreeData is a run's tree as the model sees it.
type RunTreeData struct {
	Run     *pipeline.Run
	Cursor  int // index into Run.Order
	Offset  int
	Focused bool
	Now     time.Time
}

// RunTreeLine is one node of the tree, without styling decisions of the caller.
func RunTreeLine(t Theme, r *pipeline.Run, sum map[string]pipeline.Summary, path string, now time.Time) string {
	n := r.Nodes[path]
	depth, name := 0, r.Pipeline
	if path != "/" {
		depth = strings.Count(path, "/")
		name = path[strings.LastIndex(path, "/")+1:]
	}
	s := sum[path]
	state, skipped := s.State, s.Skipped
	if n != nil && s.State == "" {
		state, skipped = n.State, n.Skipped
	}
	word := string(state)
	if skipped {
		word += ", skipped"
	}
	line := strings.Repeat("  ", depth) + pipelineStyle(t, state).Render(PipelineGlyph(state, skipped)) + " " + name +
		" " + pipelineStyle(t, state).Render(word)
	if n != nil && len(n.Attempts) > 0 {
		a := n.Attempts[len(n.Attempts)-1]
		if d := AttemptDuration(a, now); d != "" {
			line += " " + t.Dim.Render(d)
		}
		if len(n.Attempts) > 1 {
			line += " " + t.Dim.Render(fmt.Sprintf("×%d", len(n.Attempts)))
		}
		if a.State == pipeline.StateError && a.ExitCode != 0 && !a.Start.IsZero() { // -1: it never started
			line += " " + t.Bad.Render(fmt.Sprintf("exit %d", a.ExitCode))
		}
	}
	if n != nil && n.Kind != "exec" && len(s.Counts) > 0 {
		line += "  " + PipelineCounts(t, s.Counts)
	}
	return line
}

// AttemptDuration is how long an attempt ran, or has been running at now: "" for one that
// never started (it failed before its container ran), whatever its end says. The TUI's tree
// and the CLI's both show it.
func AttemptDuration(a pipeline.Attempt, now time.Time) string {
	if a.Start.IsZero() {
		return ""
	}
	end := a.End
	if end.IsZero() {
		end = now
	}
	return Duration(max(end.Sub(a.Start), 0))
}

// RunTree draws a run's nodes in tree order with their states.
func RunTree(t Theme, d RunTreeData, width, height int) string {
	if d.Run == nil {
		return Block([]string{rule(t, "Run", "", width, d.Focused), t.Dim.Render(" enter on a pipeline runs it; on a run, shows its tree")}, width, height)
	}
	sum := pipeline.Rollup(d.Run, nil)
	st := RunState(d.Run.Status)
	note := pipelineStyle(t, st).Render(PipelineGlyph(st, false) + " " + string(d.Run.Status))
	lines := []string{rule(t, d.Run.Pipeline+" "+d.Run.ID, note, width, d.Focused)}
	for i := d.Offset; i < len(d.Run.Order) && len(lines) < height; i++ {
		edge := " "
		if i == d.Cursor && d.Focused { // the cursor's glyph, as every focused list shows it
			edge = t.G.Cursor
		}
		s := Fit(edge+RunTreeLine(t, d.Run, sum, d.Run.Order[i], d.Now), width)
		if i == d.Cursor {
			if d.Focused {
				s = t.Selected.Render(ansi.Strip(s))
			} else {
				s = t.SelectedBlur.Render(ansi.Strip(s))
			}
		}
		lines = append(lines, s)
	}
	return Block(lines, width, height)
}

// Columns puts left and right side by side with a rule between them; both are blocks of
// height lines.
func Columns(t Theme, left, right string, leftWidth, width, height int) string {
	switch {
	case leftWidth <= 0: // zoomed on the right
		return Block(strings.Split(right, "\n"), width, height)
	case leftWidth >= width: // zoomed on the left
		return Block(strings.Split(left, "\n"), width, height)
	}
	ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
	out := make([]string, height)
	for i := range out {
		var l, r string
		if i < len(ls) {
			l = ls[i]
		}
		if i < len(rs) {
			r = rs[i]
		}
		out[i] = Fit(l, leftWidth) + t.Rule.Render("│") + r
	}
	return Block(out, width, height)
}

// Stack puts one pane above another, leaving out an empty one (a zoomed layout gives a pane
// no height).
func Stack(top, bottom string) string {
	switch {
	case top == "":
		return bottom
	case bottom == "":
		return top
	}
	return top + "\n" + bottom
}
