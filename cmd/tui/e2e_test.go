package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIEndToEnd runs the real binary in tmux against the real engine: it lists a container
// the test started, follows its logs, opens a shell in it, runs a command, exits, and finds the
// UI intact and still answering keys.
func TestTUIEndToEnd(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	name := h.Name("e2e")
	h.Run("e2e", &container.Config{Cmd: []string{"sh", "-c", "echo e2e-log-line; sleep 300"}}, nil)

	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state, "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 40, env, bin, "--workspace", t.TempDir())

	s.waitText("connected", 20*time.Second)

	// Narrow the list to our container, so the selection is ours (and on screen) whatever
	// else runs here.
	s.keys("/")
	s.typeText(name)
	s.keys("Enter")
	s.waitText(name, 20*time.Second)
	s.waitText("e2e-log-line", 10*time.Second)

	s.keys("Enter")
	s.waitText("/ #", 10*time.Second)
	s.typeText("echo podium-$((40+2))")
	s.keys("Enter")
	s.waitText("podium-42", 10*time.Second)
	s.typeText("exit 3")
	s.keys("Enter")
	screen := s.waitText("exited (code 3)", 10*time.Second)
	if !strings.Contains(screen, name) || !strings.Contains(screen, "Containers") {
		t.Fatalf("after the shell the list is not back:\n%s", screen)
	}

	// The next key still reaches the TUI: the help opens and closes.
	s.keys("?")
	s.waitText("open a shell in the container", 5*time.Second)
	s.keys("Escape")
	s.waitFor("help closed", 5*time.Second, func(sc string) bool {
		return !strings.Contains(sc, "open a shell in the container") && strings.Contains(sc, name)
	})

	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for s.alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if s.alive() {
		t.Fatalf("podium did not quit on q; screen:\n%s", s.capture())
	}
	if _, err := os.Stat(filepath.Join(state, "podium", "podium.log")); err != nil {
		t.Fatalf("no log file in the state directory: %v", err)
	}
	// Quitting leaves containers running.
	c, err := h.Engine.Inspect(h.Ctx(), name)
	if err != nil || c.State != "running" {
		t.Fatalf("container after quit: %+v, %v", c.State, err)
	}
}
