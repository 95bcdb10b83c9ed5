// Package model holds Podium's Bubble Tea models: the root, which owns the header, help and
// quitting, and one self-contained model per tab (Pods, Deploys, Pipelines, Containers). Models
// keep state and handle messages; the views package draws them.
package model

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/containers"
	"github.com/podiumdev/podium/model/deploys"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/errs"
	"github.com/podiumdev/podium/model/palette"
	"github.com/podiumdev/podium/model/pipelines"
	"github.com/podiumdev/podium/model/pods"
	"github.com/podiumdev/podium/model/tasks"
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
	Backend       engine.Backend // required; cmd/tui serves it from docker.Live
	Workspace     string         // shown in the header as given
	Endpoint      string         // the engine's address, e.g. unix:///var/run/docker.sock
	ServerVersion string         // the engine's release, e.g. 20.10.24
	API           string         // the negotiated API version, e.g. 1.41
	NoColor       bool           // NO_COLOR or a flag: meaning carried by glyphs and words alone
	// Now is the clock for ages and durations; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Keymap is the key bindings; a zero value means keymap.Default().
	Keymap keymap.Keymap
	// Pods loads the workspace and acts on its pods; nil means there is no workspace (the Pods
	// tab says so, and the TUI starts on the Containers tab).
	Pods pods.Backend
	// Deploys is the supervisor of the workspace's specs/ (or a remote one); nil means there is
	// none (the Deploys tab says so).
	Deploys deploys.Backend
	// TakeOver starts a supervisor in this process in place of a followed `podium supervise`
	// that stopped, for the Deploys tab to use instead; nil when that is not possible.
	TakeOver func(ctx context.Context) (deploys.Backend, error)
	// Pipelines runs the workspace's pipelines/<name>.yml and reads their runs; nil means there
	// are none (the Pipelines tab says so). cmd/tui serves it from backend/pipeline.
	Pipelines pipelines.Backend
	// WatchDir is the workspace whose pods/, config/, podium.yml and pipelines/ the TUI
	// follows while it runs; "" follows nothing.
	WatchDir string
	// Watcher is the process's one file watcher, which the TUI's follows through; nil makes
	// one for the TUI alone.
	Watcher *watch.Hub
	// ApplyOnChange brings up what a file change made drift, without a key (podium --watch).
	ApplyOnChange bool
	// StatusTTL and ErrorStatusTTL are how long a footer message and a footer error stay; zero
	// means the defaults (StatusTTL, ErrorStatusTTL).
	StatusTTL, ErrorStatusTTL time.Duration
}

// Root is the program's model: the header with its tab bar, the help screen, the palette and
// quitting, around the tabs (Pods, Deploys, Pipelines, Containers), which it holds behind the
// common.Tab interface in tab-bar order and never tells apart.
type Root struct {
	cfg    Config
	km     keymap.Keymap
	theme  views.Theme
	now    func() time.Time
	ctx    context.Context
	cancel context.CancelFunc

	tabs       []common.Tab  // in the tab bar's order
	tab        int           // the index in tabs of the tab on screen
	tabChosen  bool          // the user picked a tab, so the first load of the workspace no longer does
	start      tea.Cmd       // what showing the first tab started (its countdowns), for Init to run
	status     docker.Status // the index, as the header shows it
	width      int
	height     int
	help       bool
	helpScroll int
	palette    palette.Palette // the command palette, while palette.open
	quitting   bool
	tasks      tasks.List    // background actions, for the footer
	split      views.Split   // the list/detail split, the same on every tab (zoom is each tab's)
	files      liveFiles     // the workspace's files, followed
	errs       errs.Model    // the recent errors, and the errors screen (`!`, a text opened in full)
	shown      []shownStatus // each tab's footer message as last seen, to time it out
	filesErrAt []time.Time   // each tab's newest file error listed (common.FileErrorer)
	statusSeq  int           // the turn of the newest footer message
	clock      *statusClock  // times the footer messages out
}

