package pods

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/model/tasks"
	"github.com/podiumdev/podium/views"
)

// The tests' fake serves the Pods tab as the real backend does.
var _ Backend = (*modeltest.Pods)(nil)

// The fake pods backend and the fixture workspace "shop" (modeltest's), under the names the
// tests use.
type fakePods = modeltest.Pods

func testNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

func loadShop(t *testing.T) *pods.Workspace       { return modeltest.LoadShop(t) }
func hashes(ws *pods.Workspace) map[string]string { return modeltest.Hashes(ws) }
func shopContainers(ws *pods.Workspace) []docker.Container {
	return modeltest.ShopContainers(ws, testNow())
}

func connected(cs []docker.Container) docker.Snapshot {
	return docker.Snapshot{Containers: cs, Status: docker.Status{State: docker.Connected, Since: testNow().Add(-time.Hour)}, Version: 1}
}

// newFake is an engine backend with no containers of the workspace's.
func newFake() *modeltest.Containers { return modeltest.NewContainers(connected(nil)) }

// newShop is the fixture: the workspace, a pods backend serving it, and an engine backend
// whose index holds the workspace's containers.
func newShop(t *testing.T) (*fakePods, *modeltest.Containers) {
	t.Helper()
	ws := loadShop(t)
	return modeltest.NewPods(ws), modeltest.NewContainers(connected(shopContainers(ws)))
}

// The tab's place in the root's tab bar, and another's, for the keys that switch tabs.
const (
	tabPods = iota
	tabContainers
)

// headerHeight is the root's header above the tab: the harness gives the tab what the root
// would, so the tab's screens are those of the whole-root tests below the header.
const headerHeight = 2

// Root is the test harness: the Pods tab on its own, driven as the root drives it. Keys go to
// the tab unless they are the root's (quit, zoom, the tab keys: "1" shows the tab, another tab
// key hides it); the root's background tasks (tasks.StartedMsg, EndedMsg) are run as the root
// runs them; every other message goes to the tab; commands are run by the tests.
type Root struct {
	tab      int // tabPods when the tab is on screen
	quitting bool
	m        common.Tab
	cancel   context.CancelFunc
	tasks    tasks.List // the root's background tasks: a mount's, say
}

// config is what the root gives the tab (model.Config's part of it).
type config struct {
	Pods      Backend
	Backend   engine.Backend
	AutoApply bool
}

// newPodsRoot builds the tab over a pods backend and an engine backend at a screen size and
// runs the workspace's load, as the Program would on start.
func newPodsRoot(t *testing.T, fp Backend, fb *modeltest.Containers, w, h int) Root {
	t.Helper()
	return newPodsRootWith(t, config{Pods: fp, Backend: fb}, w, h)
}

// newPodsRootWith is newPodsRoot with more of the config.
func newPodsRootWith(t *testing.T, cfg config, w, h int) Root {
	t.Helper()
	r := newTab(t, cfg, w, h)
	if cfg.Pods != nil {
		r = update(t, r, runCmd(t, r.m.Init()))
	}
	return r
}

// newTab builds the tab without loading the workspace.
func newTab(t *testing.T, cfg config, w, h int) Root {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := common.New(ctx, views.NewTheme(false), keymap.Keymap{}, testNow)
	var snap docker.Snapshot
	if b, ok := cfg.Backend.(*modeltest.Containers); ok {
		snap = b.Snapshot()
	}
	m := New(Deps{Common: c, Pods: cfg.Pods, Backend: cfg.Backend, Workspace: "~/src/shop", Snapshot: snap, AutoApply: cfg.AutoApply})
	r := Root{m: m, cancel: cancel, tab: tabContainers, tasks: tasks.NewList()}
	if m.Landing() {
		r.tab = tabPods
	}
	r.m, _ = r.m.SetShown(r.tab == tabPods)
	t.Cleanup(func() { r.m.Close(); cancel() })
	return update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
}

// pods is a typed copy of the tab, for tests that look inside it.
func (r Root) pods() *Model { m := r.m.(Model); return &m }

func (r Root) Init() tea.Cmd { return r.m.Init() }

