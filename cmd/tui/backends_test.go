package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/watch"
)

func TestPipelinesEngineFilesAndChanged(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "pipelines")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "ci.yml"), []byte("serial:\n  a: {exec: echo a}\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "bad.yml"), []byte("serial:\n  a:\n    exec: x\n    max_tim: 1h\n"), 0o644)
	b := newPipelinesBackend(nil, root, nil, nil)
	fs := b.Files()
	if len(fs) != 2 || fs[0].Name != "bad" || fs[0].Err == nil || fs[1].Name != "ci" || fs[1].Err != nil {
		t.Fatalf("files %+v", fs)
	}
	if rs, err := b.Runs("ci"); err != nil || len(rs) != 0 {
		t.Errorf("runs of a fresh workspace: %v %v", rs, err)
	}
	// Saves never block and coalesce per run until the tab takes them.
	e := b
	for range 1000 {
		e.saved("r1")
	}
	e.saved("r2")
	got := map[string]int{}
	timeout := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case id := <-b.Changed():
			got[id]++
		case <-timeout:
			t.Fatalf("got %v", got)
		}
	}
	select {
	case id := <-b.Changed():
		got[id]++
	case <-time.After(50 * time.Millisecond):
	}
	if got["r1"] > 2 || got["r2"] != 1 {
		t.Errorf("not coalesced: %v", got)
	}
}

// TestPipelinesEngineModify runs a pipeline on the real engine through the tab's backend,
// modifies its node's command and one variable, and reruns it: the new attempt runs the new
// command with the new variable and the inherited one, and the pipeline file is untouched.
func TestPipelinesEngineModify(t *testing.T) {
	h := enginetest.New(t)
	root := t.TempDir()
	def := `images: {bb: {from: "busybox:latest"}}
image: bb
env: {WHO: file, KEEP: kept}
serial:
  greet: echo hello $WHO $KEEP
`
	if err := os.MkdirAll(filepath.Join(root, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pipelines", "p.yml"), []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	hub := watch.NewHub()
	t.Cleanup(func() { hub.Close() })
	b := newPipelinesBackend(h.Engine, root, hub, nil)
	x := b.pl.Executor()
	ctx := h.Ctx()
	id, err := b.Start(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs, _ := h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelRun + "=" + id}})
		for _, c := range cs {
			_ = h.Engine.Remove(ctx, c.ID, docker.RemoveOptions{Force: true})
		}
	})
	output := func(attempt int) string {
		t.Helper()
		if err := x.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		var lines []string
		if err := b.Output(ctx, "p", id, "/greet", attempt, func(l pipeline.OutputLine) { lines = append(lines, l.Text) }); err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	if got := output(1); got != "hello file kept" {
		t.Fatalf("first attempt: %q", got)
	}

	if err := b.Modify("p", id, "/greet", "echo bye $WHO $KEEP", map[string]string{"WHO": "podium"}); err != nil {
		t.Fatal(err)
	}
	run, err := b.Load("p", id)
	if err != nil {
		t.Fatal(err)
	}
	n := run.Nodes["/greet"]
	if n.Command != "echo bye $WHO $KEEP" || fmt.Sprint(n.Env) != "map[KEEP:kept WHO:podium]" {
		t.Fatalf("stored node: command %q env %v", n.Command, n.Env)
	}
	if err := b.Rerun(ctx, "p", id, "/greet"); err != nil {
		t.Fatal(err)
	}
	if got := output(2); got != "bye podium kept" {
		t.Fatalf("attempt after modify: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "pipelines", "p.yml")); string(got) != def {
		t.Errorf("modify changed the pipeline file:\n%s", got)
	}
	if err := b.Modify("p", id, "/nope", "true", nil); err == nil || !strings.Contains(err.Error(), "modify /nope in run "+id) {
		t.Errorf("modify of a node that does not exist: %v", err)
	}
}
