package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestSourceCloneAndLsCageParity: `source clone` of a source already in src/ says so, as cage
// did, and leaves it unmounted; `source ls` keeps a git context's #branch and shows where
// the trees are relative to the workspace.
func TestSourceCloneAndLsCageParity(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "cage", "hello"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	extra := "services:\n  lib:\n    image: busybox:latest\n    build: https://example.com/team/shop.git#dev\n  loc:\n    image: busybox:latest\n    build: ../vendor/tool\n"
	if err := os.WriteFile(filepath.Join(ws, "pods", "extra.yml"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"src/dockercloud-hello-world", "vendor/tool"} {
		if err := os.MkdirAll(filepath.Join(ws, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	out, err := runCLI(t, "-w", ws, "source", "clone", "dockercloud-hello-world")
	if err != nil || !strings.Contains(out, "'dockercloud-hello-world' is already available locally") {
		t.Fatalf("source clone of a local source: %v\n%s", err, out)
	}
	if data, err := os.ReadFile(filepath.Join(ws, ".podium", "mounted.yml")); err == nil && strings.Contains(string(data), "dockercloud-hello-world") {
		t.Fatalf("source clone of a local source changed the mounted state:\n%s", data)
	}

	out, err = runCLI(t, "-w", ws, "source", "ls")
	if err != nil {
		t.Fatalf("source ls: %v\n%s", err, out)
	}
	for _, want := range []string{
		"https://example.com/team/shop.git#dev",
		"  Available at src/dockercloud-hello-world (NOT MOUNTED)",
		"tool                      vendor/tool\n  Available at vendor/tool (NOT MOUNTED)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("source ls lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ws) {
		t.Errorf("source ls shows absolute paths:\n%s", out)
	}
}

// TestExportDefaultTagsCageParity: export without --default-tags warns, as cage did, and a
// --default-tags file that does not exist is an error naming it.
func TestExportDefaultTagsCageParity(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "cage", "hello"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	out, err := runCLI(t, "-w", ws, "export", filepath.Join(t.TempDir(), "out"))
	if err != nil || !strings.Contains(out, "warning: export without --default-tags") {
		t.Fatalf("export without --default-tags: %v\n%s", err, out)
	}
	missing := filepath.Join(t.TempDir(), "tags.txt")
	out, err = runCLI(t, "-w", ws, "--default-tags", missing, "export", filepath.Join(t.TempDir(), "out"))
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("export with a missing --default-tags file: %v\n%s", err, out)
	}
}

// TestPullQuiet: pull -q prints no progress, only cage's summary lines.
func TestPullQuiet(t *testing.T) {
	enginetest.New(t)
	ws := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "testdata", "cage", "hello"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	// No registry listens on port 1, so the pull fails fast without leaving the machine.
	remote := "services:\n  remote:\n    image: 127.0.0.1:1/podium/remote:latest\n"
	if err := os.WriteFile(filepath.Join(ws, "pods", "remote.yml"), []byte(remote), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "-w", ws, "pull", "remote")
	if err == nil || !strings.Contains(out, "remote:latest pulling") {
		t.Fatalf("pull shows no progress: %v\n%s", err, out)
	}
	for _, flag := range []string{"-q", "--quiet"} {
		out, err = runCLI(t, "-w", ws, "pull", flag, "remote")
		if err == nil || !strings.Contains(out, "[error] remote") || strings.Contains(out, "remote:latest pulling") {
			t.Fatalf("pull %s: %v\n%s", flag, err, out)
		}
	}
}

// TestSysinfo: sysinfo prints, as cage's did, the versions a bug report needs: Podium's, the
// engine's and its API's, and the OS.
func TestSysinfo(t *testing.T) {
	h := enginetest.New(t)
	v, err := h.Engine.Versions(h.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "sysinfo")
	if err != nil {
		t.Fatalf("sysinfo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"podium " + podiumVersion,
		"Docker Engine " + v.ServerVersion + " (API " + v.ClientAPI + ")",
		"OS " + runtime.GOOS + "/" + runtime.GOARCH,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("sysinfo lacks %q:\n%s", want, out)
		}
	}
}
