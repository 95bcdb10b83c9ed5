package readlimit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFileLimits(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yml")
	if err := os.WriteFile(small, []byte("a: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(small); err != nil || string(got) != "a: 1\n" {
		t.Fatalf("small file: %q, %v", got, err)
	}
	exact := filepath.Join(dir, "exact")
	if err := os.WriteFile(exact, make([]byte, 10), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFileLimit(exact, 10); err != nil || len(got) != 10 {
		t.Fatalf("a file of exactly the limit: %d bytes, %v", len(got), err)
	}
	if _, err := ReadFileLimit(exact, 9); !IsTooLarge(err) || !strings.Contains(err.Error(), exact) {
		t.Fatalf("a file over the limit: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing file: %v", err)
	}
}

func TestReadFileEndlessFile(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	link := filepath.Join(t.TempDir(), "web.yml")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(link)
	if !IsTooLarge(err) || !strings.Contains(err.Error(), "web.yml: larger than 1 MiB") {
		t.Fatalf("a symlink to /dev/zero: %v", err)
	}
}
