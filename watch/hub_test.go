package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// inotifyInstances counts the process's inotify instances: each fsnotify watcher holds one
// file descriptor on anon_inode:inotify.
func inotifyInstances(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	n := 0
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.Contains(l, "inotify") {
			n++
		}
	}
	return n
}

// TestHubOneWatcher subscribes two watchers with their own roots and filters and a directory
// signal to one hub: the process holds one inotify instance for all of them, and each sees
// only its own files. It is not parallel: it counts the process's instances.
func TestHubOneWatcher(t *testing.T) {
	base := t.TempDir()
	specs, pods, out := filepath.Join(base, "specs"), filepath.Join(base, "pods"), filepath.Join(base, "out")
	for _, d := range []string{specs, pods, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	before := inotifyInstances(t)
	h := NewHub()
	defer h.Close()
	if n := inotifyInstances(t); n != before {
		t.Fatalf("a hub with no subscriber holds %d inotify instances, want none", n-before)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ws, err := h.Watch([]string{specs}, Options{Include: Extensions(".yml")})
	if err != nil {
		t.Fatal(err)
	}
	go ws.Run(ctx)
	wp, err := h.Watch([]string{pods, specs}, Options{Debounce: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	go wp.Run(ctx)
	sig, stop, err := h.NotifyDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := inotifyInstances(t); n != before+1 {
		t.Fatalf("two watchers and a signal hold %d inotify instances, want 1", n-before)
	}

	write := func(p string) {
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(specs, "a.yml"))
	write(filepath.Join(specs, "notes.txt"))
	expectBatch(t, ws, Change{Path: filepath.Join(specs, "a.yml")})
	expectBatch(t, wp, Change{Path: filepath.Join(specs, "a.yml")}, Change{Path: filepath.Join(specs, "notes.txt")})
	write(filepath.Join(pods, "web.yml"))
	expectBatch(t, wp, Change{Path: filepath.Join(pods, "web.yml")})
	write(filepath.Join(out, "x.log"))
	select {
	case <-sig:
	case <-time.After(waitFor):
		t.Fatal("no signal for a file written in the notified directory")
	}
	select {
	case b := <-ws.Batches():
		t.Fatalf("the spec watcher saw files not its own: %v", b)
	case <-time.After(quietWindow):
	}

	// A subscriber that leaves takes its directories with it; the others go on.
	stop()
	if err := wp.Close(); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(specs, "b.yml"))
	expectBatch(t, ws, Change{Path: filepath.Join(specs, "b.yml")})
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-ws.Batches(); ok {
		t.Fatal("a watcher of a closed hub still delivers")
	}
	if n := inotifyInstances(t); n != before {
		t.Fatalf("a closed hub leaves %d inotify instances", n-before)
	}
	if _, err := h.Watch([]string{specs}, Options{}); err == nil {
		t.Fatal("a closed hub accepts a watcher")
	}
}

// TestHubSlowSubscriber fills the queue of a watcher that does not read: another subscriber
// of the hub is not held up, and the slow one, once it reads, rescans and reports every file
// it missed.
func TestHubSlowSubscriber(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	slowDir, fastDir := filepath.Join(base, "slow"), filepath.Join(base, "fast")
	for _, d := range []string{slowDir, fastDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h := NewHub()
	defer h.Close()
	slow, err := h.Watch([]string{slowDir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := h.Watch([]string{fastDir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go fast.Run(ctx)

	var want []Change
	for i := range 2 * eventBuffer {
		p := filepath.Join(slowDir, fmt.Sprintf("f%03d", i))
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, Change{Path: p})
	}
	f := filepath.Join(fastDir, "a.yml")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	expectBatch(t, fast, Change{Path: f})

	go slow.Run(ctx)
	var got []Change
	for len(got) < len(want) {
		got = append(got, nextBatch(t, slow).Changes...)
	}
	slices.SortFunc(got, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	if !slices.Equal(got, want) {
		t.Fatalf("the slow watcher reported %d changes, want %d", len(got), len(want))
	}
}
