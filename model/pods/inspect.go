package pods

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// Read-only views of the tab's state, for the whole-Root tests in package model (which drive
// the root and cannot see inside the tab). Each returns a copy: changing it changes nothing.

// Status is the footer's status line.
func (m Model) Status() views.Status { return m.status }

// Logs is (a copy of) the logs pane.
func (m Model) Logs() *logs.Pane { p := m.logs; return &p }

// List is (a copy of) the tree's navigation: rows, filter, split, focus, marks.
func (m Model) List() *list.Nav[views.PodTreeRow] { n := m.list; return &n }

// DetailTabs is (a copy of) the detail pane's sub-tabs.
func (m Model) DetailTabs() *detail.Tabs { t := m.detail.tabs; return &t }

// Prompting says a command prompt is open.
func (m Model) Prompting() bool { return m.prompt != nil }

// Confirming is the detail line of the question waiting for y or n; ok is false when none is.
func (m Model) Confirming() (detail string, ok bool) {
	if m.confirm == nil {
		return "", false
	}
	return m.confirm.detail, true
}

// Op is an operation under way: its verb (up, apply, …) and what it acts on.
type Op struct{ Verb, Target string }

// Ops are the operations under way, oldest first.
func (m Model) Ops() []Op {
	out := make([]Op, 0, len(m.ops))
	for _, op := range m.ops {
		out = append(out, Op{Verb: op.verb, Target: op.target})
	}
	return out
}

// ApplyDue says --watch asked to apply while an apply ran.
func (m Model) ApplyDue() bool { return m.applyDue }

// Watching says the workspace's files are followed.
func (m Model) Watching() bool { return m.watching }

// Drifted says the service ("pod/service") drifted from its files.
func (m Model) Drifted(key string) bool { _, ok := m.drifts[key]; return ok }

// Reload loads the workspace again, as the reload key does; Init loads it the first time.
func (m Model) Reload() tea.Cmd { return m.load(true) }
