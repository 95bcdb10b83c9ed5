package containers

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/common"
)

// inspected runs the inspect the tab has under way and hands its result back.
func inspected(t *testing.T, r Model) Model {
	t.Helper()
	f := r.detail.inspect.fetch
	if f == nil {
		t.Fatal("no inspect under way")
	}
	return update(t, r, runCmd(t, f.read))
}

// statsArrive starts the Stats sub-tab's stream as the Program would (its reader off the UI
// loop) and hands its samples back until all of fixtureStats are in, however the reader's
// pushes and the waits interleave.
func statsArrive(t *testing.T, r Model) Model {
	t.Helper()
	s := r.detail.stats.stream
	if s == nil {
		t.Fatal("no stats stream")
	}
	go s.run(r.b)()
	for len(r.detail.stats.samples) < len(fixtureStats()) {
		r = update(t, r, runCmd(t, s.wait()))
	}
	return r
}

// detailRule is the screen's line with the detail pane's sub-tab bar.
func detailRule(t *testing.T, r Model) string {
	t.Helper()
	for _, l := range strings.Split(screen(r), "\n") {
		if strings.Contains(l, "│ Config │") || strings.Contains(l, "│[Config]│") || strings.Contains(l, "─[Logs]│") {
			return l
		}
	}
	t.Fatalf("no sub-tab bar on screen:\n%s", screen(r))
	return ""
}

func TestContainersDetailConfigAndEnv(t *testing.T) {
	f := newFake()
	r := newTab(t, f, 120, 40)
	r, _ = press(t, r, "j", "j")
	if l := detailRule(t, r); !strings.Contains(l, "─[Logs]│ Config │ Env │ Stats ─ shop-api-1 ─") {
		t.Fatalf("bar on Logs: %q", l)
	}
	if slices.ContainsFunc(f.Calls(), func(c string) bool { return strings.HasPrefix(c, "inspect") }) {
		t.Fatal("inspected before Config was shown")
	}
	r, _ = press(t, r, "]")
	if l := detailRule(t, r); !strings.Contains(l, "─ Logs │[Config]│ Env │ Stats ─ shop-api-1 ─") {
		t.Fatalf("bar on Config: %q", l)
	}
	if !strings.Contains(screen(r), "reading shop-api-1…") {
		t.Errorf("no reading note while the inspect runs:\n%s", screen(r))
	}
	r = inspected(t, r)
	s := screen(r)
	for _, want := range []string{
		"Image        ghcr.io/podium/shop-api:1.4.2",
		"Image ID     sha256:5e1f0c3a9b7d",
		"Command      /app/api serve --port 80",
		"Entrypoint   /docker-entrypoint.sh",
		"Working dir  /app",
		"Restart      unless-stopped",
		"Ports        127.0.0.1:8080->80/tcp",
		"Mounts       volume shop_uploads → /app/uploads",
		"bind /srv/shop/config → /etc/shop (read-only)",
		"Networks     shop_default  172.18.0.5  aliases api, shop-api-1",
		"Health       healthy",
		"Check        wget -qO- http://localhost/healthz · every 10s · timeout 3s · 3 retries",
		"Last check   exit 0",
		"com.docker.compose.project=shop",
		"io.podium.webhook-secret=••••••",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Config lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "s3cr3t-label") {
		t.Error("a secret label's value is on screen")
	}

	// Env: the same inspect, no second read; secrets masked, the rest shown.
	calls := len(f.Calls())
	r, _ = press(t, r, "]")
	s = screen(r)
	lines := strings.Split(s, "\n")
	for _, want := range []string{
		"DB_PASSWORD   ••••••", "API_KEY       ••••••", "GITHUB_TOKEN  ••••••",
		"PATH          /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"MONKEY        banana", "DATABASE_URL  postgres://db:5432/shop", "8 variables",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Env lacks %q:\n%s", want, s)
		}
	}
	for _, secret := range []string{"hunter2", "sk-live", "ghp_"} {
		if strings.Contains(s, secret) {
			t.Errorf("secret %q is on screen:\n%s", secret, s)
		}
	}
	if i := indexOf(lines, "EMPTY_SECRET"); i < 0 || strings.Contains(lines[i], "•") {
		t.Errorf("an empty secret is masked or missing: %q", lines)
	}
	if len(f.Calls()) != calls {
		t.Errorf("Env read the container again: %q", f.Calls()[calls:])
	}

	// A new selection reads the new container; the old read, if still running, is dropped.
	r, _ = press(t, r, "[") // back to Config
	r, _ = press(t, r, "j")
	old := r.detail.inspect.fetch
	r, _ = press(t, r, "j")
	if old == nil || runCmd(t, old.read) != nil {
		t.Error("the read of the container left behind was not cancelled")
	}
	r = inspected(t, r)
	if s := screen(r); !strings.Contains(s, "─ shop-worker-1 ─") || !strings.Contains(s, "Command      /app/worker serve") {
		t.Errorf("Config did not follow the selection:\n%s", s)
	}
}

