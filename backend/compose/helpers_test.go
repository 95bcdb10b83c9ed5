package compose

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

// loadYAML writes a compose file (and extra files) to a fresh directory and loads it as
// Compose does.
func loadYAML(t testing.TB, name, yaml string, files map[string]string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for f, body := range files {
		path := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := LoadForHash(context.Background(), dir, nil, name, nil)
	if err != nil {
		t.Fatalf("load compose file: %v\n%s", err, yaml)
	}
	return p
}
