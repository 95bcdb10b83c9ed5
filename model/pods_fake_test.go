package model

import (
	"strings"
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

func loadShop(t *testing.T) *pods.Workspace       { return modeltest.LoadShop(t) }
func hashes(ws *pods.Workspace) map[string]string { return modeltest.Hashes(ws) }
func shopContainers(ws *pods.Workspace) []docker.Container {
	return modeltest.ShopContainers(ws, testNow())
}
func podContainer(ws *pods.Workspace, pod, service string, n int, hash string) docker.Container {
	return modeltest.PodContainer(ws, pod, service, n, hash)
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

// confirming says the Pods tab asks a question (remove, down); confirmDetail is its detail line.
func confirming(r Root) bool { _, ok := r.pods().Confirming(); return ok }

func confirmDetail(r Root) string { d, _ := r.pods().Confirming(); return d }

// selectRow moves the Pods tab's cursor to the row with key ("frontend/web").
func selectRow(t *testing.T, r Root, key string) Root {
	t.Helper()
	r, _ = press(t, r, "g")
	for range len(r.pods().List().Rows) {
		if row, ok := r.pods().Selected(); ok && row.Key() == key {
			return r
		}
		r, _ = press(t, r, "j")
	}
	t.Fatalf("no row %q", key)
	return r
}

// rowLine is the screen line of the tree row whose name column is name at indent (the row's
// depth), selected or not.
func rowLine(t *testing.T, r Root, indent, name string) string {
	t.Helper()
	for _, l := range strings.Split(screen(r), "\n") {
		rest, ok := strings.CutPrefix(l, "▌ ")
		if !ok {
			rest, ok = strings.CutPrefix(l, "  ")
		}
		if ok && strings.HasPrefix(rest, indent+name+" ") {
			return l
		}
	}
	t.Fatalf("no row %q%q on screen:\n%s", indent, name, screen(r))
	return ""
}

func keys(r Root) []string {
	var out []string
	for _, row := range r.pods().List().Rows {
		out = append(out, row.Key())
	}
	return out
}

// lastCall runs cmd (a backend call made off the UI loop) and returns what the fake recorded.
func lastCall(t *testing.T, r Root, fp *fakePods, cmd tea.Cmd) (Root, string) {
	t.Helper()
	n := len(fp.Calls())
	msg := runCmd(t, cmd)
	if b, ok := msg.(tea.BatchMsg); ok {
		// up, stop, restart: the call and the waiter for its progress.
		for _, c := range b {
			if m := runCmd(t, c); m != nil {
				r = update(t, r, m)
			}
		}
	} else if msg != nil {
		r = update(t, r, msg)
	}
	calls := fp.Calls()
	if len(calls) != n+1 {
		t.Fatalf("calls %v, want one more than %d", calls, n)
	}
	return r, calls[n]
}
