package pods

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/docker"
)

// TestRunScriptRunsTheEntryInItsService: cage runs a script entry as `run SERVICE ENTRY...`,
// so rake's routes: [["rake", "routes"]] runs `rake routes` in rake, which the image's
// entrypoint (here `echo rake`) receives. A script no enabled service defines runs nothing and
// is no error, as in cage.
func TestRunScriptRunsTheEntryInItsService(t *testing.T) {
	f := newOpsFixture(t, "rails_hello")
	ctx := f.h.Ctx()
	var out, errOut bytes.Buffer
	c := f.runner.RunScript(ctx, "routes", nil, true)
	c.SetStdout(&out)
	c.SetStderr(&errOut)
	if err := c.Run(); err != nil {
		t.Fatalf("run-script routes: %v (stderr %q)", err, errOut.String())
	}
	if got := strings.TrimSpace(out.String()); got != "rake rake routes" {
		t.Fatalf("run-script routes ran %q in the container, want the entrypoint to receive `rake routes` (\"rake rake routes\")", got)
	}

	out.Reset()
	errOut.Reset()
	c = f.runner.RunScript(ctx, "nope", nil, true)
	c.SetStdout(&out)
	c.SetStderr(&errOut)
	if err := c.Run(); err != nil {
		t.Fatalf("run-script of an unknown script: %v, want no error", err)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), `no enabled service defines a script named "nope"`) {
		t.Fatalf("run-script nope: stdout %q, stderr %q", out.String(), errOut.String())
	}
	if cs := f.containers(t); len(cs) != 0 {
		t.Fatalf("run-script left %d containers (deps started with --no-deps?)", len(cs))
	}
}

// TestRunScriptOnlyInDisabledPod: a script only a pod disabled in the target defines runs
// nothing: exit 0 and a note on stderr.
func TestRunScriptOnlyInDisabledPod(t *testing.T) {
	f := newOpsFixture(t, "parity")
	var out, errOut bytes.Buffer
	c := f.runner.RunScript(f.h.Ctx(), "offonly", nil, false)
	c.SetStdout(&out)
	c.SetStderr(&errOut)
	if err := c.Run(); err != nil {
		t.Fatalf("run-script offonly: %v", err)
	}
	if strings.Contains(out.String(), "offonly-ran") || !strings.Contains(errOut.String(), "no enabled service defines a script named \"offonly\"") {
		t.Fatalf("run-script offonly: stdout %q, stderr %q", out.String(), errOut.String())
	}
}

// TestRunStartsDependencies: run, as `docker compose run`, starts the services the service
// depends on in its pod, unless NoDeps; run-script too.
func TestRunStartsDependencies(t *testing.T) {
	f := newOpsFixture(t, "parity")
	ctx := f.h.Ctx()
	running := func() map[string]bool {
		m := map[string]bool{}
		for _, c := range f.containers(t) {
			if c.Labels[docker.LabelComposeOneoff] == "False" && c.State == "running" {
				m[c.Service()] = true
			}
		}
		return m
	}
	var out bytes.Buffer
	c := f.runner.OneOff(ctx, "web", RunOptions{Cmd: []string{"sh", "-c", "echo ran; exit 4"}, Remove: true, NoTTY: true, NoDeps: true})
	c.SetStdout(&out)
	if code := exitCode(c.Run()); code != 4 || !strings.Contains(out.String(), "ran") {
		t.Fatalf("run --no-deps: code %d, %q", code, out.String())
	}
	if r := running(); len(r) != 0 {
		t.Fatalf("run --no-deps started %v", r)
	}
	c = f.runner.RunScript(ctx, "hello", []string{"app/web"}, true)
	out.Reset()
	c.SetStdout(&out)
	if err := c.Run(); err != nil || !strings.Contains(out.String(), "hello-from-web") {
		t.Fatalf("run-script --no-deps hello: %v %q", err, out.String())
	}
	if r := running(); len(r) != 0 {
		t.Fatalf("run-script --no-deps started %v", r)
	}
	c = f.runner.OneOff(ctx, "web", RunOptions{Cmd: []string{"sh", "-c", "exit 0"}, Remove: true, NoTTY: true})
	if err := c.Run(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if r := running(); !r["cache"] || r["web"] || len(r) != 1 {
		t.Fatalf("run web: running services %v, want cache only", r)
	}
}

// TestUpInitStopsAtFirstFailure: up --init runs a pod's run_on_init entries in order and, as
// cage, stops at the first that fails: no later entry runs and the next pod is not started.
// The progress lines say which pod is waited for and initialized.
func TestUpInitStopsAtFirstFailure(t *testing.T) {
	f := newOpsFixture(t, "parity")
	var out bytes.Buffer
	err := f.runner.Up(f.h.Ctx(), nil, UpOptions{Init: true, Out: &out})
	if code := exitCode(err); code != 3 {
		t.Fatalf("up --init: %v (exit %d), want the failed init command's exit 3", err, code)
	}
	mustErr(t, err, "initialize pod app", "echo init-two; exit 3")
	got := out.String()
	want := []string{"waiting for pod app to be running", "initializing pod app", "init-one", "init-two"}
	at := 0
	for _, w := range want {
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Fatalf("up --init output lacks %q (in order %q):\n%s", w, want, got)
		}
		at += i + len(w)
	}
	if strings.Contains(got, "init-never") {
		t.Fatalf("an init command after the failed one ran:\n%s", got)
	}
	for _, c := range f.containers(t) {
		if c.Service() == "later" {
			t.Fatalf("up --init went on to pod later after app's init failed")
		}
	}
}

