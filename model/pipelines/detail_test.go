package pipelines

import (
	"strings"
	"testing"
)

func TestPipelinesDetailAttempts(t *testing.T) {
	r := openCI(t, newTab(t, newDetailPipelines(), 120, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	if !strings.Contains(screen(r), "─[Output]│ Attempts │ Config ─ /test/unit #2 ─") {
		t.Fatalf("Output's bar:\n%s", screen(r))
	}
	r = pipelinesSubTab(t, r, "Attempts")
	s := screen(r)
	lines := strings.Split(s, "\n")
	for _, want := range []string{
		"─ Output │[Attempts]│ Config ─ /test/unit ─", "2 attempts ─",
		"ATTEMPT  STATE    EXIT  STARTED   TOOK  CONTAINER        REASON",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Attempts lacks %q:\n%s", want, s)
		}
	}
	// The pane is narrow: the container's name and the reason give way.
	first, second := indexOf(lines, "#1       ✖ error  1     11:51:40  20s   9c2e5f0a7b1d     exited 1"),
		indexOf(lines, "#2       ✖ error  2     11:52:10  42s   podium-pipe-ci…  retry 1 of …")
	if first < 0 || second != first+1 {
		t.Errorf("attempts not in order (%d, %d):\n%s", first, second, s)
	}
	// The attempts follow the tree's cursor.
	r, _ = press(t, r, "k")
	if s := screen(r); !strings.Contains(s, "/test is a parallel node: its children run, it does not") {
		t.Errorf("a parallel node's attempts:\n%s", s)
	}
	r, _ = press(t, r, "k")
	if s := screen(r); !strings.Contains(s, "#1       ✓ done  0     11:50:00  1m") {
		t.Errorf("build's attempt:\n%s", s)
	}
}

func TestPipelinesDetailConfig(t *testing.T) {
	r := openCI(t, newTab(t, newDetailPipelines(), 120, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	r = pipelinesSubTab(t, r, "Config")
	s := screen(r)
	for _, want := range []string{
		"─ Output │ Attempts │[Config]─ /test/unit ─",
		"Node      /test/unit (exec)", "Image     base (busybox:latest)", "Exec      go test ./...",
		"Retries   1", "Max time  1m30s", "Reuse     pool", "Skip      no",
		"Env       CI            1", "DB_PASSWORD   ••••••", "DEPLOY_TOKEN  ••••••", "GOFLAGS       -count=1",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Config lacks %q:\n%s", want, s)
		}
	}
	for _, secret := range []string{"hunter2", "t0ps3cret"} {
		if strings.Contains(s, secret) {
			t.Errorf("secret %q on screen", secret)
		}
	}
	// Another node: what it declares and what it inherits.
	r = selectNode(t, r, "/deploy")
	s = screen(r)
	for _, want := range []string{"Exec      ./deploy.sh", "Max time  10m0s", "Reuse     new", "Skip      yes", "Retries   none"} {
		if !strings.Contains(s, want) {
			t.Errorf("deploy's Config lacks %q:\n%s", want, s)
		}
	}
	r = selectNode(t, r, "/build")
	if s := screen(r); !strings.Contains(s, "Doc       Compile the app.") {
		t.Errorf("build's Config:\n%s", s)
	}
}

// TestPipelinesDetailConfigWithoutFile: a run that kept no copy of its file shows what the
// run recorded, and says why there is no more.
func TestPipelinesDetailConfigWithoutFile(t *testing.T) {
	fp := newFakePipelines()
	fp.Run("20261121-1150-a1b2").Nodes["/build"].Command = "make build"
	r := openCI(t, newTab(t, fp, 120, 40))
	r = pipelinesSubTab(t, r, "Config")
	r = selectNode(t, r, "/build")
	s := screen(r)
	if !strings.Contains(s, "Exec  make build") || !strings.Contains(s, "run 20261121-1150-a1b2 kept no copy of its file") ||
		strings.Contains(s, "Retries") {
		t.Errorf("Config without the file:\n%s", s)
	}
}

// selectNode moves the tree's cursor to path.
func selectNode(t *testing.T, r Model, path string) Model {
	t.Helper()
	if r.focus == pipeFocusList {
		r, _ = press(t, r, "tab")
	}
	for r.focus != pipeFocusTree {
		r, _ = press(t, r, "tab")
	}
	r, _ = press(t, r, "g")
	for range len(r.run.Order) {
		if r.selectedNode() == path {
			return r
		}
		r, _ = press(t, r, "j")
	}
	t.Fatalf("no node %s", path)
	return r
}
