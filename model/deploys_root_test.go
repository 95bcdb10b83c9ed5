package model

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/deploys"
	"github.com/podiumdev/podium/model/modeltest"
)

// The Deploys tab under the root: the tests of what only the whole screen shows (the tab bar,
// landing, help, the banners' golden screens). The tab's own tests are in model/deploys.

// fakeDeploys is the fake supervisor, serving modeltest.DeploysFixture.
type fakeDeploys = modeltest.Deploys

func newFakeDeploys() *fakeDeploys { return modeltest.NewDeploys(testNow()) }

// newDeploysRoot builds a root with a supervisor (and no workspace) at a size; the clock is
// now, or testNow when nil.
func newDeploysRoot(t *testing.T, fd deploys.Backend, fb *modeltest.Containers, now func() time.Time, w, h int) Root {
	t.Helper()
	return newDeploysRootWith(t, Config{Backend: fb, Deploys: fd, Now: now}, w, h)
}

// newDeploysRootWith builds a root from cfg at a size, with the fixture's workspace and engine
// and, when cfg has none, the fake containers backend (with the deploy's containers) and testNow.
func newDeploysRootWith(t *testing.T, cfg Config, w, h int) Root {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = testNow
	}
	if cfg.Backend == nil || cfg.Backend == (*modeltest.Containers)(nil) {
		fb := newFake()
		cs := append(fixture(), modeltest.DeployContainers(testNow())...)
		docker.SortContainers(cs)
		fb.Snap = connected(cs)
		cfg.Backend = fb
	}
	cfg.Workspace, cfg.Endpoint, cfg.ServerVersion, cfg.API = "~/src/shop", "unix:///var/run/docker.sock", "20.10.24", "1.41"
	r := New(cfg)
	t.Cleanup(func() { r.containers().Close(); r.deploys().Close(); r.cancel() })
	return update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
}

// webSpec is specs/web.yml as the user wrote it, for the Spec sub-tab's golden screen.
const webSpec = `name: web
image: ghcr.io/acme/web:4.1.0
ports: ["8080:8080"]
health:
  cmd: wget -qO- http://localhost:8080/healthz
deploy: [After, 12]
`

// goneDeploys is a fake supervisor followed in another process, with whether it is gone.
type goneDeploys struct {
	*fakeDeploys
	mu     sync.Mutex
	follow deploys.FollowState
}

func (g *goneDeploys) FollowState() deploys.FollowState {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.follow
}

func (g *goneDeploys) setGone(gone bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.follow.Gone = gone
	if gone {
		g.follow.Err, g.follow.Since = "event stream http://127.0.0.1:7070/v1/events ended: the supervisor closed it", testNow()
	}
}

func newGoneDeploys() *goneDeploys {
	g := &goneDeploys{fakeDeploys: newFakeDeploys(), follow: deploys.FollowState{URL: "http://127.0.0.1:7070"}}
	g.setGone(true)
	return g
}

func unknownFixture() []supervisor.ServiceStatus { return modeltest.UnknownDeploysFixture(testNow()) }

// bannerCases are the four conditions the banner reports, with what the fake says.
var bannerCases = modeltest.DeploysBanners(testNow())

func deploysFixture() []supervisor.ServiceStatus { return modeltest.DeploysFixture(testNow()) }

// selectService moves the Deploys tab's cursor to the service name.
func selectService(t *testing.T, r Root, name string) Root {
	t.Helper()
	r, _ = press(t, r, "g")
	for range len(modeltest.DeploysFixture(testNow())) + 1 {
		if s, ok := r.deploys().Selected(); ok && s.Name == name {
			return r
		}
		r, _ = press(t, r, "j")
	}
	t.Fatalf("no service %q", name)
	return r
}

// deploysSubTab presses ] until the Deploys tab's detail shows the sub-tab called title.
func deploysSubTab(t *testing.T, r Root, title string) Root {
	t.Helper()
	for range 8 {
		if r.deploys().DetailTitle() == title {
			return r
		}
		r, _ = press(t, r, "]")
	}
	t.Fatalf("no sub-tab %s", title)
	return r
}

// specReadIn runs the Deploys tab's spec read under way in dir, then comes back: golden files
// are found relative to the package's directory.
func specReadIn(t *testing.T, r Root, dir string) Root {
	t.Helper()
	read := r.deploys().SpecRead()
	if read == nil {
		t.Fatal("no spec read under way")
	}
	back, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(back); err != nil {
			t.Fatal(err)
		}
	}()
	return update(t, r, runCmd(t, read))
}

// specDir makes a directory with specs/web.yml (the Spec golden screen's file).
func specDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "specs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "specs", "web.yml"), []byte(webSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDeploysNoSupervisor(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
	if r.tab != tabContainers {
		t.Fatal("no workspace and no supervisor, but not on Containers")
	}
	r, cmd := press(t, r, "2")
	if r.tab != tabDeploys || cmd != nil {
		t.Fatalf("2: tab %v", r.tab)
	}
	s := strings.Join(strings.Fields(screen(r)), " ")
	for _, want := range []string{"No supervisor: add spec files under specs/ in the workspace, or run `podium --remote URL`",
		"The Containers tab (4) works without one.", "[2 Deploys]"} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %q:\n%s", want, screen(r))
		}
	}
	checkFits(t, screen(r), 80, 24)
	r, cmd = press(t, r, "j", "r", "b", "p", "x", "l", "/", "esc")
	if cmd != nil || r.deploys().Context() != keymap.CtxDeploys {
		t.Fatal("keys did something without a supervisor")
	}
	r, _ = press(t, r, "4", "j")
	if selectedName(r) != "blog-web-1" {
		t.Fatalf("Containers tab: selected %q", selectedName(r))
	}
}

