package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/views"
)

// serviceLine is the screen line of the list row of service name.
func serviceLine(t *testing.T, r Root, name string) string {
	t.Helper()
	for _, l := range strings.Split(screen(r), "\n") {
		rest, ok := strings.CutPrefix(l, "▌ ")
		if !ok {
			rest, ok = strings.CutPrefix(l, "  ")
		}
		if ok && strings.HasPrefix(rest, name+" ") {
			return l
		}
	}
	t.Fatalf("no row %q on screen:\n%s", name, screen(r))
	return ""
}

func serviceNames(r Root) []string {
	var out []string
	for _, s := range r.deploys().list.Rows {
		out = append(out, s.Name)
	}
	return out
}

func TestDeploysRows(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 140, 40)
	if r.tab != tabDeploys {
		t.Fatal("a supervisor with services and no workspace did not open on the Deploys tab")
	}
	if got := serviceNames(r); !slices.Equal(got, []string{"api", "billing", "cron", "mailer", "queue", "search", "web"}) {
		t.Fatalf("rows %v", got)
	}
	checks := []struct {
		name string
		has  []string
	}{
		{"api", []string{"● Stable", "r7 ", "ghcr.io/acme/api:2.", "2/2", "3h"}},
		{"billing", []string{"✖ TryAgainNext", "r3 → r4", "1/1", "retry in 12s", "health check failed: GET /healthz returned 503"}},
		{"cron", []string{"◐ Wait ", "→ r1", "0/1", "deploying · health timeout in 40s"}},
		{"mailer", []string{"○ Init", "not deployed"}},
		{"queue", []string{"● Stable", "r2 ", "‖ paused"}},
		{"search", []string{"● Stable", "✖ spec error: specs/search.yml: line 4"}},
		{"web", []string{"◐ WaitNext", "r11 → r12", "ghcr.io/acme/web:4.", "deploying · old stops in 12s", "25s"}},
	}
	for _, c := range checks {
		l := serviceLine(t, r, c.name)
		for _, h := range c.has {
			if !strings.Contains(l, h) {
				t.Errorf("row %s lacks %q: %q", c.name, h, l)
			}
		}
	}
	for _, name := range []string{"api", "queue", "search", "mailer"} {
		if l := serviceLine(t, r, name); strings.Contains(l, "deploying") || strings.Contains(l, "retry") {
			t.Errorf("%s is tagged as deploying or retrying: %q", name, l)
		}
	}
	s := screen(r)
	if !strings.Contains(s, "Services 7 · 3 stable · 2 deploying · 1 retrying · 1 paused") {
		t.Errorf("title:\n%s", s)
	}
	if head := strings.Split(s, "\n")[0]; !strings.Contains(head, "1 Pods  [2 Deploys] ✖2  3 Pipelines   4 Containers ✖2") {
		t.Errorf("tab bar: %q", head)
	}
}

func TestDeploysColoursByState(t *testing.T) {
	// The state words and glyphs carry the meaning without colour; with colour, each state
	// gets the theme's style for it.
	th := views.NewTheme(false)
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 140, 40)
	raw := r.View().Content
	for _, c := range []struct {
		word  string
		style func() string
	}{
		{"● Stable", func() string { return th.OK.Render("● Stable") }},
		{"◐ WaitNext", func() string { return th.Warn.Render("◐ WaitNext") }},
		{"✖ TryAgainNext", func() string { return th.Bad.Render("✖ TryAgainNext") }},
		{"○ Init", func() string { return th.Dim.Render("○ Init") }},
	} {
		if !strings.Contains(raw, c.style()) {
			t.Errorf("%s is not drawn in its colour", c.word)
		}
	}
	// And without colour the words are all there is.
	nc := New(Config{Backend: newFake(), Deploys: f, Now: testNow, NoColor: true})
	t.Cleanup(func() { nc.containers().Close(); nc.deploys().Close(); nc.cancel() })
	nc = update(t, nc, tea.WindowSizeMsg{Width: 140, Height: 40})
	for _, w := range []string{"● Stable", "◐ WaitNext", "◐ Wait ", "✖ TryAgainNext", "○ Init", "‖ paused", "✖ spec error"} {
		if !strings.Contains(screen(nc), w) {
			t.Errorf("no-colour screen lacks %q", w)
		}
	}
}

