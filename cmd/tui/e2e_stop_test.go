package main

import (
	"os"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIStopIsNoFailure runs the real binary in tmux against the real engine: a container the
// user stops with `s` (its sleep ignores SIGTERM, so it ends with SIGKILL, exit 137) is drawn
// stopped, not failed; the same 137 from a kill from outside is drawn failed.
func TestTUIStopIsNoFailure(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	sleeper := &container.Config{Cmd: []string{"sleep", "300"}, StopTimeout: new(int)}
	*sleeper.StopTimeout = 1
	stopped, killed := h.Name("stopme"), h.Name("killme")
	h.Run("stopme", sleeper, nil)
	killedID := h.Run("killme", sleeper, nil)

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 40, env, bin, "-H", h.Engine.Endpoint().Host, "--workspace", t.TempDir())
	s.waitText("connected", 20*time.Second)
	s.keys("4", "/")
	s.typeText(h.Name(""))
	s.keys("Enter")
	s.waitLine(20*time.Second, stopped, "●", "running")
	s.waitLine(20*time.Second, killed, "●", "running")

	// The filter keeps the two, killme first: select stopme and stop it.
	s.pressUntil("select "+stopped, "j", 5, selectedRow, func(r string) bool { return nameOf(r) == stopped })
	s.keys("s")
	s.waitLine(30*time.Second, stopped, "○", "exited", "(137)")
	if err := h.Engine.Kill(h.Ctx(), killedID, ""); err != nil {
		t.Fatal(err)
	}
	s.waitLine(30*time.Second, killed, "✖", "exited", "(137)")
	if line := lineWith(s.capture(), stopped, "✖"); line != "" {
		t.Fatalf("the container stopped with s is drawn failed: %q", line)
	}
}