func TestDeploysLandingTab(t *testing.T) {
	f := newFakeDeploys()
	// A workspace without pods: the first load moves to Deploys, which has services.
	fp, _ := newShop(t)
	empty := *fp.WS
	empty.Pods = nil
	r := New(Config{Backend: newFake(), Pods: &fakePods{WS: &empty}, Deploys: f, Now: testNow})
	t.Cleanup(func() { r.containers().Close(); r.deploys().Close(); r.cancel() })
	r = update(t, r, tea.WindowSizeMsg{Width: 80, Height: 24})
	if r.tab != tabPods {
		t.Fatal("not on Pods while the workspace loads")
	}
	m, cmd := r.Update(runCmd(t, r.pods().Init()))
	r = m.(Root)
	if r.tab != tabDeploys || cmd == nil {
		t.Fatalf("after the load: tab %v (a tick armed: %v)", r.tab, cmd != nil)
	}
	// A supervisor with no services leaves the TUI on Containers.
	r = newDeploysRoot(t, &modeltest.Deploys{Events: make(chan supervisor.Event)}, nil, nil, 80, 24)
	if r.tab != tabContainers {
		t.Fatal("no services, but not on Containers")
	}
	r, _ = press(t, r, "2")
	if !strings.Contains(screen(r), "no services: add spec files under specs/") {
		t.Fatalf("empty supervisor:\n%s", screen(r))
	}
}

func TestDeploysHelp(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 160, 50)
	r, _ = press(t, r, "?")
	s := screen(r)
	for _, want := range []string{"Deploys", "r              restart: redeploy (asks first)", "b              roll back a revision (asks first)",
		"p              pause or resume its deploys", "⏎/x            shell in its first container", "2              Deploys tab", "Confirm"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "remove the container") || strings.Contains(s, "bring up") {
		t.Error("the Deploys tab's help lists another tab's keys")
	}
}

// bannerRoot is the Deploys golden screen's state with the supervisor in one of bannerCases.
func bannerRoot(t *testing.T, i, w, h int) Root {
	c := modeltest.DeploysBanners(testNow())[i] // fresh: the fake may change its services
	g := newGoneDeploys()
	g.setGone(c.Gone)
	g.Services = c.States
	g.SetHealth(c.Health)
	takeOver := func(context.Context) (deploys.Backend, error) { return newFakeDeploys(), nil }
	r := newDeploysRootWith(t, Config{Deploys: g, TakeOver: takeOver}, w, h)
	r = selectService(t, r, "web")
	if s := r.deploys().LogStream(); s != nil {
		r = update(t, r, s.LinesMsg(deployLogs()))
	}
	return r
}

// TestGoldenDeploysBanners compares the Deploys tab under each banner with
// testdata/TestGoldenDeploysBanners/*.golden. Regenerate with:
// go test ./model -run TestGoldenDeploysBanners -update
func TestGoldenDeploysBanners(t *testing.T) {
	for i, c := range bannerCases {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s-%dx%d", c.Name, sz[0], sz[1]), func(t *testing.T) {
				requireGolden(t, bannerRoot(t, i, sz[0], sz[1]), sz[0], sz[1])
			})
		}
	}
}

// flatten lists the commands of a batch, and of the batches in it (running each batch
// command, which does not block).
func flatten(t *testing.T, cmd tea.Cmd) []tea.Cmd {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := runCmd(t, cmd)
	b, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Cmd{func() tea.Msg { return msg }}
	}
	var out []tea.Cmd
	for _, c := range b {
		out = append(out, flatten(t, c)...)
	}
	return out
}

// TestLegendHasUnknown: the help's state legend explains Unknown, the state of a service a
// supervisor has not confirmed with its engine.
func TestLegendHasUnknown(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	found := false
	for _, row := range stateLegend(r.theme).Rows {
		found = found || row.Keys == "?" && strings.HasPrefix(row.Desc, "unknown")
	}
	if !found {
		t.Fatal("the legend has no Unknown")
	}
}

// TestDeploysTabBar: a supervisor with services and no workspace opens on the Deploys tab,
// and the tab bar counts its alerts (billing's failed deploy, search's spec error).
func TestDeploysTabBar(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 140, 40)
	if r.tab != tabDeploys {
		t.Fatal("a supervisor with services and no workspace did not open on the Deploys tab")
	}
	if head := strings.Split(screen(r), "\n")[0]; !strings.Contains(head, "1 Pods     [2 Deploys] ✖2  3 Pipelines      4 Containers ✖2") {
		t.Errorf("tab bar: %q", head)
	}
}
