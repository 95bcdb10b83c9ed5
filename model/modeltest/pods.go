package modeltest

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
)

// ShopFiles is the Pods tab's fixture workspace "shop": a placeholder db (enabled in
// development only), a frontend of two services (web, built from a git source that is
// mounted, with two replicas; proxy), a pod enabled only in production, a broken pod (a key
// the compose schema does not know) and a task.
var ShopFiles = map[string]string{
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

// LoadShop writes the fixture workspace into a temp dir and loads it, hermetically.
func LoadShop(t *testing.T) *pods.Workspace {
	t.Helper()
	return LoadShopWith(t, nil)
}

// LoadShopWith is LoadShop with files added to ShopFiles (or replacing them).
func LoadShopWith(t *testing.T, extra map[string]string) *pods.Workspace {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
	files := make(map[string]string, len(ShopFiles)+len(extra))
	for rel, content := range ShopFiles {
		files[rel] = content
	}
	for rel, content := range extra {
		files[rel] = content
	}
	for rel, content := range files {
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

// SecretShopFiles add to the shop workspace what its Env shows: a common.env for every pod and
// config/secrets.yml, layered last.
func SecretShopFiles() map[string]string {
	return map[string]string{
		"pods/common.env": "LOG_LEVEL=info\nPATH=/usr/local/bin:/usr/bin:/bin\n",
		"config/secrets.yml": `common:
  SENTRY_DSN: https://public@sentry.example/1
pods:
  db:
    db:
      DB_PASSWORD: hunter2
      POSTGRES_USER: shop
targets:
  development:
    pods:
      db:
        db:
          DB_PASSWORD: dev-hunter2
`,
	}
}

// Hashes are the config hashes the workspace's services want, by pod/service.
func Hashes(ws *pods.Workspace) map[string]string {
	out := map[string]string{}
	for _, ps := range ws.State(nil) {
		for _, s := range ps.Services {
			out[s.Pod+"/"+s.Service] = s.Hash
		}
	}
	return out
}

// PodContainer is container n of a service as Podium creates it: Compose's labels and its own.
func PodContainer(ws *pods.Workspace, pod, service string, n int, hash string) docker.Container {
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

// ShopContainers is the engine's side of the fixture: db up and healthy; web with one replica
// up and one exited; proxy up but created from an older config (drifted); plus a container of
// another project, which the Pods tab must leave out.
func ShopContainers(ws *pods.Workspace, now time.Time) []docker.Container {
	h := Hashes(ws)
	db := PodContainer(ws, "db", "db", 1, h["db/db"])
	db.Image, db.Health, db.StartedAt = "postgres:16-alpine", "healthy", now.Add(-2*time.Hour)
	db.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: 5432, ContainerPort: 5432, Proto: "tcp"}}
	web1 := PodContainer(ws, "frontend", "web", 1, h["frontend/web"])
	web1.Image, web1.StartedAt = "shop-web:dev", now.Add(-3*time.Minute)
	web1.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: 32768, ContainerPort: 3000, Proto: "tcp"}}
	web2 := PodContainer(ws, "frontend", "web", 2, h["frontend/web"])
	web2.Image, web2.State, web2.ExitCode = "shop-web:dev", "exited", 1
	web2.StartedAt, web2.FinishedAt = now.Add(-time.Hour), now.Add(-5*time.Minute)
	proxy := PodContainer(ws, "frontend", "proxy", 1, "0ld0ld0ld")
	proxy.Image, proxy.StartedAt = "nginx:1.27-alpine", now.Add(-47*time.Minute)
	proxy.Ports = []docker.Port{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}
	other := docker.Container{ID: "b5b5b5b5b5b5b5b5", Name: "blog-web-1", Image: "nginx", State: "running",
		Labels: map[string]string{docker.LabelComposeProject: "blog", docker.LabelComposeService: "web"}, StartedAt: now.Add(-time.Hour)}
	cs := []docker.Container{db, web1, web2, proxy, other}
	docker.SortContainers(cs)
	return cs
}

// Pods serves a fixed workspace and records what the model asks of it.
type Pods struct {
	mu       sync.Mutex
	WS       *pods.Workspace
	LoadErr  error
	calls    []string
	Events   []compose.Event // what Up, Stop and Restart report
	OpErr    error
	Release  chan struct{} // when set, Up, Stop and Restart wait for it after reporting
	Reported chan struct{} // when set, closed once Up, Stop or Restart has reported every event
	ExecErr  error         // what the prepared commands return from Run
	PrepErr  error         // what preparing them returns
	Disk     bool          // Load reads the workspace's files again (a test edits them)
}

