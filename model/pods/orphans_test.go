package pods

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/modeltest"
)

// frontendWithAdmin is the shop's frontend with a service added: admin.
const frontendWithAdmin = `services:
  web:
    image: shop-web:dev
    build: https://github.com/podium/shop-web.git
    deploy:
      replicas: 2
    ports: ["127.0.0.1::3000"]
    labels:
      io.fdy.cage.test: "bin/test --fast"
  proxy:
    image: nginx:1.27-alpine
    ports: ["127.0.0.1:8080:80"]
    depends_on: [web]
  admin:
    image: busybox:latest
`

// A service added to a running pod's file is shown to create, its Diff says so, and apply
// brings it up.
func TestAddedServiceIsToCreate(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 140, 40)
	r = selectRow(t, r, "search")
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendWithAdmin)
	r, _ = fileChange(t, r, "pods/frontend.yml")
	if l := rowLine(t, r, "  ", "admin"); !strings.Contains(l, "to create") || !strings.Contains(l, "new: up creates it") {
		t.Fatalf("admin's row: %q", l)
	}
	r = selectRow(t, r, "frontend/admin")
	r, _ = press(t, r, "]")
	s := screen(r)
	if !strings.Contains(s, "frontend/admin ≠ create shop-admin-1") || !strings.Contains(s, "new in the files") {
		t.Fatalf("admin's Diff:\n%s", s)
	}
	n := len(fp.Calls())
	r, cmd := press(t, r, "a")
	r = runOp(t, r, cmd)
	if got := callsSince(fp, n); !slices.Contains(got, "up frontend/admin") {
		t.Fatalf("apply called %v", got)
	}
}

// A container of the pod whose service left its files is an orphan: its row and the Diff say
// so, and apply removes it.
func TestOrphanIsShownAndApplyRemovesIt(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 140, 40)
	ws := fp.WS
	old := modeltest.PodContainer(ws, "frontend", "admin", 1, "0ld0ld0ld")
	old.Image, old.StartedAt = "busybox:latest", testNow().Add(-time.Hour)
	cs := append(shopContainers(ws), old)
	docker.SortContainers(cs)
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if l := rowLine(t, r, "  ", "admin"); !strings.Contains(l, "orphan") {
		t.Fatalf("admin's row: %q", l)
	}
	rowLine(t, r, "    ", "shop-admin-1")
	r = selectRow(t, r, "frontend/admin")
	r, _ = press(t, r, "]")
	s := screen(r)
	if !strings.Contains(s, "frontend/admin ≠ remove shop-admin-1") || !strings.Contains(s, "no longer in the files") {
		t.Fatalf("admin's Diff:\n%s", s)
	}
	n := len(fp.Calls())
	r, cmd := press(t, r, "a")
	r = runOp(t, r, cmd)
	if got := callsSince(fp, n); !slices.Contains(got, "remove-orphans frontend/admin") || slices.Contains(got, "up frontend/admin") {
		t.Fatalf("apply called %v", got)
	}
}

// A pod whose file is broken still shows its running containers, under its error.
func TestBrokenPodShowsItsContainers(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 140, 40)
	ws := fp.WS
	jobs := modeltest.PodContainer(ws, "worker", "jobs", 1, "0ld0ld0ld")
	jobs.Image, jobs.StartedAt = "shop-worker:dev", testNow().Add(-time.Hour)
	cs := append(shopContainers(ws), jobs)
	docker.SortContainers(cs)
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if l := rowLine(t, r, "", "worker"); !strings.Contains(l, "broken") {
		t.Fatalf("worker's row: %q", l)
	}
	if l := rowLine(t, r, "  ", "jobs"); !strings.Contains(l, "running") {
		t.Fatalf("jobs' row: %q", l)
	}
	rowLine(t, r, "    ", "shop-jobs-1")
}

// Without the engine the tab does not guess: a service with no container known is unknown,
// not "not created".
func TestDisconnectedIsUnknownNotNotCreated(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 140, 40)
	r = update(t, r, common.ContainersChangedMsg{Snap: docker.Snapshot{Status: docker.Status{State: docker.Disconnected, Since: testNow()}, Version: 2}})
	s := screen(r)
	if strings.Contains(s, "not created") {
		t.Fatalf("disconnected, the tab guesses:\n%s", s)
	}
	if l := rowLine(t, r, "  ", "db"); !strings.Contains(l, "unknown") {
		t.Fatalf("db's row while disconnected: %q", l)
	}
}

// The containers of a pod whose file is gone are shown, under the pod, as orphans.
func TestGonePodShowsItsContainers(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 140, 40)
	ws := fp.WS
	x := modeltest.PodContainer(ws, "legacy", "cron", 1, "0ld0ld0ld")
	x.Image, x.StartedAt = "busybox:latest", testNow().Add(-time.Hour)
	cs := append(shopContainers(ws), x)
	docker.SortContainers(cs)
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if l := rowLine(t, r, "", "legacy"); !strings.Contains(l, "broken") || !strings.Contains(l, "pods/legacy.yml is gone") {
		t.Fatalf("legacy's row: %q", l)
	}
	if l := rowLine(t, r, "  ", "cron"); !strings.Contains(l, "orphan") {
		t.Fatalf("cron's row: %q", l)
	}
	rowLine(t, r, "    ", "shop-cron-1")
}
