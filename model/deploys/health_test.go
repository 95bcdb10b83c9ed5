package deploys

import (
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/model/palette"

	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
)

// goneDeploys is a fake supervisor followed in another process, with whether it is gone.
type goneDeploys struct {
	*fakeDeploys
	mu     sync.Mutex
	follow FollowState
}

func (g *goneDeploys) FollowState() FollowState {
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
	g := &goneDeploys{fakeDeploys: newFakeDeploys(), follow: FollowState{URL: "http://127.0.0.1:7070"}}
	g.setGone(true)
	return g
}

// lag tells the tab to re-read the backend, as a supervisor does when its health changes.
func lag(t *testing.T, r Root, f *fakeDeploys) Root {
	t.Helper()
	return deployEvents(t, r, f, supervisor.Event{Transition: supervisor.Transition{Cause: supervisor.CauseLagged}})
}

func unknownFixture() []supervisor.ServiceStatus { return modeltest.UnknownDeploysFixture(testNow()) }

// bannerCases are the four conditions the banner reports, with what the fake says.
var bannerCases = modeltest.DeploysBanners(testNow())

// TestDeploysBannerTellsTheTruth: each condition has its banner line under the header, and
// while the states are not confirmed no container is shown running or healthy, no countdown
// ticks and no deploy is a task; Unknown is not counted as failing.
func TestDeploysBannerTellsTheTruth(t *testing.T) {
	for i, c := range bannerCases {
		t.Run(c.Name, func(t *testing.T) {
			r := bannerRoot(t, i, 120, 40)
			lines := strings.Split(screen(r), "\n")
			if !strings.Contains(lines[0], c.Want) { // the first line under the root's header
				t.Fatalf("banner %q, want %q", lines[0], c.Want)
			}
			trusted := c.Name == "save-error"
			if r.deploys().trusted() != trusted {
				t.Fatalf("trusted %v", !trusted)
			}
			s := screen(r)
			web := serviceLine(t, r, "web")
			if trusted {
				if !strings.Contains(s, "up 23s") || !strings.Contains(web, "◐ WaitNext") {
					t.Fatalf("a trusted supervisor's containers are not shown running:\n%s", s)
				}
				return
			}
			if strings.Contains(s, "up 23s") || strings.Contains(s, "● healthy") || strings.Contains(web, "old stops in") {
				t.Fatalf("unconfirmed containers shown as facts:\n%s", s)
			}
			if !strings.Contains(web, "? ") || !strings.Contains(web, "?/1") || !strings.Contains(s, "? unconfirmed") {
				t.Fatalf("web is not shown unconfirmed: %q\n%s", web, s)
			}
			if r.deploys().counting() || len(r.deploys().Tasks()) > 0 {
				t.Fatal("countdowns or tasks run for unconfirmed states")
			}
			// billing (TryAgainNext) and search (a spec error) fail; Unknown does not add to them
			// (with the engine unreachable billing is Unknown: only search's spec error counts).
			want := 2
			if c.Name == "unreachable" {
				want = 1
			}
			if n := r.deploys().Alerts(); n != want {
				t.Fatalf("alerts %d, want %d", n, want)
			}
		})
	}
}

// TestDeploysHealthChangesByLagged: the supervisor's health changes come as events with no
// service; the banner comes and goes with them, and the list gives it its line.
func TestDeploysHealthChangesByLagged(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 120, 40)
	rows := r.deploys().list.Height
	if strings.Contains(screen(r), "engine") || r.deploys().bannerLines() != 0 {
		t.Fatalf("a banner with everything well:\n%s", screen(r))
	}
	f.SetHealth(supervisor.Health{Engine: supervisor.EngineUnreachable, EngineError: "connection refused"})
	r = lag(t, r, f)
	if l := strings.Split(screen(r), "\n")[0]; !strings.Contains(l, "✖ engine unreachable: connection refused — states not confirmed") {
		t.Fatalf("banner %q", l)
	}
	if r.deploys().list.Height != rows-1 {
		t.Fatalf("the list did not give the banner its line: %d of %d", r.deploys().list.Height, rows)
	}
	checkFits(t, screen(r), 120, 40)
	f.SetHealth(supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true})
	r = lag(t, r, f)
	if r.deploys().bannerLines() != 0 || r.deploys().list.Height != rows {
		t.Fatalf("the banner stayed:\n%s", screen(r))
	}
}