func TestContainersDetailScrolls(t *testing.T) {
	r := newTab(t, newFake(), 80, 24)
	r, _ = press(t, r, "j", "j", "]")
	r = inspected(t, r)
	r, _ = press(t, r, "tab")
	if !strings.Contains(screen(r), "Image ") || !strings.Contains(detailRule(t, r), "↓") {
		t.Fatalf("Config does not start at its top, with more below:\n%s", screen(r))
	}
	r, _ = press(t, r, "G")
	s := screen(r)
	if strings.Contains(s, "Image  ") || !strings.Contains(s, "Started ") || strings.Contains(detailRule(t, r), "↓") {
		t.Fatalf("G did not scroll Config to its end:\n%s", s)
	}
	// The list keeps its selection while the detail scrolls.
	if selectedName(r) != "shop-api-1" {
		t.Errorf("scrolling moved the selection to %s", selectedName(r))
	}
	r, _ = press(t, r, "g")
	if !strings.Contains(screen(r), "Image ") {
		t.Errorf("g did not scroll back:\n%s", screen(r))
	}
	// Switching sub-tabs starts the next one at its top.
	r, _ = press(t, r, "G", "]")
	if l := detailRule(t, r); strings.Contains(l, "↑") {
		t.Errorf("Env did not start at its top: %q", l)
	}
}

func TestContainersDetailStats(t *testing.T) {
	f := newFake()
	r := newTab(t, f, 120, 40)
	r, _ = press(t, r, "j", "j", "]", "]")
	if r.detail.stats.stream != nil {
		t.Fatal("stats stream before the Stats sub-tab is on screen")
	}
	r, _ = press(t, r, "]")
	if l := detailRule(t, r); !strings.Contains(l, "│[Stats]─ shop-api-1") {
		t.Fatalf("bar on Stats: %q", l)
	}
	if !strings.Contains(screen(r), "waiting for the first sample…") {
		t.Errorf("no waiting note:\n%s", screen(r))
	}
	r = statsArrive(t, r)
	s := screen(r)
	for _, want := range []string{
		"CPU       6.0%  peak 48.0%", "▁▁▂▂▃▄▆█▇▅▃▂",
		"Memory    62.0MiB / 512.0MiB (12.1%)  peak 62.0MiB", "▆▆▆▆▆▇▇▇▇███",
		"Net I/O   ↓ 1.2MB received · ↑ 345.5kB sent", "Block I/O 4.1MB read · 8.2kB written",
		"PIDs      7", "12 samples", "● live",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Stats lacks %q:\n%s", want, s)
		}
	}

	// Leaving the sub-tab stops the stream; so does leaving the tab.
	stream := r.detail.stats.stream
	r, _ = press(t, r, "]")
	if stream.ctx.Err() == nil || r.detail.stats.stream != nil {
		t.Fatal("the stream runs on after leaving Stats")
	}
	r, _ = press(t, r, "[")
	stream = r.detail.stats.stream
	if stream == nil || !strings.Contains(screen(r), "▁▁▂▂▃▄▆█▇▅▃▂") {
		t.Fatalf("back on Stats: no stream, or the samples were lost:\n%s", screen(r))
	}
	r = shown(t, r, false) // another tab on screen
	if stream.ctx.Err() == nil {
		t.Fatal("the stream runs on while another tab is on screen")
	}
	r = shown(t, r, true)
	if r.detail.stats.stream == nil {
		t.Fatal("coming back to the tab did not resume the stream")
	}

	// A container that is not running has no stats, and no stream is started for it.
	r, _ = press(t, r, "G")
	if selectedName(r) != "scratch" || r.detail.stats.stream != nil {
		t.Fatalf("selected %s, stream %v", selectedName(r), r.detail.stats.stream)
	}
	if s := screen(r); !strings.Contains(s, "scratch is created: no stats") {
		t.Errorf("scratch's Stats:\n%s", s)
	}
}

