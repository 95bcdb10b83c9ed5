package watch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// waitFor bounds every wait for something that must happen; it is far above the expected
	// ~150 ms so that a loaded -race run does not flake.
	waitFor = 5 * time.Second
	// quietWindow is how long a test watches for a batch that must not come: four debounce
	// windows, long past the moment a wrong batch would have been emitted.
	quietWindow = 4 * DefaultDebounce
)

// startWatcher watches roots and runs the watcher until the test ends, then checks that Run
// returned.
func startWatcher(t *testing.T, roots []string, opts Options) *Watcher {
	t.Helper()
	w, err := New(roots, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitFor):
			t.Errorf("Run did not return within %v of cancel", waitFor)
		}
	})
	return w
}

// nextBatch waits for the next batch; a watcher error or the deadline fails the test.
func nextBatch(t *testing.T, w *Watcher) Batch {
	t.Helper()
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	select {
	case b, ok := <-w.Batches():
		if !ok {
			t.Fatal("Batches closed")
		}
		return b
	case err := <-w.Errors():
		t.Fatalf("watcher error: %v", err)
	case <-deadline.C:
		t.Fatalf("no batch within %v", waitFor)
	}
	return Batch{}
}

// expectBatch waits for the next batch and requires exactly want.
func expectBatch(t *testing.T, w *Watcher, want ...Change) {
	t.Helper()
	if got := nextBatch(t, w); !slices.Equal(got.Changes, want) {
		t.Fatalf("batch = %+v, want %+v", got.Changes, want)
	}
}

// expectNone requires that no batch arrives. An absence can only be observed by waiting: the
// window is bounded and several debounce windows long.
func expectNone(t *testing.T, w *Watcher) {
	t.Helper()
	quiet := time.NewTimer(quietWindow)
	defer quiet.Stop()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %+v", b.Changes)
	case err := <-w.Errors():
		t.Fatalf("watcher error: %v", err)
	case <-quiet.C:
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func changed(path string) Change { return Change{Path: path} }
func removed(path string) Change { return Change{Path: path, Removed: true} }

// waitFlushed waits until the watcher has recorded content for path and finished the flush
// that recorded it, so the batch holding it has been delivered.
func waitFlushed(t *testing.T, w *Watcher, path, content string) {
	t.Helper()
	want := sha256.Sum256([]byte(content))
	deadline := time.Now().Add(waitFor)
	for {
		w.mu.Lock()
		got, ok := w.hashes[path]
		w.mu.Unlock()
		if ok && got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not flushed within %v", path, waitFor)
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.flushMu.Lock() // the recording flush delivers before it releases flushMu
	w.flushMu.Unlock()
}

func TestWriteIsReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	writeFile(t, a, "v2")
	start := time.Now()
	expectBatch(t, w, changed(a))
	t.Logf("batch %v after the write (debounce %v)", time.Since(start), DefaultDebounce)
}

func TestBurstOfWritesIsOneBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v0")
	w := startWatcher(t, []string{dir}, Options{})

	for i := 1; i <= 20; i++ {
		writeFile(t, a, fmt.Sprintf("v%d", i))
		time.Sleep(5 * time.Millisecond) // the burst's spacing, not an assertion
	}
	expectBatch(t, w, changed(a))
	expectNone(t, w)
}

func TestAtomicRenameSave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	tmp := filepath.Join(dir, ".a.yml.tmp")
	writeFile(t, tmp, "v2")
	must(t, os.Rename(tmp, a))
	expectBatch(t, w, changed(a))

	// A watch on the file itself would have died with the old inode; the directory's does not.
	writeFile(t, a, "v3")
	expectBatch(t, w, changed(a))
}

func TestVimSave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	// The sequence vim (backupcopy=auto) was seen to produce, with its swap file around it.
	swap := filepath.Join(dir, ".a.yml.swp")
	writeFile(t, swap, "swap")
	probe := filepath.Join(dir, "4913")
	writeFile(t, probe, "")
	must(t, os.Remove(probe))
	must(t, os.Rename(a, a+"~"))
	writeFile(t, a, "v2")
	must(t, os.Chmod(a, 0o600))
	must(t, os.Remove(a+"~"))
	writeFile(t, swap, "swap 2")

	expectBatch(t, w, changed(a))
	must(t, os.Remove(swap))
	expectNone(t, w)
}

func TestEmacsFilesIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	// Regular files rather than emacs' symlink lock, so that only the name rule can hide them.
	writeFile(t, filepath.Join(dir, ".#a.yml"), "me@host.1234:1700000000")
	writeFile(t, filepath.Join(dir, "#a.yml#"), "autosave")
	writeFile(t, a, "v2")
	expectBatch(t, w, changed(a))
}

// TestKubernetesConfigMapSwap reproduces the kubelet's update: the file of interest is a
// symlink through ..data, and the swap never raises an event naming it.
func TestKubernetesConfigMapSwap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	app := filepath.Join(dir, "app.yml")
	writeFile(t, filepath.Join(dir, "..2026_01", "app.yml"), "v1")
	must(t, os.Symlink("..2026_01", filepath.Join(dir, "..data")))
	must(t, os.Symlink(filepath.Join("..data", "app.yml"), app))
	w := startWatcher(t, []string{dir}, Options{Include: Extensions(".yml")})

	old := "..2026_01"
	for i, next := range []string{"..2026_02", "..2026_03"} {
		writeFile(t, filepath.Join(dir, next, "app.yml"), fmt.Sprintf("v%d", i+2))
		must(t, os.Symlink(next, filepath.Join(dir, "..data_tmp")))
		must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
		must(t, os.RemoveAll(filepath.Join(dir, old)))
		expectBatch(t, w, changed(app))
		old = next
	}
}

func TestNewDirectoryIsWatched(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startWatcher(t, []string{dir}, Options{})

	// Written at once, before the watcher can have added the new directories.
	a := filepath.Join(dir, "sub", "a.yml")
	b := filepath.Join(dir, "sub", "deep", "b.yml")
	writeFile(t, b, "b1")
	writeFile(t, a, "a1")

	want := map[string]bool{a: true, b: true}
	for len(want) > 0 {
		for _, c := range nextBatch(t, w).Changes {
			if !want[c.Path] || c.Removed {
				t.Fatalf("unexpected change %+v", c)
			}
			delete(want, c.Path)
		}
	}

	writeFile(t, b, "b2")
	expectBatch(t, w, changed(b))
}

// TestDirectoryRenamedInsideTree checks that a renamed directory's files are reported under
// both names and that later writes carry the new path, not the stale one.
func TestDirectoryRenamedInsideTree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldB := filepath.Join(dir, "sub", "deep", "b.yml")
	writeFile(t, oldB, "b1")
	w := startWatcher(t, []string{dir}, Options{})

	must(t, os.Rename(filepath.Join(dir, "sub"), filepath.Join(dir, "moved")))
	newB := filepath.Join(dir, "moved", "deep", "b.yml")
	expectBatch(t, w, changed(newB), removed(oldB))

	writeFile(t, newB, "b2")
	expectBatch(t, w, changed(newB))
}

func TestUnchangedSaveIsSkipped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	writeFile(t, a, "v1")
	must(t, os.Chmod(a, 0o600))
	later := time.Now().Add(time.Hour)
	must(t, os.Chtimes(a, later, later))
	expectNone(t, w)

	writeFile(t, a, "v2") // the watcher is still alive
	expectBatch(t, w, changed(a))
}

func TestDeleteIsReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	must(t, os.Remove(a))
	expectBatch(t, w, removed(a))

	writeFile(t, a, "v1") // back, even with the old content, is a change
	expectBatch(t, w, changed(a))
}

func TestDeleteAndRecreateSameContentIsSkipped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{dir}, Options{})

	must(t, os.Remove(a))
	writeFile(t, a, "v1")
	expectNone(t, w)

	writeFile(t, a, "v2")
	expectBatch(t, w, changed(a))
}

func TestIncludeFilter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startWatcher(t, []string{dir}, Options{Include: Extensions(".yml", ".yaml")})

	a := filepath.Join(dir, "a.yml")
	b := filepath.Join(dir, "sub", "b.YAML")
	writeFile(t, filepath.Join(dir, "notes.txt"), "x")
	writeFile(t, filepath.Join(dir, "sub", "c.json"), "{}")
	writeFile(t, b, "b")
	writeFile(t, a, "a")

	got := map[string]bool{}
	for len(got) < 2 {
		for _, c := range nextBatch(t, w).Changes {
			if (c.Path != a && c.Path != b) || c.Removed {
				t.Fatalf("unexpected change %+v", c)
			}
			got[c.Path] = true
		}
	}
}

