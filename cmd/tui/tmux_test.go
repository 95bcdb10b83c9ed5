package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real podium binary inside a detached tmux session: it types keys
// and reads the pane, waiting on conditions rather than sleeping.
type tmuxSession struct {
	t      *testing.T
	name   string
	socket string
}

// buildBinary compiles podium once for the test and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "podium")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startTmux runs command in a new tmux session of the given size, on a private tmux server.
func startTmux(t *testing.T, width, height int, env []string, command ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("PODIUM_REQUIRE_DOCKER") == "1" {
			t.Fatalf("tmux is required for end-to-end tests: %v", err)
		}
		t.Skipf("tmux not installed: %v", err)
	}
	s := &tmuxSession{t: t, name: "podium-e2e", socket: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"new-session", "-d", "-s", s.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, strings.Join(quoteAll(command), " "))
	s.run(args...)
	t.Cleanup(func() {
		if t.Failed() && s.alive() {
			t.Logf("last screen:\n%s", s.capture())
		}
		_ = exec.Command("tmux", "-S", s.socket, "kill-server").Run()
	})
	return s
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// capture returns the pane's visible text.
func (s *tmuxSession) capture() string {
	out, err := exec.Command("tmux", "-S", s.socket, "capture-pane", "-p", "-t", s.name).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("<capture failed: %v: %s>", err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Escape, C-c) or literal text with literal=true.
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// typeText sends text literally, character by character as a user would type it.
func (s *tmuxSession) typeText(text string) {
	s.t.Helper()
	s.run("send-keys", "-t", s.name, "-l", text)
}

// waitFor polls the pane until cond holds or the timeout passes.
func (s *tmuxSession) waitFor(what string, timeout time.Duration, cond func(screen string) bool) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		screen := s.capture()
		if cond(screen) {
			return screen
		}
		select {
		case <-ctx.Done():
			s.t.Fatalf("timed out after %s waiting for %s; screen:\n%s", timeout, what, screen)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitText waits until the pane shows text.
func (s *tmuxSession) waitText(text string, timeout time.Duration) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q on screen", text), timeout, func(screen string) bool { return strings.Contains(screen, text) })
}

// alive reports whether the session's program is still running.
func (s *tmuxSession) alive() bool {
	return exec.Command("tmux", "-S", s.socket, "has-session", "-t", s.name).Run() == nil
}

// on returns the session bound to t, so a subtest's failed wait ends that subtest, not its parent.
func (s *tmuxSession) on(t *testing.T) *tmuxSession {
	c := *s
	c.t = t
	return &c
}

// lineWith returns the first line of screen whose space-separated fields include every word,
// or "" when none does. Matching fields rather than columns keeps tests loose about layout.
func lineWith(screen string, words ...string) string {
	for _, line := range strings.Split(screen, "\n") {
		fields := strings.Fields(line)
		ok := true
		for _, w := range words {
			if !slices.Contains(fields, w) {
				ok = false
				break
			}
		}
		if ok {
			return line
		}
	}
	return ""
}

// waitLine waits until one line of the pane holds every word as a field, and returns that line.
func (s *tmuxSession) waitLine(timeout time.Duration, words ...string) string {
	s.t.Helper()
	screen := s.waitFor(fmt.Sprintf("a line with the words %q", words), timeout, func(sc string) bool {
		return lineWith(sc, words...) != ""
	})
	return lineWith(screen, words...)
}

// pressUntil presses key until done accepts what probe reads off the screen (say, the selected
// row), at most limit times. After each press it waits for the probe to change, so a key is
// never sent before the previous one has been drawn.
func (s *tmuxSession) pressUntil(what, key string, limit int, probe func(screen string) string, done func(probed string) bool) string {
	s.t.Helper()
	for i := 0; ; i++ {
		screen := s.capture()
		cur := probe(screen)
		if done(cur) {
			return screen
		}
		if i == limit {
			s.t.Fatalf("%s: still not there after %d presses of %s (at %q); screen:\n%s", what, limit, key, cur, screen)
		}
		s.keys(key)
		s.waitFor(fmt.Sprintf("%s: %s to move off %q", what, key, cur), 10*time.Second, func(sc string) bool {
			return probe(sc) != cur
		})
	}
}

// quit sends ctrl+c (which quits from any prompt, where q would be typed) and waits for the
// program to end; it reports whether it did within timeout. For cleanups: it never fails t.
func (s *tmuxSession) quit(timeout time.Duration) bool {
	if !s.alive() {
		return true
	}
	_ = exec.Command("tmux", "-S", s.socket, "send-keys", "-t", s.name, "C-c").Run()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for s.alive() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}
