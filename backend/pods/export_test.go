package pods

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Acceptance 12: export writes enabled pods, tasks under tasks/, and refuses an existing dir.
func TestExport(t *testing.T) {
	root := fixture(t, "rails_hello")
	writeTree(t, root, map[string]string{"src/coffee-rails/x": "x\n", ".podium/mounted.yml": "coffee-rails: true\n"})
	w := load(t, root, LoadOptions{Environ: []string{}})
	if len(service(t, w, "frontend", "web").Volumes) != 1 {
		t.Fatal("the lib must be mounted in the loaded project")
	}
	dir := filepath.Join(t.TempDir(), "out", "exported")
	if err := w.Export(dir); err != nil {
		t.Fatal(err)
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if got := strings.Join(files, " "); got != "db.yml frontend.yml tasks/rake.yml" {
		t.Fatalf("files = %s", got)
	}
	data, err := os.ReadFile(filepath.Join(dir, "frontend.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Name     string
		Services map[string]map[string]any
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	web := doc.Services["web"]
	if doc.Name != "railshello" || web["build"] != nil || web["volumes"] != nil {
		t.Fatalf("export must be mount-free and build-free: %s", data)
	}
	envs, _ := web["environment"].(map[string]any)
	if envs["RAILS_ENV"] != "development" || envs["SOME_PASSWORD"] != "secret" {
		t.Fatalf("environment = %v", envs)
	}

	err = w.Export(dir)
	mustErr(t, err, "already exists")

	prod := load(t, root, LoadOptions{Target: "production"})
	dir2 := filepath.Join(t.TempDir(), "prod")
	if err := prod.Export(dir2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir2, "db.yml")); !os.IsNotExist(err) {
		t.Fatal("a disabled pod must not be exported")
	}
	entries, _ := os.ReadDir(filepath.Dir(dir2))
	if len(entries) != 1 {
		t.Fatalf("export left temporary files: %v", entries)
	}
}

func TestExportBrokenPod(t *testing.T) {
	root := fixture(t, "hello")
	writeTree(t, root, map[string]string{"pods/bad.yml": "services: {b: {imagee: x}}\n"})
	w := load(t, root, LoadOptions{})
	dir := filepath.Join(t.TempDir(), "x")
	mustErr(t, w.Export(dir), "load pod bad")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("a failed export must write nothing")
	}
}
