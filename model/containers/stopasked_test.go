package containers

import (
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/modeltest"
)

// TestStopAskedIsNoFailure: a container that exited 137 because the user stopped it (the
// index marks it StopAsked) raises no failure badge and is drawn stopped; the same 137 from a
// kill nobody asked for, or an OOM kill during a stop, still is a failure.
func TestStopAskedIsNoFailure(t *testing.T) {
	now := testNow()
	exited := func(id, name string, asked, oom bool) docker.Container {
		return docker.Container{ID: id, Name: name, Image: "busybox:latest", State: "exited", ExitCode: 137,
			StartedAt: now.Add(-time.Hour), FinishedAt: now.Add(-time.Minute), StopAsked: asked, OOMKilled: oom}
	}
	cs := []docker.Container{
		exited("a1a1a1a1a1a1", "stopped-by-user", true, false),
		exited("b2b2b2b2b2b2", "killed-outside", false, false),
		exited("c3c3c3c3c3c3", "oom-while-stopping", true, true),
	}
	m := newTab(t, modeltest.NewContainers(connected(cs)), 120, 20)
	if got := m.Alerts(); got != 2 {
		t.Errorf("Alerts() = %d, want 2 (the kill and the OOM kill, not the asked stop)", got)
	}
	sc := screen(m)
	for name, glyph := range map[string]string{"stopped-by-user": "○ exited", "killed-outside": "✖ exited", "oom-while-stopping": "✖ exited"} {
		line := ""
		for _, l := range strings.Split(sc, "\n") {
			if strings.Contains(l, name) && line == "" {
				line = l // the row, not the detail's title
			}
		}
		if !strings.Contains(line, glyph) || !strings.Contains(line, "exited (137)") {
			t.Errorf("%s: want %q and its exit code on its row, got %q", name, glyph, line)
		}
	}
}
