// Package pods is the Pods tab: the workspace's pods as a tree matched with the live index,
// their logs and details, and cage's verbs on them. The root holds it as a common.Tab.
package pods

import (
	"github.com/podiumdev/podium/model/list"

	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// Model is the Pods tab: the workspace's pods as a tree (pod → service → container) matched
// with the live index, the selection's logs, and cage's verbs on pods and services (up, stop,
// restart, shell, exec, test, run). Like Containers it is self-contained: the root sizes it,
// forwards messages (the index's changes included: the tab does not subscribe itself) and draws
// the header around it.
type Model struct {
	common.Common // context, theme, keys, clock, size

	pb    Backend        // nil: no workspace
	b     engine.Backend // for logs
	where string         // the workspace directory as the user gave it, for messages

	ws       *pods.Workspace
	loadErr  error             // why the last load failed, while no workspace is loaded
	fileErrs []common.ErrorMsg // the last load's errors (its own, broken pods), for `!`
	loading  bool

	snap   docker.Snapshot
	states []pods.PodState // ws.State(snap.Containers), recomputed when either changes
	list   list.Nav[views.PodTreeRow]
	prompt *commandPrompt
	status views.Status

	ops    []*podOp // running up/stop/restart calls
	logs   logs.Pane
	detail podDetail // the sub-tabs beside the logs: Config, Env

	// Live files: what the last loads said of each service's config (for the drift's diff),
	// the drifted services' plans, and the reloads and applies file changes asked for.
	configs   pods.Configs
	drifts    map[string]pods.Drift // by "pod/service"
	autoApply bool                  // podium --watch: apply after every file change
	changed   []string              // files changed since the load under way began
	reloadDue bool                  // files changed during a load: load again after it
	applyDue  bool                  // --watch asked to apply while an apply ran
	confirm   *podsConfirm          // remove or down, waiting for y or n
	watching  bool                  // the files are followed: saving one reloads
}

// Deps are what the Pods tab needs from its parent.
type Deps struct {
	Common    common.Common
	Pods      Backend // nil when there is no workspace
	Backend   engine.Backend
	Workspace string          // the directory, as shown in the header
	Snapshot  docker.Snapshot // the index as the root last saw it
	// AutoApply brings up what drifted after every reload a file change caused (--watch).
	AutoApply bool
}

// New builds the tab. The workspace loads in Init, off the UI loop.
func New(d Deps) Model {
	m := Model{
		pb: d.Pods, b: d.Backend, Common: d.Common,
		where: d.Workspace, snap: d.Snapshot, list: list.New(podRows), loading: d.Pods != nil,
		detail:    podDetail{tabs: detail.New(detail.Logs, detail.Diff, detail.Config, detail.Env)},
		autoApply: d.AutoApply,
	}
	if m.b == nil {
		m.b = engine.None{}
	}
	return m
}

// Init loads the workspace.
func (m Model) Init() tea.Cmd { return m.load(false) }

// workspaceLoadedMsg carries a load of the workspace: at start, or a reload (ctrl+r, or files
// that changed on disk: changed names them, relative to the workspace).
type workspaceLoadedMsg struct {
	ws      *pods.Workspace
	err     error
	reload  bool
	changed []string
}

// load reads the workspace from disk with the tab's context.
func (m Model) load(reload bool) tea.Cmd {
	if m.pb == nil {
		return nil
	}
	pb, ctx, changed := m.pb, m.Ctx, m.changed
	return func() tea.Msg {
		ws, err := pb.Load(ctx)
		if err != nil && ctx.Err() != nil {
			return nil // quitting
		}
		if err == nil && ws == nil {
			err = errors.New("the workspace loader returned nothing")
		}
		return workspaceLoadedMsg{ws: ws, err: err, reload: reload, changed: changed}
	}
}

// setSize gives the tab its area (the screen below the header).
func (m *Model) setSize(width, height int) { m.list.SetSize(width, height) }

// Context is the key context the tab is in, for the root to resolve global keys against.
func (m Model) Context() keymap.Context {
	if m.confirm != nil {
		return keymap.CtxConfirm
	}
	if m.prompt != nil {
		return keymap.CtxPrompt
	}
	if m.logs.Typing() {
		return keymap.CtxSearch
	}
	return m.list.Context(keymap.CtxPods, keymap.CtxPodsLogs)
}

// Workspace is the loaded workspace, or nil.
func (m Model) Workspace() *pods.Workspace { return m.ws }

// HasPods says a workspace is loaded and has at least one pod.
func (m Model) HasPods() bool { return m.ws != nil && len(m.ws.Pods) > 0 }

// Selected is the row under the cursor, if any.
func (m Model) Selected() (views.PodTreeRow, bool) { return m.list.Selected() }

// Close stops the log readers; running actions end with the context the root cancels.
func (m Model) Close() { m.logs.Close() }

// setSnapshot takes a new state of the container index (the root fans the Containers tab's
// subscription out), recomputes the pods' state and keeps the logs on the selection.
func (m *Model) setSnapshot(snap docker.Snapshot) tea.Cmd {
	m.snap = snap
	m.refresh()
	return m.syncLogs()
}

// refresh recomputes the state and the tree after the workspace or the index changed.
func (m *Model) refresh() {
	m.states, m.drifts = nil, nil
	if m.ws != nil {
		m.states = m.ws.State(m.snap.Containers)
		m.drifts = m.ws.Drifts(m.states, m.configs)
	}
	m.rebuild()
}

// update handles the tab's messages. Key presses for the root (quit, help, tabs) never get
// here; the root hands every other message to every tab, and each takes what is its own.
// After each one the detail pane follows the selection and its sub-tab (syncDetail).
func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	m, cmd := m.handle(msg)
	m.syncDetail()
	return m, cmd
}

