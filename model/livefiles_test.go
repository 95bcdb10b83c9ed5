package model

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/modeltest"
	"github.com/podiumdev/podium/watch"
)

// The live-files tests that need the root: its files watcher, and the goldens of the Pods
// tab's diff (the tab's own live-files tests are in model/pods).

const frontendV2 = modeltest.FrontendV2

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	modeltest.WriteFile(t, root, rel, content)
}

// fileChange tells the root that pod files changed, as the watcher does, and runs the reload
// that follows; it returns what the reload's result asked for next.
func fileChange(t *testing.T, r Root, paths ...string) (Root, tea.Cmd) {
	t.Helper()
	m, cmd := r.Update(filesChangedMsg{pods: paths})
	r = m.(Root)
	if cmd == nil {
		t.Fatal("a file change started no reload")
	}
	if !strings.Contains(screen(r), "reloading the workspace") {
		t.Fatalf("status while reloading:\n%s", screen(r))
	}
	var loaded tea.Msg
	for _, c := range flatten(t, cmd) { // the load, and the footer's spinner while work runs
		if msg := runCmd(t, c); msg != nil {
			if s, ok := msg.(common.Settler); ok && !s.Settles() { // the workspace's reload
				loaded = msg
			}
		}
	}
	if loaded == nil {
		t.Fatal("the file change loaded nothing")
	}
	m, cmd = r.Update(loaded)
	return m.(Root), cmd
}

// shopEdited is the fixture with frontendV2 written and reloaded through the file watcher's
// path, the selection on a row without logs (so the commands that follow are the reload's).
func shopEdited(t *testing.T) (Root, *fakePods) {
	t.Helper()
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "search")
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendV2)
	r, cmd := fileChange(t, r, "pods/frontend.yml")
	if cmd != nil {
		t.Fatal("a reload without --watch started something")
	}
	return r, fp
}

// TestGoldenPodsDiff compares the Diff view of a drifted service and the remove question with
// testdata/TestGoldenPodsDiff/*.golden. Regenerate with: go test ./model -run TestGoldenPodsDiff -update
func TestGoldenPodsDiff(t *testing.T) {
	t.Run("diff-100x30", func(t *testing.T) {
		r, _ := shopEdited(t)
		r = update(t, r, tea.WindowSizeMsg{Width: 100, Height: 30})
		r = selectRow(t, r, "frontend/web")
		r, _ = press(t, r, "]")
		requireGolden(t, r, 100, 30)
	})
	t.Run("remove-80x24", func(t *testing.T) {
		fp, fb := newShop(t)
		r := newPodsRoot(t, fp, fb, 80, 24)
		r = selectRow(t, r, "frontend")
		r, _ = press(t, r, "d")
		requireGolden(t, r, 80, 24)
	})
}

// nextFiles waits for the watcher's next message. The watcher debounces, so this waits on
// fsnotify; the bound only keeps a broken watcher from hanging the test.
func nextFiles(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(30 * time.Second):
		t.Fatal("the watcher reported nothing")
	}
	return nil
}

func TestLiveFilesWatcherFollowsTheWorkspace(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"pods", "pipelines", "specs"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, root, "podium.yml", "name: shop\n")
	r := New(Config{Backend: newFake(), WatchDir: root, Now: testNow})
	t.Cleanup(func() { r.containers().Close(); r.cancel() })
	m, next := r.Update(runCmd(t, r.files.start(r.ctx)))
	r = m.(Root)
	if r.files.w == nil || !r.pods().Watching() || next == nil {
		t.Fatalf("the watcher did not start:\n%s", screen(r))
	}
	writeFile(t, root, "pods/web.yml", "services: {}\n")
	writeFile(t, root, "podium.yml", "name: shop2\n")
	var seen []string
	for len(seen) < 2 { // one batch, unless the two writes straddle a quiet period
		msg, ok := nextFiles(t, next).(filesChangedMsg)
		if !ok || len(msg.pipelines) != 0 {
			t.Fatalf("got %+v", msg)
		}
		seen = mergePaths(seen, msg.pods)
		m, next = r.Update(msg)
		r = m.(Root)
	}
	if !slices.Equal(seen, []string{"podium.yml", "pods/web.yml"}) {
		t.Fatalf("changed %v", seen)
	}
	writeFile(t, root, "pipelines/ci.yml", "serial: {}\n")
	msg, ok := nextFiles(t, next).(filesChangedMsg)
	if !ok || !slices.Equal(msg.pipelines, []string{"pipelines/ci.yml"}) || len(msg.pods) != 0 {
		t.Fatalf("got %+v", msg)
	}
	// Quitting stops the watcher: its last read ends without a message.
	m, next = r.Update(msg)
	r = m.(Root)
	r.cancel()
	if msg := nextFiles(t, next); msg != nil {
		t.Fatalf("after quitting the watcher said %T %+v", msg, msg)
	}
	// Specs are the supervisor's to follow, and other files nobody's.
	got := classify(root, watch.Batch{Changes: []watch.Change{{Path: filepath.Join(root, "specs", "web.yml")}, {Path: filepath.Join(root, "config", "sources.yml")}}})
	if len(got.pipelines) != 0 || !slices.Equal(got.pods, []string{"config/sources.yml"}) {
		t.Fatalf("classify: %+v", got)
	}
	// The project's .env interpolates the pod files: saving it is a pod file change.
	got = classify(root, watch.Batch{Changes: []watch.Change{{Path: filepath.Join(root, "pods", ".env")}}})
	if !slices.Equal(got.pods, []string{"pods/.env"}) {
		t.Fatalf("classify pods/.env: %+v", got)
	}
}

// mergePaths adds paths to a sorted set, in a new slice (as the Pods tab merges changed files).
func mergePaths(set, paths []string) []string {
	out := slices.Clone(set)
	for _, p := range paths {
		if i, found := slices.BinarySearch(out, p); !found {
			out = slices.Insert(out, i, p)
		}
	}
	return out
}
