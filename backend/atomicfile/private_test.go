package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}

func TestWriteIsPrivateWhateverTheUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), ".podium", "runs")
	path := filepath.Join(dir, "run.json")
	if err := Write(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantMode(t, path, 0o600)
	wantMode(t, dir, 0o700)
	wantMode(t, filepath.Dir(dir), 0o700)
}

func TestTighten(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	root := filepath.Join(t.TempDir(), ".podium")
	if err := os.MkdirAll(filepath.Join(root, "runs", "ci"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"supervisor.json", "runs/ci/run.json"} {
		if err := os.WriteFile(filepath.Join(root, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "hook.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	changed, err := Tighten(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 6 {
		t.Errorf("changed %d paths, want 6: %v", len(changed), changed)
	}
	wantMode(t, root, 0o700)
	wantMode(t, filepath.Join(root, "runs", "ci"), 0o700)
	wantMode(t, filepath.Join(root, "supervisor.json"), 0o600)
	wantMode(t, filepath.Join(root, "runs/ci/run.json"), 0o600)
	wantMode(t, filepath.Join(root, "hook.sh"), 0o700)
	wantMode(t, "/etc/passwd", 0o644) // the link's target is not ours
	if changed, err := Tighten(root); err != nil || len(changed) != 0 {
		t.Errorf("second Tighten: %v, %v", changed, err)
	}
	if changed, err := Tighten(filepath.Join(root, "missing")); err != nil || len(changed) != 0 {
		t.Errorf("a missing root: %v, %v", changed, err)
	}
	if err := PrivateDir(filepath.Join(root, "sub")); err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Join(root, "sub"), 0o700)
}

// TestIgnoredDir: creating the directory writes a .gitignore holding "*"; a directory that
// exists is left alone.
func TestIgnoredDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws", ".podium")
	if err := IgnoredDir(dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err != nil || string(b) != "*\n" {
		t.Fatalf(".gitignore = %q, %v", b, err)
	}
	if err := os.Remove(filepath.Join(dir, ".gitignore")); err != nil {
		t.Fatal(err)
	}
	if err := IgnoredDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitignore")); !os.IsNotExist(err) {
		t.Fatalf("IgnoredDir wrote a .gitignore into an existing directory: %v", err)
	}
}
