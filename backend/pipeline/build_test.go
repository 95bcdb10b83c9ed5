package pipeline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// buildRecorder keeps a builder's events.
type buildRecorder struct {
	mu     sync.Mutex
	events []BuildEvent
}

func (r *buildRecorder) add(e BuildEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// done returns, per stage, whether the last build found it cached; and clears the record.
func (r *buildRecorder) done() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for _, e := range r.events {
		if e.Done {
			out[e.Stage] = e.Cached
		}
	}
	r.events = nil
	return out
}

func buildOutput(t *testing.T, h *enginetest.Harness, ref string, cmd ...string) string {
	t.Helper()
	id := h.Run("probe", &container.Config{Image: ref, Cmd: []string{"sleep", "60"}}, nil)
	res, err := h.Engine.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: cmd})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("%v in %s: %v %+v", cmd, ref, err, res)
	}
	if err := h.Engine.Remove(context.Background(), id, docker.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	return res.Stdout
}

// TestImageBuilderStagesAndCache: install lines and copied code are built once; a second build
// is all cache hits; changing the code rebuilds only the copy stage.
func TestImageBuilderStagesAndCache(t *testing.T) {
	h := enginetest.New(t)
	code := filepath.Join(t.TempDir(), "app")
	if err := os.MkdirAll(code, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(code, "VERSION"), []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &buildRecorder{}
	b := &ImageBuilder{Engine: h.Engine, Pipeline: "ci-" + h.ID, Labels: h.Labels(nil), Progress: rec.add}
	def := ImageDef{Name: "tools", From: "busybox:latest", Install: []string{"mkdir -p /opt/ci", "echo installed > /opt/ci/mark"}, CopyDir: code}

	ref, err := b.Build(h.Ctx(), def)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.done(); got["install"] || got["copy"] || !got["base"] {
		t.Fatalf("first build: want base found, install and copy built; got cached=%v", got)
	}
	if out := buildOutput(t, h, ref, "sh", "-c", "cat /opt/ci/mark; pwd; cat VERSION"); out != "installed\n"+CopyTarget+"\none" {
		t.Fatalf("image content: %q", out)
	}

	again, err := b.Build(h.Ctx(), def)
	if err != nil || again != ref {
		t.Fatalf("second build: %s, %v (want %s)", again, err, ref)
	}
	if got := rec.done(); !got["install"] || !got["copy"] {
		t.Fatalf("second build: want every stage cached, got %v", got)
	}

	if err := os.WriteFile(filepath.Join(code, "VERSION"), []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := b.Build(h.Ctx(), def)
	if err != nil || changed == ref {
		t.Fatalf("after a code change: %s, %v", changed, err)
	}
	if got := rec.done(); !got["install"] || got["copy"] {
		t.Fatalf("after a code change: want install cached and copy rebuilt, got %v", got)
	}
	if out := buildOutput(t, h, changed, "cat", "VERSION"); out != "two" {
		t.Fatalf("new code: %q", out)
	}
}

// TestImageBuilderDockerfileAndErrors: a dockerfile_text base with build args; a failing
// install line fails with the builder's message; a base that cannot be pulled names itself.
func TestImageBuilderDockerfileAndErrors(t *testing.T) {
	h := enginetest.New(t)
	b := &ImageBuilder{Engine: h.Engine, Pipeline: "ci-" + h.ID, Labels: h.Labels(nil)}
	ref, err := b.Build(h.Ctx(), ImageDef{Name: "df", DockerfileText: "FROM busybox:latest\nARG WHO\nRUN echo hello $WHO > /greeting\n", BuildArgs: map[string]string{"WHO": "podium"}})
	if err != nil {
		t.Fatal(err)
	}
	if out := buildOutput(t, h, ref, "cat", "/greeting"); out != "hello podium\n" {
		t.Fatalf("greeting: %q", out)
	}
	_, err = b.Build(h.Ctx(), ImageDef{Name: "bad", From: "busybox:latest", Install: []string{"echo about to fail; exit 3"}})
	if err == nil || !strings.Contains(err.Error(), "image bad") || !strings.Contains(err.Error(), "install stage") {
		t.Fatalf("failing install: %v", err)
	}
	// A loopback registry: refused at once, nothing leaves the machine.
	_, err = b.Build(h.Ctx(), ImageDef{Name: "gone", From: "127.0.0.1:1/podium/none:latest"})
	if err == nil || !strings.Contains(err.Error(), "image gone") || !strings.Contains(err.Error(), "127.0.0.1:1/podium/none") {
		t.Fatalf("unpullable base: %v", err)
	}
}

// TestImageBuilderCopyURL: code cloned from a git URL at a branch is copied in; the clone's
// history is not part of the hash, so a second build is a cache hit. The repository is local
// (file://): nothing leaves the machine.
func TestImageBuilderCopyURL(t *testing.T) {
	h := enginetest.New(t)
	repo := filepath.Join(t.TempDir(), "repo")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	git("init", "-q", "-b", "release")
	if err := os.WriteFile(filepath.Join(repo, "app.txt"), []byte("from git"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", ".")
	git("commit", "-q", "-m", "one")

	rec := &buildRecorder{}
	b := &ImageBuilder{Engine: h.Engine, Pipeline: "ci-" + h.ID, Labels: h.Labels(nil), Progress: rec.add}
	def := ImageDef{Name: "src", From: "busybox:latest", CopyURL: "file://" + repo, CopyBranch: "release"}
	ref, err := b.Build(h.Ctx(), def)
	if err != nil {
		t.Fatal(err)
	}
	if out := buildOutput(t, h, ref, "cat", "app.txt"); out != "from git" {
		t.Fatalf("cloned code: %q", out)
	}
	rec.done()
	if again, err := b.Build(h.Ctx(), def); err != nil || again != ref {
		t.Fatalf("second build: %s %v", again, err)
	}
	if got := rec.done(); !got["copy"] {
		t.Fatalf("second build of the same commit: want the copy stage cached, got %v", got)
	}
	if _, err := b.Build(h.Ctx(), ImageDef{Name: "nobranch", From: "busybox:latest", CopyURL: "file://" + repo, CopyBranch: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("a missing branch: %v", err)
	}
}
