package model

import (
	"github.com/podiumdev/podium/model/common"

	"slices"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
)

// sortedCalls is what a fake recorded, in order: bulk calls run at once, in any order.
func sortedCalls(calls []string) []string {
	slices.Sort(calls)
	return calls
}

// markApiAndDb marks shop-api-1 and shop-db-1 on the fixed data set.
func markApiAndDb(t *testing.T, r Root) Root {
	t.Helper()
	r, _ = press(t, r, "j", "j") // shop-api-1
	r, _ = press(t, r, "space")  // marks it, moves to shop-db-1
	if selectedName(r) != "shop-db-1" {
		t.Fatalf("after space: %s", selectedName(r))
	}
	r, _ = press(t, r, "space")
	return r
}

func TestMarkedContainersStopTogether(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 120, 40)
	r = markApiAndDb(t, r)
	s := screen(r)
	if !strings.Contains(s, "2 marked") || strings.Count(s, "◆") != 2 {
		t.Fatalf("marks not shown:\n%s", s)
	}
	if !strings.Contains(rowOf(s, "shop-api-1"), "◆") || strings.Contains(rowOf(s, "shop-worker-1"), "◆") {
		t.Fatalf("wrong rows marked:\n%s", s)
	}

	// s stops both marked containers, not the selection (shop-worker-1).
	r, cmd := press(t, r, "s")
	if !strings.Contains(screen(r), "stopping 2 containers (shop-api-1, shop-db-1)…") {
		t.Fatalf("no progress:\n%s", screen(r))
	}
	if strings.Contains(screen(r), "marked") || strings.Contains(screen(r), "◆") {
		t.Fatalf("marks kept after the bulk action started:\n%s", screen(r))
	}
	r = follow(t, r, cmd)
	if got := sortedCalls(f.Calls()); !slices.Equal(got, []string{"stop a1a1a1a1a1a1a1a1", "stop d2d2d2d2d2d2d2d2"}) {
		t.Fatalf("calls %v", got)
	}
	if !strings.Contains(screen(r), "stopped 2 containers") {
		t.Fatalf("no result:\n%s", screen(r))
	}

	// Without marks, s is the selection's again.
	_, cmd = press(t, r, "s")
	follow(t, r, cmd)
	if got := f.Calls(); got[len(got)-1] != "stop e3e3e3e3e3e3e3e3" {
		t.Fatalf("calls %v", got)
	}
}

// rowOf is the line of the screen that shows name.
func rowOf(s, name string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

func TestBulkRemoveAsksNamingTheCount(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 120, 40)
	r = markApiAndDb(t, r)
	r, _ = press(t, r, "space") // shop-worker-1 too
	r, cmd := press(t, r, "d")
	s := screen(r)
	if cmd != nil || !strings.Contains(s, "Remove 3 containers (shop-api-1, shop-db-1, …)?") ||
		!strings.Contains(s, "3 are running: they will be killed first.") {
		t.Fatalf("no bulk dialog:\n%s", s)
	}
	// n keeps them, and the marks.
	r, cmd = press(t, r, "n")
	if cmd != nil || !strings.Contains(screen(r), "kept 3 containers") || !strings.Contains(screen(r), "3 marked") {
		t.Fatalf("after n:\n%s", screen(r))
	}
	r, _ = press(t, r, "d")
	r, cmd = press(t, r, "y")
	follow(t, r, cmd)
	want := []string{"remove a1a1a1a1a1a1a1a1 force=true", "remove d2d2d2d2d2d2d2d2 force=true", "remove e3e3e3e3e3e3e3e3 force=true"}
	if got := sortedCalls(f.Calls()); !slices.Equal(got, want) {
		t.Fatalf("calls %v", got)
	}
}

func TestMarksOfGoneContainersDisappear(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 120, 40)
	r = markApiAndDb(t, r)
	var rest []docker.Container
	for _, c := range fixture() {
		if c.Name != "shop-db-1" {
			rest = append(rest, c)
		}
	}
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(rest)})
	if got := r.containers().MarkCount(); got != 1 || !strings.Contains(screen(r), "1 marked") {
		t.Fatalf("%d marks after shop-db-1 went:\n%s", got, screen(r))
	}
	// Marks the filter hides go too: a bulk action never touches what is not on screen.
	r, _ = press(t, r, "/")
	r = typeText(t, r, "blog")
	r, _ = press(t, r, "enter")
	if r.containers().MarkCount() != 0 || strings.Contains(rowOf(screen(r), "─ Containers"), "marked") {
		t.Fatalf("a hidden mark stayed:\n%s", screen(r))
	}
}

