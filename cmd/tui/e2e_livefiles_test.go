package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
)

// appPod is a one-service pod of busybox whose GREETING the test edits.
func appPod(greeting string) string {
	return `services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    environment:
      GREETING: ` + greeting + `
`
}

// appBroken does not parse: line 4's list is never closed.
const appBroken = `services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "sleep 1000"
    environment:
      GREETING: broken
`

// liveWorkspace writes a workspace with the app pod in a temp dir and removes what its
// project ran when the test ends.
func liveWorkspace(t *testing.T, h *enginetest.Harness, project string) string {
	t.Helper()
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, "pods", "targets", "development"), 0o755); err != nil {
		t.Fatal(err)
	}
	writePod(t, ws, appPod("hello"))
	// A task pod whose image builds from a local directory, for b.
	files := map[string]string{
		"pods/tools.yml":          "services:\n  tool:\n    image: " + toolImage(project) + "\n    build: ../tool\n",
		"pods/tools.metadata.yml": "pod_type: task\n",
		"tool/Dockerfile":         "FROM busybox:latest\nRUN echo built > /built\n",
	}
	for rel, content := range files {
		p := filepath.Join(ws, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if w, err := pods.Load(ctx, ws, pods.LoadOptions{ProjectName: project}); err == nil {
			_ = (&pods.Runner{Engine: h.Engine, WS: w}).Down(ctx, nil, true, 0)
		}
		_ = h.Engine.RemoveImage(ctx, toolImage(project), true)
	})
	return ws
}

// toolImage is the image the tools pod builds.
func toolImage(project string) string { return "podium-e2e-tool:" + project }

// writePod replaces pods/app.yml as an editor saving it would: a new file renamed over it.
func writePod(t *testing.T, ws, content string) {
	t.Helper()
	path := filepath.Join(ws, "pods", "app.yml")
	tmp := path + ".tmp~"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// webContainer is the app's web container as the engine has it now.
func webContainer(t *testing.T, h *enginetest.Harness, project string) docker.Container {
	t.Helper()
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{
		docker.LabelComposeProject + "=" + project, docker.LabelComposeService + "=web"}})
	if err != nil || len(cs) != 1 {
		t.Fatalf("web containers: %v %+v", err, cs)
	}
	return cs[0]
}

// waitRecreated waits until web runs in a container other than old, and returns it.
func waitRecreated(t *testing.T, h *enginetest.Harness, s *tmuxSession, project string, old docker.Container) docker.Container {
	t.Helper()
	var c docker.Container
	s.waitFor("web recreated", 60*time.Second, func(string) bool {
		cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{
			docker.LabelComposeProject + "=" + project, docker.LabelComposeService + "=web"}})
		if err != nil || len(cs) != 1 || cs[0].ID == old.ID || !cs[0].Running() {
			return false
		}
		c = cs[0]
		return true
	})
	if c.Labels[docker.LabelComposeConfigHash] == old.Labels[docker.LabelComposeConfigHash] {
		t.Fatalf("web was recreated with the same config hash %s", old.Labels[docker.LabelComposeConfigHash])
	}
	return c
}

