package model

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

// Containers is the Containers tab: the live tree of containers, the selected one's logs,
// and the actions on it. It is self-contained: the root only sizes it, forwards messages
// and draws the header around it.
type Containers struct {
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

// ContainersDeps are what the Containers tab needs from its parent.
type ContainersDeps struct {
	Common  common.Common
	Backend engine.Backend
}

// NewContainers subscribes to the index, reads it once and selects the first container.
// Its log stream starts with Init.
func NewContainers(d ContainersDeps) Containers {
	m := Containers{
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
func (m Containers) Init() tea.Cmd {
	return tea.Batch(watchIndex(m.Ctx, m.b, m.sub), m.startLogs)
}

// setSize gives the tab its area (the screen below the header).
func (m *Containers) setSize(width, height int) { m.list.SetSize(width, height) }

// Context is the key context the tab is in, for the root to resolve global keys against.
func (m Containers) Context() keymap.Context {
	if m.confirm != nil {
		return keymap.CtxConfirm
	}
	if m.logs.Typing() {
		return keymap.CtxSearch
	}
	return m.list.Context(keymap.CtxContainers, keymap.CtxLogs)
}

// Snapshot is the index as the tab last saw it.
func (m Containers) Snapshot() docker.Snapshot { return m.snap }

// Selected is the selected container, if any.
func (m Containers) Selected() (docker.Container, bool) {
	r, ok := m.list.Selected()
	return r.Container, ok
}

// Close stops the log stream and the index subscription.
func (m Containers) Close() {
	m.logs.Close()
	if m.sub != nil {
		m.sub.Close()
	}
}

// update handles the tab's messages. Key presses for the root (quit, help) never get here.
// After each one the detail pane follows the selection and its sub-tab (syncDetail).
func (m Containers) update(msg tea.Msg) (Containers, tea.Cmd) {
	cmd, ok := m.detailMsg(msg)
	if !ok {
		m, cmd = m.handle(msg)
	}
	return m, tea.Batch(cmd, m.syncDetail())
}

func (m Containers) handle(msg tea.Msg) (Containers, tea.Cmd) {
	switch msg := msg.(type) {
	case common.ContainersChangedMsg:
		m.snap = msg.Snap
		m.rebuild() // a removed selection moves to its neighbour
		cmd := m.syncLogs()
		return m, tea.Batch(watchIndex(m.Ctx, m.b, m.sub), cmd)
	case logs.LinesMsg:
		return m, m.logs.OnLines(msg)
	case logs.EndedMsg:
		if !m.logs.OnEnded(msg) {
			return m, nil
		}
		// A restart may have been seen before its stream's end: resume now if so.
		return m, m.syncLogs()
	case actionDoneMsg:
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
