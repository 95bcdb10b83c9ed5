package pods

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model/tasks"
)

// runTaskCmd runs a background task a key started (its start, then its call) and takes the
// result, without the reloads' log streams that would follow.
func runTaskCmd(t *testing.T, r Root, cmd tea.Cmd) Root {
	t.Helper()
	started, ok := runCmd(t, cmd).(tasks.StartedMsg)
	if !ok {
		t.Fatal("not a background task")
	}
	r = update(t, r, started)
	return update(t, r, runCmd(t, new(tasks.List).Start(started)))
}

// TestPodsMountToggles unmounts and mounts again the git source the shop's web is built from
// (m on the service), through a backend that writes .podium/mounted.yml: the reload that
// follows marks web drifted, and the status says so and how to apply it.
func TestPodsMountToggles(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/web")
	if l := rowLine(t, r, "  ", "web"); !strings.Contains(l, "mounted: shop-web") || strings.Contains(l, "drifted") {
		t.Fatalf("web before: %q", l)
	}

	r, cmd := press(t, r, "m")
	if r.pods().status.Text != "unmount shop-web…" {
		t.Fatalf("status while unmounting: %q", r.pods().status.Text)
	}
	r = runTaskCmd(t, r, cmd)
	if calls := fp.Calls(); !slices.Equal(calls[len(calls)-2:], []string{"unmount shop-web", "load"}) {
		t.Fatalf("calls %q", calls)
	}
	data, err := os.ReadFile(filepath.Join(fp.WS.Root, ".podium", "mounted.yml"))
	if err != nil || strings.Contains(string(data), "shop-web") {
		t.Fatalf("mounted.yml after unmount: %v %q", err, data)
	}
	if st := r.pods().status; st.Text != "unmounted shop-web from frontend/web: a applies" || st.Err {
		t.Fatalf("status %+v", st)
	}
	if l := rowLine(t, r, "  ", "web"); strings.Contains(l, "mounted: shop-web") || !strings.Contains(l, "≠ drifted") {
		t.Fatalf("web after unmount: %q", l)
	}

	// From the pod's row: its one source tree is mounted again, and web runs with it once more.
	r = selectRow(t, r, "frontend")
	r, cmd = press(t, r, "m")
	r = runTaskCmd(t, r, cmd)
	if calls := fp.Calls(); !slices.Contains(calls, "mount shop-web") {
		t.Fatalf("calls %q", calls)
	}
	if st := r.pods().status; st.Text != "mounted shop-web into frontend/web" || st.Err {
		t.Fatalf("status %+v", st)
	}
	if l := rowLine(t, r, "  ", "web"); !strings.Contains(l, "mounted: shop-web") || strings.Contains(l, "drifted") {
		t.Fatalf("web after mount: %q", l)
	}

	// With no containers, nothing drifts: the change waits for the next up.
	fp, fb = newShop(t)
	fp.Disk, fb.Snap = true, connected(nil)
	r = selectRow(t, newPodsRoot(t, fp, fb, 120, 40), "frontend/web")
	r, cmd = press(t, r, "m")
	r = runTaskCmd(t, r, cmd)
	if st := r.pods().status; st.Text != "unmounted shop-web from frontend/web: it takes effect when u brings it up" {
		t.Fatalf("status without containers: %+v", st)
	}
}

