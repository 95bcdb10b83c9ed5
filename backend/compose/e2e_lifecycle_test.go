package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestUpBuild: a service with build: and no image is refused until built; BuildServices builds
// <project>-<service> with the classic builder; UpOptions.Build rebuilds, and the new image
// recreates the container, as Compose compares com.docker.compose.image.
func TestUpBuild(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	name := e2eProjectName(h)
	dir := t.TempDir()
	writeDockerfile := func(word string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, "api"), 0o755); err != nil {
			t.Fatal(err)
		}
		df := "FROM busybox:latest\nARG GREETING\nRUN echo $GREETING-" + word + " > /greeting\n"
		if err := os.WriteFile(filepath.Join(dir, "api", "Dockerfile"), []byte(df), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeDockerfile("one")
	p := e2eLoad(t, dir, name, `
services:
  api:
    build:
      context: ./api
      args: {GREETING: hi}
      labels: {`+docker.LabelTest+`: `+h.ID+`}
    command: ["sleep", "300"]
    stop_grace_period: 1s
`)
	rec := &e2eRecorder{}
	err := Up(h.Ctx(), e, p, e2eUpOptions(h, rec))
	if err == nil || !strings.Contains(err.Error(), "service api") || !strings.Contains(err.Error(), name+"-api") || !strings.Contains(err.Error(), "build") {
		t.Fatalf("up before build: err = %v", err)
	}
	rec.take()
	if err := BuildServices(h.Ctx(), e, p, nil, rec.add); err != nil {
		t.Fatalf("build: %v", err)
	}
	// The builder's own output reaches the caller, line by line.
	sawStep := false
	for _, ev := range rec.take() {
		if ev.Action == ActionOutput && ev.Service == "api" && strings.HasPrefix(ev.Detail, "Step ") {
			sawStep = true
		}
	}
	if !sawStep {
		t.Errorf("build reported no Step lines of the builder's output")
	}
	if ok, _ := e.ImageExists(h.Ctx(), name+"-api"); !ok {
		t.Fatalf("image %s-api not built", name)
	}
	if err := Up(h.Ctx(), e, p, e2eUpOptions(h, rec)); err != nil {
		t.Fatalf("up: %v", err)
	}
	first := e2eContainers(t, h, name)[name+"-api-1"]
	if got := e2eExec(t, h, first.ID, "cat", "/greeting"); got != "hi-one" {
		t.Errorf("greeting = %q", got)
	}

	writeDockerfile("two")
	opts := e2eUpOptions(h, rec)
	opts.Build = true
	rec.take()
	if err := Up(h.Ctx(), e, p, opts); err != nil {
		t.Fatalf("up --build: %v", err)
	}
	second := e2eContainers(t, h, name)[name+"-api-1"]
	if second.ID == first.ID {
		t.Fatalf("a rebuilt image did not recreate the container: %v", rec.take())
	}
	if got := e2eExec(t, h, second.ID, "cat", "/greeting"); got != "hi-two" {
		t.Errorf("greeting after rebuild = %q", got)
	}
}

