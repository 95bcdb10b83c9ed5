package model

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
	"github.com/podiumdev/podium/watch"
)

// FrameRate is how often Bubble Tea's renderer should look for a changed frame: run the program
// with tea.WithFPS(FrameRate). Its ticker is the one timer that runs while nothing changes
// (Bubble Tea cannot stop it); at its default 60 Hz the wake-ups alone cost about 0.85% of a
// core, at 30 Hz about 0.45%, for at most 33 ms between a change and the screen
// (bench/README.md, "The TUI").
const FrameRate = 30

// headerHeight is the number of lines the root's header takes.
const headerHeight = 2

// Config is what cmd/tui knows when it starts the TUI.
type Config struct {
	Backend       Backend // required; cmd/tui serves it from docker.Live
	Workspace     string  // shown in the header as given
	Endpoint      string  // the engine's address, e.g. unix:///var/run/docker.sock
	ServerVersion string  // the engine's release, e.g. 20.10.24
	API           string  // the negotiated API version, e.g. 1.41
	NoColor       bool    // NO_COLOR or a flag: meaning carried by glyphs and words alone
	// Now is the clock for ages and durations; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Keymap is the key bindings; a zero value means keymap.Default().
	Keymap keymap.Keymap
	// Pods loads the workspace and acts on its pods; nil means there is no workspace (the Pods
	// tab says so, and the TUI starts on the Containers tab).
	Pods PodsBackend
	// Deploys is the supervisor of the workspace's specs/ (or a remote one); nil means there is
	// none (the Deploys tab says so).
	Deploys DeploysBackend
	// TakeOver starts a supervisor in this process in place of a followed `podium supervise`
	// that stopped, for the Deploys tab to use instead; nil when that is not possible.
	TakeOver func(ctx context.Context) (DeploysBackend, error)
	// Pipelines runs the workspace's pipelines/<name>.yml and reads their runs; nil means there
	// are none (the Pipelines tab says so). cmd/tui serves it from backend/pipeline.
	Pipelines PipelinesBackend
	// WatchDir is the workspace whose pods/, config/, podium.yml and pipelines/ the TUI
	// follows while it runs; "" follows nothing.
	WatchDir string
	// Watcher is the process's one file watcher, which the TUI's follows through; nil makes
	// one for the TUI alone.
	Watcher *watch.Hub
	// ApplyOnChange brings up what a file change made drift, without a key (podium --watch).
	ApplyOnChange bool
}

// tab is one of the root's tabs, in the tab bar's order. The default keys that select them
// are their numbers there: 1 Pods, 2 Deploys, 3 Pipelines, 4 Containers.
type tab uint8

const (
	tabPods tab = iota
	tabDeploys
	tabPipelines
	tabContainers
)

// Root is the program's model: the header with its tab bar, the help screen and quitting,
// around the tabs (Pods, Deploys, Pipelines, Containers).
type Root struct {
	cfg    Config
	km     keymap.Keymap
	theme  views.Theme
	now    func() time.Time
	ctx    context.Context
	cancel context.CancelFunc

	tab        tab
	tabChosen  bool // the user picked a tab, so the first load of the workspace no longer does
	pods       Pods
	deploys    Deploys
	pipelines  Pipelines
	containers Containers
	width      int
	height     int
	help       bool
	helpScroll int
	palette    palette // the command palette, while palette.open
	quitting   bool
	tasks      tasks       // background actions, for the footer
	split      views.Split // the list/detail split, the same on every tab (zoom is each tab's)
	files      liveFiles   // the workspace's files, followed
}

