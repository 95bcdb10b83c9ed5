package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
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
	if !strings.Contains(out, "off          ports:18081") {
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

// TestRunScriptAndRunCLI: run-script of a script no enabled service defines exits 0 with a
// note on stderr; run-script and run take --no-deps, and run without it starts the service's
// depends_on first; up --init stops at the first failed init command with its exit code.
func TestRunScriptAndRunCLI(t *testing.T) {
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
	running := func() []string {
		cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelComposeProject + "=" + project}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Service())
		}
		return out
	}

	out, err := podium("run-script", "offonly")
	if err != nil || strings.Contains(out, "offonly-ran") || !strings.Contains(out, `no enabled service defines a script named "offonly"`) {
		t.Fatalf("run-script offonly: %v\n%s", err, out)
	}
	out, err = podium("run-script", "--no-deps", "hello")
	if err != nil || !strings.Contains(out, "hello-from-web") || len(running()) != 0 {
		t.Fatalf("run-script --no-deps hello: %v, running %v\n%s", err, running(), out)
	}
	out, err = podium("run", "--no-deps", "--rm", "-T", "web", "sh", "-c", "exit 5")
	var exit docker.ExitError
	if !errors.As(err, &exit) || exit.Code != 5 || len(running()) != 0 {
		t.Fatalf("run --no-deps: %v, running %v\n%s", err, running(), out)
	}
	if out, err = podium("run", "--rm", "-T", "web", "true"); err != nil || strings.Join(running(), ",") != "cache" {
		t.Fatalf("run web: %v, running %v\n%s", err, running(), out)
	}
	out, err = podium("up", "--init")
	if !errors.As(err, &exit) || exit.Code != 3 || !strings.Contains(out, "initializing pod app") || strings.Contains(out, "init-never") {
		t.Fatalf("up --init: %v\n%s", err, out)
	}
	for _, s := range running() {
		if s == "later" {
			t.Fatalf("up --init went on to pod later:\n%s", out)
		}
	}
}