// TestContainersStatsEndAndRestart: a stream that ends (the container stopped) says so and is
// not restarted until the container starts again.
func TestContainersStatsEndAndRestart(t *testing.T) {
	r := newTab(t, newFake(), 120, 40)
	r, _ = press(t, r, "j", "j", "[")
	r = statsArrive(t, r)
	s := r.detail.stats.stream
	r = update(t, r, statsEndedMsg{stream: s})
	if r.detail.stats.stream != nil || !strings.Contains(screen(r), "○ ended") {
		t.Fatalf("after the end:\n%s", screen(r))
	}
	if !strings.Contains(screen(r), "▁▁▂▂▃▄▆█▇▅▃▂") {
		t.Error("the samples read before the end are gone")
	}
	// The index sees the container start again: a new stream.
	snap := r.Snapshot()
	cs := slices.Clone(snap.Containers)
	for i := range cs {
		if cs[i].Name == "shop-api-1" {
			cs[i].StartedAt = testNow()
		}
	}
	snap.Containers = cs
	r = update(t, r, common.ContainersChangedMsg{Snap: snap})
	if r.detail.stats.stream == nil {
		t.Fatal("no new stream after the restart")
	}
	// A sample of a stream no longer shown changes nothing.
	m, cmd := r.Update(statsSampledMsg{stream: s})
	if cmd != nil || m.(Model).detail.stats.stream == s {
		t.Error("a stale stream's samples were taken")
	}
}

// TestContainersConfigFollowsHealthChecks: while Config shows a running container with a
// health check, each new probe (an exec ending in it) reads the container again, so "Last
// check" shows the newest result, even when the health status itself does not change.
func TestContainersConfigFollowsHealthChecks(t *testing.T) {
	f := newFake()
	probe := 0 // the newest probe's number, in its output
	base := f.Detail
	f.Detail = func(c docker.Container) docker.ContainerDetail {
		d := base(c)
		if d.HealthLast != nil && probe > 0 {
			last := *d.HealthLast
			last.End = last.End.Add(time.Duration(probe) * 10 * time.Second)
			last.Output = fmt.Sprintf("probe %d ok", probe)
			d.HealthLast = &last
		}
		return d
	}
	r := newTab(t, f, 120, 40)
	r, _ = press(t, r, "j", "j", "]") // shop-api-1, healthy, on Config
	r = inspected(t, r)
	if s := screen(r); !strings.Contains(s, "Last check   exit 0") {
		t.Fatalf("Config lacks the last check:\n%s", s)
	}
	for probe = 1; probe <= 2; probe++ {
		c, _ := r.Selected()
		f.EndExec(c.ID)
		w := r.detail.inspect.watch
		if w == nil {
			t.Fatal("Config follows no health probes")
		}
		r = update(t, r, runCmd(t, w.wait))
		r = inspected(t, r)
		if s := screen(r); !strings.Contains(s, fmt.Sprintf("probe %d ok", probe)) {
			t.Fatalf("after probe %d, Config shows an older check:\n%s", probe, s)
		}
	}

	// The engine records a probe's result just after its exec ends: a read that comes first
	// still has the previous one, and the tab reads again until the new one is in.
	probe = 2
	reads, lag := 0, 2
	f.Detail = func(c docker.Container) docker.ContainerDetail {
		reads++
		if reads > lag {
			probe = 3
		}
		d := base(c)
		last := *d.HealthLast
		last.End = last.End.Add(time.Duration(probe) * 10 * time.Second)
		last.Output = fmt.Sprintf("probe %d ok", probe)
		d.HealthLast = &last
		return d
	}
	c, _ := r.Selected()
	f.EndExec(c.ID)
	r = update(t, r, runCmd(t, r.detail.inspect.watch.wait))
	r = inspected(t, r)
	if s := screen(r); !strings.Contains(s, "probe 3 ok") || reads != lag+1 {
		t.Fatalf("after probe 3 (its result in the engine's %dth read), %d reads, Config shows:\n%s", lag+1, reads, s)
	}

	// Off Config, no probe is followed.
	r, _ = press(t, r, "]")
	if w := r.detail.inspect.watch; w != nil {
		t.Error("Env still follows health probes")
	}
}