func TestIgnoredDirectories(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".git", "config.yml"), "1")
	writeFile(t, filepath.Join(dir, "node_modules", "pkg", "x.yml"), "1")
	w := startWatcher(t, []string{dir}, Options{IgnoreDirs: append(DefaultIgnoreDirs(), "build*")})

	writeFile(t, filepath.Join(dir, ".git", "config.yml"), "2")
	writeFile(t, filepath.Join(dir, "node_modules", "pkg", "x.yml"), "2")
	writeFile(t, filepath.Join(dir, ".podium", "state.yml"), "new")
	writeFile(t, filepath.Join(dir, "build-out", "y.yml"), "new")
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "a")
	expectBatch(t, w, changed(a))
	expectNone(t, w)
}

func TestFileRoot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "podium.yml")
	writeFile(t, cfg, "v1")
	w := startWatcher(t, []string{cfg}, Options{Include: Extensions(".json")}) // a root is always included

	writeFile(t, filepath.Join(dir, "other.yml"), "x")
	writeFile(t, filepath.Join(dir, "sub", "deep.yml"), "x")
	writeFile(t, cfg, "v2")
	expectBatch(t, w, changed(cfg))
}

func TestRemovedRootIsReported(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "specs")
	a := filepath.Join(root, "a.yml")
	writeFile(t, a, "v1")
	w := startWatcher(t, []string{root}, Options{})

	must(t, os.RemoveAll(root))
	var gotBatch, gotErr bool
	deadline := time.After(waitFor)
	for !gotBatch || !gotErr {
		select {
		case b := <-w.Batches():
			if want := []Change{removed(a)}; !slices.Equal(b.Changes, want) {
				t.Fatalf("batch = %+v, want %+v", b.Changes, want)
			}
			gotBatch = true
		case err := <-w.Errors():
			if !strings.Contains(err.Error(), root) {
				t.Fatalf("error %q does not name the root %s", err, root)
			}
			gotErr = true
		case <-deadline:
			t.Fatalf("batch seen %v, error seen %v after %v", gotBatch, gotErr, waitFor)
		}
	}
}

// TestSlowReaderGetsMergedBatch checks that batches a reader has not taken are merged, the
// newer state of a path winning, and that the producer never waited for the reader.
func TestSlowReaderGetsMergedBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	b := filepath.Join(dir, "b.yml")
	writeFile(t, a, "a1")
	writeFile(t, b, "b1")
	w := startWatcher(t, []string{dir}, Options{})

	writeFile(t, a, "a2")
	writeFile(t, b, "b2")
	waitFlushed(t, w, a, "a2")
	waitFlushed(t, w, b, "b2")
	must(t, os.Remove(a))
	c := filepath.Join(dir, "c.yml")
	writeFile(t, c, "c1")
	waitFlushed(t, w, c, "c1")

	expectBatch(t, w, removed(a), changed(b), changed(c))
	select {
	case extra := <-w.Batches():
		t.Fatalf("unexpected second batch %+v", extra.Changes)
	default:
	}
}

// TestSteadyWritesStillFlush checks that a file rewritten faster than the debounce cannot
// postpone its batch forever.
func TestSteadyWritesStillFlush(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v0")
	w := startWatcher(t, []string{dir}, Options{Debounce: 50 * time.Millisecond})

	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if err := os.WriteFile(a, []byte(fmt.Sprint("v", i)), 0o644); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() { close(stop); <-stopped }()
	expectBatch(t, w, changed(a)) // arrives while the writer is still writing
}

// TestChmodOnlyIsDropped checks that a permission change does not even start the timer; the
// hash check would hide it otherwise.
func TestChmodOnlyIsDropped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w, err := New([]string{dir}, Options{Debounce: time.Hour}) // no flush may take the pending set
	must(t, err)
	t.Cleanup(func() { w.Close() })

	pending := func() int {
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.pending)
	}
	w.handle(fsnotify.Event{Name: a, Op: fsnotify.Chmod})
	if n := pending(); n != 0 {
		t.Fatalf("chmod left %d pending paths", n)
	}
	w.handle(fsnotify.Event{Name: a, Op: fsnotify.Write | fsnotify.Chmod})
	if n := pending(); n != 1 {
		t.Fatalf("write left %d pending paths, want 1", n)
	}
}

