package deployspec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanTestWrite writes files (relative path → content) under root.
func scanTestWrite(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// scanTestNames is the names of specs, in order.
func scanTestNames(specs []Spec) string {
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	return strings.Join(names, " ")
}

func TestScanDirsCondoFixtures(t *testing.T) {
	specs, problems := ScanDirs([]string{filepath.Join(parseTestdata, "condo")})
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	if got, want := scanTestNames(specs), "consul consul_template nginx nginx-fixed nginx-oops nginx-published nginx-vhost proxy registrator"; got != want {
		t.Errorf("specs %q, want %q (nginx.edn.ctmpl and README.md skipped)", got, want)
	}
}

func TestScanDirs(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	scanTestWrite(t, root, map[string]string{
		"a/web.edn":         `{:spec {:Image "web:1"}}`,
		"a/db.yml":          "spec: {Image: postgres}\n",
		"a/cache.edn":       `{:spec {:Image "redis"}}`,
		"a/cache.yml":       "spec: {Image: redis}\n", // same dir, same name
		"a/broken.json":     `{"spec": {"Image": 1}}`,
		"a/.hidden.edn":     `{:spec {:Image "x"}}`,
		"a/.#web.edn":       `{:spec {:Image "x"}}`,
		"a/#web.edn#":       `{:spec {:Image "x"}}`,
		"a/web.edn~":        `{:spec {:Image "x"}}`,
		"a/4913":            ``,
		"a/notes.txt":       `not a spec`,
		"a/nginx.edn.ctmpl": `{:spec {:Image "nginx:{{key "v"}}"}}`,
		"a/sub/deep.edn":    `{:spec {:Image "x"}}`,         // not recursive
		"a/dir.edn/x":       ``,                             // a directory named like a spec
		"b/web.json":        `{"spec": {"Image": "web:2"}}`, // same name, other dir
		"b/api.yaml":        "spec: {Image: api}\n",
	})
	specs, problems := ScanDirs([]string{a, b, a + "/", filepath.Join(root, "missing")})
	if got, want := scanTestNames(specs), "api db"; got != want {
		t.Errorf("specs %q, want %q", got, want)
	}
	want := []string{
		filepath.Join(root, "missing") + ": cannot read the spec directory: no such file or directory",
		filepath.Join(a, "broken.json") + ": spec.Image: expected a string, got the number 1",
		filepath.Join(a, "cache.edn") + `: service "cache" is also defined by ` + filepath.Join(a, "cache.yml") + "; neither file is used until only one is left",
		filepath.Join(a, "web.edn") + `: service "web" is also defined by ` + filepath.Join(b, "web.json") + "; neither file is used until only one is left",
	}
	if len(problems) != len(want) {
		t.Fatalf("problems %v, want %d", problems, len(want))
	}
	for i, p := range problems {
		if p.Error() != want[i] {
			t.Errorf("problem %d:\n got %s\nwant %s", i, p, want[i])
		}
	}
	var pe *ParseError
	if errors.As(problems[3], &pe); pe == nil || pe.Service != "web" {
		t.Errorf("collision does not name the service: %#v", problems[3])
	}
	if errors.As(problems[0], &pe); pe == nil || pe.Service != "" || !errors.Is(problems[0], os.ErrNotExist) {
		t.Errorf("unreadable dir: %#v", problems[0])
	}
	for _, s := range specs {
		if s.Hash == "" || s.File == "" {
			t.Errorf("%s: no hash or file", s.Name)
		}
	}
}

func TestScanDirsSymlinks(t *testing.T) {
	root := t.TempDir()
	scanTestWrite(t, root, map[string]string{"data/web.edn": `{:spec {:Image "web"}}`})
	dir := filepath.Join(root, "specs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A ConfigMap-style link to a file is read; a dangling link is reported.
	if err := os.Symlink(filepath.Join(root, "data/web.edn"), filepath.Join(dir, "web.edn")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(filepath.Join(root, "data/gone.edn"), filepath.Join(dir, "gone.edn")); err != nil {
		t.Fatal(err)
	}
	specs, problems := ScanDirs([]string{dir})
	if scanTestNames(specs) != "web" {
		t.Errorf("specs %q", scanTestNames(specs))
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "gone.edn: a symbolic link to a missing or unreadable file") {
		t.Errorf("problems %v", problems)
	}
}

func TestIsSpecFile(t *testing.T) {
	for path, want := range map[string]bool{
		"web.edn": true, "specs/web.yml": true, "web.yaml": true, "web.json": true, "WEB.YML": true,
		"web.edn.ctmpl": false, "web.toml": false, "web": false, "4913": false, ".web.edn": false,
		".#web.edn": false, "#web.edn#": false, "web.edn~": false, "web.edn.swp": false, ".edn": false,
		"dir/.hidden/web.edn": true, // only the base name counts
	} {
		if got := IsSpecFile(path); got != want {
			t.Errorf("IsSpecFile(%q) = %v, want %v", path, got, want)
		}
	}
}
