package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIDeploysEndToEnd opens a workspace with one spec in the real binary (which supervises
// it in-process), edits the spec, and watches the Deploys tab follow the deploy to Stable on
// the new revision; quitting leaves the service running.
func TestTUIDeploysEndToEnd(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	ws := t.TempDir()
	specs := filepath.Join(ws, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	spec := func(v string) []byte {
		return []byte(`{:spec {:Image "busybox:latest"
        :Cmd ["sh" "-c" "trap 'exit 0' TERM; touch /tmp/ready; while true; do sleep 1; done"]
        :Env ["VERSION=` + v + `"]
        :Labels {"e2e.podium.test" "` + h.ID + `"}
        :Healthcheck {:Test ["CMD-SHELL" "test -f /tmp/ready"] :Interval 300000000 :Timeout 1000000000 :Retries 3}}
 :deploy [:After 1]
 :stop-timeout 1}
`)
	}
	if err := os.WriteFile(filepath.Join(specs, "e2eapi.edn"), spec("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeSupervised(t, h, ws) })

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	s := startTmux(t, 120, 40, env, bin, "-w", ws)
	s.keys("2")
	stable := func(rev string) func(string) bool {
		return func(sc string) bool {
			for _, line := range strings.Split(sc, "\n") {
				if strings.Contains(line, "e2eapi") && strings.Contains(line, "Stable") && strings.Contains(line, rev) {
					return true
				}
			}
			return false
		}
	}
	s.waitFor("e2eapi Stable on r1", 60*time.Second, stable("r1"))

	if err := os.WriteFile(filepath.Join(specs, "e2eapi.edn"), spec("2"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.waitText("WaitNext", 20*time.Second)
	s.waitFor("e2eapi Stable on r2", 60*time.Second, stable("r2"))

	s.keys("q")
	deadline := time.Now().Add(15 * time.Second)
	for s.alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelDeploy + "=e2eapi", "e2e.podium.test=" + h.ID}})
	if err != nil || len(cs) != 1 || cs[0].State != "running" || cs[0].Labels[docker.LabelRevision] != "2" {
		t.Fatalf("after quitting, want revision 2 still running: %v %+v", err, cs)
	}
}
