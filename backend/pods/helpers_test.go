package pods

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

// fixture copies testdata/cage/<name> into a temp dir, so a test may write mount state or
// export next to it, and returns the copy's root.
func fixture(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "cage", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// writeTree writes files (slash paths relative to root) and returns root. Every workspace it
// builds gets the development, production and test targets unless the files say otherwise.
func writeTree(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(rel, ".hook") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// workspace builds a temp workspace with the three usual targets plus files.
func workspace(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "proj")
	for _, tg := range []string{"development", "production", "test"} {
		if err := os.MkdirAll(filepath.Join(root, "pods", "targets", tg), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return writeTree(t, root, files)
}

// load loads with an empty host environment unless opts says otherwise, so tests are hermetic.
func load(t *testing.T, root string, opts LoadOptions) *Workspace {
	t.Helper()
	if opts.Environ == nil {
		opts.Environ = []string{}
	}
	w, err := Load(context.Background(), root, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", root, err)
	}
	return w
}

// service returns pod/svc from a loaded workspace, failing the test when it is missing.
func service(t *testing.T, w *Workspace, pod, svc string) types.ServiceConfig {
	t.Helper()
	p := w.Pod(pod)
	if p == nil {
		t.Fatalf("no pod %s (pods: %v)", pod, w.PodNames())
	}
	s, err := p.Service(svc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// env reads one variable of a service's final environment ("<nil>" for a nil value, "<unset>"
// when absent).
func env(s types.ServiceConfig, key string) string {
	v, ok := s.Environment[key]
	switch {
	case !ok:
		return "<unset>"
	case v == nil:
		return "<nil>"
	}
	return *v
}

// mustErr fails unless err is non-nil and contains every fragment.
func mustErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got nil", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Fatalf("error %q does not contain %q", err, f)
		}
	}
}

// git runs git for test setup, with an identity so commits work anywhere.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// bareRepo makes a local bare repository named name.git with a main and a dev branch (dev has
// a DEV file and a sub/ directory) and returns its file:// URL. Clone tests use it: they never
// touch the network.
func bareRepo(t *testing.T, name string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	base := t.TempDir()
	work := filepath.Join(base, "work")
	if err := os.MkdirAll(filepath.Join(work, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, base, "init", "-q", work)
	writeTree(t, work, map[string]string{"README": "main\n", "sub/index.html": "sub\n"})
	git(t, work, "add", ".")
	git(t, work, "commit", "-qm", "main")
	git(t, work, "checkout", "-qb", "dev")
	writeTree(t, work, map[string]string{"DEV": "dev\n"})
	git(t, work, "add", ".")
	git(t, work, "commit", "-qm", "dev")
	git(t, work, "checkout", "-q", "main")
	bare := filepath.Join(base, name+".git")
	git(t, base, "clone", "-q", "--bare", work, bare)
	return "file://" + bare
}

// loadErr is Load with a hermetic environment, for tests that expect an error.
func loadErr(root string, opts LoadOptions) (*Workspace, error) {
	if opts.Environ == nil {
		opts.Environ = []string{}
	}
	return Load(context.Background(), root, opts)
}
