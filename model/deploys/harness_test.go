package deploys

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/views"
)

// The supervisor serves the Deploys tab as it is, and so does the tests' fake.
var (
	_ Backend = deployapi.Controller(nil)
	_ Backend = (*modeltest.Deploys)(nil)
)

// The fake supervisor and its fixture (modeltest's), under the names the tests use.
type fakeDeploys = modeltest.Deploys

var tr, sc = modeltest.Tr, modeltest.SC

func testNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

func newFakeDeploys() *fakeDeploys               { return modeltest.NewDeploys(testNow()) }
func deploysFixture() []supervisor.ServiceStatus { return modeltest.DeploysFixture(testNow()) }
func deployContainers() []docker.Container       { return modeltest.DeployContainers(testNow()) }
func connected(cs []docker.Container) docker.Snapshot {
	return docker.Snapshot{Containers: cs, Status: docker.Status{State: docker.Connected, Since: testNow().Add(-time.Hour)}, Version: 1}
}

// The tab's place in the root's tab bar, and another's, for the keys that switch tabs.
const (
	tabDeploys = iota + 1
	tabContainers
)

// headerHeight is the root's header above the tab: the harness gives the tab what the root
// would, so the tab's screens are those of the whole-root tests below the header.
const headerHeight = 2

// Root is the test harness: the Deploys tab on its own, driven as the root drives it. Keys go
// to the tab unless they are the root's (quit, zoom, the tab keys: "2" shows the tab, another
// tab key hides it); every other message goes to the tab; commands are run by the tests.
type Root struct {
	tab      int     // tabDeploys when the tab is on screen
	start    tea.Cmd // what the root's first setTab would start (the tab shown)
	quitting bool
	m        common.Tab
	cancel   context.CancelFunc
}

// newDeploysRoot builds the tab over a supervisor (and a containers backend, the fixture's
// deploy containers when nil) at a screen size; the clock is now, or testNow when nil.
func newDeploysRoot(t *testing.T, fd Backend, fb *modeltest.Containers, now func() time.Time, w, h int) Root {
	t.Helper()
	return newDeploysRootIn(t, fd, fb, now, views.NewTheme(false), w, h)
}

// newDeploysEngine is the fake containers backend with the deploy's containers.
func newDeploysEngine() *modeltest.Containers {
	cs := deployContainers()
	docker.SortContainers(cs)
	return modeltest.NewContainers(connected(cs))
}

// newDeploysRootIn is newDeploysRoot in a theme (the no-colour one, say).
func newDeploysRootIn(t *testing.T, fd Backend, fb *modeltest.Containers, now func() time.Time, theme views.Theme, w, h int) Root {
	t.Helper()
	if now == nil {
		now = testNow
	}
	if fb == nil {
		fb = newDeploysEngine()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := common.New(ctx, theme, keymap.Keymap{}, now)
	m := New(Deps{Common: c, Deploys: fd, Backend: fb, Snapshot: fb.Snapshot()})
	r := Root{m: m, cancel: cancel, tab: tabContainers}
	if m.Landing() {
		r.tab = tabDeploys
	}
	r.m, r.start = r.m.SetShown(r.tab == tabDeploys)
	t.Cleanup(func() { r.m.Close(); cancel() })
	return update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
}

// deploys is a typed copy of the tab, for tests that look inside it.
func (r Root) deploys() *Model { m := r.m.(Model); return &m }

func (r Root) Init() tea.Cmd { return r.m.Init() }

func (r Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.m, cmd = r.m.SetSize(msg.Width, max(msg.Height-headerHeight, 0))
		return r, cmd
	case tea.KeyPressMsg:
		km := r.deploys().Keys
		switch a := km.Resolve(r.m.Context(), msg.String()); a {
		case keymap.Quit:
			r.quitting = true
			r.m.Close()
			r.cancel()
			return r, tea.Quit
		case keymap.Zoom:
			s := r.deploys().list.Split
			s.Zoom = !r.m.Zoomed()
			r.m, cmd = r.m.SetSplit(s)
			return r, cmd
		case keymap.TabDeploys:
			r.tab = tabDeploys
			r.m, cmd = r.m.SetShown(true)
			return r, cmd
		case keymap.TabPods, keymap.TabPipelines, keymap.TabContainers:
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

// selectService moves the Deploys tab's cursor to the service name.
func selectService(t *testing.T, r Root, name string) Root {
	t.Helper()
	r, _ = press(t, r, "g")
	for range len(r.deploys().list.Rows) {
		if s, ok := r.deploys().Selected(); ok && s.Name == name {
			return r
		}
		r, _ = press(t, r, "j")
	}
	t.Fatalf("no service %q", name)
	return r
}

// deployEvents delivers events to the Deploys tab as its subscription does.
func deployEvents(t *testing.T, r Root, f *fakeDeploys, events ...supervisor.Event) Root {
	t.Helper()
	for _, e := range events {
		f.Events <- e
	}
	return update(t, r, runCmd(t, r.deploys().watch()))
}

// withTab is r with the tab changed by f (a test's setup reaching into the tab).
func withTab(r Root, _ int, f func(*Model)) Root {
	m := r.m.(Model)
	f(&m)
	r.m = m
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

// bannerRoot is the Deploys golden screen's state with the supervisor in one of bannerCases.
func bannerRoot(t *testing.T, i, w, h int) Root {
	c := modeltest.DeploysBanners(testNow())[i] // fresh: the fake may change its services
	g := newGoneDeploys()
	g.setGone(c.Gone)
	g.Services = c.States
	g.SetHealth(c.Health)
	r := newDeploysRoot(t, g, nil, nil, w, h)
	r = withTab(r, tabDeploys, func(d *Model) {
		d.takeOver = func(context.Context) (Backend, error) { return newFakeDeploys(), nil }
	})
	return selectService(t, r, "web")
}