// TestOverflowRescans drives the path taken on fsnotify.ErrEventOverflow directly: with no
// events read at all, the rescan finds every change, including a new directory to watch.
func TestOverflowRescans(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	b := filepath.Join(dir, "sub", "b.yml")
	same := filepath.Join(dir, "same.yml")
	writeFile(t, a, "a1")
	writeFile(t, b, "b1")
	writeFile(t, same, "s")
	w, err := New([]string{dir}, Options{})
	must(t, err)
	t.Cleanup(func() { w.Close() })

	writeFile(t, a, "a2")
	must(t, os.RemoveAll(filepath.Join(dir, "sub")))
	writeFile(t, same, "s")
	c := filepath.Join(dir, "new", "c.yml")
	writeFile(t, c, "c1")

	w.rescanAll()
	if got, want := w.flush(), []Change{changed(a), changed(c), removed(b)}; !slices.Equal(got, want) {
		t.Fatalf("rescan = %+v, want %+v", got, want)
	}
	w.mu.Lock()
	_, newWatched := w.tree[filepath.Join(dir, "new")]
	_, subWatched := w.watched[filepath.Join(dir, "sub")]
	w.mu.Unlock()
	if !newWatched || subWatched {
		t.Fatalf("after rescan: new watched %v (want true), sub watched %v (want false)", newWatched, subWatched)
	}
	if got := w.flush(); len(got) != 0 {
		t.Fatalf("second flush = %+v, want nothing", got)
	}
}

// TestRunReturnsOnCancel checks that cancelling Run closes both channels and leaves no
// goroutine behind. It is not parallel, so that the goroutine count is its own.
func TestRunReturnsOnCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yml")
	writeFile(t, a, "v1")
	w, err := New([]string{dir}, Options{})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	writeFile(t, a, "v2")
	expectBatch(t, w, changed(a))
	writeFile(t, a, "v3") // leave a flush pending at cancel
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil", err)
		}
	case <-time.After(waitFor):
		t.Fatalf("Run did not return within %v of cancel", waitFor)
	}
	for range w.Batches() { // closed: the loop ends
	}
	for range w.Errors() {
	}
	if err := w.Run(context.Background()); err == nil {
		t.Fatal("second Run succeeded")
	}

	deadline := time.Now().Add(waitFor)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseWithoutRun(t *testing.T) {
	t.Parallel()
	w, err := New([]string{t.TempDir()}, Options{})
	must(t, err)
	must(t, w.Close())
	must(t, w.Close())
	if _, ok := <-w.Batches(); ok {
		t.Fatal("Batches not closed")
	}
	if _, ok := <-w.Errors(); ok {
		t.Fatal("Errors not closed")
	}
	if err := w.Run(context.Background()); err == nil {
		t.Fatal("Run after Close succeeded")
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := New([]string{missing}, Options{}); err == nil || !strings.Contains(err.Error(), missing) ||
		!errors.Is(err, os.ErrNotExist) {
		t.Fatalf("New(missing) = %v, want a not-exist error naming %s", err, missing)
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Fatal("New(no roots) succeeded")
	}
	if _, err := New([]string{t.TempDir()}, Options{IgnoreDirs: []string{"["}}); err == nil {
		t.Fatal("New with a bad ignore pattern succeeded")
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"4913": true, "5036": true, "4914": false, "2024": false, "04913": false, "+4913": false,
		"a.yml~": true, ".a.yml.swp": true, ".a.yml.swo": true, ".a.yml.swx": true,
		"a.swp": false, ".a.sql": false, ".#a.yml": true, "#a.yml#": true, "#": false,
		"a.yml": false, ".a.yml.tmp": false, "..data": false,
	} {
		if got := editorTemp(name); got != want {
			t.Errorf("editorTemp(%q) = %v, want %v", name, got, want)
		}
	}

	w := &Watcher{ignore: DefaultIgnoreDirs()}
	for name, want := range map[string]bool{
		".git": true, "node_modules": true, ".podium": true, "..data": true, "..2026_02": true,
		"specs": false, ".github": false,
	} {
		if got := w.ignoredDir(name); got != want {
			t.Errorf("ignoredDir(%q) = %v, want %v", name, got, want)
		}
	}
	none := &Watcher{ignore: []string{}}
	if none.ignoredDir(".git") || !none.ignoredDir("..data") {
		t.Error("an empty IgnoreDirs must ignore only Kubernetes' .. directories")
	}
}
