// Package containers is the Containers tab: the live tree of the engine's containers grouped by
// project and service, the selected one's logs and its Config, Env and Stats sub-tabs, and the
// actions on it (shell, stop, restart, remove, one or marked). Files: containers.go the model and
// its constructor, tab.go the common.Tab methods, keys.go and actions.go the keys and what they
// start, marks.go the marked containers' bulk actions, tree.go the rows, index.go the index
// watcher, logs.go the logs pane's following, detail.go, inspect.go and stats.go the sub-tabs,
// view.go the drawing.
package containers

import (
	"github.com/podiumdev/podium/model/list"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// confirmation is a question on screen, waiting for y or n.
type confirmation struct {
	action keymap.Action
	id     string
	name   string
	force  bool
	bulk   []docker.Container // a bulk remove: the marked containers (name says how many)
}

// Model is the Containers tab: the live tree of containers, the selected one's logs,
// and the actions on it. It is self-contained: the root only sizes it, forwards messages
// and draws the header around it.
type Model struct {
	common.Common // context, theme, keys, clock, size

	b   engine.Backend
	sub *docker.Subscription

	snap    docker.Snapshot
	list    list.Nav[views.TreeRow] // the tree; the cursor stops on containers only
	confirm *confirmation
	status  views.Status

	logs      logs.Pane
	detail    containerDetail // the sub-tabs beside the logs: Config, Env, Stats
	startLogs tea.Cmd         // the first selection's readers, prepared by New for Init to start
}

// Deps are what the Containers tab needs from its parent.
type Deps struct {
	Common  common.Common
	Backend engine.Backend
}

// New subscribes to the index, reads it once and selects the first container.
// Its log stream starts with Init.
func New(d Deps) Model {
	m := Model{
		b: d.Backend, Common: d.Common,
		list: list.New(containerRows), detail: containerDetail{tabs: detail.New(detail.Logs, detail.Config, detail.Env, detail.Stats)},
	}
	m.sub = m.b.Subscribe()
	m.snap = m.b.Snapshot()
	m.rebuild()
	m.startLogs = m.syncLogs() // prepares the stream; Init starts it
	return m
}

// Init starts watching the index and the first container's log.
func (m Model) Init() tea.Cmd {
	return tea.Batch(watchIndex(m.Ctx, m.b, m.sub), m.startLogs)
}

// setSize gives the tab its area (the screen below the header).
func (m *Model) setSize(width, height int) { m.list.SetSize(width, height) }

// Context is the key context the tab is in, for the root to resolve global keys against.
func (m Model) Context() keymap.Context {
	if m.confirm != nil {
		return keymap.CtxConfirm
	}
	if m.logs.Typing() {
		return keymap.CtxSearch
	}
	return m.list.Context(keymap.CtxContainers, keymap.CtxLogs)
}

// Snapshot is the index as the tab last saw it.
func (m Model) Snapshot() docker.Snapshot { return m.snap }

// Selected is the selected container, if any.
func (m Model) Selected() (docker.Container, bool) {
	r, ok := m.list.Selected()
	return r.Container, ok
}

// Read-only views of the tab's state, for the whole-app tests of package model.

// Status is the footer's status line: the last action's outcome or an error.
func (m Model) Status() views.Status { return m.status }

// LogStream is the selected container's log stream; nil when none is followed.
func (m Model) LogStream() *logs.Stream { return m.logs.Stream() }

// LogsOnDisk is how many of the logs pane's lines are in its spill file.
func (m Model) LogsOnDisk() int { return m.logs.OnDisk() }

// Filter is the list's filter, and whether it is being typed.
func (m Model) Filter() (text string, editing bool) { return m.list.Filter, m.list.Editing }

// MarkCount is how many containers are marked.
func (m Model) MarkCount() int { return m.list.MarkCount() }

// Focus says which pane takes navigation keys: the list or the logs.
func (m Model) Focus() list.Focus { return m.list.Focus }

// Inspecting is the read of the inspect under way, nil when none: for tests that run it where
// the Program would (off the UI loop) and hand its message back.
func (m Model) Inspecting() tea.Cmd {
	if f := m.detail.inspect.fetch; f != nil {
		return f.read
	}
	return nil
}

// StatsFeed is the Stats sub-tab's stream as commands, nil when none runs: run reads the
// container's stats (it blocks while the stream lasts), wait delivers what was read. With
// StatsSamples, the count of samples the sub-tab holds, it is for tests that run the stream
// where the Program would.
func (m Model) StatsFeed() (run, wait tea.Cmd) {
	s := m.detail.stats.stream
	if s == nil {
		return nil, nil
	}
	return s.run(m.b), s.wait()
}

// StatsSamples is how many stats samples the Stats sub-tab holds.
func (m Model) StatsSamples() int { return len(m.detail.stats.samples) }

// Close stops the log stream and the index subscription.
func (m Model) Close() {
	m.logs.Close()
	if m.sub != nil {
		m.sub.Close()
	}
}

// update handles the tab's messages. Key presses for the root (quit, help) never get here.
// After each one the detail pane follows the selection and its sub-tab (syncDetail).
func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	cmd, ok := m.detailMsg(msg)
	if !ok {
		m, cmd = m.handle(msg)
	}
	return m, tea.Batch(cmd, m.syncDetail())
}

func (m Model) handle(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.ContainersChangedMsg:
		m.snap = msg.Snap
		m.rebuild() // a removed selection moves to its neighbour
		cmd := m.syncLogs()
		return m, tea.Batch(watchIndex(m.Ctx, m.b, m.sub), cmd)
	case logs.Msg: // the pane's own work: older lines, a save
		cmd, st := m.logs.Update(msg)
		if st.Text != "" {
			m.status = st
		}
		return m, cmd
	case logs.LinesMsg:
		return m, m.logs.OnLines(msg)
	case logs.EndedMsg:
		if !m.logs.OnEnded(msg) {
			return m, nil
		}
		// A restart may have been seen before its stream's end: resume now if so.
		return m, m.syncLogs()
	case ActionDoneMsg:
		m.status = msg.status()
		return m, nil
	case containersBulkDoneMsg:
		m.status = msg.status()
		return m, nil
	case engine.ShellExitedMsg:
		m.status = msg.Status()
		return m, nil
	case tea.PasteMsg:
		if m.list.Editing {
			m.setFilter(m.list.Filter + msg.Content)
			return m, m.syncLogs()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}
