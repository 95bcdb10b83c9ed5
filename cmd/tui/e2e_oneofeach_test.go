package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// eventsProxy stands between podium and the engine's unix socket and counts the engine event
// streams open through it.
type eventsProxy struct {
	url  string       // DOCKER_HOST for podium
	open atomic.Int32 // GET …/events requests in progress
}

// TestTUIOneOfEach runs the real binary over a workspace with pods, a spec its in-process
// supervisor deploys and a pipeline whose live output it follows: the process holds one file
// watcher (one inotify instance: the TUI's files, the supervisor's specs and the followed
// output subscribe to it) and follows one engine events stream (the TUI and its supervisor
// share the container index).
func TestTUIOneOfEach(t *testing.T) {
	h := enginetest.New(t)
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
	bin := buildBinary(t)
	ws, err := os.MkdirTemp("", "podium-one")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(ws) })
	files := map[string]string{
		"specs/alpha.yml": `spec:
  Image: busybox:latest
  Cmd: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
  Labels: {e2e.podium.test: "` + h.ID + `"}
stop-timeout: 1
`,
		"pods/app.yml": appPod("hello"),
		"pipelines/ci.yml": `images: {bb: {from: "busybox:latest"}}
image: bb
serial:
  slow: sh -c 'echo started; sleep 60'
`,
	}
	for rel, content := range files {
		p := filepath.Join(ws, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { removeSupervised(t, h, ws) })
	proxy := startEventsProxy(t)

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color", "DOCKER_HOST=" + proxy.url}
	s := startTmux(t, 120, 40, env, bin, "-w", ws)
	s.keys("2")
	s.waitFor("alpha Stable on r1", 60*time.Second, func(sc string) bool { return lineWith(sc, "alpha", "Stable", "r1") != "" })

	// A run of ci, its live node's output followed on screen.
	s.keys("3")
	s.waitLine(10*time.Second, "ci")
	s.keys("g", "Enter")
	idRe := regexp.MustCompile(`\bci (\d{8}-\d{6}-\w+)`)
	sc := s.waitFor("a run of ci to start", 30*time.Second, func(sc string) bool { return idRe.MatchString(sc) })
	id := idRe.FindStringSubmatch(sc)[1]
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cs, _ := h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelRun + "=" + id}})
		for _, c := range cs {
			_ = h.Engine.Remove(ctx, c.ID, docker.RemoveOptions{Force: true})
		}
	})
	nodeRe := regexp.MustCompile(`(?:^|\s)(/[\w./-]*) #\d+`)
	s.pressUntil("select /slow in the run's tree", "j", 10, func(sc string) string {
		if m := nodeRe.FindStringSubmatch(sc); m != nil {
			return m[1]
		}
		return ""
	}, func(node string) bool { return node == "/slow" })
	s.waitFor("/slow's live output", 60*time.Second, func(sc string) bool {
		return lineWith(sc, "started") != "" && lineWith(sc, "slow", "running") != ""
	})

	pid := podiumPID(t, s)
	if n := inotifyInstances(t, pid); n != 1 {
		t.Errorf("the TUI process holds %d inotify instances (file watchers), want 1", n)
	}
	if n := proxy.open.Load(); n != 1 {
		t.Errorf("the TUI process follows %d engine event streams, want 1", n)
	}
	s.keys("q")
}

// startEventsProxy serves the engine's unix socket on a socket of its own, counting the event
// streams open through it.
func startEventsProxy(t *testing.T) *eventsProxy {
	t.Helper()
	engine := "/var/run/docker.sock"
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		p, ok := strings.CutPrefix(host, "unix://")
		if !ok {
			t.Skipf("the engine is not on a unix socket: %s", host)
		}
		engine = p
	}
	dir, err := os.MkdirTemp("", "pproxy") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "d.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	p := &eventsProxy{url: "unix://" + sock}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "docker"
		},
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", engine)
		}},
		FlushInterval: -1,
		ErrorLog:      log.New(io.Discard, "", 0), // streams cut at the end
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/events") {
			p.open.Add(1)
			defer p.open.Add(-1)
		}
		rp.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return p
}

// podiumPID is the process id of the podium the session runs: the pane's process, or its
// child when a shell runs it.
func podiumPID(t *testing.T, s *tmuxSession) int {
	t.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(s.run("display-message", "-p", "-t", s.name, "#{pane_pid}")))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); err == nil && filepath.Base(exe) == "podium" {
			return pid
		}
		kids, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
		f := strings.Fields(string(kids))
		if err != nil || len(f) == 0 {
			break
		}
		pid, _ = strconv.Atoi(f[0])
	}
	t.Fatalf("no podium process in the tmux pane")
	return 0
}

// inotifyInstances counts a process's inotify instances: each fsnotify watcher holds one file
// descriptor on anon_inode:inotify.
func inotifyInstances(t *testing.T, pid int) int {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	fds, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && strings.Contains(l, "inotify") {
			n++
		}
	}
	return n
}