// TestCageLabels: the containers up makes and the exported files carry cage's
// io.fdy.cage.pod and io.fdy.cage.target beside Podium's; status matches containers on
// cage's target label as cage does, so a cage-made container of another target is not taken
// for this target's, while one of this target counts as its pod's.
func TestCageLabels(t *testing.T) {
	f := newOpsFixture(t, "parity")
	ctx := f.h.Ctx()
	if err := f.runner.Up(ctx, []string{"later"}, UpOptions{}); err != nil {
		t.Fatalf("up later: %v", err)
	}
	cs := f.containers(t)
	if len(cs) != 1 {
		t.Fatalf("up later made %d containers", len(cs))
	}
	for k, want := range map[string]string{
		docker.LabelCagePod: "later", docker.LabelCageTarget: "development",
		docker.LabelPod: "later", docker.LabelTarget: "development",
	} {
		if got := cs[0].Labels[k]; got != want {
			t.Errorf("container label %s = %q, want %q", k, got, want)
		}
	}

	dir := filepath.Join(t.TempDir(), "exported")
	if err := f.ws.Export(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "app.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct{ Labels map[string]string }
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if l := doc.Services["web"].Labels; l[docker.LabelCagePod] != "app" || l[docker.LabelCageTarget] != "development" {
		t.Fatalf("exported web labels = %v\n%s", l, data)
	}

	cage := func(name, target string) {
		f.h.Run(name, &container.Config{
			Cmd: []string{"sleep", "300"},
			Labels: map[string]string{
				docker.LabelComposeProject: f.ws.ComposeName, docker.LabelComposeService: "web",
				docker.LabelComposeOneoff: "False", docker.LabelComposeNumber: "1",
				docker.LabelCagePod: "app", docker.LabelCageTarget: target,
			},
		}, nil)
	}
	cage("cage-prod-web", "production")
	webOf := func() ServiceState {
		states, err := f.runner.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ps := range states {
			for _, s := range ps.Services {
				if ps.Pod.Name == "app" && s.Service == "web" {
					return s
				}
			}
		}
		t.Fatal("no app/web in status")
		return ServiceState{}
	}
	if s := webOf(); len(s.Containers) != 0 {
		t.Fatalf("status in development took cage's production container for app/web: %v", s.Containers[0].Labels)
	}
	cage("cage-dev-web", "development")
	if s := webOf(); len(s.Containers) != 1 || s.Containers[0].Labels[docker.LabelCageTarget] != "development" {
		t.Fatalf("status in development: app/web containers %d, want cage's development one", len(s.Containers))
	}
}

// TestUpNamedTaskPod: up leaves task pods out only when no pod is named (cage); named, a task
// pod is brought up.
func TestUpNamedTaskPod(t *testing.T) {
	f := newOpsFixture(t, "parity")
	if err := f.runner.Up(f.h.Ctx(), []string{"job"}, UpOptions{}); err != nil {
		t.Fatalf("up job: %v", err)
	}
	cs := f.containers(t)
	if len(cs) != 1 || cs[0].Service() != "job" || !cs[0].Running() {
		t.Fatalf("up job: containers %v", cs)
	}
}

// TestStateDirIgnoredByGit: when Podium creates .podium/ (here to record a mount), it writes
// .podium/.gitignore holding "*", so the workspace's git repository shows nothing of it.
func TestStateDirIgnoredByGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := workspace(t, map[string]string{
		"pods/node.yml":         "services: {web: {image: busybox:latest, build: ../src/node_hello}}\n",
		"src/node_hello/app.js": "x\n",
	})
	git(t, root, "init", "-q")
	git(t, root, "add", ".")
	git(t, root, "commit", "-qm", "workspace")
	w := load(t, root, LoadOptions{})
	if err := w.Mount(context.Background(), &bytes.Buffer{}, true); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, ".podium", ".gitignore")); err != nil || string(b) != "*\n" {
		t.Fatalf(".podium/.gitignore = %q, %v", b, err)
	}
	out, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=all").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Fatalf("git status after a mount: %v\n%s", err, out)
	}
}

// TestRunScriptReachesTheImageEntrypoint: as cage's rails_hello, rake's image has the
// entrypoint rake (a stub here, built from busybox, that prints what it receives), and the
// script routes: [["rake", "routes"]] hands it `rake routes`.
func TestRunScriptReachesTheImageEntrypoint(t *testing.T) {
	f := newOpsFixture(t, "rails_hello")
	img := f.h.BuildImage("rakestub", "FROM busybox:latest\nCOPY rake /bin/rake\nRUN chmod 755 /bin/rake\nENTRYPOINT [\"rake\"]\n",
		map[string]string{"rake": "#!/bin/sh\necho \"rake-stub argv: $*\"\n"})
	writeTree(t, f.root, map[string]string{"pods/rake.yml": "services:\n  rake:\n    image: " + img + "\n"})
	f.load(t, "")
	var out, errOut bytes.Buffer
	c := f.runner.RunScript(f.h.Ctx(), "routes", []string{"rake"}, false)
	c.SetStdout(&out)
	c.SetStderr(&errOut)
	if err := c.Run(); err != nil {
		t.Fatalf("run-script routes: %v (stderr %q)", err, errOut.String())
	}
	if got := strings.TrimSpace(out.String()); got != "rake-stub argv: rake routes" {
		t.Fatalf("the image's entrypoint received %q, want \"rake-stub argv: rake routes\"", got)
	}
}
