package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// appWithAdmin is the app pod with a second service, admin.
func appWithAdmin() string {
	return appPod("hello") + `  admin:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`
}

// TestTUIPodsAddRemoveServiceEndToEnd edits a running pod's file under the real binary: a
// service added shows "to create" and a applies it; removed again, its running container
// shows as an orphan (as `podium status` does) and X leaves no container and no network.
func TestTUIPodsAddRemoveServiceEndToEnd(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	project := "or" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	ws := liveWorkspace(t, h, project)
	if out, err := runCLI(t, "-w", ws, "-p", project, "up", "--wait"); err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}
	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 140, 40, env, bin, "-w", ws, "-p", project)
	s.waitText(project+"-web-1", 20*time.Second)
	admin := project + "-admin-1"
	adminContainers := func() []docker.Container {
		cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{
			docker.LabelComposeProject + "=" + project, docker.LabelComposeService + "=admin"}})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}

	// Added: to create, in the row and the Diff's plan; a creates it.
	writePod(t, ws, appWithAdmin())
	s.waitLine(20*time.Second, "admin", "to", "create")
	s.keys("g")
	s.waitFor("the app row selected", 10*time.Second, func(sc string) bool { return strings.Contains(selectedLine(sc), "app") })
	// The reload puts the selection's Diff on screen.
	s.waitText("[Diff]", 10*time.Second)
	s.waitText("create "+admin, 10*time.Second)
	if cs := adminContainers(); len(cs) != 0 {
		t.Fatalf("the edit created admin without a key: %+v", cs)
	}
	s.keys("a")
	s.waitText("apply app/admin: done", 60*time.Second)
	if cs := adminContainers(); len(cs) != 1 || !cs[0].Running() {
		t.Fatalf("after a, admin: %+v", cs)
	}
	s.waitLine(20*time.Second, admin, "running")

	// Removed: its running container is an orphan, on screen and in `podium status`.
	writePod(t, ws, appPod("hello"))
	s.waitLine(20*time.Second, "admin", "orphan:")
	s.waitText("remove "+admin, 10*time.Second)
	if cs := adminContainers(); len(cs) != 1 || !cs[0].Running() {
		t.Fatalf("the edit touched admin without a key: %+v", cs)
	}
	out, err := runCLI(t, "-w", ws, "-p", project, "status")
	if err != nil || !strings.Contains(out, "admin") || !strings.Contains(out, "orphan") {
		t.Fatalf("status: %v\n%s", err, out)
	}

	// X takes everything down: the orphan too, and then the network.
	s.keys("X")
	s.waitText("Down: remove every pod's containers?", 10*time.Second)
	s.keys("y")
	s.waitText("down "+project+": done", 60*time.Second)
	if cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + project}}); err != nil || len(cs) != 0 {
		t.Fatalf("after X y containers remain: %v %+v", err, cs)
	}
	if ns, err := h.Engine.Networks(h.Ctx(), docker.LabelComposeProject+"="+project); err != nil || len(ns) != 0 {
		t.Fatalf("after X y the project's networks remain: %v %+v", err, ns)
	}
	s.keys("q")
	s.waitFor("the TUI to quit", 15*time.Second, func(string) bool { return !s.alive() })
}
