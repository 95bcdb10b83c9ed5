package model

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/modeltest"
	podtab "github.com/podiumdev/podium/model/pods"
)

// The fake pods backend and the fixture workspace "shop" (modeltest's), under the names the
// tests use.
type fakePods = modeltest.Pods

var _ podtab.Backend = (*fakePods)(nil)

func loadShop(t *testing.T) *pods.Workspace { return modeltest.LoadShop(t) }
func shopContainers(ws *pods.Workspace) []docker.Container {
	return modeltest.ShopContainers(ws, testNow())
}

// newShop is the fixture: the workspace, a pods backend serving it, and an engine backend
// whose index holds the workspace's containers.
func newShop(t *testing.T) (*fakePods, *modeltest.Containers) {
	t.Helper()
	ws := loadShop(t)
	fb := newFake()
	fb.Snap = connected(shopContainers(ws))
	return modeltest.NewPods(ws), fb
}

// newPodsRoot builds a root with a pods backend at a size and runs the workspace's load, as
// the Program would on start.
func newPodsRoot(t *testing.T, fp podtab.Backend, fb engine.Backend, w, h int) Root {
	t.Helper()
	return newPodsRootWith(t, Config{Pods: fp, Backend: fb}, w, h)
}

// newPodsRootWith is newPodsRoot with more of the Config (the fixture's header fields are set).
func newPodsRootWith(t *testing.T, cfg Config, w, h int) Root {
	t.Helper()
	cfg.Workspace, cfg.Endpoint, cfg.ServerVersion, cfg.API, cfg.Now = "~/src/shop", "unix:///var/run/docker.sock", "20.10.24", "1.41", testNow
	r := New(cfg)
	t.Cleanup(func() { r.containers().Close(); r.pods().Close(); r.cancel() })
	r = update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
	if cfg.Pods != nil {
		r = update(t, r, runCmd(t, r.pods().Init()))
	}
	return r
}

// selectRow moves the Pods tab's cursor to the row with key ("frontend/web").
func selectRow(t *testing.T, r Root, key string) Root {
	t.Helper()
	r, _ = press(t, r, "g")
	for prev := ""; ; {
		row, ok := r.pods().Selected()
		if ok && row.Key() == key {
			return r
		}
		if !ok || row.Key() == prev { // j at the last row
			break
		}
		prev = row.Key()
		r, _ = press(t, r, "j")
	}
	t.Fatalf("no row %q", key)
	return r
}