func TestDeploysDetail(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 120, 40)
	r = selectService(t, r, "web")
	s := screen(r)
	lines := strings.Split(s, "\n")
	for _, want := range []string{
		"─ web ─", "specs/web.yml",
		"◐ WaitNext for 25s · r11 → r12 · ghcr.io/acme/web:4.0.2 · 1/1 healthy · last stable 2d ago",
		"After delay: old stops in 12s",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("detail lacks %q:\n%s", want, s)
		}
	}
	// Old and new containers, with their role, revision, state and health.
	for _, want := range [][]string{
		{"web-r11-1", "old", "r11", "● running", "healthy", "up 2d"},
		{"web-r12-1", "next", "r12", "● running", "healthy", "up 23s"},
	} {
		i := indexOf(lines, want[0]+"  ")
		if i < 0 {
			t.Fatalf("no container %s:\n%s", want[0], s)
		}
		for _, w := range want[1:] {
			if !strings.Contains(lines[i], w) {
				t.Errorf("container %s lacks %q: %q", want[0], w, lines[i])
			}
		}
	}
	// The timeline, newest first: time, From → To, revision, reason.
	first := indexOf(lines, "11:59:35")
	second := indexOf(lines, "Nov 19 11:00")
	if first < 0 || second < 0 || second != first+1 {
		t.Fatalf("timeline not newest first (%d, %d):\n%s", first, second, s)
	}
	for _, w := range []string{"Stable → WaitNext", "r12", "spec changed: image"} {
		if !strings.Contains(lines[first], w) {
			t.Errorf("timeline row lacks %q: %q", w, lines[first])
		}
	}
	if !strings.Contains(lines[second], "WaitNext → Stable  r11  1/1 healthy, old stopped") {
		t.Errorf("timeline row: %q", lines[second])
	}
	// The history, newest first: the revision being deployed, then the serving one.
	for _, want := range []string{"r12            c12a8d4  ghcr.io/acme/web:4.1.0  deploying  25s ago",
		"r11 ● serving  b11f6e0  ghcr.io/acme/web:4.0.2  stable     3d ago", "r10            0e5d2c8  ghcr.io/acme/web:4.0.1  replaced   9d ago"} {
		if !strings.Contains(s, want) {
			t.Errorf("history lacks %q:\n%s", want, s)
		}
	}
	if indexOf(lines, "r12            ghcr") > indexOf(lines, "r11 ● serving") {
		t.Error("history not newest first")
	}

	// A failing deploy: its timer, its error, the failed revision.
	r = selectService(t, r, "billing")
	s = screen(r)
	for _, want := range []string{"next retry in 12s", "last error: health check failed: GET /healthz returned 503 (3 of 3 probes)",
		"billing-r4-1", "○ exited", "failed: health timeout after 30s", "TryAgainNext"} {
		if !strings.Contains(s, want) {
			t.Errorf("billing detail lacks %q:\n%s", want, s)
		}
	}
	// A spec that does not parse, and a paused service, say so.
	r = selectService(t, r, "search")
	if s := screen(r); !strings.Contains(s, "✖ spec error: specs/search.yml: line 4: :deploy must be [:Before] or [:After n], got [:After]") {
		t.Errorf("search detail:\n%s", s)
	}
	r = selectService(t, r, "queue")
	if s := screen(r); !strings.Contains(s, "‖ paused: no deploys until resumed") {
		t.Errorf("queue detail:\n%s", s)
	}
	r = selectService(t, r, "cron")
	if s := screen(r); !strings.Contains(s, "health timeout in 40s") || !strings.Contains(s, "starting") {
		t.Errorf("cron detail:\n%s", s)
	}
	r = selectService(t, r, "mailer")
	if s := screen(r); !strings.Contains(s, "no containers") || !strings.Contains(s, "— → Init") {
		t.Errorf("mailer detail:\n%s", s)
	}
}