// TestTUILiveFilesEndToEnd edits a pod file under the real binary: the drift and its diff
// appear, a recreates the container with the new config, a broken edit leaves it running, and
// with --watch the same happens without a key (but never for a broken file). A TUI started
// after the containers drifted has no earlier config to diff against and says so.
func TestTUILiveFilesEndToEnd(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	project := "lf" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	ws := liveWorkspace(t, h, project)
	if out, err := runCLI(t, "-w", ws, "-p", project, "up", "--wait"); err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}
	first := webContainer(t, h, project)
	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}

	s := startTmux(t, 120, 40, env, bin, "-w", ws, "-p", project)
	s.waitText(project+"-web-1", 20*time.Second)

	// P pulls the selected pod's images: nothing can be pulled here, and the error says which.
	s.keys("P")
	s.waitText("pull image busybox:latest", 20*time.Second)
	// b builds the images of the last row's service (the tools task).
	s.keys("G")
	s.waitFor("the tool row selected", 10*time.Second, func(sc string) bool { return strings.Contains(selectedLine(sc), "tool") })
	s.keys("b")
	s.waitText("build tools/tool: done", 60*time.Second)
	if ok, err := h.Engine.ImageExists(h.Ctx(), toolImage(project)); err != nil || !ok {
		t.Fatalf("b did not build %s: %v", toolImage(project), err)
	}
	s.keys("g")
	s.waitFor("the app row selected", 10*time.Second, func(sc string) bool { return strings.Contains(selectedLine(sc), "app") })

	writePod(t, ws, appPod("bonjour"))
	// The reload marks web drifted and puts the selection's diff on screen.
	sc := s.waitText("≠ drifted", 20*time.Second)
	for _, want := range []string{"pods/app.yml changed:", "[Diff]", "recreate " + project + "-web-1", "-  GREETING: hello", "+  GREETING: bonjour"} {
		if !strings.Contains(sc, want) {
			t.Fatalf("after the edit the screen lacks %q:\n%s", want, sc)
		}
	}
	if c := webContainer(t, h, project); c.ID != first.ID {
		t.Fatal("the edit recreated web without a key")
	}
	s.keys("a")
	second := waitRecreated(t, h, s, project, first)
	s.waitText("apply app/web: done", 20*time.Second)

	// A broken edit shows where it breaks and changes nothing.
	writePod(t, ws, appBroken)
	s.waitText("pod app is broken", 20*time.Second)
	s.keys("a")
	s.waitText("nothing to apply", 10*time.Second)
	if c := webContainer(t, h, project); c.ID != second.ID || !c.Running() {
		t.Fatalf("the broken edit touched web: %+v", c)
	}
	s.keys("q")
	s.waitFor("the first TUI to quit", 15*time.Second, func(string) bool { return !s.alive() })

	// Edited while no TUI runs: the next one sees the drift but not what changed.
	writePod(t, ws, appPod("salut"))
	w := startTmux(t, 120, 40, env, bin, "-w", ws, "-p", project, "--watch")
	w.waitText("≠ drifted", 20*time.Second)
	w.keys("]")
	w.waitText("config changed since these containers were created", 10*time.Second)
	if c := webContainer(t, h, project); c.ID != second.ID {
		t.Fatal("--watch acted before any file changed")
	}
	// With --watch an edit is applied at once.
	writePod(t, ws, appPod("ciao"))
	third := waitRecreated(t, h, w, project, second)
	w.waitText("apply app/web: done", 20*time.Second)
	// And a broken file is left alone: the status says so, and the container stays.
	writePod(t, ws, appBroken)
	w.waitText("pod app is broken, its containers", 20*time.Second) // the footer has room for its start; ! has it all
	if c := webContainer(t, h, project); c.ID != third.ID || !c.Running() {
		t.Fatalf("--watch acted on a broken pod: %+v", c)
	}

	// Fixed as it was, nothing drifts. d removes the pod's containers after asking, X the
	// project's networks.
	writePod(t, ws, appPod("ciao"))
	w.waitText("pods/app.yml changed: reloaded", 20*time.Second)
	w.keys("d")
	w.waitText("Remove the containers of app?", 10*time.Second)
	w.keys("y")
	w.waitText("remove app: done", 30*time.Second)
	if cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + project}}); err != nil || len(cs) != 0 {
		t.Fatalf("after d y: %v %+v", err, cs)
	}
	w.keys("X")
	w.waitText("Down: remove every pod's containers?", 10*time.Second)
	w.keys("y")
	w.waitText("down "+project+": done", 30*time.Second)
	if ns, err := h.Engine.Networks(h.Ctx(), docker.LabelComposeProject+"="+project); err != nil || len(ns) != 0 {
		t.Fatalf("after X y the project's networks remain: %v %+v", err, ns)
	}
}
