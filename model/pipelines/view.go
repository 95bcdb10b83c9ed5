package pipelines

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// pipePanes is the tab's layout: the list at the left, the tree above the output at the right.
type pipePanes struct {
	listW, rightW, height, treeH, outH int
}

func (m Model) panes() pipePanes {
	h := max(m.Height-1, 0)
	if m.split.Zoom { // the pane with the keys fills the tab
		switch m.focus {
		case pipeFocusList:
			return pipePanes{listW: m.Width, height: h}
		case pipeFocusTree:
			return pipePanes{rightW: m.Width, height: h, treeH: h}
		}
		return pipePanes{rightW: m.Width, height: h, outH: h}
	}
	lw := min(max(m.Width*2/5, 24), 48, m.Width)
	if m.split.Detail != 0 {
		lw = min(max(m.Width*(100-m.split.Detail)/100, 16), m.Width)
	}
	rw := max(m.Width-lw-1, 0)
	th := h / 2
	return pipePanes{listW: lw, rightW: rw, height: h, treeH: th, outH: h - th}
}

// scrollTop keeps cursor inside a window of rows lines starting at top.
func scrollTop(top, cursor, rows int) int {
	if rows <= 0 {
		return 0
	}
	if cursor < top {
		top = cursor
	}
	if cursor >= top+rows {
		top = cursor - rows + 1
	}
	return max(top, 0)
}

func (m *Model) clampTree() {
	m.nodeTop = scrollTop(m.nodeTop, m.node, m.panes().treeH-1)
}

// outRows is how many lines the output pane shows.
func (m Model) outRows() int { return max(m.panes().outH-1, 1) }

// clampOutput tells the output pane its height after a resize or a new split: the engine keeps
// its place by itself, and reads from disk what the new height shows.
func (m *Model) clampOutput() {
	m.out.log.Resize(m.outRows())
}

// outputData is the output pane as the logs view draws it: the selected node's last attempt,
// its own colours kept.
func (m Model) outputData() views.LogsData {
	d := m.out.log.Data()
	d.Title, d.Focused, d.Colored, d.Empty = "Output", m.focus == pipeFocusOutput, true, "no output"
	if m.run == nil {
		return d
	}
	d.Name = m.selectedNode()
	d.Title = "Output " + d.Name
	if m.out.attempt > 0 {
		d.Title += fmt.Sprintf(" #%d", m.out.attempt)
	}
	d.Ended, d.EndMsg = m.out.done, "end of output"
	switch {
	case m.out.err != nil:
		d.Err = m.out.err.Error()
	case m.out.log.Err() != nil:
		d.Err = m.out.log.Err().Error()
	}
	return d
}

// View draws the tab, or without a backend what to do about it.
func (m Model) View() string {
	if m.Width <= 0 || m.Height <= 0 {
		return ""
	}
	if m.pb == nil {
		footer := views.Footer(m.Theme, m.Keys.Hints(keymap.CtxGlobal), m.status, m.Width)
		return views.TextPane(m.Theme, "Pipelines", []views.Paragraph{
			{Text: "No pipelines: add pipelines/<name>.yml to the workspace"},
		}, m.Width, m.Height-1, true) + "\n" + footer
	}
	p := m.panes()
	top := scrollTop(m.top, m.cursor, p.height-1)
	shown := ""
	if m.run != nil {
		shown = m.run.ID
	}
	list := views.PipelineList(m.Theme, views.PipelineListData{
		Rows: m.rows, Cursor: m.cursor, Offset: top, Focused: m.focus == pipeFocusList,
		Shown: shown, Filter: m.filter, Now: m.Now(),
	}, p.listW, p.height)
	if len(m.rows) == 0 {
		list = views.TextPane(m.Theme, "Pipelines", []views.Paragraph{{Text: "No pipeline files match", Dim: true}},
			p.listW, p.height, true)
	}
	tree := views.RunTree(m.Theme, views.RunTreeData{
		Run: m.run, Cursor: m.node, Offset: scrollTop(m.nodeTop, m.node, p.treeH-1),
		Focused: m.focus == pipeFocusTree, Now: m.Now(),
	}, p.rightW, p.treeH)
	od := m.outputData()
	od.Reserve = views.LogsTabsReserve(m.Theme, od, m.detail.tabs.Bar())
	out := views.LogsPane(m.Theme, od, p.rightW, p.outH)
	out = m.detailView(out, p.rightW, p.outH, m.focus == pipeFocusOutput)
	body := views.Columns(m.Theme, list, views.Stack(tree, out), p.listW, m.Width, p.height)
	var footer string
	if m.modify != nil {
		footer = views.PromptLine(m.Theme, m.modify.label()+":", m.modify.text, m.Keys.Hints(keymap.CtxPrompt), m.Width)
	} else if m.editing {
		footer = views.FilterLine(m.Theme, m.filter, m.Keys.Hints(keymap.CtxFilter), m.Width)
	} else {
		footer = views.Footer(m.Theme, m.hints(), m.status, m.Width)
	}
	screen := body + "\n" + footer
	if m.confirm && m.run != nil {
		box := views.Confirm(m.Theme, "Kill run "+m.run.ID+"?", m.run.Pipeline+": its running nodes are stopped",
			m.Keys.Hints(keymap.CtxConfirm), m.Width)
		screen = views.Overlay(screen, box, m.Width, m.Height)
	}
	return screen
}

// hints are the footer's hints for the tab's context. Kill is there only while the run shown
// is running, and then among the hints the footer keeps when a message needs the room (the
// last three: kill before the palette and quit).
func (m Model) hints() []keymap.Hint {
	hs := m.Keys.Hints(m.Context())
	if m.Context() != keymap.CtxPipelines {
		return hs
	}
	var kill *keymap.Hint
	out := make([]keymap.Hint, 0, len(hs))
	for _, h := range hs {
		if h.Action == keymap.Kill {
			kill = &h
			continue
		}
		out = append(out, h)
	}
	if kill == nil || m.run == nil || m.run.Status != pipeline.RunRunning {
		return out
	}
	at := max(len(out)-2, 0)
	return append(out[:at:at], append([]keymap.Hint{*kill}, out[at:]...)...)
}

// mouse applies a pointer event to the Pipelines tab: the pane under the pointer gets the
// keys; a click on a list row selects it, the wheel moves the pane's cursor.
func (m Model) mouse(p common.Pointer) (Model, tea.Cmd) {
	if m.confirm || m.editing || p.Y < 0 || p.Y >= m.panes().height {
		return m, nil
	}
	ps := m.panes()
	switch {
	case p.X < ps.listW:
		m.focus = pipeFocusList
		if p.Click {
			top := scrollTop(m.top, m.cursor, ps.height-1)
			if i := top + p.Y - 1; p.Y >= 1 && i < len(m.rows) {
				m.cursor = i
			}
			return m, nil
		}
	case p.Y < ps.treeH:
		if m.run == nil {
			return m, nil
		}
		m.focus = pipeFocusTree
		if p.Click {
			top := scrollTop(m.nodeTop, m.node, ps.treeH-1)
			if i := top + p.Y - 1; p.Y >= 1 && i < len(m.run.Order) {
				m.node = i
				m.clampTree()
				return m, m.syncOutput()
			}
			return m, nil
		}
	default:
		if m.run == nil {
			return m, nil
		}
		m.focus = pipeFocusOutput
		if p.Click {
			return m, nil
		}
	}
	a := keymap.Down
	if p.Wheel < 0 {
		a = keymap.Up
	}
	var cmd tea.Cmd
	for range common.WheelStep {
		m, cmd = m.move(a)
	}
	return m, cmd
}
