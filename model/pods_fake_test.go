package model

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/modeltest"
	podtab "github.com/podiumdev/podium/model/pods"
)

// shopFiles is the Pods tab's fixture workspace "shop": a placeholder db (enabled in
// development only), a frontend of two services (web, built from a git source that is
// mounted, with two replicas; proxy), a pod enabled only in production, a broken pod (a key
// the compose schema does not know) and a task.
var shopFiles = map[string]string{
	"pods/targets/development/common.env": "ENV=development\n",
	"pods/targets/production/common.env":  "ENV=production\n",
	"pods/targets/test/common.env":        "ENV=test\n",
	"pods/db.yml": `services:
  db:
    image: postgres:16-alpine
    ports: ["127.0.0.1:5432:5432"]
`,
	"pods/db.metadata.yml": "pod_type: placeholder\nenable_in_targets: [development]\n",
	"pods/frontend.yml": `services:
  web:
    image: shop-web:dev
    build: https://github.com/podium/shop-web.git
    deploy:
      replicas: 2
    ports: ["127.0.0.1::3000"]
    labels:
      io.fdy.cage.test: "bin/test --fast"
  proxy:
    image: nginx:1.27-alpine
    ports: ["127.0.0.1:8080:80"]
    depends_on: [web]
`,
	"pods/search.yml":          "services:\n  search:\n    image: opensearchproject/opensearch:2\n",
	"pods/search.metadata.yml": "enable_in_targets: [production]\n",
	"pods/worker.yml":          "services:\n  jobs:\n    image: shop-worker:dev\n    restart_policy: always\n",
	"pods/rake.yml":            "services:\n  rake:\n    image: shop-web:dev\n    entrypoint: [\"rake\"]\n",
	"pods/rake.metadata.yml":   "pod_type: task\n",
	".podium/mounted.yml":      "shop-web: true\n",
	"src/shop-web/README.md":   "the web app\n",
}

// loadShop writes the fixture workspace into a temp dir and loads it, hermetically.
func loadShop(t *testing.T) *pods.Workspace {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
	for rel, content := range shopFiles {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := pods.Load(context.Background(), root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// hashes are the config hashes the workspace's services want, by pod/service.
func hashes(ws *pods.Workspace) map[string]string {
	out := map[string]string{}
	for _, ps := range ws.State(nil) {
		for _, s := range ps.Services {
			out[s.Pod+"/"+s.Service] = s.Hash
		}
	}
	return out
}

// podContainer is container n of a service as Podium creates it: Compose's labels and its own.
func podContainer(ws *pods.Workspace, pod, service string, n int, hash string) docker.Container {
	return docker.Container{
		ID:    fmt.Sprintf("%s%s%d%s", pod[:2], service[:2], n, strings.Repeat("0", 11)),
		Name:  fmt.Sprintf("%s-%s-%d", ws.ComposeName, service, n),
		State: "running",
		Labels: map[string]string{
			docker.LabelComposeProject: ws.ComposeName, docker.LabelComposeService: service,
			docker.LabelComposeNumber: fmt.Sprint(n), docker.LabelComposeConfigHash: hash,
			docker.LabelPod: pod, docker.LabelTarget: ws.Target,
		},
	}
}

// shopContainers is the engine's side of the fixture: db up and healthy; web with one replica
// up and one exited; proxy up but created from an older config (drifted); plus a container of
// another project, which the Pods tab must leave out.
func shopContainers(ws *pods.Workspace) []docker.Container {
	now := testNow()
	h := hashes(ws)
	db := podContainer(ws, "db", "db", 1, h["db/db"])
	db.Image, db.Health, db.StartedAt = "postgres:16-alpine", "healthy", now.Add(-2*time.Hour)
	db.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: 5432, ContainerPort: 5432, Proto: "tcp"}}
	web1 := podContainer(ws, "frontend", "web", 1, h["frontend/web"])
	web1.Image, web1.StartedAt = "shop-web:dev", now.Add(-3*time.Minute)
	web1.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: 32768, ContainerPort: 3000, Proto: "tcp"}}
	web2 := podContainer(ws, "frontend", "web", 2, h["frontend/web"])
	web2.Image, web2.State, web2.ExitCode = "shop-web:dev", "exited", 1
	web2.StartedAt, web2.FinishedAt = now.Add(-time.Hour), now.Add(-5*time.Minute)
	proxy := podContainer(ws, "frontend", "proxy", 1, "0ld0ld0ld")
	proxy.Image, proxy.StartedAt = "nginx:1.27-alpine", now.Add(-47*time.Minute)
	proxy.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}
	other := docker.Container{ID: "b5b5b5b5b5b5b5b5", Name: "blog-web-1", Image: "nginx", State: "running",
		Labels: composeLabels("blog", "web"), StartedAt: now.Add(-time.Hour)}
	cs := []docker.Container{db, web1, web2, proxy, other}
	docker.SortContainers(cs)
	return cs
}