// TestDeploysUnknownState: a service the supervisor has not compared with the engine has its
// own glyph and word, in the list and the legend.
func TestDeploysUnknownState(t *testing.T) {
	f := newFakeDeploys()
	f.Services = unknownFixture()
	r := newDeploysRoot(t, f, nil, nil, 120, 40)
	if l := serviceLine(t, r, "api"); !strings.Contains(l, "? Unknown") || !strings.Contains(l, "?/2") {
		t.Fatalf("api: %q", l)
	}
	if n := r.deploys().Alerts(); n != 1 { // search's spec error
		t.Fatalf("alerts %d: Unknown counted as failing", n)
	}
}

// TestDeploysFollowedSupervisorStops: a `podium supervise` followed over its API stops; the
// end of its event stream reaches the tab within 2 s as a banner saying so, and no timer runs
// meanwhile.
func TestDeploysFollowedSupervisorStops(t *testing.T) {
	f := &remoteFake{
		status: map[string]supervisor.ServiceStatus{"web": {Name: "web", State: supervisor.WaitNext, Revision: 1, Next: 2,
			Desired: 1, Healthy: 1, Containers: []supervisor.ContainerStatus{
				sc("web-r1-1", 1, supervisor.RoleCurrent, "running", "healthy", testNow().Add(-time.Hour))}}},
		events: make(chan supervisor.Event, 4),
	}
	srv := httptest.NewServer(deployapi.NewHandler(f, ""))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := NewRemote(ctx, deployapi.NewClient(srv.URL, ""))
	r := newDeploysRoot(t, db, nil, nil, 120, 40)
	if r.deploys().bannerLines() != 0 || !strings.Contains(serviceLine(t, r, "web"), "◐ WaitNext") {
		t.Fatalf("a running supervisor is not trusted:\n%s", screen(r))
	}
	r = withTab(r, tabDeploys, func(d *Model) {
		d.takeOver = func(context.Context) (Backend, error) { return newFakeDeploys(), nil }
	})

	watch := r.deploys().watch()
	stopped := time.Now()
	// As a stopping supervisor does: no new connections first, then the open stream ends (the
	// other order let the client reconnect in between, and Close waited on that stream).
	_ = srv.Listener.Close()
	srv.CloseClientConnections()
	go srv.Close()
	msg := runCmd(t, watch) // fails the test if the stream's end is never seen
	r = update(t, r, msg)
	for !r.deploys().followed.Gone && time.Since(stopped) < modeltest.CmdGuard {
		r = update(t, r, runCmd(t, r.deploys().watch()))
	}
	want := "✖ supervisor at " + srv.URL + " stopped — press T to take over"
	if l := strings.Split(screen(r), "\n")[0]; !strings.Contains(l, want) {
		t.Fatalf("after %v the banner is %q, want %q", time.Since(stopped), l, want)
	}
	if l := serviceLine(t, r, "web"); !strings.Contains(l, "? WaitNext") || strings.Contains(l, "deploying") {
		t.Fatalf("a gone supervisor's deploy is shown as under way: %q", l)
	}
	if r.deploys().counting() || len(r.deploys().Tasks()) > 0 {
		t.Fatal("a timer or a task runs for a gone supervisor")
	}
}

