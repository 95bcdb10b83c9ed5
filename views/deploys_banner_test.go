package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/supervisor"
)

// TestDeployBanner: one line, the most serious condition first, nothing when all is well; the
// meaning is in glyphs and words, so it survives without colour.
func TestDeployBanner(t *testing.T) {
	ok := supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true}
	at := time.Date(2026, 11, 21, 15, 4, 5, 0, time.UTC)
	cases := []struct {
		name    string
		d       DeployBannerData
		want    string // "" for no banner
		trusted bool
	}{
		{"well", DeployBannerData{Health: ok}, "", true},
		{"connecting", DeployBannerData{Health: supervisor.Health{Engine: supervisor.EngineConnecting}},
			"◌ connecting to the engine — states not confirmed", false},
		{"zero", DeployBannerData{}, "◌ connecting to the engine — states not confirmed", false},
		{"unreachable", DeployBannerData{Health: supervisor.Health{Engine: supervisor.EngineUnreachable, EngineError: "dial unix: no such file"}},
			"✖ engine unreachable: dial unix: no such file — states not confirmed", false},
		{"reconciling", DeployBannerData{Health: supervisor.Health{Engine: supervisor.EngineConnected}},
			"◌ reconciling with the engine…", false},
		{"save", DeployBannerData{Health: supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true, SaveError: "disk full", SaveErrorAt: at}},
			"✖ state not saved since 15:04:05: disk full", true},
		{"unreachable and save", DeployBannerData{Health: supervisor.Health{Engine: supervisor.EngineUnreachable, SaveError: "disk full", SaveErrorAt: at}},
			"✖ engine unreachable — states not confirmed · state not saved since 15:04:05: disk full", false},
		{"gone", DeployBannerData{Health: ok, Gone: true, URL: "http://127.0.0.1:7070", GoneErr: "connection refused", TakeOverKey: "T"},
			"✖ supervisor at http://127.0.0.1:7070 stopped — press T to take over · connection refused", false},
		{"gone, no take over", DeployBannerData{Health: ok, Gone: true, URL: "http://127.0.0.1:7070"},
			"✖ supervisor at http://127.0.0.1:7070 stopped — states not confirmed", false},
	}
	for _, noColor := range []bool{false, true} {
		th := NewTheme(noColor)
		for _, c := range cases {
			if c.d.Trusted() != c.trusted {
				t.Errorf("%s: trusted %v", c.name, !c.trusted)
			}
			got := DeployBanner(th, c.d, 120)
			if c.want == "" {
				if got != "" || c.d.Shown() {
					t.Errorf("%s: a banner %q", c.name, got)
				}
				continue
			}
			if w := ansi.StringWidth(got); w != 120 || strings.Contains(got, "\n") {
				t.Errorf("%s: %d cells, not one line of 120", c.name, w)
			}
			if plain := strings.TrimSpace(ansi.Strip(got)); plain != c.want {
				t.Errorf("%s (no colour %v):\n got %q\nwant %q", c.name, noColor, plain, c.want)
			}
		}
	}
	if got := ansi.Strip(DeployBanner(NewTheme(true), cases[3].d, 30)); ansi.StringWidth(got) != 30 || !strings.HasSuffix(got, "…") {
		t.Errorf("cut to 30: %q", got)
	}
}

// TestDeployListUnconfirmed: unconfirmed states keep their word under the unknown glyph, with
// no readiness, countdown or deploy tag; Unknown has the glyph of its own.
func TestDeployListUnconfirmed(t *testing.T) {
	th := NewTheme(true)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	web := supervisor.ServiceStatus{Name: "web", State: supervisor.WaitNext, Revision: 1, Next: 2, Desired: 2, Healthy: 2,
		DrainUntil: now.Add(10 * time.Second)}
	un := web
	un.Name, un.State = "api", supervisor.Unknown
	out := ansi.Strip(DeployList(th, DeployListData{Services: []supervisor.ServiceStatus{un, web}, Cursor: -1, Now: now}, 100, 6))
	if !strings.Contains(out, "? Unknown") || !strings.Contains(out, "◐ WaitNext") || !strings.Contains(out, "old stops in 10s") {
		t.Fatalf("confirmed:\n%s", out)
	}
	out = ansi.Strip(DeployList(th, DeployListData{Services: []supervisor.ServiceStatus{web}, Cursor: -1, Now: now, Unconfirmed: true}, 100, 5))
	if !strings.Contains(out, "? WaitNext") || !strings.Contains(out, "?/2") || strings.Contains(out, "2/2") ||
		strings.Contains(out, "old stops") || strings.Contains(out, "deploying") || !strings.Contains(out, "1 unconfirmed") {
		t.Fatalf("unconfirmed:\n%s", out)
	}
}
