package model

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPipelinesEngineFilesAndChanged(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "pipelines")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "ci.yml"), []byte("serial:\n  a: {exec: echo a}\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "bad.yml"), []byte("serial:\n  a:\n    exec: x\n    max_tim: 1h\n"), 0o644)
	b := NewPipelinesBackend(nil, root)
	fs := b.Files()
	if len(fs) != 2 || fs[0].Name != "bad" || fs[0].Err == nil || fs[1].Name != "ci" || fs[1].Err != nil {
		t.Fatalf("files %+v", fs)
	}
	if rs, err := b.Runs("ci"); err != nil || len(rs) != 0 {
		t.Errorf("runs of a fresh workspace: %v %v", rs, err)
	}
	// Saves never block and coalesce per run until the tab takes them.
	e := b.(*enginePipelines)
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
