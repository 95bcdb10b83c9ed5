package pipelines

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// key handles a key in the tab's current context.
func (m Model) key(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	a := m.Keys.Resolve(m.Context(), msg.String())
	if m.pb == nil {
		return m, nil
	}
	if m.modify != nil {
		return m.modifyKey(msg, a)
	}
	if m.confirm {
		m.confirm = false
		if a == keymap.Confirm && m.run != nil {
			pb, name, id := m.pb, m.run.Pipeline, m.run.ID
			return m, func() tea.Msg {
				return pipelineActionMsg{what: "killed " + id, err: pb.Kill(name, id)}
			}
		}
		return m, nil
	}
	if m.editing {
		switch a {
		case keymap.Confirm:
			m.editing = false
		case keymap.Cancel:
			m.editing, m.filter = false, ""
			m.buildRows()
		default:
			switch k := msg.String(); {
			case k == "backspace":
				if r := []rune(m.filter); len(r) > 0 {
					m.filter = string(r[:len(r)-1])
				}
			case msg.Text != "":
				m.filter += msg.Text
			}
			m.buildRows()
		}
		return m, nil
	}
	if m.focus == pipeFocusOutput && m.out.log.Typing() {
		m.out.log.SearchKey(msg, a, m.outRows())
		return m, nil
	}
	return m.do(a)
}

// do performs an action in the list, the tree or the output pane, from a key or the command
// palette.
func (m Model) do(a keymap.Action) (Model, tea.Cmd) {
	if m.pb == nil {
		return m, nil
	}
	if m.detailKey(a) {
		return m, nil
	}
	if m.focus == pipeFocusOutput && a != keymap.Focus {
		if ok, status := m.out.log.Do(a, m.outRows()); ok {
			if status.Text != "" {
				m.status = status
			}
			return m, nil
		}
	}
	switch a {
	case keymap.OpenError:
		return m.openError()
	case keymap.Up, keymap.Down, keymap.Top, keymap.Bottom, keymap.PageUp, keymap.PageDown:
		return m.move(a)
	case keymap.Focus:
		switch {
		case m.focus == pipeFocusOutput && m.run != nil:
			m.focus = pipeFocusTree
		case m.focus == pipeFocusOutput:
			m.focus = pipeFocusList
		case m.run != nil:
			m.focus = pipeFocusOutput
		}
		return m, nil
	case keymap.Cancel:
		switch {
		case m.focus != pipeFocusList:
			m.focus = pipeFocusList
		case m.filter != "":
			m.filter = ""
			m.buildRows()
		}
		return m, nil
	case keymap.Filter:
		m.editing, m.focus = true, pipeFocusList
		return m, nil
	case keymap.Select:
		return m.enter()
	case keymap.NextError:
		m.nextError()
		return m, m.syncOutput()
	}
	if m.run == nil {
		if a == keymap.Rerun || a == keymap.Skip || a == keymap.Kill || a == keymap.Debug || a == keymap.DebugLive || a == keymap.Modify {
			m.status = views.Status{Text: "select a run first (enter)", Err: true}
		}
		return m, nil
	}
	pb, name, id, path := m.pb, m.run.Pipeline, m.run.ID, m.selectedNode()
	if m.focus == pipeFocusList {
		path = "/"
	}
	ctx := m.Ctx
	switch a {
	case keymap.Rerun:
		m.status = views.Status{Text: "rerunning " + path + "…"}
		return m, func() tea.Msg {
			return pipelineActionMsg{what: "rerun " + path, err: pb.Rerun(ctx, name, id, path)}
		}
	case keymap.Skip:
		skip := true
		if n := m.run.Nodes[path]; n != nil {
			skip = !n.Skipped
		}
		what := "skipped " + path
		if !skip {
			what = "unskipped " + path
		}
		return m, func() tea.Msg { return pipelineActionMsg{what: what, err: pb.Skip(name, id, path, skip)} }
	case keymap.Kill:
		m.confirm = true
		return m, nil
	case keymap.Modify:
		return m.askModify()
	case keymap.Debug, keymap.DebugLive:
		live := a == keymap.DebugLive
		return m, func() tea.Msg {
			c, err := pb.Debug(ctx, name, id, path, live)
			return pipelineDebugMsg{cmd: c, err: err}
		}
	}
	return m, nil
}

// enter runs the selected file, or shows the selected run; in the tree it shows the node's
// output.
func (m Model) enter() (Model, tea.Cmd) {
	if m.focus != pipeFocusList {
		m.focus = pipeFocusOutput
		return m, m.syncOutput()
	}
	row, ok := m.selectedRow()
	if !ok {
		return m, nil
	}
	if row.Run != nil {
		return m, m.show(row.File, row.Run.ID)
	}
	for _, f := range m.files {
		if f.Name == row.File && f.Err != nil {
			m.status = views.Status{Text: row.File + " does not parse", Err: true}
			return m, nil
		}
	}
	pb, ctx, name := m.pb, m.Ctx, row.File
	m.status = views.Status{Text: "starting " + name + "…"}
	return m, func() tea.Msg {
		id, err := pb.Start(ctx, name)
		return pipelineActionMsg{what: fmt.Sprintf("started %s %s", name, id), name: name, runID: id, err: err}
	}
}

// nextError moves the tree's cursor to the next exec node in error after it, wrapping.
func (m *Model) nextError() {
	if m.run == nil {
		m.status = views.Status{Text: "select a run first (enter)", Err: true}
		return
	}
	n := len(m.run.Order)
	for i := 1; i <= n; i++ {
		j := (m.node + i) % n
		nr := m.run.Nodes[m.run.Order[j]]
		if nr != nil && nr.State == pipeline.StateError && nr.Kind == "exec" {
			m.node = j
			if m.focus == pipeFocusList {
				m.focus = pipeFocusTree
			}
			m.clampTree()
			return
		}
	}
	m.status = views.Status{Text: "no node in error"}
}

// move moves the cursor of the focused pane.
func (m Model) move(a keymap.Action) (Model, tea.Cmd) {
	page := max(m.Height/2, 1)
	step := func(cur, n int) int {
		switch a {
		case keymap.Up:
			cur--
		case keymap.Down:
			cur++
		case keymap.Top:
			cur = 0
		case keymap.Bottom:
			cur = n - 1
		case keymap.PageUp:
			cur -= page
		case keymap.PageDown:
			cur += page
		}
		return min(max(cur, 0), max(n-1, 0))
	}
	switch m.focus {
	case pipeFocusList:
		m.cursor = step(m.cursor, len(m.rows))
	case pipeFocusTree:
		if m.run != nil {
			m.node = step(m.node, len(m.run.Order))
			m.clampTree()
			return m, m.syncOutput()
		}
	case pipeFocusOutput:
		m.out.log.Do(a, m.outRows())
	}
	return m, nil
}
