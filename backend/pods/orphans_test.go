package pods

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
)

// A long-running busybox service that stops at once on TERM.
const orphanSvc = "    image: busybox:latest\n    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM INT; while true; do sleep 1; done\"]\n"

// writePod writes pods/app.yml with the services named, each a long-running busybox.
func (f *opsFixture) writePod(t *testing.T, services ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("services:\n")
	for _, s := range services {
		b.WriteString("  " + s + ":\n" + orphanSvc)
	}
	if err := os.WriteFile(filepath.Join(f.root, "pods", "app.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
}

// appState is pod app's state from the engine's containers.
func (f *opsFixture) appState(t *testing.T) PodState {
	t.Helper()
	states, err := f.runner.Status(f.h.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range states {
		if ps.Pod.Name == "app" {
			return ps
		}
	}
	t.Fatal("no pod app")
	return PodState{}
}

func serviceOf(ps PodState, name string) (ServiceState, bool) {
	for _, s := range ps.Services {
		if s.Service == name {
			return s, true
		}
	}
	return ServiceState{}, false
}

// serviceNames lists the project's containers' services, sorted.
func (f *opsFixture) serviceNames(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, c := range f.containers(t) {
		out = append(out, c.Labels[docker.LabelComposeService])
	}
	slices.Sort(out)
	return out
}

func (f *opsFixture) status(t *testing.T) string {
	t.Helper()
	states, err := f.runner.Status(f.h.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	WriteStatus(&b, f.ws.Target, states, map[string][]string{"app": nil})
	return b.String()
}

// A service added to a running pod's file is to be created: drift, plan and apply say so and
// do it. Removed again, its container is an orphan: state, plan and status show it, and up
// of the pod removes it, as `docker compose up --remove-orphans` does.
func TestAddedServiceIsCreatedRemovedOneIsAnOrphan(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}

	f.writePod(t, "a", "b")
	ps := f.appState(t)
	b, ok := serviceOf(ps, "b")
	if !ok || !b.ToCreate || !b.Drifted || len(b.Containers) != 0 {
		t.Fatalf("an added service must be to create: %+v", b)
	}
	d := f.ws.Drifts([]PodState{ps}, nil)["app/b"]
	if want := "create " + f.ws.ComposeName + "-b-1"; d.Plan() != want || !d.New {
		t.Fatalf("plan of an added service: %q (new=%v), want %q", d.Plan(), d.New, want)
	}
	targets := ApplyTargets([]PodState{ps})
	if len(targets) != 1 || targets[0].Service != "b" {
		t.Fatalf("apply targets: %+v", targets)
	}
	if err := f.runner.Up(f.h.Ctx(), []string{"app/b"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("after apply, containers of %v", got)
	}

	f.writePod(t, "a")
	ps = f.appState(t)
	b, ok = serviceOf(ps, "b")
	if !ok || !b.Orphan || !b.Drifted || len(b.Containers) != 1 || !b.Containers[0].Running() {
		t.Fatalf("a removed service's running container must be an orphan: %+v", b)
	}
	d = f.ws.Drifts([]PodState{ps}, nil)["app/b"]
	if want := "remove " + f.ws.ComposeName + "-b-1"; d.Plan() != want || !d.Orphan {
		t.Fatalf("plan of an orphan: %q (orphan=%v), want %q", d.Plan(), d.Orphan, want)
	}
	if out := f.status(t); !strings.Contains(out, "└─ b") || !strings.Contains(out, "orphan") {
		t.Fatalf("status must show the orphan:\n%s", out)
	}
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("up of the pod must remove its orphans; containers of %v", got)
	}
}

// The TUI's apply removes an orphan service's containers alone.
func TestRemoveOrphansOfOneService(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a", "b", "c")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	f.writePod(t, "a")
	if err := f.runner.RemoveOrphans(f.h.Ctx(), "app", "b"); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("containers of %v, want a and c", got)
	}
	if err := f.runner.RemoveOrphans(f.h.Ctx(), "app", "a"); err == nil {
		t.Fatal("a service in the files has no orphans to remove: want an error")
	}
}

// down removes every container of the project, orphans too, and then the network.
func TestDownRemovesOrphansAndTheNetwork(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a", "b")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	f.writePod(t, "a")
	if err := f.runner.Down(f.h.Ctx(), nil, false, -1); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); len(got) != 0 {
		t.Fatalf("down left containers of %v", got)
	}
	nets, err := f.h.Engine.Networks(f.h.Ctx(), docker.LabelComposeProject+"="+f.ws.ComposeName)
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 0 {
		t.Fatalf("down left networks %+v", nets)
	}
}

// A pod whose file breaks keeps showing its running containers, with the file's error, and
// down still removes them and the network.
func TestBrokenPodShowsItsContainers(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.root, "pods", "app.yml"), []byte("services:\n  a: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	ps := f.appState(t)
	a, ok := serviceOf(ps, "a")
	if ps.Pod.Err == nil || !ok || len(a.Containers) != 1 || !a.Containers[0].Running() {
		t.Fatalf("a broken pod must still show its running container: err=%v %+v", ps.Pod.Err, ps.Services)
	}
	out := f.status(t)
	for _, want := range []string{"pods/app.yml", "a", "RUNNING"} {
		if !strings.Contains(out, want) {
			t.Fatalf("status lacks %q:\n%s", want, out)
		}
	}
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("loading a broken file must stop nothing; containers of %v", got)
	}
	if err := f.runner.Down(f.h.Ctx(), nil, false, -1); err != nil {
		t.Fatalf("down with a broken pod: %v", err)
	}
	if got := f.serviceNames(t); len(got) != 0 {
		t.Fatalf("down left containers of %v", got)
	}
}

