package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestStatusCageParity: status shows a stopped pod's host ports from its files (cage's
// ports:18081), `status SERVICE` shows that service only, and a pod that fails to load makes
// status exit non-zero, naming the pod, after printing the tree.
func TestStatusCageParity(t *testing.T) {
	h := enginetest.New(t)
	ws := filepath.Join(t.TempDir(), "parity")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "cage", "parity"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	project := "cli" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	t.Cleanup(func() { downWorkspace(t, h, ws, project) })
	podium := func(args ...string) (string, error) {
		return runCLI(t, append([]string{"-w", ws, "-p", project}, args...)...)
	}

	out, err := podium("status")
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	if !strings.Contains(out, "web          ports:18081") {
		t.Fatalf("status of a stopped pod lacks the file's host port:\n%s", out)
	}
	out, err = podium("status", "app/web")
	if err != nil || !strings.Contains(out, "└─ web") || strings.Contains(out, "cache") || strings.Contains(out, "later") {
		t.Fatalf("status app/web shows more than web: %v\n%s", err, out)
	}

	if err := os.WriteFile(filepath.Join(ws, "pods", "later.yml"), []byte("services: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = podium("status")
	if err == nil || !strings.Contains(err.Error(), "pod later") || !strings.Contains(out, "app ") {
		t.Fatalf("status with a broken pod: err %v\n%s", err, out)
	}
	if out, err = podium("status", "app"); err != nil {
		t.Fatalf("status app with another pod broken: %v\n%s", err, out)
	}
}
