package keymap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The TUI's keymap file linked to /dev/zero (a file that never ends) is an error naming it,
// at once.
func TestLoadEndlessConfig(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	path := filepath.Join(t.TempDir(), "config.yml")
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), path+": larger than 1 MiB") {
			t.Fatalf("want an error naming the file and its size, got %v", err)
		}
	case <-time.After(10 * time.Second):
		panic("loading a keymap file that never ends did not end: it is read without a size limit")
	}
}
