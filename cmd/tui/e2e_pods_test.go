package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIPodsEndToEnd opens a copy of the demo workspace in the real binary, brings the db pod
// up with `u`, sees it running, and runs web's test from the Pods tab: it passes.
func TestTUIPodsEndToEnd(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	ws := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "examples", "demo"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy demo: %v\n%s", err, out)
	}
	project := "e2e" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	t.Cleanup(func() { downWorkspace(t, h, ws, project) })

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 40, env, bin, "-w", ws, "-p", project)
	s.waitText("placeholder · enabled", 20*time.Second)

	// The first row is the db pod: bring it up.
	s.keys("u")
	db := project + "-db-1"
	s.waitFor(db+" running", 30*time.Second, func(sc string) bool {
		for _, line := range strings.Split(sc, "\n") {
			if strings.Contains(line, db) && strings.Contains(line, "running") {
				return true
			}
		}
		return false
	})
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelComposeProject + "=" + project, docker.LabelPod + "=db"}})
	if err != nil || len(cs) != 1 || cs[0].State != "running" {
		t.Fatalf("db after u: %v, %+v", err, cs)
	}

	// Filter to web's service row and run its test: the output stays until Enter.
	s.keys("/")
	s.typeText("web")
	s.keys("Enter")
	s.waitText("not created", 5*time.Second)
	s.keys("j")
	// Out of the box, with no source mounted, the demo's test passes.
	s.keys("t")
	s.waitText("press enter to return to podium", 60*time.Second)
	if sc := s.capture(); !strings.Contains(sc, "All tests passed") {
		t.Fatalf("the demo's test did not pass:\n%s", sc)
	}
	s.keys("Enter")
	s.waitText("test frontend/web exited (code 0)", 10*time.Second)
}
