package model

import (
	"fmt"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/views"
)

// detailSizes are the terminal sizes of the detail panes' golden screens.
func detailSizes() [][2]int { return [][2]int{{80, 24}, {120, 40}} }

// TestGoldenContainersDetail draws each sub-tab of the Containers tab's detail pane with
// shop-api-1 selected: its logs, its inspect (Config, Env) and a dozen stats samples.
// Regenerate with: go test ./model -run TestGoldenContainersDetail -update
func TestGoldenContainersDetail(t *testing.T) {
	for _, sz := range detailSizes() {
		w, h := sz[0], sz[1]
		r := newRoot(t, newFake(), w, h)
		r, _ = press(t, r, "j", "j")
		r = update(t, r, linesFor(r, goldenLogs()...))
		t.Run(fmt.Sprintf("logs-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r, _ = press(t, r, "]")
		r = inspected(t, r)
		t.Run(fmt.Sprintf("config-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r, _ = press(t, r, "]")
		t.Run(fmt.Sprintf("env-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r, _ = press(t, r, "]")
		r = statsArrive(t, r)
		t.Run(fmt.Sprintf("stats-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
	}
}

// dbLogs is what shop-db-1 printed, for the Pods tab's detail goldens.
func dbLogs() []views.LogLine {
	return []views.LogLine{
		{LogLine: docker.LogLine{Text: "LOG:  database system is ready to accept connections"}, From: "shop-db-1"},
		{LogLine: docker.LogLine{Stream: docker.Stderr, Text: "FATAL:  password authentication failed for user \"shop\""}, From: "shop-db-1"},
	}
}

// TestGoldenPodsDetail draws the Pods tab's Logs, Config and Env with db/db selected in the
// shop workspace with secrets.
// Regenerate with: go test ./model -run TestGoldenPodsDetail -update
func TestGoldenPodsDetail(t *testing.T) {
	for _, sz := range detailSizes() {
		w, h := sz[0], sz[1]
		fp, fb := newSecretShop(t)
		r := newPodsRoot(t, fp, fb, w, h)
		r = selectRow(t, r, "db/db")
		if s := r.pods().LogStream(); s != nil {
			r = update(t, r, s.LinesMsg(dbLogs()))
		}
		t.Run(fmt.Sprintf("logs-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = podsSubTab(t, r, "Config")
		t.Run(fmt.Sprintf("config-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = podsSubTab(t, r, "Env")
		t.Run(fmt.Sprintf("env-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
	}
}

// TestGoldenDeploysDetail draws the Deploys tab's Status, Timeline, Spec and Logs with web
// selected in the middle of its deploy.
// Regenerate with: go test ./model -run TestGoldenDeploysDetail -update
func TestGoldenDeploysDetail(t *testing.T) {
	dir := specDir(t)
	for _, sz := range detailSizes() {
		w, h := sz[0], sz[1]
		r := deploysGoldenScreen(t, w, h)
		t.Run(fmt.Sprintf("status-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = deploysSubTab(t, r, "Timeline")
		t.Run(fmt.Sprintf("timeline-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = deploysSubTab(t, r, "Spec")
		r = specReadIn(t, r, dir)
		t.Run(fmt.Sprintf("spec-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = deploysSubTab(t, r, "Logs")
		s := r.deploys().LogStream()
		r = update(t, r, s.LinesMsg(deployLogs()))
		t.Run(fmt.Sprintf("logs-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
	}
}

// TestGoldenPipelinesDetail draws the Pipelines tab's Output, Attempts and Config with the
// failed unit tests of ci's newest run selected.
// Regenerate with: go test ./model -run TestGoldenPipelinesDetail -update
func TestGoldenPipelinesDetail(t *testing.T) {
	for _, sz := range detailSizes() {
		w, h := sz[0], sz[1]
		r := openCI(t, newPipelinesRoot(t, newDetailPipelines(), w, h))
		r, cmd := press(t, r, "n")
		r = runPipeCmd(t, r, cmd)
		t.Run(fmt.Sprintf("output-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = pipelinesSubTab(t, r, "Attempts")
		t.Run(fmt.Sprintf("attempts-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
		r = pipelinesSubTab(t, r, "Config")
		t.Run(fmt.Sprintf("config-%dx%d", w, h), func(t *testing.T) { requireGolden(t, r, w, h) })
	}
}

// newSecretShop is the shop fixture with modeltest.SecretShopFiles, loaded, served and
// matched with the engine's containers as newShop does.
func newSecretShop(t *testing.T) (*fakePods, *modeltest.Containers) {
	t.Helper()
	ws := modeltest.LoadShopWith(t, modeltest.SecretShopFiles())
	fb := newFake()
	fb.Snap = connected(shopContainers(ws))
	return modeltest.NewPods(ws), fb
}

// podsSubTab presses ] until the Pods tab's detail shows the sub-tab called title.
func podsSubTab(t *testing.T, r Root, title string) Root {
	t.Helper()
	for range 8 {
		if r.pods().DetailTitle() == title {
			return r
		}
		r, _ = press(t, r, "]")
	}
	t.Fatalf("no sub-tab %s", title)
	return r
}