func TestDeploysCountdownsTickOnlyWhileAhead(t *testing.T) {
	clock := testNow()
	now := func() time.Time { return clock }
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, now, 120, 40)
	if r.start == nil || r.deploys().tick == 0 {
		t.Fatal("the tab opened with countdowns on screen, but no tick was prepared")
	}
	// A tick re-renders and arms the next one while a deadline is ahead.
	clock = clock.Add(5 * time.Second)
	m, cmd := r.Update(deployTickMsg{n: r.deploys().tick})
	r = m.(Root)
	if cmd == nil || r.deploys().tick == 0 {
		t.Fatal("no next tick while deadlines are ahead")
	}
	if l := serviceLine(t, r, "billing"); !strings.Contains(l, "retry in 7s") {
		t.Fatalf("the countdown did not move: %q", l)
	}
	if l := serviceLine(t, r, "web"); !strings.Contains(l, "old stops in 7s") {
		t.Fatalf("the countdown did not move: %q", l)
	}
	// A stale tick (of an earlier run) does nothing.
	if _, cmd := r.Update(deployTickMsg{n: r.deploys().tick + 1000}); cmd != nil {
		t.Fatal("a stale tick armed another")
	}
	// Away from the tab nothing ticks; back on it, the countdowns run again.
	r, cmd = press(t, r, "4")
	if cmd != nil {
		t.Fatal("leaving the tab started something")
	}
	m, cmd = r.Update(deployTickMsg{n: r.deploys().tick})
	r = m.(Root)
	if cmd != nil || r.deploys().tick != 0 {
		t.Fatal("the tick went on with the tab off screen")
	}
	r, cmd = press(t, r, "2")
	if cmd == nil || r.deploys().tick == 0 {
		t.Fatal("no tick on coming back to the tab")
	}
	// Once every deadline has passed, the tick ends and no timer runs.
	clock = testNow().Add(41 * time.Second)
	m, cmd = r.Update(deployTickMsg{n: r.deploys().tick})
	r = m.(Root)
	if cmd != nil || r.deploys().tick != 0 {
		t.Fatal("a tick ran on with no deadline ahead")
	}
	if l := serviceLine(t, r, "billing"); strings.Contains(l, "retry in") || !strings.Contains(l, "retrying") {
		t.Fatalf("a passed deadline still counts: %q", l)
	}
	r, cmd = press(t, r, "f")
	if cmd != nil {
		t.Fatal("a key armed a tick with nothing to count")
	}

	// With no deadline at all, the tab never ticks.
	calm := &fakeDeploys{services: []supervisor.ServiceStatus{f.service(t, "api"), f.service(t, "queue")}, events: make(chan supervisor.Event, 1),
		health: f.Health()}
	r = newDeploysRoot(t, calm, nil, nil, 120, 40)
	if r.start != nil || r.deploys().tick != 0 {
		t.Fatal("a tick was prepared with no deadline")
	}
	r, _ = press(t, r, "4")
	r, cmd = press(t, r, "2")
	if cmd != nil {
		t.Fatal("the tab armed a tick with no deadline")
	}
	if _, cmd = r.Update(deployTickMsg{n: 0}); cmd != nil {
		t.Fatal("a tick with no deadline armed another")
	}
	// A deadline that appears with an event starts the tick; the filter hiding it stops it.
	web := f.service(t, "web")
	m, cmd = r.Update(deployEventMsg{sub: r.deploys().sub, events: []supervisor.Event{{Service: "web", Status: web}}})
	r = m.(Root)
	if cmd == nil || r.deploys().tick == 0 {
		t.Fatal("a new deadline did not start the tick")
	}
	r, _ = press(t, r, "/")
	r = typeText(t, r, "api")
	m, cmd = r.Update(deployTickMsg{n: r.deploys().tick})
	r = m.(Root)
	if cmd != nil {
		t.Fatal("the tick went on for a service the filter hides")
	}
}

// confirmAndRun answers the dialog with y, runs the call and takes its result.
func confirmAndRun(t *testing.T, r Root, f *fakeDeploys) (Root, string) {
	t.Helper()
	n := len(f.Calls())
	r, cmd := press(t, r, "y")
	if cmd == nil {
		t.Fatalf("y started nothing:\n%s", screen(r))
	}
	r = update(t, r, runCmd(t, cmd))
	calls := f.Calls()
	if len(calls) != n+1 {
		t.Fatalf("calls %v, want one more than %d", calls, n)
	}
	return r, calls[n]
}