func TestMarkClearAndToggle(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 120, 40)
	r = markApiAndDb(t, r)
	r, _ = press(t, r, "k", "space") // unmarks shop-db-1
	if got := r.containers().MarkCount(); got != 1 {
		t.Fatalf("%d marks after unmarking one", got)
	}
	r, _ = press(t, r, "M")
	if r.containers().MarkCount() != 0 || strings.Contains(screen(r), "◆") {
		t.Fatalf("M left marks:\n%s", screen(r))
	}
	// Only stopped containers marked: stop says so and calls nothing.
	r, _ = press(t, r, "g", "j", "space") // blog-web-1, exited
	r, cmd := press(t, r, "s")
	if cmd != nil || !strings.Contains(screen(r), "none of the 1 marked containers is running") || len(f.Calls()) != 0 {
		t.Fatalf("stop of stopped marks:\n%s", screen(r))
	}
}

func TestMarkedPodsAndServices(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "db")
	r, _ = press(t, r, "space")
	r = selectRow(t, r, "frontend/web")
	r, _ = press(t, r, "space")
	r = selectRow(t, r, "frontend/proxy")
	if !strings.Contains(screen(r), "2 marked") {
		t.Fatalf("marks not shown:\n%s", screen(r))
	}
	r, cmd := press(t, r, "s")
	if !strings.Contains(screen(r), "stop db, frontend/web…") {
		t.Fatalf("no progress:\n%s", screen(r))
	}
	follow(t, r, cmd)
	if got := sortedCalls(fp.Calls()); !slices.Equal(got, []string{"load", "stop db/", "stop frontend/web"}) {
		t.Fatalf("calls %v", got)
	}
	if r.pods().MarkCount() != 0 {
		t.Fatal("marks kept after the bulk action started")
	}
}

func TestMarkedPodCoversItsServicesAndBrokenPodsAreSkipped(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	for _, key := range []string{"frontend", "frontend/web", "worker"} {
		r = selectRow(t, r, key)
		r, _ = press(t, r, "space")
	}
	r, cmd := press(t, r, "R")
	s := screen(r)
	if !strings.Contains(s, "restart frontend… (skipped 1: pod worker is broken") {
		t.Fatalf("status:\n%s", s)
	}
	follow(t, r, cmd)
	if got := sortedCalls(fp.Calls()); !slices.Equal(got, []string{"load", "restart frontend/"}) {
		t.Fatalf("calls %v", got)
	}
}

func TestMarkedDeploysRestartAsksThenPause(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, newFake(), nil, 120, 40)
	r = selectService(t, r, "api")
	r, _ = press(t, r, "space", "space", "space") // api, billing, cron
	r, cmd := press(t, r, "r")
	if cmd != nil || !strings.Contains(screen(r), "Restart 3 services (api, billing, …)?") {
		t.Fatalf("no bulk dialog:\n%s", screen(r))
	}
	r, cmd = press(t, r, "y")
	if !strings.Contains(screen(r), "restarting 3 services (api, billing, …)…") {
		t.Fatalf("no progress:\n%s", screen(r))
	}
	for _, c := range flatten(t, cmd) {
		if msg := c(); msg != nil {
			r = update(t, r, msg)
		}
	}
	if got := sortedCalls(f.Calls()); !slices.Equal(got, []string{"restart api", "restart billing", "restart cron"}) {
		t.Fatalf("calls %v", got)
	}

	// Pause-resume pauses them all unless all are paused: queue is paused, mailer is not.
	r = selectService(t, r, "mailer")
	r, _ = press(t, r, "space", "space") // mailer, queue
	r, cmd = press(t, r, "p")
	for _, c := range flatten(t, cmd) {
		if msg := c(); msg != nil {
			r = update(t, r, msg)
		}
	}
	if got := f.Calls()[3:]; !slices.Equal(got, []string{"pause mailer"}) {
		t.Fatalf("calls %v", got)
	}
	if r.deploys().MarkCount() != 0 {
		t.Fatal("marks kept after the bulk action started")
	}
}
