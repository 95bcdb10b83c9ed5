package pods

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindWorkspaceFromSubdirectory(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "pods"), 0o755); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "src", "app", "lib")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	got, found, err := FindWorkspace(deep)
	if err != nil || !found || got != root {
		t.Fatalf("FindWorkspace(%s) = %q, %v, %v; want %q, true", deep, got, found, err, root)
	}
}

func TestFindWorkspaceMarkers(t *testing.T) {
	for _, m := range []string{"specs", "pipelines", "podium.yml"} {
		root := t.TempDir()
		p := filepath.Join(root, m)
		var err error
		if m == "podium.yml" {
			err = os.WriteFile(p, []byte("name: x\n"), 0o644)
		} else {
			err = os.Mkdir(p, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got, found, _ := FindWorkspace(root); !found || got != root {
			t.Errorf("marker %s: got %q found=%v", m, got, found)
		}
	}
}

func TestFindWorkspaceNone(t *testing.T) {
	dir := t.TempDir()
	got, found, err := FindWorkspace(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A temp dir may sit under a directory that happens to be a workspace; only check the fallback
	// when nothing above it matched.
	if !found && got != dir {
		t.Fatalf("fallback root = %q, want %q", got, dir)
	}
}
