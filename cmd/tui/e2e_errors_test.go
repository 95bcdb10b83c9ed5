package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIEngineErrorInFull runs the real binary over a spec the engine refuses (a bind mount
// of a path that does not exist): the Deploys tab shows the start of Docker's message, E opens
// all of it, c copies it to the clipboard (tmux takes OSC 52 as a paste buffer), ! lists it
// among the recent errors with its origin, and the tab bar's alert stays while it retries.
func TestTUIEngineErrorInFull(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	ws := t.TempDir()
	specs := filepath.Join(ws, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := "/nonexistent/podium-e2e/" + h.ID + "/config/production/settings.d"
	spec := `{:spec {:Image "busybox:latest"
        :Cmd ["sleep" "600"]
        :Labels {"e2e.podium.test" "` + h.ID + `"}
        :HostConfig {:Mounts [{:Type "bind" :Source "` + missing + `" :Target "/etc/app"}]}}
 :stop-timeout 1}
`
	if err := os.WriteFile(filepath.Join(specs, "e2ebad.edn"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeSupervised(t, h, ws) })

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	s := startTmux(t, 100, 30, env, bin, "-w", ws)
	s.run("set-option", "-s", "set-clipboard", "on")
	s.keys("2")
	row := s.waitLine(60*time.Second, "e2ebad", "TryAgain")
	if strings.Contains(row, missing) {
		t.Fatalf("the row has room for the whole error, the test proves nothing: %q", row)
	}
	// The retries do not move the header: the tab bar keeps its alert through each attempt.
	for range 20 {
		if sc := s.capture(); !strings.Contains(strings.Split(sc, "\n")[0], "[2 Deploys] ✖1") {
			t.Fatalf("the tab bar lost the alert while the deploy retries:\n%s", sc)
		}
		time.Sleep(100 * time.Millisecond)
	}

	s.keys("E")
	full := s.waitText("Errors and timeline", 10*time.Second)
	flat := strings.ReplaceAll(strings.Join(strings.Fields(full), " "), "- ", "-")
	for _, w := range []string{"Error response from daemon:", "bind source path does not exist:", missing} {
		if !strings.Contains(flat, w) {
			t.Fatalf("the opened error lacks %q:\n%s", w, full)
		}
	}
	s.keys("c")
	s.waitText("to the clipboard", 10*time.Second)
	var buf string
	for range 50 {
		out, err := exec.Command("tmux", "-S", s.socket, "show-buffer").CombinedOutput()
		if buf = string(out); err == nil && strings.Contains(buf, missing) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(buf, "Error response from daemon") || !strings.Contains(buf, missing) {
		t.Fatalf("the clipboard (tmux's buffer) has %q", buf)
	}
	s.keys("Escape")
	s.waitFor("the error closed", 10*time.Second, func(sc string) bool {
		return !strings.Contains(sc, "Errors and timeline") && lineWith(sc, "e2ebad", "TryAgain") != ""
	})

	s.keys("!")
	list := s.waitText("Recent errors", 10*time.Second)
	if lineWith(list, "Deploys", "e2ebad") == "" {
		t.Fatalf("the recent errors do not list the deploy's:\n%s", list)
	}
	s.keys("Enter")
	s.waitText("bind source path does not exist", 10*time.Second)
	s.keys("Escape")
	s.waitText("Recent errors", 10*time.Second)
	s.keys("Escape")
	s.waitFor("the errors closed", 10*time.Second, func(sc string) bool { return !strings.Contains(sc, "Recent errors") })
	s.keys("q")
	deadline := time.Now().Add(15 * time.Second)
	for s.alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}