// fakePods serves a fixed workspace and records what the model asks of it.
type fakePods struct {
	mu       sync.Mutex
	ws       *pods.Workspace
	loadErr  error
	calls    []string
	events   []compose.Event // what Up, Stop and Restart report
	opErr    error
	release  chan struct{} // when set, Up, Stop and Restart wait for it after reporting
	reported chan struct{} // when set, closed once Up, Stop or Restart has reported every event
	execErr  error         // what the prepared commands return from Run
	prepErr  error         // what preparing them returns
	disk     bool          // Load reads the workspace's files again (a test edits them)
}

func (f *fakePods) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakePods) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakePods) Load(context.Context) (*pods.Workspace, error) {
	f.record("load")
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	if f.disk {
		ws, err := pods.Load(context.Background(), f.ws.Root, pods.LoadOptions{Environ: []string{}})
		if err != nil {
			return nil, err
		}
		f.mu.Lock()
		f.ws = ws
		f.mu.Unlock()
	}
	return f.ws, nil
}

func (f *fakePods) lifecycle(ctx context.Context, verb, pod, service string, progress func(compose.Event)) error {
	f.record(verb + " " + pod + "/" + service)
	for _, e := range f.events {
		progress(e)
	}
	if f.reported != nil {
		select {
		case <-f.reported: // an earlier operation closed it
		default:
			close(f.reported)
		}
	}
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return f.opErr
}

func (f *fakePods) Up(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "up", pod, service, progress)
}

func (f *fakePods) Stop(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "stop", pod, service, progress)
}

func (f *fakePods) Restart(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "restart", pod, service, progress)
}

func (f *fakePods) Remove(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "remove", pod, service, progress)
}

func (f *fakePods) Build(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "build", pod, service, progress)
}

func (f *fakePods) Pull(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "pull", pod, service, progress)
}

func (f *fakePods) Down(ctx context.Context, _ *pods.Workspace, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "down", "*", "", progress)
}

func (f *fakePods) prepared(s string) (tea.ExecCommand, error) {
	f.record(s)
	if f.prepErr != nil {
		return nil, f.prepErr
	}
	return modeltest.Exec{Err: f.execErr}, nil
}

func (f *fakePods) Shell(_ context.Context, _ *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return f.prepared("shell " + pod + "/" + service)
}

func (f *fakePods) Exec(_ context.Context, _ *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return f.prepared(fmt.Sprintf("exec %s/%s %q", pod, service, cmd))
}

func (f *fakePods) Test(_ context.Context, _ *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return f.prepared("test " + pod + "/" + service)
}

func (f *fakePods) Run(_ context.Context, _ *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return f.prepared(fmt.Sprintf("run %s/%s %q", pod, service, cmd))
}

func (f *fakePods) RunScript(_ context.Context, _ *pods.Workspace, pod, service, name string) (tea.ExecCommand, error) {
	return f.prepared("run-script " + name + " " + pods.Address(pod, service))
}

func (f *fakePods) Mount(_ context.Context, aliases []string) error {
	return f.mounts("mount", aliases)
}

func (f *fakePods) Unmount(_ context.Context, aliases []string) error {
	return f.mounts("unmount", aliases)
}

// mounts records a mount change; when Load reads the disk, it saves the change there as the
// engine's backend does, so the next load sees it.
func (f *fakePods) mounts(verb string, aliases []string) error {
	f.record(verb + " " + strings.Join(aliases, " "))
	f.mu.Lock()
	root, disk, err := f.ws.Root, f.disk, f.opErr
	f.mu.Unlock()
	if err != nil || !disk {
		return err
	}
	ws, err := pods.Load(context.Background(), root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		return err
	}
	if verb == "mount" {
		return ws.Mount(context.Background(), nil, false, aliases...)
	}
	return ws.Unmount(false, aliases...)
}

// newShop is the fixture: the workspace, a pods backend serving it, and an engine backend
// whose index holds the workspace's containers.
func newShop(t *testing.T) (*fakePods, *modeltest.Containers) {
	t.Helper()
	ws := loadShop(t)
	fb := newFake()
	fb.Snap = connected(shopContainers(ws))
	return &fakePods{ws: ws}, fb
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