func (m Model) handle(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.ContainersChangedMsg:
		return m, m.setSnapshot(msg.Snap)
	case common.FilesWatchMsg:
		if msg.Err != nil {
			m.status = watchFailed(msg.Err)
		}
		m.watching = msg.Watching
		return m, nil
	case common.FilesChangedMsg:
		return m.filesChanged(msg.Under(podsRoots()...))
	case workspaceLoadedMsg:
		return m.loaded(msg)
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
		return m, m.syncLogs()
	case opProgressMsg:
		return m.opProgress(msg)
	case podOpDoneMsg:
		return m.opDone(msg)
	case execReadyMsg:
		return m.execReady(msg)
	case sourcesMountedMsg:
		return m.mounted(msg)
	case ExecDoneMsg:
		m.status = msg.status()
		return m, nil
	case tea.PasteMsg:
		switch {
		case m.prompt != nil:
			p := *m.prompt
			p.text += msg.Content
			m.prompt = &p
		case m.list.Editing:
			m.setFilter(m.list.Filter + msg.Content)
			return m, m.syncLogs()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

// loaded takes a load's result. A failed reload keeps the workspace that was loaded.
func (m Model) loaded(msg workspaceLoadedMsg) (Model, tea.Cmd) {
	m.loading = false
	if msg.err != nil {
		if m.ws != nil || msg.reload {
			m.status = views.Status{Text: views.ChangedPrefix(msg.changed) + "reload: " + msg.err.Error(), Err: true}
		}
		if m.ws == nil {
			m.loadErr = msg.err
			m.fileErrs = []common.ErrorMsg{{At: m.Now(), Origin: "Pods", Text: msg.err.Error()}}
		}
		return m.afterLoad(msg, nil)
	}
	m.ws, m.loadErr = msg.ws, nil
	m.fileErrs = brokenPods(msg.ws, m.Now())
	m.configs = msg.ws.RememberConfigs(m.configs, msg.ws.State(m.snap.Containers))
	if msg.reload {
		m.status = views.Status{Text: reloadedText(msg.ws)}
	}
	m.refresh()
	return m.afterLoad(msg, m.syncLogs())
}

func reloadedText(ws *pods.Workspace) string {
	s := "reloaded " + ws.Name + " (" + ws.Target + "): " + views.Plural(len(ws.Pods), "pod")
	broken := 0
	for _, p := range ws.Pods {
		if p.Err != nil {
			broken++
		}
	}
	if broken > 0 {
		s += ", " + views.Plural(broken, "broken pod")
	}
	if n := len(allWarnings(ws)); n > 0 {
		s += ", " + views.Plural(n, "warning")
	}
	return s
}
