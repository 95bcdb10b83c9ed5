package pods

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// opsFixture is a copy of a testdata workspace, loaded under a project name of the test's own,
// with a runner whose every container, network and volume carries the harness's label.
type opsFixture struct {
	h      *enginetest.Harness
	root   string
	name   string
	ws     *Workspace
	runner *Runner

	mu     sync.Mutex
	events []compose.Event
}

func newOpsFixture(t *testing.T, fixture string) *opsFixture {
	t.Helper()
	h := enginetest.New(t)
	root := filepath.Join(t.TempDir(), "ws")
	if fixture != "" {
		copyTree(t, filepath.Join("..", "..", "testdata", "cage", fixture), root)
	} else if err := New(filepath.Dir(root), "ws"); err != nil {
		t.Fatal(err)
	}
	f := &opsFixture{h: h, root: root, name: "pt" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")}
	f.load(t, "")
	t.Cleanup(func() {
		// Down also removes the project's networks, which carry the label only when created
		// through the runner; the harness then removes whatever is left.
		_ = f.runner.Down(context.Background(), nil, true, 0)
	})
	return f
}

func (f *opsFixture) load(t *testing.T, target string) {
	t.Helper()
	ws, err := Load(f.h.Ctx(), f.root, LoadOptions{ProjectName: f.name, Target: target})
	if err != nil {
		t.Fatalf("load %s: %v", f.root, err)
	}
	f.ws = ws
	f.runner = &Runner{Engine: f.h.Engine, WS: ws, Labels: f.h.Labels(nil), Progress: f.record}
}

func (f *opsFixture) record(e compose.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
}

func (f *opsFixture) takeEvents() []compose.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.events
	f.events = nil
	return out
}

func (f *opsFixture) containers(t *testing.T) []docker.Container {
	t.Helper()
	cs, err := f.h.Engine.List(f.h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + f.ws.ComposeName}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copy %s: %v", from, err)
	}
}

