package pipelines

import (
	"fmt"
	"strings"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/views"
)

// pipeDetail is the Pipelines tab's pane under the tree: its sub-tabs (Output, Attempts,
// Config) and the shown run's file, parsed for the nodes' settings.
type pipeDetail struct {
	tabs   detail.Tabs
	defRun string             // the run whose definition def is
	def    *pipeline.Pipeline // nil when the run's file does not parse
	defErr error
}

// syncDetail parses the shown run's file while Config is on screen, once per run: the file
// as run never changes.
func (m *Model) syncDetail() {
	d := &m.detail
	if !d.tabs.Is(detail.Config) || m.run == nil || d.defRun == m.run.ID {
		return
	}
	d.defRun = m.run.ID
	if len(m.run.Definition) == 0 {
		d.def, d.defErr = nil, fmt.Errorf("run %s kept no copy of its file", m.run.ID)
		return
	}
	d.def, d.defErr = pipeline.Parse(m.run.Pipeline, m.run.File, m.run.Definition)
	if d.defErr != nil {
		d.def, d.defErr = nil, fmt.Errorf("the file of run %s: %w", m.run.ID, d.defErr)
	}
}

// detailKey switches sub-tabs (from anywhere in the tab) and scrolls Attempts and Config while
// the output pane has focus; false leaves the key to the tab.
func (m *Model) detailKey(a keymap.Action) bool {
	if m.detail.tabs.SwitchKey(a) {
		m.syncDetail()
		return true
	}
	if m.focus != pipeFocusOutput || m.detail.tabs.Is(detail.Output) {
		return false
	}
	p := m.panes()
	if m.detail.tabs.ScrollKey(a, len(m.detailText(p.rightW, true).Lines), max(p.outH-1, 0)) {
		return true
	}
	return detail.LogOnly(a)
}

// detailView is the pane under the tree: the output as drawn, or the selected node's
// Attempts or Config, with the sub-tab bar in its title rule.
func (m Model) detailView(out string, width, height int, focused bool) string {
	pane := out
	if !m.detail.tabs.Is(detail.Output) {
		pane = views.DetailPane(m.Theme, m.detailText(width, focused), width, height)
	}
	return views.WithTabs(m.Theme, pane, m.detail.tabs.Bar(), width)
}

// detailText is the selected node's Attempts or Config.
func (m Model) detailText(width int, focused bool) views.DetailText {
	d := views.DetailText{Top: m.detail.tabs.Top(), Focused: focused}
	if m.run == nil {
		d.Empty = "enter on a pipeline runs it; on a run, shows its tree"
		return d
	}
	path := m.selectedNode()
	n := m.run.Nodes[path]
	d.Title = path
	if m.detail.tabs.Is(detail.Attempts) {
		d.Lines = views.AttemptsLines(m.Theme, n, m.Now(), width)
		d.Empty = path + " has not run"
		if n != nil {
			d.Note = m.Theme.Dim.Render(views.Plural(len(n.Attempts), "attempt"))
			if n.Kind != string(pipeline.Exec) {
				d.Empty = fmt.Sprintf("%s is a %s node: its children run, it does not", path, n.Kind)
			}
		}
		return d
	}
	d.Lines = views.NodeConfigLines(m.Theme, m.nodeConfig(path, n))
	if m.detail.defErr != nil && m.detail.defRun == m.run.ID {
		d.Lines = append(d.Lines, "", "  "+m.Theme.Bad.Render(views.Clean(m.detail.defErr.Error(), 500)))
	}
	return d
}

// nodeConfig is a node's settings: the file's (after defaults and inheritance) where the run's
// file has the node, with the command, environment and image the run recorded for it.
func (m Model) nodeConfig(path string, n *pipeline.NodeRun) views.NodeConfig {
	c := views.NodeConfig{Path: path, FromRun: true}
	if n != nil {
		c.Kind, c.Exec, c.Env, c.ImageRef = n.Kind, n.Command, n.Env, n.Image
	}
	def := m.detail.def
	if def == nil || m.detail.defRun != m.run.ID {
		return c
	}
	node, ok := def.Node(path)
	if !ok {
		c.Why = "added at run time by a lazy node: the file does not have it"
		return c
	}
	p := node.Params
	c.FromRun = false
	c.Kind = string(node.Kind)
	if c.Exec == "" {
		c.Exec = node.Command
	}
	if c.Env == nil {
		c.Env = p.Env
	}
	c.Image = imageName(def, p.Image)
	c.Retries, c.MaxTime, c.Reuse, c.Skip, c.Doc = p.Retries, p.MaxTime, string(p.Reuse), p.Skip, p.Doc
	return c
}

// imageName is how Config names a node's image: its name in images:, and what it is built
// from; an inline image by what it is built from alone.
func imageName(def *pipeline.Pipeline, key string) string {
	img, ok := def.Images[key]
	if !ok {
		return key
	}
	from := img.From
	if img.Dockerfile != "" {
		from = "Dockerfile " + img.Dockerfile
	}
	if strings.HasPrefix(key, "inline@") || img.Name == "" {
		return from
	}
	if from == "" {
		return img.Name
	}
	return img.Name + " (" + from + ")"
}
