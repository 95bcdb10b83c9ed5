package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
)

func TestCountdown(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{0, "0s"},
		{300 * time.Millisecond, "1s"}, // rounded up: it reaches 0s at the deadline, not before
		{11*time.Second + time.Millisecond, "12s"},
		{12 * time.Second, "12s"},
		{65 * time.Second, "1m05s"},
		{2*time.Hour + 10*time.Minute, "2h10m"},
	}
	for _, c := range cases {
		if got := Countdown(c.d); got != c.want {
			t.Errorf("Countdown(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDeployStateLooks(t *testing.T) {
	th := NewTheme(false)
	cases := []struct {
		state supervisor.State
		glyph string
		style string // the theme's style, by what it renders
	}{
		{supervisor.Stable, "●", th.OK.Render("x")},
		{supervisor.Wait, "◐", th.Warn.Render("x")},
		{supervisor.WaitNext, "◐", th.Warn.Render("x")},
		{supervisor.TryAgain, "✖", th.Bad.Render("x")},
		{supervisor.TryAgainNext, "✖", th.Bad.Render("x")},
		{supervisor.Init, "○", th.Dim.Render("x")},
	}
	for _, c := range cases {
		if g := th.DeployStateGlyph(c.state); g != c.glyph {
			t.Errorf("%s: glyph %q, want %q", c.state, g, c.glyph)
		}
		if s := th.DeployStateStyle(c.state).Render("x"); s != c.style {
			t.Errorf("%s: style renders %q, want %q", c.state, s, c.style)
		}
	}
	if th.OK.Render("x") == th.Bad.Render("x") || th.Warn.Render("x") == th.OK.Render("x") {
		t.Fatal("the colour theme does not tell states apart")
	}
}

func TestRevisionAndDeadlines(t *testing.T) {
	n := now()
	for _, c := range []struct {
		s    supervisor.ServiceStatus
		want string
	}{
		{supervisor.ServiceStatus{Revision: 3}, "r3"},
		{supervisor.ServiceStatus{Revision: 3, Next: 4}, "r3 → r4"},
		{supervisor.ServiceStatus{Next: 1}, "→ r1"},
		{supervisor.ServiceStatus{}, ""},
	} {
		if got := RevisionText(c.s); got != c.want {
			t.Errorf("RevisionText(%d, %d) = %q, want %q", c.s.Revision, c.s.Next, got, c.want)
		}
	}
	s := supervisor.ServiceStatus{
		HealthDeadline: n.Add(40 * time.Second), DrainUntil: n.Add(-time.Second), RetryAt: n.Add(12 * time.Second),
	}
	if got := strings.Join(Deadlines(s, n), ", "); got != "health timeout in 40s, retry in 12s" {
		t.Fatalf("deadlines %q (a passed one must not show)", got)
	}
}

func deployServices() []supervisor.ServiceStatus {
	n := now()
	return []supervisor.ServiceStatus{
		{Name: "api", State: supervisor.Stable, Since: n.Add(-3 * time.Hour), Revision: 7, Image: "ghcr.io/acme/api:2.3.1", Desired: 2, Healthy: 2},
		{Name: "billing", State: supervisor.TryAgainNext, Since: n.Add(-2 * time.Minute), Revision: 3, Next: 4,
			Image: "ghcr.io/acme/billing:1.8.0", Desired: 1, Healthy: 1, RetryAt: n.Add(12 * time.Second),
			LastError: "health check failed: GET /healthz returned 503"},
		{Name: "mailer", State: supervisor.Init, Desired: 1},
		{Name: "queue", State: supervisor.Stable, Revision: 2, Paused: true, Desired: 1, Healthy: 1},
		{Name: "search", State: supervisor.Stable, Revision: 5, SpecError: "line 4: bad :deploy", Desired: 1, Healthy: 1},
		{Name: "web", State: supervisor.WaitNext, Since: n.Add(-25 * time.Second), Revision: 11, Next: 12, Desired: 1, Healthy: 1,
			Image: "ghcr.io/acme/web:4.0.2", DrainUntil: n.Add(12 * time.Second)},
	}
}

func TestDeployListGivesWay(t *testing.T) {
	th := NewTheme(true)
	for _, w := range []int{200, 140, 120, 100, 80, 60, 40, 20, 8} {
		s := ansi.Strip(DeployList(th, DeployListData{Services: deployServices(), Cursor: 5, Focused: true, Now: now(), Total: 6}, w, 10))
		lines := strings.Split(s, "\n")
		if len(lines) != 10 {
			t.Fatalf("%d wide: %d lines", w, len(lines))
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw != w {
				t.Errorf("%d wide: line %d is %d wide: %q", w, i, lw, l)
			}
		}
		if w >= 60 {
			// The name, the state and the start of the info stay.
			for _, want := range []string{"billing", "✖ TryAgainNext", "retry in 12s", "◐ WaitNext", "deploying", "○ Init", "‖ paused", "✖ spec error"} {
				if !strings.Contains(s, want) {
					t.Errorf("%d wide: lacks %q:\n%s", w, want, s)
				}
			}
		}
		if w >= 120 && !strings.Contains(s, "r11 → r12") {
			t.Errorf("%d wide: no revision being deployed:\n%s", w, s)
		}
	}
	// Nothing to show says why.
	s := ansi.Strip(DeployList(th, DeployListData{Cursor: -1, Now: now()}, 80, 5))
	if !strings.Contains(s, "no services: add spec files under specs/") {
		t.Fatalf("empty list:\n%s", s)
	}
	s = ansi.Strip(DeployList(th, DeployListData{Cursor: -1, Now: now(), Filter: "zz", Total: 6}, 80, 5))
	if !strings.Contains(s, `nothing matches "zz"`) || !strings.Contains(s, "Services 0 of 6") {
		t.Fatalf("empty filter:\n%s", s)
	}
}

func TestDeployDetailLayouts(t *testing.T) {
	th := NewTheme(true)
	n := now()
	s := deployServices()[5]
	s.Containers = []supervisor.ContainerStatus{
		{Name: "web-r11-1", Revision: 11, Role: supervisor.RoleOld, State: "running", Health: "healthy", StartedAt: n.Add(-49 * time.Hour)},
		{Name: "web-r12-1", Revision: 12, Role: supervisor.RoleNext, State: "running", Health: "starting", StartedAt: n.Add(-20 * time.Second)},
	}
	for i := range 6 {
		s.Timeline = append(s.Timeline, supervisor.Transition{At: n.Add(time.Duration(i-6) * time.Minute), From: supervisor.Stable,
			To: supervisor.WaitNext, Revision: 7 + i, Reason: "step " + string(rune('a'+i))})
		s.History = append(s.History, supervisor.Revision{N: 7 + i, Image: "img:" + string(rune('a'+i)), At: n.Add(-time.Hour), Outcome: "replaced"})
	}
	d := DeployDetailData{Service: s, OK: true, Now: n}
	for _, sz := range [][2]int{{80, 13}, {120, 16}, {150, 12}, {63, 20}, {30, 6}, {10, 3}} {
		w, h := sz[0], sz[1]
		out := ansi.Strip(DeployDetail(th, d, w, h))
		lines := strings.Split(out, "\n")
		if len(lines) != h {
			t.Fatalf("%dx%d: %d lines", w, h, len(lines))
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw != w {
				t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, l)
			}
		}
		if w < 63 {
			continue
		}
		// Timeline and history both show their newest entries, whatever the room.
		if !strings.Contains(out, "step f") || !strings.Contains(out, "r12") || !strings.Contains(out, "img:f") {
			t.Errorf("%dx%d: newest entries missing:\n%s", w, h, out)
		}
		if strings.Contains(out, "step a") && h < 16 {
			t.Errorf("%dx%d: the oldest entry shows before newer ones fit:\n%s", w, h, out)
		}
		if !strings.Contains(out, "old stops in 12s") || !strings.Contains(out, "old ") || !strings.Contains(out, "next") {
			t.Errorf("%dx%d: timers or roles missing:\n%s", w, h, out)
		}
	}
	// Wide: the two tables side by side, on the same lines.
	out := ansi.Strip(DeployDetail(th, d, 150, 12))
	if i := strings.Index(out, "WHEN"); i < 0 || !strings.Contains(strings.Split(out[i:], "\n")[0], "REVISION") {
		t.Errorf("150 wide: timeline and history not side by side:\n%s", out)
	}
	// Its natural height fits everything; nothing selected says so.
	if h := DeployDetailHeight(th, d, 80); h != 6+7+7 {
		t.Errorf("natural height %d", h)
	}
	if out := ansi.Strip(DeployDetail(th, DeployDetailData{Now: n}, 40, 3)); !strings.Contains(out, "no service selected") {
		t.Errorf("nothing selected:\n%s", out)
	}
}

func TestDeploySplit(t *testing.T) {
	cases := []struct {
		height, natural int
		logsFocused     bool
		detail, logs    int
	}{
		{13, 20, false, 13, 0}, // short: the detail alone…
		{13, 20, true, 0, 13},  // …or the logs alone, with focus
		{28, 14, false, 14, 14},
		{28, 40, true, 16, 12}, // the detail takes at most three fifths
		{20, 0, false, 2, 18},
	}
	for _, c := range cases {
		d, l := DeploySplit(c.height, c.natural, c.logsFocused)
		if d != c.detail || l != c.logs {
			t.Errorf("DeploySplit(%d, %d, %v) = %d, %d; want %d, %d", c.height, c.natural, c.logsFocused, d, l, c.detail, c.logs)
		}
	}
}

func TestConfirmWrapsItsDetail(t *testing.T) {
	th := NewTheme(true)
	hints := []keymap.Hint{{Keys: "y", Label: "yes"}, {Keys: "n", Label: "no"}}
	box := ansi.Strip(Confirm(th, "Roll web back to r11?", "r11 (ghcr.io/acme/web:4.0.2, deployed 3d ago) keeps serving; r12 is abandoned.", hints, 80))
	if !strings.Contains(box, "keeps serving;") || !strings.Contains(box, "r12 is abandoned.") {
		t.Fatalf("detail cut:\n%s", box)
	}
	long := ansi.Strip(Confirm(th, "Q?", strings.Repeat("word ", 100), hints, 80))
	if n := strings.Count(long, "word"); n == 0 || len(strings.Split(long, "\n")) > 2+1+confirmDetailLines+2 {
		t.Fatalf("a long detail is not bounded:\n%s", long)
	}
}