// New builds the root model. It subscribes to the backend's index (and the supervisor's
// events) at once, so no change between New and the first frame is missed; run it with
// tea.NewProgram(m).Run(). With a PodsBackend it starts on the Pods tab while the workspace
// loads, and moves to Deploys (when the supervisor has services) or Containers if the load
// fails or finds no pods; without one it starts on Deploys when there are services.
func New(cfg Config) Root {
	km := cfg.Keymap
	if km.Bindings == nil {
		km = keymap.Default()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if cfg.Backend == nil {
		cfg.Backend = nullBackend{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	theme := views.NewTheme(cfg.NoColor)
	containers := NewContainers(ContainersDeps{Ctx: ctx, Backend: cfg.Backend, Keymap: km, Theme: theme, Now: now})
	r := Root{
		cfg: cfg, km: km, theme: theme, now: now, ctx: ctx, cancel: cancel,
		containers: containers, tasks: newTasks(), files: liveFiles{root: cfg.WatchDir, hub: cfg.Watcher},
		pods: NewPods(PodsDeps{Ctx: ctx, Pods: cfg.Pods, Backend: cfg.Backend, Keymap: km, Theme: theme, Now: now,
			Workspace: cfg.Workspace, Snapshot: containers.Snapshot(), AutoApply: cfg.ApplyOnChange}),
		deploys: NewDeploys(DeploysDeps{Ctx: ctx, Deploys: cfg.Deploys, Backend: cfg.Backend, Keymap: km, Theme: theme,
			Now: now, Snapshot: containers.Snapshot(), TakeOver: cfg.TakeOver}),
		pipelines: NewPipelines(PipelinesDeps{Ctx: ctx, Pipelines: cfg.Pipelines, Keymap: km, Theme: theme, Now: now}),
	}
	first := r.landing()
	if cfg.Pods != nil {
		first = tabPods
	}
	r.deploys.startTick = r.setTab(first)
	return r
}

// landing is the tab to show when the user has not picked one: Pods if the workspace has
// pods, else Deploys if the supervisor has services, else Containers.
func (r Root) landing() tab {
	switch {
	case r.pods.HasPods():
		return tabPods
	case r.deploys.HasServices():
		return tabDeploys
	}
	return tabContainers
}

// setTab puts a tab on screen; the Deploys tab's countdowns tick, and the Containers tab's
// stats stream, only while it is.
func (r *Root) setTab(t tab) tea.Cmd {
	r.tab = t
	return tea.Batch(r.deploys.SetShown(t == tabDeploys), r.containers.SetShown(t == tabContainers))
}

// Init starts the tabs' watchers and loads the workspace.
func (r Root) Init() tea.Cmd {
	return tea.Batch(r.containers.Init(), r.pods.Init(), r.deploys.Init(), r.pipelines.Init(), tea.RequestBackgroundColor,
		r.files.start(r.ctx))
}

// Update handles a message (update), then starts the footer's spinner if background work
// has begun: the spinner's ticks stop by themselves once nothing runs. A key press only
// starts work; the spinner starts with the first message that work sends (its start, its
// progress), so a key's reply is the action alone.
func (r Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.update(msg)
	rr, ok := m.(Root)
	if _, key := msg.(tea.KeyPressMsg); !ok || key {
		return m, cmd
	}
	spin := rr.tasks.ensureSpin(rr.busy)
	return rr, tea.Batch(cmd, spin)
}

// busy says background work is on its way: the root's tasks or a tab's.
func (r Root) busy() bool {
	return len(r.tasks.running) > 0 || len(r.pods.Tasks()) > 0 || len(r.deploys.Tasks()) > 0 || len(r.pipelines.Tasks()) > 0
}

// update handles window size, quit, help and the tabs. Keys (and pastes) go to the tab on
// screen; the index's changes go to the tabs that show containers (Containers follows the
// index, Pods and Deploys get its snapshots); every other message goes to every tab, and each
// takes what is its own (by id).
func (r Root) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd, cmd2 tea.Cmd
	switch msg := msg.(type) {
	case taskStartedMsg:
		return r, r.tasks.start(msg)
	case taskEndedMsg:
		r.tasks.end(msg.tok)
		if msg.result == nil {
			return r, nil
		}
		return r.update(msg.result)
	case spinner.TickMsg:
		return r, r.tasks.tick(msg, r.busy())
	case tea.BackgroundColorMsg:
		r.setTheme(views.NewThemeFor(r.cfg.NoColor, msg.IsDark()))
		return r, nil
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.containers.SetSize(r.width, max(r.height-headerHeight, 0))
		r.pods.SetSize(r.width, max(r.height-headerHeight, 0))
		r.deploys.SetSize(r.width, max(r.height-headerHeight, 0))
		r.pipelines.SetSize(r.width, max(r.height-headerHeight, 0))
		r.clampHelp()
		// The Deploys tab's logs run only while its pane is drawn, which depends on the size.
		return r, r.deploys.syncLogs()
	case tea.KeyPressMsg:
		switch {
		case r.palette.open:
			return r.paletteKey(msg)
		case r.help:
			return r.helpKey(r.km.Resolve(keymap.CtxHelp, msg.String()))
		}
		if m, cmd, ok := r.global(r.km.Resolve(r.context(), msg.String())); ok {
			return m, cmd
		}
		return r.toTab(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		if p, ok := newPointer(msg, headerHeight); ok && !r.help && !r.palette.open {
			return r.mouse(p)
		}
		return r, nil
	case tea.PasteMsg:
		if r.palette.open {
			r.palette.setQuery(r.palette.query + strings.Join(strings.Fields(msg.Content), " "))
			return r, nil
		}
		return r.toTab(msg)
	case containersChangedMsg:
		r.containers, cmd = r.containers.Update(msg)
		cmd2 = r.pods.SetSnapshot(msg.snap)
		return r, tea.Batch(cmd, cmd2, r.deploys.SetSnapshot(msg.snap))
	case liveFilesMsg:
		return r.onFiles(msg)
	case workspaceLoadedMsg:
		r.pods, cmd = r.pods.Update(msg)
		if !msg.reload && !r.tabChosen {
			cmd2 = r.setTab(r.landing())
		}
		return r, tea.Batch(cmd, cmd2)
	}
	var cmd3, cmd4 tea.Cmd
	r.containers, cmd = r.containers.Update(msg)
	r.pods, cmd2 = r.pods.Update(msg)
	r.deploys, cmd3 = r.deploys.Update(msg)
	r.pipelines, cmd4 = r.pipelines.Update(msg)
	return r, tea.Batch(cmd, cmd2, cmd3, cmd4)
}

// global performs the root's own actions (quit, help, tabs, the palette), from a key or the
// palette; ok is false for the actions of the tab on screen.
func (r Root) global(a keymap.Action) (m tea.Model, cmd tea.Cmd, ok bool) {
	switch a {
	case keymap.Quit:
		m, cmd = r.quit()
		return m, cmd, true
	case keymap.Help:
		r.help, r.helpScroll = true, 0
	case keymap.Palette:
		r.palette = newPalette(r.km, r.context())
	case keymap.TabPods:
		r.tabChosen = true
		cmd = r.setTab(tabPods)
	case keymap.TabDeploys:
		r.tabChosen = true
		cmd = r.setTab(tabDeploys)
	case keymap.TabContainers:
		r.tabChosen = true
		cmd = r.setTab(tabContainers)
	case keymap.TabPipelines:
		r.tabChosen = true
		cmd = r.setTab(tabPipelines)
	case keymap.Zoom:
		cmd = r.toggleZoom()
	case keymap.SplitGrow:
		r.split = r.split.Grow(views.SplitStep)
		cmd = r.applySplit()
	case keymap.SplitShrink:
		r.split = r.split.Grow(-views.SplitStep)
		cmd = r.applySplit()
	default:
		return r, nil, false
	}
	return r, cmd, true
}

// toTab hands a message to the tab on screen.
func (r Root) toTab(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch r.tab {
	case tabPods:
		r.pods, cmd = r.pods.Update(msg)
	case tabDeploys:
		r.deploys, cmd = r.deploys.Update(msg)
	case tabPipelines:
		r.pipelines, cmd = r.pipelines.Update(msg)
	default:
		r.containers, cmd = r.containers.Update(msg)
	}
	return r, cmd
}

// context is the key context of the tab on screen.
func (r Root) context() keymap.Context {
	switch r.tab {
	case tabPods:
		return r.pods.Context()
	case tabDeploys:
		return r.deploys.Context()
	case tabPipelines:
		return r.pipelines.Context()
	}
	return r.containers.Context()
}

func (r Root) helpKey(a keymap.Action) (tea.Model, tea.Cmd) {
	switch a {
	case keymap.Quit:
		return r.quit()
	case keymap.Cancel, keymap.Help:
		r.help = false
	case keymap.Palette:
		r.help = false
		m, cmd, _ := r.global(a)
		return m, cmd
	case keymap.Up:
		r.helpScroll--
	case keymap.Down:
		r.helpScroll++
	}
	r.clampHelp()
	return r, nil
}

func (r *Root) clampHelp() {
	rows := max(r.height-headerHeight-2, 0) // rule and footer
	most := max(views.HelpHeight(r.theme, r.helpSections(), r.width)-rows, 0)
	r.helpScroll = min(max(r.helpScroll, 0), most)
}

// quit stops every stream and watcher, then ends the program. Containers keep running.
func (r Root) quit() (tea.Model, tea.Cmd) {
	r.quitting = true
	r.containers.Close()
	r.pods.Close()
	// The context goes first: cancelling the subscription closes its channel, which must not
	// look like the supervisor ending the stream (the tab would subscribe again).
	r.cancel()
	r.deploys.Close()
	r.pipelines.Close()
	return r, tea.Quit
}

// View draws the header and the tab, or the help screen, in the alternate screen.
func (r Root) View() tea.View {
	v := tea.NewView(r.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion // clicks and the wheel; shift+drag still selects text
	v.WindowTitle = "podium"
	return v
}

// render is the screen as text: exactly height lines, none wider than width.
func (r Root) render() string {
	if r.width <= 0 || r.height <= 0 {
		return ""
	}
	snap := r.containers.Snapshot()
	target := ""
	if ws := r.pods.Workspace(); ws != nil {
		target = ws.Target
	}
	header := views.Header(r.theme, views.HeaderData{
		Tabs: []views.Tab{
			{Key: r.tabKey(keymap.TabPods), Title: "Pods", Active: r.tab == tabPods, Alerts: r.pods.Alerts()},
			{Key: r.tabKey(keymap.TabDeploys), Title: "Deploys", Active: r.tab == tabDeploys, Alerts: r.deploys.Alerts()},
			{Key: r.tabKey(keymap.TabPipelines), Title: "Pipelines", Active: r.tab == tabPipelines, Alerts: r.pipelines.Alerts()},
			{Key: r.tabKey(keymap.TabContainers), Title: "Containers", Active: r.tab == tabContainers, Alerts: r.containers.Alerts()},
		},
		Workspace: r.cfg.Workspace, Target: target, Endpoint: r.cfg.Endpoint,
		ServerVersion: r.cfg.ServerVersion, API: r.cfg.API,
		Status: snap.Status, Now: r.now(),
	}, r.width)
	// The footer of whichever tab is drawn shows the app's background work: set on this copy.
	busy := views.TasksText(r.theme, r.tasks.view(r.tabTasks()), r.tasks.frame(), r.now(), r.width)
	r.containers.status.Busy, r.pods.status.Busy, r.deploys.status.Busy, r.pipelines.status.Busy = busy, busy, busy, busy
	var body string
	if r.help {
		h := max(r.height-headerHeight-1, 0)
		body = views.Help(r.theme, r.helpSections(), r.width, h, r.helpScroll) + "\n" +
			views.Footer(r.theme, r.km.Hints(keymap.CtxHelp), views.Status{}, r.width)
	} else {
		switch r.tab {
		case tabPods:
			body = r.pods.View()
		case tabDeploys:
			body = r.deploys.View()
		case tabPipelines:
			body = r.pipelines.View()
		default:
			body = r.containers.View()
		}
	}
	if r.palette.open {
		body = views.Overlay(body, r.paletteBox(), r.width, max(r.height-headerHeight, 0))
	}
	lines := splitLines(header + "\n" + body)
	return views.Block(lines, r.width, r.height)
}

// helpSections are the help screen's sections for the tab on screen: the global keys, the
// tab's, and those of the panes and prompts it has.
func (r Root) helpSections() []keymap.HelpSection {
	return append(r.keySections(), stateLegend(r.theme))
}

// keySections are the help screen's key sections for the tab on screen.
func (r Root) keySections() []keymap.HelpSection {
	switch r.tab {
	case tabPods:
		return r.km.Help(keymap.CtxGlobal, keymap.CtxPods, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxPrompt, keymap.CtxConfirm, keymap.CtxHelp)
	case tabDeploys:
		return r.km.Help(keymap.CtxGlobal, keymap.CtxDeploys, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm, keymap.CtxHelp)
	case tabPipelines:
		return r.km.Help(keymap.CtxGlobal, keymap.CtxPipelines, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm, keymap.CtxHelp)
	}
	return r.km.Help(keymap.CtxGlobal, keymap.CtxContainers, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm, keymap.CtxHelp)
}

// tabKey is the key shown for a tab in the tab bar: the first one bound to its action.
func (r Root) tabKey(a keymap.Action) string {
	if ks := r.km.Keys(keymap.CtxGlobal, a); len(ks) > 0 {
		return keymap.KeyName(ks[0])
	}
	return ""
}

func splitLines(s string) []string { return strings.Split(s, "\n") }

// tabTasks is the ongoing work of every tab: pods coming up, deploys rolling, runs running.
func (r Root) tabTasks() []views.Task {
	return append(append(r.pods.Tasks(), r.deploys.Tasks()...), r.pipelines.Tasks()...)
}

// applySplit hands the split to every tab, so switching tabs keeps it; each keeps its zoom.
func (r *Root) applySplit() tea.Cmd {
	with := func(zoom bool) views.Split { s := r.split; s.Zoom = zoom; return s }
	return tea.Batch(r.containers.SetSplit(with(r.containers.list.split.Zoom)), r.pods.SetSplit(with(r.pods.list.split.Zoom)),
		r.deploys.SetSplit(with(r.deploys.list.split.Zoom)), r.pipelines.SetSplit(with(r.pipelines.split.Zoom)))
}

// toggleZoom zooms the tab on screen in or out: zooming in fills the tab with the detail.
func (r *Root) toggleZoom() tea.Cmd {
	s := r.split
	switch r.tab {
	case tabPods:
		s.Zoom = !r.pods.list.split.Zoom
		return r.pods.SetSplit(s)
	case tabDeploys:
		s.Zoom = !r.deploys.list.split.Zoom
		return r.deploys.SetSplit(s)
	case tabPipelines:
		s.Zoom = !r.pipelines.split.Zoom
		return r.pipelines.SetSplit(s)
	}
	s.Zoom = !r.containers.list.split.Zoom
	return r.containers.SetSplit(s)
}

// mouse hands a pointer event to the tab on screen.
func (r Root) mouse(p pointer) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch r.tab {
	case tabPods:
		r.pods, cmd = r.pods.Mouse(p)
	case tabDeploys:
		r.deploys, cmd = r.deploys.Mouse(p)
	case tabPipelines:
		r.pipelines, cmd = r.pipelines.Mouse(p)
	default:
		r.containers, cmd = r.containers.Mouse(p)
	}
	return r, cmd
}

// setTheme switches every tab to t: the terminal told its background after the first frame.
func (r *Root) setTheme(t views.Theme) {
	r.theme = t
	r.containers.theme, r.pods.theme, r.deploys.theme, r.pipelines.theme = t, t, t, t
}