// TestLifecycle: Stop (dependents first), Start (dependencies first), Restart, Remove (running
// containers only with force), and Down's network removal.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	name := e2eProjectName(h)
	p := e2eLoad(t, t.TempDir(), name, `
services:
  db: {image: busybox:latest, command: ["sleep", "300"], stop_grace_period: 1s}
  app: {image: busybox:latest, command: ["sleep", "300"], stop_grace_period: 1s, depends_on: [db]}
`)
	rec := &e2eRecorder{}
	if err := Up(h.Ctx(), e, p, e2eUpOptions(h, rec)); err != nil {
		t.Fatal(err)
	}
	rec.take()
	db, app := name+"-db-1", name+"-app-1"

	if err := Stop(h.Ctx(), e, p, nil, 0, rec.add); err != nil {
		t.Fatal(err)
	}
	ev := rec.take()
	if a, d := e2eIndexOf(ev, "app", ActionStopped), e2eIndexOf(ev, "db", ActionStopping); a < 0 || d < 0 || a > d {
		t.Errorf("stop order: %v", ev)
	}
	cs := e2eContainers(t, h, name)
	if cs[db].Running() || cs[app].Running() {
		t.Fatalf("after stop: db %s, app %s", cs[db].State, cs[app].State)
	}
	if st, _ := Status(h.Ctx(), e, p); e2eAnyDrift(st) {
		t.Errorf("stopped containers reported as drift: %+v", st)
	}

	if err := Start(h.Ctx(), e, nil, p, nil, rec.add); err != nil {
		t.Fatal(err)
	}
	ev = rec.take()
	if d, a := e2eIndexOf(ev, "db", ActionStarted), e2eIndexOf(ev, "app", ActionStarting); d < 0 || a < 0 || d > a {
		t.Errorf("start order: %v", ev)
	}
	cs = e2eContainers(t, h, name)
	if !cs[db].Running() || !cs[app].Running() {
		t.Fatalf("after start: db %s, app %s", cs[db].State, cs[app].State)
	}

	before, err := e.Inspect(h.Ctx(), cs[app].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := Restart(h.Ctx(), e, p, []string{"app"}, 0, rec.add); err != nil {
		t.Fatal(err)
	}
	after, err := e.Inspect(h.Ctx(), cs[app].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !after.Running() || !after.StartedAt.After(before.StartedAt) {
		t.Errorf("restart: %s, started %v then %v", after.State, before.StartedAt, after.StartedAt)
	}
	if got := e2eChanges(rec.take()); len(got) != 2 || got[0].Container != app {
		t.Errorf("restart events: %v", got)
	}

	// Remove leaves running containers alone unless forced.
	if err := Remove(h.Ctx(), e, p, nil, false, false, rec.add); err != nil {
		t.Fatal(err)
	}
	if got := e2eNames(e2eContainers(t, h, name)); !reflect.DeepEqual(got, []string{app, db}) {
		t.Errorf("remove without force removed running containers: left %v", got)
	}
	if err := Stop(h.Ctx(), e, p, []string{"app"}, 0, rec.add); err != nil {
		t.Fatal(err)
	}
	if err := Remove(h.Ctx(), e, p, nil, false, false, rec.add); err != nil {
		t.Fatal(err)
	}
	if got := e2eNames(e2eContainers(t, h, name)); !reflect.DeepEqual(got, []string{db}) {
		t.Errorf("after removing stopped app: %v", got)
	}
	if err := Remove(h.Ctx(), e, p, []string{"db"}, true, false, rec.add); err != nil {
		t.Fatal(err)
	}
	if got := e2eContainers(t, h, name); len(got) != 0 {
		t.Errorf("after forced remove: %v", e2eNames(got))
	}
	zero := time.Duration(0)
	if err := Down(h.Ctx(), e, p, DownOptions{Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	if ns, _ := e.Networks(h.Ctx(), projectFilter(name)); len(ns) != 0 {
		t.Errorf("networks after down: %v", ns)
	}
}

// TestDownSharedNetwork: two pods in one project share its default network; taking one down
// keeps the network the other still uses, taking the last down removes it.
func TestDownSharedNetwork(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	name := e2eProjectName(h)
	pod := func(svc string) string {
		return fmt.Sprintf("services:\n  %s: {image: busybox:latest, command: [sleep, \"300\"], stop_grace_period: 1s}\n", svc)
	}
	a := e2eLoad(t, t.TempDir(), name, pod("a"))
	b := e2eLoad(t, t.TempDir(), name, pod("b"))
	for _, p := range []*types.Project{a, b} {
		if err := Up(h.Ctx(), e, p, e2eUpOptions(h, &e2eRecorder{})); err != nil {
			t.Fatal(err)
		}
	}
	network := name + "_default"
	cs := e2eContainers(t, h, name)
	if !reflect.DeepEqual(cs[name+"-a-1"].Networks, []string{network}) || !reflect.DeepEqual(cs[name+"-b-1"].Networks, []string{network}) {
		t.Fatalf("networks: a %v, b %v", cs[name+"-a-1"].Networks, cs[name+"-b-1"].Networks)
	}
	zero := time.Duration(0)
	if err := Down(h.Ctx(), e, a, DownOptions{Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	if ns, _ := e.Networks(h.Ctx(), projectFilter(name)); len(ns) != 1 || ns[0].Name != network {
		t.Errorf("after the first pod is down: networks %v, want %s kept", ns, network)
	}
	if got := e2eNames(e2eContainers(t, h, name)); !reflect.DeepEqual(got, []string{name + "-b-1"}) {
		t.Errorf("after the first pod is down: %v", got)
	}
	if err := Down(h.Ctx(), e, b, DownOptions{Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	if ns, _ := e.Networks(h.Ctx(), projectFilter(name)); len(ns) != 0 {
		t.Errorf("after both pods are down: networks %v", ns)
	}
}

func e2eExec(t *testing.T, h *enginetest.Harness, id string, cmd ...string) string {
	t.Helper()
	res, err := h.Engine.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: cmd})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("exec %v: %v (exit %d, stderr %q)", cmd, err, res.ExitCode, res.Stderr)
	}
	return strings.TrimSpace(res.Stdout)
}

// TestUpSharedNamespace: network_mode service:web joins web's container; when web is
// recreated, the service sharing its namespace is recreated to join the new one.
func TestUpSharedNamespace(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	name := e2eProjectName(h)
	dir := t.TempDir()
	const yaml = `
services:
  web: {image: busybox:latest, command: ["sleep", "%s"], stop_grace_period: 1s}
  side: {image: busybox:latest, command: ["sleep", "300"], stop_grace_period: 1s, network_mode: "service:web"}
`
	joined := func() (webID, mode string) {
		t.Helper()
		cs := e2eContainers(t, h, name)
		raw, err := e.InspectRaw(h.Ctx(), cs[name+"-side-1"].ID)
		if err != nil {
			t.Fatal(err)
		}
		return cs[name+"-web-1"].ID, string(raw.HostConfig.NetworkMode)
	}
	if err := Up(h.Ctx(), e, e2eLoad(t, dir, name, fmt.Sprintf(yaml, "300")), e2eUpOptions(h, &e2eRecorder{})); err != nil {
		t.Fatal(err)
	}
	web1, mode := joined()
	if mode != "container:"+web1 {
		t.Fatalf("side's network mode = %q, want container:%s", mode, web1)
	}
	if err := Up(h.Ctx(), e, e2eLoad(t, dir, name, fmt.Sprintf(yaml, "301")), e2eUpOptions(h, &e2eRecorder{})); err != nil {
		t.Fatal(err)
	}
	web2, mode := joined()
	if web2 == web1 || mode != "container:"+web2 {
		t.Errorf("after web was recreated: web %s (was %s), side's network mode %q", web2, web1, mode)
	}
}
