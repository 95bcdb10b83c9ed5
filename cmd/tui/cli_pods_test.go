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

// TestPodsCLI drives the pods commands in-process on a copy of the hello fixture: up, status,
// exec and test with their exit codes, config --hash, logs, export, pull's hook, down.
func TestPodsCLI(t *testing.T) {
	h := enginetest.New(t)
	ws := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "cage", "hello"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	project := "cli" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	t.Cleanup(func() { downWorkspace(t, h, ws, project) })

	podium := func(args ...string) (string, error) {
		return runCLI(t, append([]string{"-w", ws, "-p", project}, args...)...)
	}

	if out, err := podium("up", "--wait"); err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}
	out, err := podium("status")
	if err != nil || !strings.Contains(out, "frontend        enabled type:service") ||
		!strings.Contains(out, "├─ proxy") || !strings.Contains(out, "RUNNING") {
		t.Fatalf("status: %v\n%s", err, out)
	}

	out, err = podium("exec", "-T", "web", "sh", "-c", "echo env=$ENV foo=$FOO; exit 6")
	var exit docker.ExitError
	if !errors.As(err, &exit) || exit.Code != 6 || !strings.Contains(out, "env=development foo=foo") {
		t.Fatalf("exec: %v\n%s", err, out)
	}
	out, err = podium("test", "-T", "proxy")
	if err != nil || !strings.Contains(out, "All tests passed") {
		t.Fatalf("test: %v\n%s", err, out)
	}
	out, err = podium("test", "-T", "frontend/proxy", "sh", "-c", "echo env=$ENV; exit 2")
	if !errors.As(err, &exit) || exit.Code != 2 || !strings.Contains(out, "env=test") {
		t.Fatalf("failing test: %v\n%s", err, out)
	}
	if out, err = podium("shell", "-d", "web"); err == nil {
		t.Fatalf("shell -d accepted:\n%s", out)
	}

	out, err = podium("config", "--hash", "*")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || !strings.HasPrefix(lines[0], "proxy ") || !strings.HasPrefix(lines[1], "web ") {
		t.Fatalf("config --hash: %v\n%s", err, out)
	}
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelComposeProject + "=" + project, docker.LabelComposeService + "=web"}})
	if err != nil || len(cs) != 1 || "web "+cs[0].Labels[docker.LabelComposeConfigHash] != lines[1] {
		t.Fatalf("config --hash %q does not match the container's label (%v)", lines[1], err)
	}

	if out, err = podium("logs", "--tail", "5", "web", "proxy"); err != nil {
		t.Fatalf("logs: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "exported")
	if out, err = podium("export", dir); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "frontend.yml")); err != nil {
		t.Fatalf("export wrote no frontend.yml: %v", err)
	}
	if out, err = podium("export", dir); err == nil {
		t.Fatalf("export into an existing directory was accepted:\n%s", out)
	}

	// Pulling fails here (no registry), but the hook runs first and the failure names the pod.
	// The image names a loopback registry, so the pull is refused at once and nothing leaves
	// the machine.
	remote := "services:\n  remote:\n    image: 127.0.0.1:1/podium/remote:latest\n"
	if err := os.WriteFile(filepath.Join(ws, "pods", "remote.yml"), []byte(remote), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = podium("pull", "remote")
	if err == nil || !strings.Contains(out, "[error] remote") || !strings.Contains(out, "Hello from a pull hook") {
		t.Fatalf("pull without a registry: %v\n%s", err, out)
	}

	if out, err = podium("down", "-t", "0"); err != nil {
		t.Fatalf("down: %v\n%s", err, out)
	}
	left, _ := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + project}})
	if len(left) != 0 {
		t.Fatalf("down left %d containers", len(left))
	}
}

// TestPodsCLIErrors: bad input gets an error naming what is wrong.
func TestPodsCLIErrors(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "cage", "hello"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-w", ws, "--target", "prod", "config", "--hash", "*"}, "unknown target 'prod' (targets: development, production, test)"},
		{[]string{"-w", ws, "config", "--hash", "nosuch"}, "nosuch"},
		{[]string{"-w", t.TempDir(), "config", "--hash", "*"}, "pods"},
	} {
		out, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("podium %v: want an error containing %q, got %v\n%s", tc.args, tc.want, err, out)
		}
	}
}