func (f *Pods) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *Pods) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *Pods) Load(context.Context) (*pods.Workspace, error) {
	f.record("load")
	if f.LoadErr != nil {
		return nil, f.LoadErr
	}
	if f.Disk {
		ws, err := pods.Load(context.Background(), f.WS.Root, pods.LoadOptions{Environ: []string{}})
		if err != nil {
			return nil, err
		}
		f.mu.Lock()
		f.WS = ws
		f.mu.Unlock()
	}
	return f.WS, nil
}

func (f *Pods) lifecycle(ctx context.Context, verb, pod, service string, progress func(compose.Event)) error {
	f.record(verb + " " + pod + "/" + service)
	for _, e := range f.Events {
		progress(e)
	}
	if f.Reported != nil {
		select {
		case <-f.Reported: // an earlier operation closed it
		default:
			close(f.Reported)
		}
	}
	if f.Release != nil {
		select {
		case <-f.Release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return f.OpErr
}

func (f *Pods) Up(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "up", pod, service, progress)
}

func (f *Pods) Stop(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "stop", pod, service, progress)
}

func (f *Pods) Restart(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "restart", pod, service, progress)
}

func (f *Pods) Remove(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "remove", pod, service, progress)
}

func (f *Pods) Build(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "build", pod, service, progress)
}

func (f *Pods) Pull(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "pull", pod, service, progress)
}

func (f *Pods) Down(ctx context.Context, _ *pods.Workspace, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "down", "*", "", progress)
}

func (f *Pods) prepared(s string) (tea.ExecCommand, error) {
	f.record(s)
	if f.PrepErr != nil {
		return nil, f.PrepErr
	}
	return Exec{Err: f.ExecErr}, nil
}

func (f *Pods) Shell(_ context.Context, _ *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return f.prepared("shell " + pod + "/" + service)
}

func (f *Pods) Exec(_ context.Context, _ *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return f.prepared(fmt.Sprintf("exec %s/%s %q", pod, service, cmd))
}

func (f *Pods) Test(_ context.Context, _ *pods.Workspace, pod, service string) (tea.ExecCommand, error) {
	return f.prepared("test " + pod + "/" + service)
}

func (f *Pods) Run(_ context.Context, _ *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error) {
	return f.prepared(fmt.Sprintf("run %s/%s %q", pod, service, cmd))
}

func (f *Pods) RunScript(_ context.Context, _ *pods.Workspace, pod, service, name string) (tea.ExecCommand, error) {
	return f.prepared("run-script " + name + " " + pods.Address(pod, service))
}

func (f *Pods) Mount(_ context.Context, aliases []string) error {
	return f.mounts("mount", aliases)
}

func (f *Pods) Unmount(_ context.Context, aliases []string) error {
	return f.mounts("unmount", aliases)
}

// mounts records a mount change; when Load reads the disk, it saves the change there as the
// engine's backend does, so the next load sees it.
func (f *Pods) mounts(verb string, aliases []string) error {
	f.record(verb + " " + strings.Join(aliases, " "))
	f.mu.Lock()
	root, disk, err := f.WS.Root, f.Disk, f.OpErr
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

// NewPods is a pods backend serving ws.
func NewPods(ws *pods.Workspace) *Pods { return &Pods{WS: ws} }

// NewShop is the Pods tab's fixture: the workspace "shop", loaded from a temp dir, and a pods
// backend serving it; ShopContainers are the engine's side of it.
func NewShop(t *testing.T) *Pods {
	t.Helper()
	return NewPods(LoadShop(t))
}

// FrontendV2 is the shop's frontend pod after an edit: web gets a variable and a third
// replica; proxy is as it was.
const FrontendV2 = `services:
  web:
    image: shop-web:dev
    build: https://github.com/podium/shop-web.git
    deploy:
      replicas: 3
    environment:
      FEATURE_CART: "on"
    ports: ["127.0.0.1::3000"]
    labels:
      io.fdy.cage.test: "bin/test --fast"
  proxy:
    image: nginx:1.27-alpine
    ports: ["127.0.0.1:8080:80"]
    depends_on: [web]
`

// WriteFile replaces a file of a fixture workspace (rel is slash-separated, under root).
func WriteFile(t testing.TB, root, rel, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *Pods) RemoveOrphans(ctx context.Context, _ *pods.Workspace, pod, service string, progress func(compose.Event)) error {
	return f.lifecycle(ctx, "remove-orphans", pod, service, progress)
}