func TestDeploysKeysCallTheBackend(t *testing.T) {
	f := newFakeDeploys()
	fb := newFake()
	r := newDeploysRoot(t, f, fb, nil, 120, 40)

	// r asks first; n keeps the service as it is.
	r = selectService(t, r, "billing")
	r, cmd := press(t, r, "r")
	if cmd != nil || r.deploys().Context() != keymap.CtxConfirm || !strings.Contains(screen(r), "Restart billing?") ||
		!strings.Contains(screen(r), "New containers of r3 replace the running ones") {
		t.Fatalf("no restart dialog:\n%s", screen(r))
	}
	r, cmd = press(t, r, "b") // other keys do nothing under the dialog
	if cmd != nil || r.deploys().confirm.action != keymap.Restart {
		t.Fatal("b acted under the dialog")
	}
	r, _ = press(t, r, "n")
	if r.deploys().confirm != nil || len(f.Calls()) != 0 || !strings.Contains(screen(r), "kept billing") {
		t.Fatalf("n: calls %v\n%s", f.Calls(), screen(r))
	}
	r, _ = press(t, r, "r")
	r, cmd = press(t, r, "y")
	if !strings.Contains(screen(r), "restarting billing…") || !strings.Contains(serviceLine(t, r, "billing"), "◌ restarting…") {
		t.Fatalf("no progress shown:\n%s", screen(r))
	}
	r = update(t, r, runCmd(t, cmd))
	if got := f.Calls(); !slices.Equal(got, []string{"restart billing"}) {
		t.Fatalf("calls %v", got)
	}
	if !strings.Contains(screen(r), "restarted billing") || strings.Contains(serviceLine(t, r, "billing"), "restarting…") {
		t.Fatalf("result not shown:\n%s", screen(r))
	}

	// b rolls back: during a deploy to the revision still serving, else to the last stable one
	// before it (a rolled-back revision is skipped); the dialog names it.
	cases := []struct {
		service, question, detail, call string
	}{
		{"web", "Roll web back to r11?", "r11 (ghcr.io/acme/web:4.0.2, deployed 3d ago) keeps serving; r12 is abandoned.", "rollback web 11"},
		{"billing", "Roll billing back to r3?", "r3 (ghcr.io/acme/billing:1.8.0, deployed 26h ago) keeps serving; r4 is abandoned.", "rollback billing 3"},
		{"api", "Roll api back to r5?", "r5 (ghcr.io/acme/api:2.2.9, deployed 26h ago) replaces r7.", "rollback api 5"},
		{"queue", "Roll queue back to r1?", "r1 (rabbitmq:3.12-management, deployed 9d ago) replaces r2.", "rollback queue 1"},
	}
	for _, c := range cases {
		r = selectService(t, r, c.service)
		r, _ = press(t, r, "b")
		if s := screen(r); !strings.Contains(s, c.question) || r.deploys().confirm == nil || r.deploys().confirm.detail != c.detail {
			t.Fatalf("b on %s: %+v\n%s", c.service, r.deploys().confirm, s)
		}
		// The detail is wrapped in the dialog, not cut.
		if s := screen(r); !strings.Contains(s, "replaces r") && !strings.Contains(s, "is abandoned.") {
			t.Fatalf("b on %s: the dialog cuts its detail:\n%s", c.service, s)
		}
		var got string
		r, got = confirmAndRun(t, r, f)
		if got != c.call {
			t.Errorf("b on %s called %q, want %q", c.service, got, c.call)
		}
	}
	if !strings.Contains(screen(r), "rolled queue back to r1") {
		t.Fatalf("rollback result:\n%s", screen(r))
	}
	// Nothing to roll back to: said, and nothing is asked.
	for _, name := range []string{"mailer", "cron"} {
		r = selectService(t, r, name)
		r, cmd = press(t, r, "b")
		if cmd != nil || r.deploys().confirm != nil || !strings.Contains(screen(r), name+" has no earlier stable revision to roll back to") {
			t.Fatalf("b on %s:\n%s", name, screen(r))
		}
	}

	// p toggles: a paused service resumes, a running one pauses; no dialog.
	n := len(f.Calls())
	r = selectService(t, r, "queue")
	r, cmd = press(t, r, "p")
	r = update(t, r, runCmd(t, cmd))
	r = selectService(t, r, "api")
	r, cmd = press(t, r, "p")
	r = update(t, r, runCmd(t, cmd))
	if got := f.Calls()[n:]; !slices.Equal(got, []string{"resume queue", "pause api"}) {
		t.Fatalf("p called %v", got)
	}
	if !strings.Contains(screen(r), "paused api: no deploys until resumed") {
		t.Fatalf("pause result:\n%s", screen(r))
	}

	// x and enter open a shell in the first running container, through the engine backend.
	r = selectService(t, r, "web")
	r, cmd = press(t, r, "x")
	if cmd == nil {
		t.Fatal("no shell")
	}
	r = selectService(t, r, "billing")
	_, cmd = press(t, r, "enter")
	if cmd == nil {
		t.Fatal("no shell")
	}
	want := []string{"shell " + f.service(t, "web").Containers[0].ID, "shell " + f.service(t, "billing").Containers[0].ID}
	if got := fb.Calls(); !slices.Equal(got, want) {
		t.Fatalf("shell calls %q, want %q", got, want)
	}
	r = update(t, r, deployShellExitedMsg{engine.ShellExitedMsg{Name: "billing-r3-1", Err: docker.ExitError{Code: 2}}})
	if !strings.Contains(screen(r), "shell in billing-r3-1 exited (code 2)") {
		t.Fatalf("shell result:\n%s", screen(r))
	}
	r = selectService(t, r, "mailer")
	r, cmd = press(t, r, "x")
	if cmd != nil || !strings.Contains(screen(r), "mailer has no running container: a shell needs one") {
		t.Fatalf("x on mailer:\n%s", screen(r))
	}
	// The Containers tab keeps its own footer: a Deploys shell's exit is not its business.
	if st := r.containers().status; st.Text != "" {
		t.Fatalf("the Containers tab took the Deploys tab's message: %q", st.Text)
	}

	// A failed call says which and why.
	f.err = errors.New("service web is paused: resume it first")
	r = selectService(t, r, "web")
	r, _ = press(t, r, "r")
	r, _ = confirmAndRun(t, r, f)
	if st := r.deploys().status; !st.Err || st.Text != "restart web: service web is paused: resume it first" {
		t.Fatalf("status %+v", st)
	}
}