func (r Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tasks.StartedMsg: // the root's: it runs the tab's background tasks
		return r, r.tasks.Start(msg)
	case tasks.EndedMsg: // and hands their results to the tab
		result := r.tasks.End(msg)
		if result == nil {
			return r, nil
		}
		return r.Update(result)
	case tea.WindowSizeMsg:
		r.m, cmd = r.m.SetSize(msg.Width, max(msg.Height-headerHeight, 0))
		return r, cmd
	case tea.KeyPressMsg:
		km := r.pods().Keys
		switch a := km.Resolve(r.m.Context(), msg.String()); a {
		case keymap.Quit:
			r.quitting = true
			r.m.Close()
			r.cancel()
			return r, tea.Quit
		case keymap.Zoom:
			s := r.pods().list.Split
			s.Zoom = !r.m.Zoomed()
			r.m, cmd = r.m.SetSplit(s)
			return r, cmd
		case keymap.TabPods:
			r.tab = tabPods
			r.m, cmd = r.m.SetShown(true)
			return r, cmd
		case keymap.TabDeploys, keymap.TabPipelines, keymap.TabContainers:
			r.tab = tabContainers
			r.m, cmd = r.m.SetShown(false)
			return r, cmd
		}
	}
	r.m, cmd = r.m.Update(msg)
	return r, cmd
}

func (r Root) View() tea.View { return tea.NewView(r.m.View()) }

func update(t *testing.T, r Root, msg tea.Msg) Root {
	t.Helper()
	m, _ := r.Update(msg)
	return m.(Root)
}

// press sends keys by their Bubble Tea names ("j", "enter", "ctrl+d", "space").
func press(t *testing.T, r Root, keys ...string) (Root, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		var m tea.Model
		m, cmd = r.Update(keyMsg(k))
		r = m.(Root)
	}
	return r, cmd
}

func keyMsg(k string) tea.KeyPressMsg { return modeltest.Key(k) }

func typeText(t *testing.T, r Root, s string) Root {
	t.Helper()
	for _, c := range s {
		r, _ = press(t, r, string(c))
	}
	return r
}

// screen is the tab's view without colour.
func screen(r Root) string { return ansi.Strip(r.View().Content) }

// runCmd runs a command that should not block and returns its message.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg { t.Helper(); return modeltest.RunCmd(t, cmd) }

// flatten is the commands of a batch (and of batches in it), run to their messages.
func flatten(t *testing.T, cmd tea.Cmd) []tea.Cmd {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := runCmd(t, cmd)
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Cmd
		for _, c := range b {
			out = append(out, flatten(t, c)...)
		}
		return out
	}
	return []tea.Cmd{func() tea.Msg { return msg }}
}

// confirming says the tab asks a question (remove, down); confirmDetail is its detail line.
func confirming(r Root) bool { return r.pods().confirm != nil }

func confirmDetail(r Root) string {
	if c := r.pods().confirm; c != nil {
		return c.detail
	}
	return ""
}

// drifted says the service ("pod/service") drifted from its files.
func drifted(r Root, key string) bool { _, ok := r.pods().drifts[key]; return ok }

// selectRow moves the tab's cursor to the row with key ("frontend/web").
func selectRow(t *testing.T, r Root, key string) Root {
	t.Helper()
	r, _ = press(t, r, "g")
	for range len(r.pods().list.Rows) {
		if row, ok := r.pods().Selected(); ok && row.Key() == key {
			return r
		}
		r, _ = press(t, r, "j")
	}
	t.Fatalf("no row %q", key)
	return r
}

// checkFits checks that a screen of the root at w×h fits: the tab's part of it, under the
// root's header, is exactly as high as the rest and no line is wider than w.
func checkFits(t *testing.T, s string, w, h int) {
	t.Helper()
	h = max(h-headerHeight, 0)
	lines := strings.Split(s, "\n")
	if s == "" {
		lines = nil
	}
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, l)
		}
	}
}

func indexOf(lines []string, s string) int {
	return slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, s) })
}

// viewLines marks container output with the name of the container that wrote it ("" for none).
func viewLines(from string, lines ...docker.LogLine) []views.LogLine {
	out := make([]views.LogLine, len(lines))
	for i, l := range lines {
		out[i] = views.LogLine{LogLine: l, From: from}
	}
	return out
}