// A pod whose file was deleted while its containers run still shows them, as orphans of a
// pod that is gone; down removes them.
func TestDeletedPodFileShowsItsContainers(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(f.root, "pods", "app.yml")); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	ps := f.appState(t)
	a, ok := serviceOf(ps, "a")
	if ps.Pod.Err == nil || !strings.Contains(ps.Pod.Err.Error(), "pods/app.yml") || !ok || len(a.Containers) != 1 || !a.Orphan {
		t.Fatalf("a deleted pod's running container must show as an orphan: err=%v %+v", ps.Pod.Err, ps.Services)
	}
	if out := f.status(t); !strings.Contains(out, "RUNNING") || !strings.Contains(out, "orphan") {
		t.Fatalf("status must show the deleted pod's container:\n%s", out)
	}
	if err := f.runner.Down(f.h.Ctx(), nil, false, -1); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); len(got) != 0 {
		t.Fatalf("down left containers of %v", got)
	}
}

// An up that fails its checks removes no orphan: nothing running is lost to a bad file.
func TestFailedUpKeepsOrphans(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a", "b")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	// Annotations need Docker API 1.43: the engine here speaks 1.41, and up refuses c.
	bad := "services:\n  a:\n" + orphanSvc + "  c:\n" + orphanSvc + "    annotations:\n      x: y\n"
	if err := os.WriteFile(filepath.Join(f.root, "pods", "app.yml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{})
	mustErr(t, err, "annotations")
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("a failed up must remove nothing; containers of %v", got)
	}
}

// The Pods tab's u and d on an orphan's row remove its containers (up brings it in line with
// the files, which no longer name it).
func TestControllerUpAndRemoveOfAnOrphan(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a", "b", "c")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	f.writePod(t, "a")
	ctl := NewController(f.h.Engine, f.root, LoadOptions{ProjectName: f.name})
	if err := ctl.Up(f.h.Ctx(), f.ws, "app", "b", nil); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("after u on orphan b, containers of %v", got)
	}
	if err := ctl.Remove(f.h.Ctx(), f.ws, "app", "c", nil); err != nil {
		t.Fatal(err)
	}
	if got := f.serviceNames(t); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("after d on orphan c, containers of %v", got)
	}
}

// down of a pod named on the command line whose file is broken removes its containers all
// the same (by the pod's label: down needs no file), and says nothing failed.
func TestDownOfABrokenPodByName(t *testing.T) {
	f := newOpsFixture(t, "")
	f.writePod(t, "a")
	if err := f.runner.Up(f.h.Ctx(), []string{"app"}, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.root, "pods", "app.yml"), []byte("services:\n  a: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	if err := f.runner.Down(f.h.Ctx(), []string{"app"}, false, -1); err != nil {
		t.Fatalf("down app with its file broken: %v", err)
	}
	if got := f.serviceNames(t); len(got) != 0 {
		t.Fatalf("down app left containers of %v", got)
	}
}