func TestDeploysEventsUpdateTheScreen(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 120, 40)
	r = selectService(t, r, "web")
	// web becomes stable on r12, billing's retry starts again, and a new service appears; all
	// three are queued before the tab looks, so they come as one message.
	now := testNow()
	web := f.service(t, "web")
	web.State, web.Since, web.StableAt, web.Revision, web.Next, web.Image = supervisor.Stable, now, now, 12, 0, "ghcr.io/acme/web:4.1.0"
	web.DrainUntil = time.Time{}
	web.Containers = web.Containers[1:]
	web.Containers[0].Role = supervisor.RoleCurrent
	web.History[2].Outcome, web.History[1].Outcome = "stable", "replaced"
	done := tr(now, supervisor.WaitNext, supervisor.Stable, 12, supervisor.CauseStable, "1/1 healthy, old stopped")
	web.Timeline = append(web.Timeline, done)
	billing := f.service(t, "billing")
	billing.State, billing.RetryAt = supervisor.WaitNext, time.Time{}
	billing.HealthDeadline = now.Add(30 * time.Second)
	worker := supervisor.ServiceStatus{Name: "worker", File: "specs/worker.yml", State: supervisor.Init, Since: now}
	f.events <- supervisor.Event{Service: "web", Transition: done, Status: web}
	f.events <- supervisor.Event{Service: "billing", Transition: tr(now, supervisor.TryAgainNext, supervisor.WaitNext, 4, supervisor.CauseRetry, "retry 2"), Status: billing}
	f.events <- supervisor.Event{Service: "worker", Transition: tr(now, "", supervisor.Init, 0, supervisor.CauseNewSpec, "spec added"), Status: worker}

	msg := runCmd(t, r.deploys().watch())
	em, ok := msg.(deployEventMsg)
	if !ok || len(em.events) != 3 || em.relisted {
		t.Fatalf("watch returned %T %+v", msg, msg)
	}
	m, cmd := r.Update(em)
	r = m.(Root)
	if cmd == nil {
		t.Fatal("the watch was not issued again")
	}
	if l := serviceLine(t, r, "web"); !strings.Contains(l, "● Stable") || !strings.Contains(l, "r12 ") || strings.Contains(l, "deploying") {
		t.Fatalf("web row after the events: %q", l)
	}
	if l := serviceLine(t, r, "billing"); !strings.Contains(l, "◐ WaitNext") || !strings.Contains(l, "deploying · health timeout in 30s") {
		t.Fatalf("billing row after the events: %q", l)
	}
	if got := serviceNames(r); !slices.Equal(got, []string{"api", "billing", "cron", "mailer", "queue", "search", "web", "worker"}) {
		t.Fatalf("rows %v", got)
	}
	if s, _ := r.deploys().Selected(); s.Name != "web" {
		t.Fatalf("the selection moved to %q", s.Name)
	}
	s := screen(r)
	lines := strings.Split(s, "\n")
	if !strings.Contains(s, "● Stable for 0s · r12") || strings.Contains(s, "web-r11-1") {
		t.Fatalf("detail after the events:\n%s", s)
	}
	if i := indexOf(lines, "12:00:00"); i < 0 || !strings.Contains(lines[i], "WaitNext → Stable  r12  1/1 healthy, old stopped") {
		t.Fatalf("the new transition is not first in the timeline:\n%s", s)
	}
	// The logs pane drops the old container's reader and keeps the new one's.
	if p := r.deploys().logs; len(p.Sources()) != 1 || p.Sources()[0].Name != "web-r12-1" {
		t.Fatalf("logs follow %+v", p.Sources())
	}
	// A message from an earlier subscription changes nothing.
	stale := deployEventMsg{sub: &deploySub{}, events: []supervisor.Event{{Service: "web", Status: f.service(t, "web")}}}
	if m, cmd := r.Update(stale); cmd != nil || !strings.Contains(serviceLine(t, m.(Root), "web"), "● Stable") {
		t.Fatal("a stale subscription's events were applied")
	}
}

