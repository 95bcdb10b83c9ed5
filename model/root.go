package model

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// headerHeight is the number of lines the root's header takes.
const headerHeight = 2

// Config is what cmd/tui knows when it starts the TUI.
type Config struct {
	Backend       Backend // required; NewEngineBackend for a real engine
	Workspace     string  // shown in the header as given
	Endpoint      string  // the engine's address, e.g. unix:///var/run/docker.sock
	ServerVersion string  // the engine's release, e.g. 20.10.24
	API           string  // the negotiated API version, e.g. 1.41
	NoColor       bool    // NO_COLOR or a flag: meaning carried by glyphs and words alone
	// Now is the clock for ages and durations; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Keymap is the key bindings; a zero value means keymap.Default().
	Keymap keymap.Keymap
}

// Root is the program's model: the header, the help screen and quitting, around the tabs.
// Today there is one tab, Containers.
type Root struct {
	cfg    Config
	km     keymap.Keymap
	theme  views.Theme
	now    func() time.Time
	ctx    context.Context
	cancel context.CancelFunc

	containers Containers
	width      int
	height     int
	help       bool
	helpScroll int
	quitting   bool
}

// New builds the root model. It subscribes to the backend's index at once, so no change
// between New and the first frame is missed; run it with tea.NewProgram(m).Run().
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
	return Root{
		cfg: cfg, km: km, theme: theme, now: now, ctx: ctx, cancel: cancel,
		containers: NewContainers(ContainersDeps{Ctx: ctx, Backend: cfg.Backend, Keymap: km, Theme: theme, Now: now}),
	}
}

// Init starts the tabs' watchers.
func (r Root) Init() tea.Cmd { return r.containers.Init() }

// Update handles window size, quit and help, and hands everything else to the tab.
func (r Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.containers.SetSize(r.width, max(r.height-headerHeight, 0))
		r.clampHelp()
		return r, nil
	case tea.KeyPressMsg:
		if r.help {
			return r.helpKey(r.km.Resolve(keymap.CtxHelp, msg.String()))
		}
		switch r.km.Resolve(r.containers.Context(), msg.String()) {
		case keymap.Quit:
			return r.quit()
		case keymap.Help:
			r.help, r.helpScroll = true, 0
			return r, nil
		}
	}
	var cmd tea.Cmd
	r.containers, cmd = r.containers.Update(msg)
	return r, cmd
}

func (r Root) helpKey(a keymap.Action) (tea.Model, tea.Cmd) {
	switch a {
	case keymap.Quit:
		return r.quit()
	case keymap.Cancel, keymap.Help:
		r.help = false
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
	most := max(views.HelpHeight(r.theme, r.km.Help(), r.width)-rows, 0)
	r.helpScroll = min(max(r.helpScroll, 0), most)
}

// quit stops every stream and watcher, then ends the program. Containers keep running.
func (r Root) quit() (tea.Model, tea.Cmd) {
	r.quitting = true
	r.containers.Close()
	r.cancel()
	return r, tea.Quit
}

// View draws the header and the tab, or the help screen, in the alternate screen.
func (r Root) View() tea.View {
	v := tea.NewView(r.render())
	v.AltScreen = true
	v.WindowTitle = "podium"
	return v
}

// render is the screen as text: exactly height lines, none wider than width.
func (r Root) render() string {
	if r.width <= 0 || r.height <= 0 {
		return ""
	}
	snap := r.containers.Snapshot()
	header := views.Header(r.theme, views.HeaderData{
		Workspace: r.cfg.Workspace, Endpoint: r.cfg.Endpoint,
		ServerVersion: r.cfg.ServerVersion, API: r.cfg.API,
		Status: snap.Status, Now: r.now(),
	}, r.width)
	var body string
	if r.help {
		h := max(r.height-headerHeight-1, 0)
		body = views.Help(r.theme, r.km.Help(), r.width, h, r.helpScroll) + "\n" +
			views.Footer(r.theme, r.km.Hints(keymap.CtxHelp), views.Status{}, r.width)
	} else {
		body = r.containers.View()
	}
	lines := splitLines(header + "\n" + body)
	return views.Block(lines, r.width, r.height)
}

func splitLines(s string) []string { return strings.Split(s, "\n") }
