package deployapi

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// socketServe serves f on dir's socket until the test ends.
func socketServe(t *testing.T, dir string, f Controller) *SocketListener {
	t.Helper()
	ln, err := ListenSocket(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, ln, NewGuardedHandler(f, Options{Socket: true})) }()
	t.Cleanup(func() {
		cancel()
		<-done
		ln.Close()
	})
	return ln
}

func socketMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestSocketServesTheClient(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), ".podium")
	f := newFakeController()
	ln := socketServe(t, dir, f)
	if ln.Path() != filepath.Join(dir, SocketFile) || FindSocket(dir) != ln.Path() {
		t.Fatalf("socket at %s, FindSocket %s", ln.Path(), FindSocket(dir))
	}
	if m := socketMode(t, ln.Path()); m != 0o600 {
		t.Errorf("socket mode %o, want 600", m)
	}
	if m := socketMode(t, dir); m != 0o700 {
		t.Errorf("%s mode %o, want 700", dir, m)
	}
	c := NewClient(SocketURL(ln.Path()), "")
	if c.URL() != "unix://"+ln.Path() {
		t.Errorf("URL %s", c.URL())
	}
	if _, err := c.Status(context.Background()); err != nil {
		t.Fatalf("status over the socket: %v", err)
	}
	if err := c.Restart(context.Background(), "web"); err != nil {
		t.Fatalf("restart over the socket: %v", err)
	}
	if got := f.recorded(); len(got) != 1 || got[0] != "restart web" {
		t.Fatalf("calls %v", got)
	}
	// A second supervisor of the same workspace is refused while this one lives.
	var busy *BusyError
	if _, err := ListenSocket(context.Background(), dir); !errors.As(err, &busy) {
		t.Fatalf("a second ListenSocket: want a *BusyError, got %v", err)
	}
}

func TestSocketStaleIsReplaced(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".podium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// What a supervisor killed with -9 leaves: a socket file nobody listens on.
	path := filepath.Join(dir, SocketFile)
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	ul.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the stale socket should still be there: %v", err)
	}
	f := newFakeController()
	socketServe(t, dir, f)
	if _, err := NewClient(SocketURL(path), "").Status(context.Background()); err != nil {
		t.Fatalf("status over the new socket: %v", err)
	}
	if m := socketMode(t, dir); m != 0o700 {
		t.Errorf("an open .podium left %o, want 700", m)
	}
}

func TestSocketThatAnswersIsNotRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".podium")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A socket served by something that holds no lock (an older podium): it answers, so it
	// stays, and the new supervisor refuses to start.
	path := filepath.Join(dir, SocketFile)
	ul, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	var busy *BusyError
	if _, err := ListenSocket(context.Background(), dir); !errors.As(err, &busy) || !strings.Contains(err.Error(), "another supervisor serves this workspace") {
		t.Fatalf("want a *BusyError, got %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the live socket was removed: %v", err)
	}
}

func TestSocketLongPath(t *testing.T) {
	runtime := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", runtime)
	dir := filepath.Join(t.TempDir(), strings.Repeat("w", 100), ".podium")
	f := newFakeController()
	ln := socketServe(t, dir, f)
	if !strings.HasPrefix(ln.Path(), filepath.Join(runtime, "podium")+"/") || len(ln.Path()) > socketMaxPath {
		t.Fatalf("a long workspace path: socket at %s", ln.Path())
	}
	if FindSocket(dir) != ln.Path() {
		t.Fatalf("FindSocket %s, want %s", FindSocket(dir), ln.Path())
	}
	if m := socketMode(t, filepath.Join(dir, SocketPathFile)); m != 0o600 {
		t.Errorf("path file mode %o", m)
	}
	if m := socketMode(t, filepath.Dir(ln.Path())); m != 0o700 {
		t.Errorf("runtime dir mode %o", m)
	}
	if _, err := NewClient(SocketURL(FindSocket(dir)), "").Status(context.Background()); err != nil {
		t.Fatalf("status over the redirected socket: %v", err)
	}
	ln.Close()
	for _, p := range []string{ln.Path(), filepath.Join(dir, SocketPathFile)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s outlived the listener: %v", p, err)
		}
	}
}

func TestSocketUnreachable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := NewClient(SocketURL(path), "").Status(ctx)
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.URL != "unix://"+path {
		t.Fatalf("want an *UnreachableError naming the socket, got %v", err)
	}
}