// New builds the root model. It subscribes to the backend's index (and the supervisor's
// events) at once, so no change between New and the first frame is missed; run it with
// tea.NewProgram(m).Run(). With a pods.Backend it starts on the Pods tab while the workspace
// loads, and moves to Deploys (when the supervisor has services) or Containers if the load
// fails or finds no pods; without one it starts on Deploys when there are services.
func New(cfg Config) Root {
	if cfg.Backend == nil {
		cfg.Backend = engine.None{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := common.New(ctx, views.NewTheme(cfg.NoColor), cfg.Keymap, cfg.Now)
	// The tabs, one package each, built apart so that each can change alone.
	containers := containers.New(containers.Deps{Common: c, Backend: cfg.Backend})

	snap := containers.Snapshot()

	pods := pods.New(pods.Deps{Common: c, Pods: cfg.Pods, Backend: cfg.Backend,
		Workspace: cfg.Workspace, Snapshot: snap, AutoApply: cfg.ApplyOnChange})

	deploysTab := deploys.New(deploys.Deps{Common: c, Deploys: cfg.Deploys, Backend: cfg.Backend,
		Snapshot: snap, TakeOver: cfg.TakeOver})

	pipes := pipelines.New(pipelines.Deps{Common: c, Pipelines: cfg.Pipelines})

	r := Root{
		cfg: cfg, km: c.Keys, theme: c.Theme, now: c.Now, ctx: ctx, cancel: cancel,
		status: snap.Status, tasks: tasks.NewList(), clock: newStatusClock(), files: liveFiles{root: cfg.WatchDir, hub: cfg.Watcher},
		tabs: []common.Tab{pods, deploysTab, pipes, containers}, // the tab bar's order
	}
	r.start = r.setTab(r.landing())
	return r
}

// landing is the tab to show when the user has not picked one: the first in tab-bar order that
// wants to be landed on (Pods while the workspace loads or when it has pods, else Deploys when
// the supervisor has services, else Containers).
func (r Root) landing() int {
	for i, t := range r.tabs {
		if t.Landing() {
			return i
		}
	}
	return len(r.tabs) - 1
}

// setTab puts a tab on screen and tells every tab whether it is shown: the Deploys tab's
// countdowns tick, and the Containers tab's stats stream, only while it is.
func (r *Root) setTab(i int) tea.Cmd {
	r.tab = i
	return r.each(func(j int, t common.Tab) (common.Tab, tea.Cmd) { return t.SetShown(j == i) })
}

// each replaces every tab by what f makes of it, in a copy of the slice so that earlier
// copies of the root keep theirs, and batches the commands.
func (r *Root) each(f func(i int, t common.Tab) (common.Tab, tea.Cmd)) tea.Cmd {
	tabs := make([]common.Tab, len(r.tabs))
	cmds := make([]tea.Cmd, len(r.tabs))
	for i, t := range r.tabs {
		tabs[i], cmds[i] = f(i, t)
	}
	r.tabs = tabs
	return tea.Batch(cmds...)
}

// on replaces the tab on screen by what f makes of it.
func (r *Root) on(f func(t common.Tab) (common.Tab, tea.Cmd)) tea.Cmd {
	tabs := slices.Clone(r.tabs)
	var cmd tea.Cmd
	tabs[r.tab], cmd = f(tabs[r.tab])
	r.tabs = tabs
	return cmd
}

// broadcast hands a message to every tab; each takes what is its own.
func (r *Root) broadcast(msg tea.Msg) tea.Cmd {
	return r.each(func(_ int, t common.Tab) (common.Tab, tea.Cmd) { return t.Update(msg) })
}

// Init starts the tabs' watchers and loads the workspace.
func (r Root) Init() tea.Cmd {
	cmds := []tea.Cmd{r.start}
	for _, t := range r.tabs {
		cmds = append(cmds, t.Init())
	}
	return tea.Batch(append(cmds, tea.RequestBackgroundColor, r.files.start(r.ctx), r.clock.wait(r.ctx))...)
}

// Update handles a message (update), then starts the footer's spinner if background work
// has begun: the spinner's ticks stop by themselves once nothing runs. A key press only
// starts work; the spinner starts with the first message that work sends (its start, its
// progress), so a key's reply is the action alone.
func (r Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.update(msg)
	rr, ok := m.(Root)
	if !ok {
		return m, cmd
	}
	rr.watchStatus()
	if _, key := msg.(tea.KeyPressMsg); key {
		return rr, cmd
	}
	spin := rr.tasks.EnsureSpin(rr.busy)
	return rr, tea.Batch(cmd, spin)
}

// busy says background work is on its way: the root's tasks or a tab's.
func (r Root) busy() bool {
	if r.tasks.Busy() {
		return true
	}
	for _, t := range r.tabs {
		if len(t.Tasks()) > 0 {
			return true
		}
	}
	return false
}

// update handles window size, quit, help and the tabs. Keys (and pastes) go to the tab on
// screen; every other message goes to every tab, and each takes what is its own (by id).
func (r Root) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tasks.StartedMsg:
		return r, r.tasks.Start(msg)
	case tasks.EndedMsg:
		result := r.tasks.End(msg)
		if result == nil {
			return r, nil
		}
		return r.update(result)
	case spinner.TickMsg:
		return r, r.tasks.Tick(msg, r.busy())
	case statusExpiredMsg:
		r.expireStatus(msg)
		return r, r.clock.wait(r.ctx)
	case common.ErrorMsg:
		r.onError(msg)
		return r, nil
	case common.ShowTextMsg:
		r.showText(msg)
		return r, nil
	case tea.BackgroundColorMsg:
		r.setTheme(views.NewThemeFor(r.cfg.NoColor, msg.IsDark()))
		return r, nil
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		cmd := r.each(func(_ int, t common.Tab) (common.Tab, tea.Cmd) {
			return t.SetSize(r.width, max(r.height-headerHeight, 0))
		})
		r.clampHelp()
		return r, cmd
	case tea.KeyPressMsg:
		switch {
		case r.palette.Open:
			return r.paletteKey(msg)
		case r.help:
			return r.helpKey(r.km.Resolve(keymap.CtxHelp, msg.String()))
		case r.errs.Open():
			return r.errorsKey(r.km.Resolve(keymap.CtxErrors, msg.String()))
		}
		if m, cmd, ok := r.global(r.km.Resolve(r.context(), msg.String())); ok {
			return m, cmd
		}
		return r.toTab(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		p, ok := common.NewPointer(msg, headerHeight)
		switch {
		case !ok || r.palette.Open:
			return r, nil
		case r.help || r.errs.Open():
			return r.overlayWheel(p)
		}
		cmd := r.on(func(t common.Tab) (common.Tab, tea.Cmd) { return t.Mouse(p) })
		return r, cmd
	case tea.PasteMsg:
		if r.palette.Open {
			r.palette.SetQuery(r.palette.Query + strings.Join(strings.Fields(msg.Content), " "))
			return r, nil
		}
		return r.toTab(msg)
	case common.ContainersChangedMsg:
		r.status = msg.Snap.Status
	case liveFilesMsg:
		return r.onFiles(msg)
	}
	cmd := r.broadcast(msg)
	if s, ok := msg.(common.Settler); ok && s.Settles() && !r.tabChosen {
		cmd = tea.Batch(cmd, r.setTab(r.landing()))
	}
	return r, cmd
}

// overlayWheel scrolls the help or the errors screen by a line a wheel notch, as the panes
// under them scroll.
func (r Root) overlayWheel(p common.Pointer) (tea.Model, tea.Cmd) {
	a := keymap.Down
	switch {
	case p.Wheel == 0:
		return r, nil
	case p.Wheel < 0:
		a = keymap.Up
	}
	if r.help {
		return r.helpKey(a)
	}
	return r.errorsKey(a)
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
		r.palette = palette.New(r.km, r.context())
	case keymap.Errors:
		r.errs.OpenList()
	case keymap.Zoom:
		s := r.split
		s.Zoom = !r.tabs[r.tab].Zoomed()
		cmd = r.on(func(t common.Tab) (common.Tab, tea.Cmd) { return t.SetSplit(s) })
	case keymap.SplitGrow:
		r.split = r.split.Grow(views.SplitStep)
		cmd = r.applySplit()
	case keymap.SplitShrink:
		r.split = r.split.Grow(-views.SplitStep)
		cmd = r.applySplit()
	default:
		i := slices.IndexFunc(r.tabs, func(t common.Tab) bool { return t.Action() == a })
		if i < 0 {
			return r, nil, false
		}
		r.tabChosen = true
		cmd = r.setTab(i)
	}
	return r, cmd, true
}