func exitCode(err error) int {
	var x docker.ExitError
	if errors.As(err, &x) {
		return x.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestUpRailsHello brings up the rails_hello-style fixture: placeholders first, tasks left out,
// run_on_init run, Compose's and Podium's labels on every container; a second up touches
// nothing; run, test and exec pass exit codes through and leave no one-off container.
func TestUpRailsHello(t *testing.T) {
	f := newOpsFixture(t, "rails_hello")
	ctx := f.h.Ctx()
	var initOut bytes.Buffer
	if err := f.runner.Up(ctx, nil, UpOptions{Init: true, Out: &initOut}); err != nil {
		t.Fatalf("up --init: %v", err)
	}
	// Order: db (placeholder) started before web.
	started := map[string]int{}
	for i, e := range f.takeEvents() {
		if e.Action == compose.ActionStarted {
			started[e.Service] = i + 1
		}
	}
	if started["db"] == 0 || started["web"] == 0 || started["db"] > started["web"] {
		t.Fatalf("want db started before web, got %v", started)
	}
	if started["rake"] != 0 {
		t.Fatalf("up started the task pod rake")
	}
	if !strings.Contains(initOut.String(), "db is ready") || !strings.Contains(initOut.String(), "rake db:migrate") {
		t.Fatalf("run_on_init output: %q", initOut.String())
	}

	cs := f.containers(t)
	services := map[string]docker.Container{}
	for _, c := range cs {
		if c.Labels[docker.LabelComposeOneoff] != "False" {
			t.Fatalf("a one-off container was left: %s %v", c.Name, c.Labels)
		}
		services[c.Service()] = c
	}
	if len(services) != 2 || services["web"].ID == "" || services["db"].ID == "" {
		t.Fatalf("want exactly web and db, got %v", services)
	}
	web := services["web"]
	for k, want := range map[string]string{
		docker.LabelPod: "frontend", docker.LabelTarget: "development",
		docker.LabelComposeProject: f.ws.ComposeName, docker.LabelComposeNumber: "1",
		docker.LabelComposeWorkingDir: filepath.Join(f.root, "pods"),
	} {
		if got := web.Labels[k]; got != want {
			t.Errorf("web label %s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(web.Labels[docker.LabelComposeConfigFiles], filepath.Join(f.root, "pods", "frontend.yml")) {
		t.Errorf("config_files label = %q", web.Labels[docker.LabelComposeConfigFiles])
	}
	// Other Docker tools find the project by Compose's labels, as `docker compose ls` does.
	if cli, err := exec.LookPath("docker"); err == nil {
		out, err := exec.Command(cli, "ps", "--filter", "label="+docker.LabelComposeProject+"="+f.ws.ComposeName,
			"--format", `{{.Label "com.docker.compose.service"}} {{.Label "com.docker.compose.project.config_files"}}`).CombinedOutput()
		if err != nil {
			t.Fatalf("docker ps: %v\n%s", err, out)
		}
		lines := strings.Fields(string(out))
		if len(lines) != 4 || !strings.Contains(string(out), "web "+filepath.Join(f.root, "pods", "frontend.yml")) {
			t.Fatalf("docker ps by compose labels:\n%s", out)
		}
	}

	// The workspace's own view agrees with the engine: nothing drifted.
	for _, ps := range f.ws.State(cs) {
		for _, s := range ps.Services {
			if s.Drifted {
				t.Errorf("%s/%s drifted right after up (hash %s, container %s)", s.Pod, s.Service, s.Hash, s.Containers[0].Labels[docker.LabelComposeConfigHash])
			}
		}
	}

	// Idempotent: a second up creates, starts and removes nothing.
	if err := f.runner.Up(ctx, nil, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, e := range f.takeEvents() {
		switch e.Action {
		case compose.ActionCreating, compose.ActionStarting, compose.ActionRemoving, compose.ActionRecreating:
			t.Fatalf("second up did %s on %s", e.Action, e.Container)
		}
	}

	// run passes the exit code through and --rm leaves nothing.
	var out bytes.Buffer
	run := f.runner.OneOff(ctx, "db", RunOptions{Cmd: []string{"sh", "-c", "echo from-run; exit 7"}, Remove: true})
	run.SetStdout(&out)
	if code := exitCode(run.Run()); code != 7 || !strings.Contains(out.String(), "from-run") {
		t.Fatalf("run: code %d, output %q", code, out.String())
	}
	// exec in the running service.
	out.Reset()
	ex := f.runner.Exec(ctx, "frontend/web", []string{"sh", "-c", "echo $DATABASE_URL; exit 5"}, ExecOptions{})
	ex.SetStdout(&out)
	if code := exitCode(ex.Run()); code != 5 || !strings.Contains(out.String(), "postgres://") {
		t.Fatalf("exec: code %d, output %q", code, out.String())
	}
	if _, err := f.runner.Shell(ctx, "web", ExecOptions{Detach: true}); err == nil {
		t.Fatal("shell -d was accepted")
	}
	if _, err := f.runner.Shell(ctx, "web", ExecOptions{NoTTY: true}); err == nil {
		t.Fatal("shell -T was accepted")
	}

	// A failing test still removes its container (cage leaked it).
	f.load(t, TestTarget)
	out.Reset()
	test := f.runner.Test(ctx, "web", []string{"sh", "-c", "echo testing $RAILS_ENV; exit 3"}, TestOptions{})
	test.SetStdout(&out)
	test.SetStderr(&out)
	if code := exitCode(test.Run()); code != 3 || !strings.Contains(out.String(), "testing test") {
		t.Fatalf("test: code %d, output %q", code, out.String())
	}
	// Without a command, the label's: `ls /usr/src/app && …`, which fails with nothing mounted.
	out.Reset()
	test = f.runner.Test(ctx, "web", nil, TestOptions{})
	test.SetStdout(&out)
	test.SetStderr(&out)
	if code := exitCode(test.Run()); code != 1 || !strings.Contains(out.String(), "/usr/src/app") {
		t.Fatalf("test with the label's command: code %d, %q", code, out.String())
	}
	// --export-test-output: ./test_output of the test's container lands in the workspace,
	// failing test or not, and is never overwritten.
	out.Reset()
	test = f.runner.Test(ctx, "web", []string{"sh", "-c", "mkdir -p test_output/sub && echo passed > test_output/sub/result.txt && exit 4"}, TestOptions{ExportOutput: true})
	test.SetStdout(&out)
	test.SetStderr(&out)
	if code := exitCode(test.Run()); code != 4 {
		t.Fatalf("test --export-test-output: code %d, %q", code, out.String())
	}
	if data, err := os.ReadFile(filepath.Join(f.ws.Root, "test_output", "sub", "result.txt")); err != nil || string(data) != "passed\n" {
		t.Fatalf("test_output not copied out: %q, %v\n%s", data, err, out.String())
	}
	test = f.runner.Test(ctx, "web", []string{"true"}, TestOptions{ExportOutput: true})
	if err := test.Run(); err == nil || !strings.Contains(err.Error(), "test_output already exists") {
		t.Fatalf("test --export-test-output over an existing test_output: %v", err)
	}
	oneoffs, err := f.h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{f.h.Label(), docker.LabelComposeOneoff + "=True"}})
	if err != nil || len(oneoffs) != 0 {
		t.Fatalf("one-off containers left behind: %d (%v)", len(oneoffs), err)
	}
	// Down in the test target removes what the tests left (the project's network), though
	// cage enables no pod there by default.
	testProject := f.ws.ComposeName
	if err := f.runner.Down(ctx, nil, false, 0); err != nil {
		t.Fatalf("down in the test target: %v", err)
	}
	if ns, err := f.h.Engine.Networks(ctx, docker.LabelComposeProject+"="+testProject); err != nil || len(ns) != 0 {
		t.Fatalf("networks of %s left after down: %v (%v)", testProject, ns, err)
	}
	f.load(t, "")

	// Logs of several services, multiplexed with prefixes.
	var logs bytes.Buffer
	if err := f.runner.Logs(ctx, []string{"db", "frontend"}, LogsOptions{Tail: 5}, &logs); err != nil {
		t.Fatalf("logs: %v", err)
	}

	// Down removes every container of the project.
	if err := f.runner.Down(ctx, nil, true, 0); err != nil {
		t.Fatal(err)
	}
	if left := f.containers(t); len(left) != 0 {
		t.Fatalf("down left %d containers", len(left))
	}
}

// TestBrokenPodLeavesOthersRunning: a pod file that no longer parses fails that pod's up with
// an error naming the file, and the pods already running are neither stopped nor recreated.
func TestBrokenPodLeavesOthersRunning(t *testing.T) {
	f := newOpsFixture(t, "rails_hello")
	ctx := f.h.Ctx()
	if err := f.runner.Up(ctx, nil, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for _, c := range f.containers(t) {
		before[c.Name] = c.ID
	}
	if err := os.WriteFile(filepath.Join(f.root, "pods", "frontend.yml"), []byte("services:\n  web: [not, a, service\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	err := f.runner.Up(ctx, nil, UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "frontend.yml") {
		t.Fatalf("want an error naming frontend.yml, got %v", err)
	}
	for _, c := range f.containers(t) {
		if before[c.Name] != c.ID || c.State != "running" {
			t.Fatalf("container %s changed: was %s, now %s (%s)", c.Name, before[c.Name], c.ID, c.State)
		}
	}
}

// TestSourceMountVisibleInContainer: a mounted local source is bind-mounted into the service,
// so the container sees the file on the host, and an edit on the host at once.
func TestSourceMountVisibleInContainer(t *testing.T) {
	f := newOpsFixture(t, "")
	ctx := f.h.Ctx()
	if err := f.ws.Mount(ctx, nil, false, "frontend"); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	if err := f.runner.Up(ctx, []string{"frontend/web"}, UpOptions{Wait: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	marker := "mounted-from-host-" + f.name
	if err := os.WriteFile(filepath.Join(f.root, "src", "frontend", "marker.txt"), []byte(marker), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ex := f.runner.Exec(ctx, "web", []string{"cat", "/app/marker.txt"}, ExecOptions{})
	ex.SetStdout(&out)
	if err := ex.Run(); err != nil || out.String() != marker {
		t.Fatalf("the container does not see the mounted source: %v, %q", err, out.String())
	}
	states, err := f.runner.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	WriteStatus(&buf, f.ws.Target, states, nil)
	if !strings.Contains(buf.String(), "mounted:frontend") || !strings.Contains(buf.String(), "RUNNING") {
		t.Fatalf("status:\n%s", buf.String())
	}
	// Unmounting is drift: up would recreate web without the mount.
	if err := f.ws.Unmount(false, "frontend"); err != nil {
		t.Fatal(err)
	}
	f.load(t, "")
	states, err = f.runner.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range states {
		for _, s := range ps.Services {
			if s.Service == "web" && !s.Drifted {
				t.Fatal("web not drifted after unmount")
			}
		}
	}
}
