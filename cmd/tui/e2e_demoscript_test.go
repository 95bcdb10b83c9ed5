package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestDemoScriptTwoWorkspaces runs scripts/demo.sh (what `make demo` runs) in tmux on two
// copies of the demo workspace, one after the other, against the real engine: it says what it
// is doing before the TUI's first frame, marks every container it starts with its own
// workspace, and the second demo's cleanup removes the leftovers of its own workspace only,
// leaving the first demo's containers running.
func TestDemoScriptTwoWorkspaces(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "demo.sh"))
	if err != nil {
		t.Fatal(err)
	}
	suffix := h.ID[strings.LastIndexByte(h.ID, '-')+1:]
	type demo struct {
		d     *demoSession
		label string // dev.podium.demo=<the workspace>
	}
	prepare := func(name string) demo {
		ws := copyDemo(t)
		real, err := filepath.EvalSymlinks(ws)
		if err != nil {
			t.Fatal(err)
		}
		d := &demoSession{h: h, ws: ws, project: "e2escript" + name + suffix}
		label := docker.LabelDemo + "=" + real
		t.Cleanup(func() {
			d.cleanup(t, nil)
			cs, _ := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{label}})
			for _, c := range cs {
				_ = h.Engine.Remove(h.Ctx(), c.ID, docker.RemoveOptions{Force: true, Volumes: true})
			}
		})
		return demo{d: d, label: label}
	}
	start := func(x demo) {
		env := append(privateEnv(t), "DEMO_WORKSPACE="+x.d.ws)
		if v := os.Getenv("DOCKER_HOST"); v != "" {
			env = append(env, "DOCKER_HOST="+v)
		}
		x.d.s = startTmux(t, 120, 40, env, "bash", "-c", `bash "$0" "$@"; echo "[demo.sh exited $?]"; sleep 600`,
			script, bin, "-H", h.Engine.Endpoint().Host, "-p", x.d.project)
		t.Cleanup(func() { x.d.s.quit(20 * time.Second) })
	}
	// demoContainers are the containers carrying x's label.
	demoContainers := func(x demo) map[string]docker.Container {
		cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{x.label}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]docker.Container{}
		for _, c := range cs {
			out[c.ID] = c
		}
		return out
	}
	a, b := prepare("a"), prepare("b")

	// Demo a: says what it does, comes up, and marks its pods and its services.
	start(a)
	a.d.s.waitText("demo: bringing up the pods of", 60*time.Second)
	a.d.s.waitText("placeholder · enabled", 120*time.Second) // the TUI's Pods tab
	// The supervisor's services come up in the TUI: wait for api's container.
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{a.d.supervisorLabel(), docker.LabelDeploy + "=api"}})
		if err == nil && len(cs) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo a's supervisor started no api container: %v\n%s", err, a.d.s.capture())
		}
	}
	as := demoContainers(a)
	for _, want := range []string{a.d.project + "-db-1", a.d.project + "-web-1", a.d.project + "-worker-1"} {
		found := false
		for _, c := range as {
			found = found || c.Name == want
		}
		if !found {
			t.Errorf("demo a's container %s does not carry %s", want, a.label)
		}
	}
	sup, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{a.d.supervisorLabel()}})
	if err != nil || len(sup) == 0 {
		t.Fatalf("demo a's supervised containers: %v, %d", err, len(sup))
	}
	for _, c := range sup {
		if _, ok := as[c.ID]; !ok {
			t.Errorf("demo a's supervised container %s does not carry %s", c.Name, a.label)
		}
	}

	// An earlier demo of b's workspace left a container; demo b removes it, and only it.
	leftover := h.Create("leftover", &container.Config{Cmd: []string{"sleep", "300"},
		Labels: map[string]string{docker.LabelDemo: strings.TrimPrefix(b.label, docker.LabelDemo+"=")}}, nil)
	start(b)
	b.d.s.waitText("placeholder · enabled", 120*time.Second)
	if _, err := h.Engine.Inspect(h.Ctx(), leftover); !docker.IsNotFound(err) {
		t.Errorf("demo b left the leftover of its own workspace: %v", err)
	}
	now := demoContainers(a)
	for id, c := range as {
		got, ok := now[id]
		if !ok {
			t.Errorf("demo b removed demo a's container %s", c.Name)
			continue
		}
		if c.State == "running" && got.State != "running" {
			t.Errorf("demo a's container %s is %s after demo b started", c.Name, got.State)
		}
	}
	if len(demoContainers(b)) == 0 {
		t.Errorf("demo b's containers do not carry %s", b.label)
	}
}