// toTab hands a message to the tab on screen.
func (r Root) toTab(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := r.on(func(t common.Tab) (common.Tab, tea.Cmd) { return t.Update(msg) })
	return r, cmd
}

// context is the key context of the tab on screen.
func (r Root) context() keymap.Context { return r.tabs[r.tab].Context() }

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
	case keymap.Top:
		r.helpScroll = 0
	case keymap.Bottom:
		r.helpScroll = r.helpMost()
	case keymap.PageUp:
		r.helpScroll -= r.helpRows()
	case keymap.PageDown:
		r.helpScroll += r.helpRows()
	}
	r.clampHelp()
	return r, nil
}

// helpRows is how many lines of the help body the screen shows (under its rule, above the
// footer); helpMost is the farthest it scrolls.
func (r Root) helpRows() int { return max(r.height-headerHeight-2, 0) }
func (r Root) helpMost() int {
	return max(views.HelpHeight(r.theme, r.helpSections(), r.width)-r.helpRows(), 0)
}

func (r *Root) clampHelp() { r.helpScroll = min(max(r.helpScroll, 0), r.helpMost()) }

// quit stops every stream and watcher, then ends the program. Containers keep running.
// The context goes before the tabs close: cancelling a subscription closes its channel, which
// must not look like the supervisor ending the stream (the Deploys tab would subscribe again).
func (r Root) quit() (tea.Model, tea.Cmd) {
	r.quitting = true
	r.cancel()
	for _, t := range r.tabs {
		t.Close()
	}
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
	target := ""
	tabs := make([]views.Tab, 0, len(r.tabs))
	var work []views.Task
	for i, t := range r.tabs {
		tabs = append(tabs, views.Tab{Key: r.tabKey(t.Action()), Title: t.Title(), Active: i == r.tab, Alerts: t.Alerts()})
		work = append(work, t.Tasks()...)
		if tt, ok := t.(common.Targeted); ok && target == "" {
			target = tt.Target()
		}
	}
	header := views.Header(r.theme, views.HeaderData{
		Tabs:      tabs,
		Workspace: r.cfg.Workspace, Target: target, Endpoint: r.cfg.Endpoint,
		ServerVersion: r.cfg.ServerVersion, API: r.cfg.API,
		Status: r.status, Now: r.now(),
	}, r.width)
	var body string
	switch {
	case r.errs.Open():
		body = r.errs.View(r.theme, r.km, r.now(), r.width, max(r.height-headerHeight, 0))
	case r.help:
		h := max(r.height-headerHeight-1, 0)
		body = views.Help(r.theme, r.helpSections(), r.width, h, r.helpScroll) + "\n" +
			views.Footer(r.theme, r.km.Hints(keymap.CtxHelp), views.Status{}, r.width)
	default:
		// The footer of the tab on screen shows the app's background work.
		busy := views.TasksText(r.theme, r.tasks.View(work), r.tasks.Frame(), r.now(), r.width)
		body = r.tabs[r.tab].Draw(busy)
	}
	if r.palette.Open {
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

// keySections are the help screen's key sections for the tab on screen: the global keys, the
// tab's own, the help screen's.
func (r Root) keySections() []keymap.HelpSection {
	ctxs := append(append([]keymap.Context{keymap.CtxGlobal}, r.tabs[r.tab].HelpContexts()...), keymap.CtxErrors, keymap.CtxHelp)
	return r.km.Help(ctxs...)
}

// tabKey is the key shown for a tab in the tab bar: the first one bound to its action.
func (r Root) tabKey(a keymap.Action) string {
	if ks := r.km.Keys(keymap.CtxGlobal, a); len(ks) > 0 {
		return keymap.KeyName(ks[0])
	}
	return ""
}

func splitLines(s string) []string { return strings.Split(s, "\n") }

// applySplit hands the split to every tab, so switching tabs keeps it; each keeps its zoom.
func (r *Root) applySplit() tea.Cmd {
	return r.each(func(_ int, t common.Tab) (common.Tab, tea.Cmd) {
		s := r.split
		s.Zoom = t.Zoomed()
		return t.SetSplit(s)
	})
}

// setTheme switches every tab to t: the terminal told its background after the first frame.
func (r *Root) setTheme(t views.Theme) {
	r.theme = t
	r.each(func(_ int, tab common.Tab) (common.Tab, tea.Cmd) { return tab.SetTheme(t), nil })
}