// TestPodsMountRefusals: services with no source tree, a local tree that does not exist, a
// git tree not cloned yet (cloned by the mount), a failed change.
func TestPodsMountRefusals(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	for _, c := range []struct{ row, want string }{
		{"frontend/proxy", "frontend/proxy is not built from a source tree"},
		{"db", "no service of db is built from a source tree"},
		{"rake/rake", "rake/rake is not built from a source tree"},
	} {
		r = selectRow(t, r, c.row)
		var cmd tea.Cmd
		r, cmd = press(t, r, "m")
		if st := r.pods().status; cmd != nil || st.Text != c.want || !st.Err {
			t.Errorf("m on %s: status %+v", c.row, st)
		}
	}
	if calls := fp.Calls(); !slices.Equal(calls, []string{"load"}) {
		t.Errorf("a refused m called the backend: %q", calls)
	}

	// The web source's clone is gone: m clones it (in the backend) and mounts it.
	if err := os.RemoveAll(filepath.Join(fp.WS.Root, "src", "shop-web")); err != nil {
		t.Fatal(err)
	}
	fp.Disk = false
	ws, err := pods.Load(context.Background(), fp.WS.Root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	fp.WS = ws
	r = update(t, r, runCmd(t, r.pods().load(true)))
	r = selectRow(t, r, "frontend/web")
	r, cmd := press(t, r, "m")
	if r.pods().status.Text != "clone shop-web and mount it…" {
		t.Fatalf("status while cloning: %q", r.pods().status.Text)
	}
	fp.OpErr = errors.New("clone source 'shop-web': git clone -- https://github.com/podium/shop-web.git: exit status 128")
	r = runTaskCmd(t, r, cmd)
	if calls := fp.Calls(); calls[len(calls)-1] != "mount shop-web" {
		t.Fatalf("calls %q", calls)
	}
	if st := r.pods().status; !st.Err || !strings.HasPrefix(st.Text, "clone source 'shop-web'") {
		t.Fatalf("a failed mount: status %+v", st)
	}

	// A local build context that does not exist cannot be cloned: nothing is called.
	root := filepath.Join(t.TempDir(), "local")
	writeTree(t, root, map[string]string{
		"pods/targets/development/common.env": "",
		"pods/app.yml":                        "services:\n  app:\n    image: busybox:latest\n    build: ../app\n",
	})
	ws, err = pods.Load(context.Background(), root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	lp := &fakePods{WS: ws}
	r = newPodsRoot(t, lp, newFake(), 120, 40)
	r = selectRow(t, r, "app/app")
	r, cmd = press(t, r, "m")
	if st := r.pods().status; cmd != nil || !st.Err || st.Text != "source app is the directory app, which does not exist: create it to mount it" {
		t.Fatalf("status %+v", st)
	}
}

// writeTree writes files (by slash-separated path) under root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPodsEngineMount mounts a local source tree through the engine's backend on a temp
// workspace whose service runs on the real engine: mounted.yml is written, the reload wants a
// new config hash (the running container drifted), up puts the tree into the container, and
// unmount brings the first hash back. run-script runs the service's script there too.
func TestPodsEngineMount(t *testing.T) {
	h := enginetest.New(t)
	root := filepath.Join(t.TempDir(), "mnt")
	writeTree(t, root, map[string]string{
		"pods/targets/development/common.env": "",
		"pods/app.yml": `services:
  app:
    image: busybox:latest
    build: ../app
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
`,
		"pods/app.metadata.yml": "services:\n  app:\n    scripts:\n      hi: [[sh, -c, 'echo script $((1+1))']]\n",
		"app/index.txt":         "v1\n",
	})
	project := "mnt" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	opts := pods.LoadOptions{ProjectName: project, Environ: []string{}}
	ctx := h.Ctx()
	t.Cleanup(func() {
		if w, err := pods.Load(context.Background(), root, opts); err == nil {
			_ = (&pods.Runner{Engine: h.Engine, WS: w}).Down(context.Background(), nil, true, 0)
		}
	})
	pb := pods.NewController(h.Engine, root, opts)
	ws, err := pb.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := pb.Up(ctx, ws, "app", "", nil); err != nil {
		t.Fatalf("up: %v", err)
	}
	containers := func() []docker.Container {
		t.Helper()
		cs, err := h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + project}})
		if err != nil || len(cs) != 1 {
			t.Fatalf("containers of %s: %d (%v)", project, len(cs), err)
		}
		return cs
	}
	app := func(ws *pods.Workspace) pods.ServiceState {
		t.Helper()
		return ws.State(containers())[0].Services[0]
	}
	first := app(ws)
	if first.Drifted || len(ws.Pod("app").Mounts["app"]) != 0 {
		t.Fatalf("before the mount: drifted %v, mounts %v", first.Drifted, ws.Pod("app").Mounts)
	}

	if err := pb.Mount(ctx, []string{"app"}); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(root, ".podium", "mounted.yml")); err != nil || !strings.Contains(string(data), "app: true") {
		t.Fatalf("mounted.yml: %v %q", err, data)
	}
	if ws, err = pb.Load(ctx); err != nil {
		t.Fatal(err)
	}
	mounted := app(ws)
	if !mounted.Drifted || mounted.Hash == first.Hash || !slices.Equal(ws.Pod("app").Mounts["app"], []string{"app"}) {
		t.Fatalf("after the mount: drifted %v, hash %s (was %s), mounts %v", mounted.Drifted, mounted.Hash, first.Hash, ws.Pod("app").Mounts)
	}
	if err := pb.Up(ctx, ws, "app", "", nil); err != nil {
		t.Fatalf("up after the mount: %v", err)
	}
	x, err := pb.Exec(ctx, ws, "app", "app", []string{"cat", "/app/index.txt"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	x.SetStdout(&out)
	x.SetStderr(&out)
	if err := x.Run(); err != nil || out.String() != "v1\n" {
		t.Fatalf("the tree in the container: %v %q", err, out.String())
	}

	x, err = pb.RunScript(ctx, ws, "app", "", "hi")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	x.SetStdout(&out)
	if err := x.Run(); err != nil || out.String() != "script 2\n" {
		t.Fatalf("run-script hi: %v %q", err, out.String())
	}

	if err := pb.Unmount(ctx, []string{"app"}); err != nil {
		t.Fatal(err)
	}
	if ws, err = pb.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if s := app(ws); s.Hash != first.Hash || !s.Drifted || len(ws.Pod("app").Mounts["app"]) != 0 {
		t.Fatalf("after unmount: hash %s (first %s), drifted %v, mounts %v", s.Hash, first.Hash, s.Drifted, ws.Pod("app").Mounts)
	}
	if err := pb.Mount(ctx, []string{"nope"}); err == nil || !strings.Contains(err.Error(), "mount nope: unknown source 'nope'") {
		t.Errorf("mount of an unknown source: %v", err)
	}
}