func TestDeploysLaggedRereadsStatus(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 120, 40)
	// Events were dropped: the supervisor says so, and the tab reads everything anew.
	f.mu.Lock()
	f.services = slices.DeleteFunc(f.services, func(s supervisor.ServiceStatus) bool { return s.Name == "mailer" })
	f.services[0].State, f.services[0].Next = supervisor.WaitNext, 8
	f.mu.Unlock()
	f.events <- supervisor.Event{Service: "cron", Status: f.service(t, "cron")}
	f.events <- supervisor.Event{Transition: supervisor.Transition{Cause: supervisor.CauseLagged, Reason: "lagged"}}
	msg, ok := runCmd(t, r.deploys().watch()).(deployEventMsg)
	if !ok || !msg.relisted || len(msg.all) != 6 {
		t.Fatalf("lagged: %+v", msg)
	}
	r = update(t, r, msg)
	if got := serviceNames(r); slices.Contains(got, "mailer") || len(got) != 6 {
		t.Fatalf("rows after the re-read: %v", got)
	}
	if l := serviceLine(t, r, "api"); !strings.Contains(l, "◐ WaitNext") || !strings.Contains(l, "r7 → r8") {
		t.Fatalf("api after the re-read: %q", l)
	}

	// A closed stream means the same, and the tab subscribes again.
	old := resubscribeDelay
	resubscribeDelay = 10 * time.Millisecond
	t.Cleanup(func() { resubscribeDelay = old })
	f.end()
	msg, ok = runCmd(t, r.deploys().watch()).(deployEventMsg)
	if !ok || !msg.ended || !msg.relisted {
		t.Fatalf("closed: %+v", msg)
	}
	m, cmd := r.Update(msg)
	r = m.(Root)
	if f.cancels != 1 {
		t.Fatalf("the ended subscription was not cancelled (%d)", f.cancels)
	}
	var sm deploySubscribedMsg
	for _, c := range flatten(t, cmd) {
		if s, ok := runCmd(t, c).(deploySubscribedMsg); ok {
			sm = s
		}
	}
	if sm.sub == nil || f.subs != 2 {
		t.Fatalf("no new subscription (%d subscribes)", f.subs)
	}
	r = update(t, r, sm)
	if r.deploys().sub != sm.sub {
		t.Fatal("the tab does not follow the new subscription")
	}
	f.events <- supervisor.Event{Service: "api", Status: f.service(t, "search")}
	if msg, ok := runCmd(t, r.deploys().watch()).(deployEventMsg); !ok || len(msg.events) != 1 {
		t.Fatalf("the new subscription delivers %+v", msg)
	}

	// Quitting cancels the subscription, which closes its channel: the waiting watch ends
	// there, without reading the status or subscribing again.
	watch := r.deploys().watch()
	r, _ = press(t, r, "q")
	if msg := runCmd(t, watch); msg != nil {
		t.Fatalf("after quit the watch returned %T %+v", msg, msg)
	}
	if f.subs != 2 || f.cancels != 2 {
		t.Fatalf("after quit: %d subscribes, %d cancels", f.subs, f.cancels)
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
	if cmd != nil || r.deploys().confirm != nil || r.deploys().Context() != keymap.CtxDeploys {
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
	empty := *fp.ws
	empty.Pods = nil
	r := New(Config{Backend: newFake(), Pods: &fakePods{ws: &empty}, Deploys: f, Now: testNow})
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
	r = newDeploysRoot(t, &fakeDeploys{events: make(chan supervisor.Event), health: newFakeDeploys().Health()}, nil, nil, 80, 24)
	if r.tab != tabContainers {
		t.Fatal("no services, but not on Containers")
	}
	r, _ = press(t, r, "2")
	if !strings.Contains(screen(r), "no services: add spec files under specs/") {
		t.Fatalf("empty supervisor:\n%s", screen(r))
	}
}

func TestDeploysLogs(t *testing.T) {
	f := newFakeDeploys()
	// At 80x24 the detail fills the pane under the list: no logs are read until they have focus.
	r := newDeploysRoot(t, f, nil, nil, 80, 24)
	r = selectService(t, r, "web")
	if r.deploys().logs.Stream() != nil {
		t.Fatal("logs are read while their pane is not on screen")
	}
	r, _ = press(t, r, "l")
	p := r.deploys().logs
	if r.deploys().Context() != keymap.CtxDeploysLogs || p.Stream() == nil || !p.Multi() || len(p.Sources()) != 2 ||
		p.Sources()[0].From != "web-r11-1" || p.Sources()[1].From != "web-r12-1" {
		t.Fatalf("logs of web: %+v", p.Sources())
	}
	// Old and new in one stream, each line with its container's name.
	s := p.Stream()
	r = update(t, r, s.LinesMsg([]views.LogLine{
		{LogLine: docker.LogLine{Text: "GET /healthz 200"}, From: "web-r12-1"},
		{LogLine: docker.LogLine{Stream: docker.Stderr, Text: "draining: 3 connections left"}, From: "web-r11-1"},
	}))
	for _, want := range []string{"Logs · web", "  web-r12-1 | GET /healthz 200", "▌ web-r11-1 | draining: 3 connections left"} {
		if !strings.Contains(screen(r), want) {
			t.Errorf("logs pane lacks %q:\n%s", want, screen(r))
		}
	}
	if strings.Contains(screen(r), "After delay") {
		t.Error("the detail is still on screen with the logs focused at 80x24")
	}
	// The logs pane scrolls with its own keys; b still rolls back (the tab's key).
	r, _ = press(t, r, "k")
	if !strings.Contains(screen(r), "‖ paused") {
		t.Fatal("k did not scroll the logs")
	}
	r, _ = press(t, r, "b")
	if r.deploys().confirm == nil {
		t.Fatal("b did not ask from the logs pane")
	}
	r, _ = press(t, r, "n", "tab")
	if r.deploys().Context() != keymap.CtxDeploys || r.deploys().logs.Stream() != nil || s.Err() == nil {
		t.Fatal("back on the list, the logs still run")
	}
	// At 120x40 detail and logs share the pane, and the logs follow the selection.
	r = newDeploysRoot(t, f, nil, nil, 120, 40)
	r = selectService(t, r, "billing")
	if p := r.deploys().logs; p.Stream() == nil || len(p.Sources()) != 2 || p.Title() != "billing" {
		t.Fatalf("billing's logs: %+v", p)
	}
	r = selectService(t, r, "mailer")
	if !strings.Contains(screen(r), "mailer has no containers") {
		t.Fatalf("mailer:\n%s", screen(r))
	}
}

func TestDeploysFilter(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	r = selectService(t, r, "web")
	r, _ = press(t, r, "/")
	r = typeText(t, r, "acme")
	if got := serviceNames(r); !slices.Equal(got, []string{"api", "billing", "cron", "web"}) {
		t.Fatalf("filter acme: %v", got)
	}
	if s, _ := r.deploys().Selected(); s.Name != "web" {
		t.Fatalf("a kept selection moved to %q", s.Name)
	}
	r = typeText(t, r, "/bill")
	if got := serviceNames(r); !slices.Equal(got, []string{"billing"}) {
		t.Fatalf("filter acme/bill: %v", got)
	}
	if s, _ := r.deploys().Selected(); s.Name != "billing" || !strings.Contains(screen(r), "Services 1 of 7") {
		t.Fatalf("selection %q:\n%s", s.Name, screen(r))
	}
	r, _ = press(t, r, "enter")
	r, _ = press(t, r, "esc")
	if len(r.deploys().list.Rows) != 7 {
		t.Fatal("esc did not clear the filter")
	}
	// The state is a filter word too.
	r, _ = press(t, r, "/")
	r = typeText(t, r, "trya")
	if got := serviceNames(r); !slices.Equal(got, []string{"billing"}) {
		t.Fatalf("filter trya: %v", got)
	}
	r = typeText(t, r, "zzz")
	if !strings.Contains(screen(r), `nothing matches "tryazzz"`) {
		t.Fatalf("empty result:\n%s", screen(r))
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

func TestDeploysNothingOverflows(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {160, 40}, {200, 60}, {100, 30}, {60, 15}, {40, 10}, {20, 5}, {1, 1}} {
		w, h := sz[0], sz[1]
		f := newFakeDeploys()
		long := f.service(t, "billing")
		long.Name = strings.Repeat("very-long-service-name-", 5)
		long.Image = strings.Repeat("registry.example.com/deeply/nested/", 5) + "image:tag"
		long.LastError = strings.Repeat("bad \x1b[31mthings\x1b[0m happen\t", 40)
		long.SpecError = strings.Repeat("worse ", 80)
		long.Timeline = append(long.Timeline, tr(testNow(), supervisor.TryAgainNext, supervisor.WaitNext, 123456, supervisor.CauseRetry, strings.Repeat("why ", 90)))
		f.services = append(f.services, long)
		r := newDeploysRoot(t, f, nil, nil, w, h)
		checkFits(t, screen(r), w, h)
		for _, name := range []string{"web", "billing", long.Name, "mailer"} {
			r = selectService(t, r, name)
			checkFits(t, screen(r), w, h)
		}
		r, _ = press(t, r, "l")
		if s := r.deploys().logs.Stream(); s != nil {
			r = update(t, r, s.LinesMsg(viewLines(strings.Repeat("long-container-name-", 5),
				docker.LogLine{Text: strings.Repeat("wide 界 ", 500)})))
		}
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "tab", "b")
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc", "/")
		r = typeText(t, r, strings.Repeat("filter ", 30))
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc", "?")
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc")
		r = update(t, r, deployActionDoneMsg{action: keymap.Restart, name: long.Name, err: errors.New(strings.Repeat("bad ", 100))})
		checkFits(t, screen(r), w, h)
		r2 := newRoot(t, newFake(), w, h)
		r2, _ = press(t, r2, "2")
		checkFits(t, screen(r2), w, h)
	}
}
