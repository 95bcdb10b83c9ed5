package docker_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestIndexReconnects: the engine goes away under a running index and comes back; the index
// says so, retries with backoff, and re-lists what it missed.
func TestIndexReconnects(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	p := h.NewProxy()
	eng, err := docker.New(docker.Options{Host: "unix://" + p.Path()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if ep := eng.Endpoint(); ep.Host != "unix://"+p.Path() || ep.Source != "flag" {
		t.Fatalf("endpoint = %+v", ep)
	}

	before := h.Run("before", e2eSleeper(), nil)
	ix := e2eIndex(t, eng, docker.IndexOptions{Labels: []string{h.Label()}, MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
	s := e2eAwait(t, ix, 20*time.Second, "connected with the first container", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Connected && e2eHas(s, before, nil)
	})
	if s.Status.Resyncs != 0 || s.Status.Err != nil {
		t.Fatalf("first status = %+v", s.Status)
	}
	if p.Accepted() == 0 {
		t.Fatal("the index did not go through the proxy")
	}

	p.Sever()
	s = e2eAwait(t, ix, 20*time.Second, "disconnected", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Disconnected && s.Status.Err != nil
	})
	if !strings.Contains(s.Status.Err.Error(), p.Path()) {
		t.Errorf("disconnection error %q does not say where the engine was", s.Status.Err)
	}
	// It keeps trying while the engine is away.
	e2eAwait(t, ix, 20*time.Second, "several attempts", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Disconnected && s.Status.Attempts >= 3
	})
	if err := ix.Snapshot().Status.Err; err == nil || !strings.Contains(err.Error(), p.Path()) {
		t.Errorf("error while away %v does not say where the engine was", err)
	}
	// Through the dead proxy, calls fail with an error saying where the engine was sought.
	if err := eng.Ping(h.Ctx()); err == nil || !strings.Contains(err.Error(), p.Path()) {
		t.Errorf("ping through the severed proxy: %v", err)
	}

	// While the index is cut off: a new container, and the old one removed.
	missed := h.Run("missed", e2eSleeper(), nil)
	if err := h.Engine.Remove(h.Ctx(), before, docker.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if s := ix.Snapshot(); e2eHas(s, missed, nil) || !e2eHas(s, before, nil) {
		t.Fatalf("a disconnected index changed: %s", e2eDescribe(s))
	}

	p.Restore()
	s = e2eAwait(t, ix, 20*time.Second, "reconnected and resynced", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Connected && s.Status.Resyncs >= 1 && e2eHas(s, missed, nil) && !e2eHas(s, before, nil)
	})
	if s.Status.Err != nil || s.Status.Attempts != 0 {
		t.Errorf("status after reconnecting = %+v", s.Status)
	}

	// And it follows events again.
	if err := h.Engine.Kill(h.Ctx(), missed, ""); err != nil {
		t.Fatal(err)
	}
	e2eAwait(t, ix, 20*time.Second, "the kill after reconnecting", func(s docker.Snapshot) bool {
		return e2eHas(s, missed, func(c docker.Container) bool { return c.State == "exited" })
	})

	// A second outage is handled the same way.
	p.Sever()
	e2eAwait(t, ix, 20*time.Second, "disconnected again", func(s docker.Snapshot) bool { return s.Status.State == docker.Disconnected })
	p.Restore()
	e2eAwait(t, ix, 20*time.Second, "connected again", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Connected && s.Status.Resyncs >= 2
	})
}

// TestIndexStartsDisconnected: an index over an engine that is not there yet says so, and
// connects when it appears.
func TestIndexStartsDisconnected(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	p := h.NewProxy()
	p.Sever()
	eng, err := docker.New(docker.Options{Host: "unix://" + p.Path()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	ix := e2eIndex(t, eng, docker.IndexOptions{Labels: []string{h.Label()}, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	e2eAwait(t, ix, 20*time.Second, "disconnected", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Disconnected && s.Status.Err != nil && s.Status.Attempts >= 2
	})
	id := h.Run("late", e2eSleeper(), nil)
	p.Restore()
	s := e2eAwait(t, ix, 20*time.Second, "connected", func(s docker.Snapshot) bool {
		return s.Status.State == docker.Connected && e2eHas(s, id, nil)
	})
	// The first list is not a re-list.
	if s.Status.Resyncs != 0 || s.Status.Attempts != 0 || s.Status.Err != nil {
		t.Errorf("status after the first connection = %+v", s.Status)
	}
}

// TestDialOption: Options.Dial carries every call, the hijacked exec stream included.
func TestDialOption(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	p := h.NewProxy()
	var mu sync.Mutex
	dials := 0
	eng, err := docker.Connect(h.Ctx(), docker.Options{
		Host: "unix:///nonexistent/podium-test.sock",
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			mu.Lock()
			dials++
			mu.Unlock()
			var d net.Dialer
			return d.DialContext(ctx, "unix", p.Path())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	id := h.Run("dial", e2eSleeper(), nil)
	res, err := eng.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"sh", "-c", "read x; echo got:$x"}, Stdin: strings.NewReader("ping\n")})
	if err != nil || res.Stdout != "got:ping\n" {
		t.Fatalf("exec through Dial = %+v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if dials == 0 {
		t.Fatal("Options.Dial was never called")
	}
}

// TestConnectFails: Connect to a socket nobody serves fails, naming where it looked.
func TestConnectFails(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nobody.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := docker.Connect(ctx, docker.Options{Host: "unix://" + path})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "flag") {
		t.Fatalf("connect to nothing: %v", err)
	}
	if !strings.Contains(err.Error(), "no such file") {
		t.Errorf("connect error does not say why: %v", err)
	}
}
