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

// selectedLine is the screen line of the selected row (marked ▌), or "".
func selectedLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "▌") {
			return l
		}
	}
	return ""
}

// TestTUIDeploysFollowSpecEdits runs two supervised services in the real binary: editing the
// second one's spec selects it while its deploy runs, and a spec that no longer parses shows
// its error, naming the file and the line, in place.
func TestTUIDeploysFollowSpecEdits(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	ws, err := os.MkdirTemp("", "podium-specs") // short: the error names the file in full
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(ws) })
	specs := filepath.Join(ws, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	spec := func(v string) []byte {
		return []byte(`spec:
  Image: busybox:latest
  Cmd: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
  Env: ["VERSION=` + v + `"]
  Labels: {e2e.podium.test: "` + h.ID + `"}
stop-timeout: 1
`)
	}
	for _, name := range []string{"alpha", "beta"} {
		if err := os.WriteFile(filepath.Join(specs, name+".yml"), spec("1"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { removeSupervised(t, h, ws) })

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 40, env, bin, "-w", ws)
	s.keys("2")
	bothStable := func(sc string) bool {
		n := 0
		for _, l := range strings.Split(sc, "\n") {
			if (strings.Contains(l, "alpha") || strings.Contains(l, "beta")) && strings.Contains(l, "Stable") && strings.Contains(l, "r1") {
				n++
			}
		}
		return n >= 2
	}
	sc := s.waitFor("alpha and beta Stable on r1", 60*time.Second, bothStable)
	// The other service than the one selected (which depends on the order they came in).
	other := "beta"
	if strings.Contains(selectedLine(sc), "beta") {
		other = "alpha"
	}

	// Its spec is edited: its deploy takes the selection, with its detail.
	if err := os.WriteFile(filepath.Join(specs, other+".yml"), spec("2"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.waitFor(other+" selected while it deploys", 30*time.Second, func(sc string) bool {
		return strings.Contains(selectedLine(sc), other) && strings.Contains(sc, "specs/"+other+".yml")
	})
	s.waitFor(other+" Stable on r2", 60*time.Second, func(sc string) bool {
		l := selectedLine(sc)
		return strings.Contains(l, "Stable") && strings.Contains(l, "r2")
	})

	// A spec that does not parse: the error in place, with the file and the line; the running
	// revision stays.
	if err := os.WriteFile(filepath.Join(specs, other+".yml"), []byte("spec:\n  Image: busybox:latest\n  Cmd: [sh, -c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.waitText("spec error: "+filepath.Join(specs, other+".yml")+": not valid YAML: line 2", 30*time.Second)
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelDeploy + "=" + other, "e2e.podium.test=" + h.ID}})
	if err != nil || len(cs) != 1 || cs[0].Labels[docker.LabelRevision] != "2" || !cs[0].Running() {
		t.Fatalf("the broken spec touched %s's container: %v %+v", other, err, cs)
	}
}