// TestDeploysTakeOver: T on a followed supervisor that is gone asks, then calls TakeOver off
// the UI loop; the tab follows the new supervisor, the old subscription is cancelled. A
// failure is reported and the tab keeps what it had; without TakeOver, or with the supervisor
// still there, T says why it does nothing.
func TestDeploysTakeOver(t *testing.T) {
	g := newGoneDeploys()
	g.setGone(false)
	r := newDeploysRoot(t, g, nil, nil, 120, 40)
	r, _ = press(t, r, "T")
	if r.deploys().confirm != nil || !strings.Contains(r.deploys().status.Text, "is running") {
		t.Fatalf("T with the supervisor running: %+v", r.deploys().status)
	}
	g.setGone(true)
	r = lag(t, r, g.fakeDeploys)
	r, _ = press(t, r, "T")
	if r.deploys().confirm != nil || !strings.Contains(r.deploys().status.Text, "cannot take over") {
		t.Fatalf("T without TakeOver: %+v", r.deploys().status)
	}
	if strings.Contains(screen(r), "press T") {
		t.Fatal("the banner offers a take over that is not possible")
	}

	calls := 0
	var fail error
	next := newFakeDeploys()
	r = withTab(r, tabDeploys, func(d *Model) {
		d.takeOver = func(ctx context.Context) (Backend, error) {
			calls++
			if fail != nil {
				return nil, fail
			}
			return next, nil
		}
	})
	r, _ = press(t, r, "T")
	if !strings.Contains(screen(r), "Take over from the supervisor at http://127.0.0.1:7070?") {
		t.Fatalf("no confirmation:\n%s", screen(r))
	}
	r, _ = press(t, r, "n")
	if calls != 0 || r.deploys().confirm != nil {
		t.Fatal("n took over")
	}

	fail = errors.New("state file is locked by pid 4242")
	r, _ = press(t, r, "T")
	r, cmd := press(t, r, "y")
	if calls != 0 {
		t.Fatal("TakeOver ran on the UI loop")
	}
	r = update(t, r, runCmd(t, cmd))
	if !r.deploys().status.Err || !strings.Contains(r.deploys().status.Text, "take over from http://127.0.0.1:7070: state file is locked by pid 4242") {
		t.Fatalf("failure: %+v", r.deploys().status)
	}
	if r.deploys().db != Backend(g) {
		t.Fatal("a failed take over replaced the backend")
	}

	fail = nil
	r, _ = press(t, r, "T")
	r, cmd = press(t, r, "y")
	var taken deployTakenOverMsg
	for _, c := range flatten(t, cmd) {
		if m, ok := runCmd(t, c).(deployTakenOverMsg); ok {
			taken = m
		}
	}
	if taken.db == nil {
		t.Fatal("no take over message")
	}
	old := r.deploys().sub
	m, cmd := r.Update(taken)
	r = m.(Root)
	if r.deploys().db != Backend(next) || r.deploys().sub == old || next.Subs != 1 || g.Cancels != 1 {
		t.Fatalf("not following the new supervisor (subs %d, old cancels %d)", next.Subs, g.Cancels)
	}
	if r.deploys().bannerLines() != 0 || !strings.Contains(r.deploys().status.Text, "took over from http://127.0.0.1:7070") {
		t.Fatalf("after the take over:\n%s", screen(r))
	}
	if cmd == nil {
		t.Fatal("the new subscription is not watched")
	}
	// The new supervisor's events reach the tab.
	web := next.Service(t, "web")
	web.State = supervisor.Stable
	r = deployEvents(t, r, next, supervisor.Event{Service: "web", Status: web})
	if l := serviceLine(t, r, "web"); !strings.Contains(l, "● Stable") {
		t.Fatalf("web after an event of the new supervisor: %q", l)
	}
}

// TestDeploysTakeOverIsListed: the take over is an action of the Deploys tab like the others,
// in the palette and on the help screen, from the keymap.
func TestDeploysTakeOverIsListed(t *testing.T) {
	p := palette.New(keymap.Default(), keymap.CtxDeploys)
	p.SetQuery("take over")
	if a, ok := p.Selected(); !ok || a != keymap.TakeOver {
		t.Fatalf("the palette selects %q for \"take over\"", a)
	}
	r := newDeploysRoot(t, newGoneDeploys(), nil, nil, 120, 40)
	found := false
	for _, sec := range r.deploys().Keys.Help(r.deploys().HelpContexts()...) {
		for _, row := range sec.Rows {
			found = found || row.Keys == "T" && strings.Contains(row.Desc, "take over")
		}
	}
	if !found {
		t.Fatal("the help has no take over")
	}
}
