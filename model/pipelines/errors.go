package pipelines

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// The Pipelines tab's errors in full: a node's attempts and a broken file's error only have a
// cell's room on the tab, so E opens the whole of them, and every failed attempt of the run on
// screen goes to the root's recent errors.

// openError opens the selected node's attempts in full (with a run shown), else the selected
// file's error.
func (m Model) openError() (Model, tea.Cmd) {
	if m.run != nil {
		path := m.selectedNode()
		n := m.run.Nodes[path]
		if n == nil {
			return m, nil
		}
		msg := common.ShowTextMsg{Title: "Node", Origin: nodeOrigin(m.run, path), Text: nodeStory(path, n)}
		return m, func() tea.Msg { return msg }
	}
	r, ok := m.selectedRow()
	if !ok {
		m.status = views.Status{Text: "no pipeline selected", Err: true}
		return m, nil
	}
	if r.Err == nil {
		m.status = views.Status{Text: r.File + " has no error"}
		return m, nil
	}
	msg := common.ShowTextMsg{Title: "Error", Origin: "Pipelines " + r.File, Text: r.Err.Error()}
	return m, func() tea.Msg { return msg }
}

// nodeOrigin names a node of a run for the errors screen.
func nodeOrigin(r *pipeline.Run, path string) string {
	return fmt.Sprintf("Pipelines %s/%s %s", r.Pipeline, r.ID, path)
}

// nodeStory is a node's state and every attempt, each reason whole.
func nodeStory(path string, n *pipeline.NodeRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", path, n.State)
	if n.Command != "" {
		fmt.Fprintf(&b, "command: %s\n", n.Command)
	}
	if len(n.Attempts) == 0 {
		b.WriteString("\nno attempt yet\n")
	}
	for i := len(n.Attempts) - 1; i >= 0; i-- {
		a := n.Attempts[i]
		fmt.Fprintf(&b, "\nattempt %d: %s, exit code %d", a.N, a.State, a.ExitCode)
		if !a.End.IsZero() {
			fmt.Fprintf(&b, ", ended %s", a.End.Format("2006-01-02 15:04:05"))
		}
		b.WriteString("\n")
		if a.Reason != "" {
			fmt.Fprintf(&b, "%s\n", a.Reason)
		}
	}
	return b.String()
}

// failedRuns are the stored runs that ended in error or were interrupted, one error each,
// stamped with when they ended: the recent errors list every failed run, not only the one shown.
func failedRuns(files []File, runs map[string][]pipeline.RunSummary) []common.ErrorMsg {
	var out []common.ErrorMsg
	for _, f := range files {
		for _, r := range runs[f.Name] {
			if r.Status != pipeline.RunError && r.Status != pipeline.RunInterrupted {
				continue
			}
			at := r.Ended
			if at.IsZero() {
				at = r.Created
			}
			text := fmt.Sprintf("run %s of %s: %s", r.ID, f.Name, r.Status)
			if n := r.Counts[pipeline.StateError]; n > 0 {
				text += fmt.Sprintf(", %s failed", views.Plural(n, "node"))
			}
			out = append(out, common.ErrorMsg{At: at, Origin: "Pipelines " + f.Name + "/" + r.ID, Text: text})
		}
	}
	return out
}

// FileErrors are the failed runs stored, for the recent errors.
func (m Model) FileErrors() []common.ErrorMsg { return m.failed }

// reportRunErrors hands the failed attempts of run (those with a reason) to the root's recent
// errors; the root keeps one entry per attempt however often the run is read.
func reportRunErrors(run *pipeline.Run) tea.Cmd {
	if run == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, path := range run.Order {
		n := run.Nodes[path]
		if n == nil {
			continue
		}
		for _, a := range n.Attempts {
			if a.State != pipeline.StateError || a.End.IsZero() {
				continue
			}
			text := fmt.Sprintf("attempt %d: exit code %d", a.N, a.ExitCode)
			if a.Reason != "" {
				text += ": " + a.Reason
			}
			msg := common.ErrorMsg{At: a.End, Origin: nodeOrigin(run, path), Text: text}
			cmds = append(cmds, func() tea.Msg { return msg })
		}
	}
	return tea.Batch(cmds...)
}
