package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// endlessFile makes path a symlink to /dev/zero, a file that never ends.
func endlessFile(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLIWithin is runCLI that stops the whole test binary when the command has not ended
// within the deadline: a reader without a limit would fill the machine's memory.
func runCLIWithin(t *testing.T, d time.Duration, args ...string) (string, error) {
	t.Helper()
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := runCLI(t, args...)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(d):
		panic(fmt.Sprintf("podium %s did not end within %s on a file that never ends", strings.Join(args, " "), d))
	}
}

func TestEndlessPipelineAndKeymapFiles(t *testing.T) {
	dir := t.TempDir()
	pl := endlessFile(t, filepath.Join(dir, "pipelines", "ci.yml"))
	km := endlessFile(t, filepath.Join(dir, "keys.yml"))
	for _, args := range [][]string{
		{"pipeline", "show", pl},
		{"--workspace", dir, "pipeline", "run", pl},
		{"keys", "--check", km},
	} {
		out, err := runCLIWithin(t, 20*time.Second, args...)
		if err == nil {
			t.Fatalf("podium %s: no error\n%s", strings.Join(args, " "), out)
		}
		msg := out + err.Error()
		if !strings.Contains(msg, args[len(args)-1]) || !strings.Contains(msg, "larger than 1 MiB") {
			t.Errorf("podium %s: want an error naming the file and its size, got %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// An endless pod file breaks that pod, with an error naming the file; `podium status` says so
// and shows the rest, then exits non-zero naming the pod.
func TestStatusWithAnEndlessPodFile(t *testing.T) {
	enginetest.New(t)
	root := filepath.Join(t.TempDir(), "endless")
	for rel, text := range map[string]string{
		"pods/web.yml":                   "services:\n  web:\n    image: busybox:latest\n",
		"pods/targets/development/.keep": "",
	} {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, text)
	}
	endlessFile(t, filepath.Join(root, "pods", "zero.yml"))
	out, err := runCLIWithin(t, 20*time.Second, "--workspace", root, "status")
	if err == nil || !strings.Contains(err.Error(), "pod zero") {
		t.Fatalf("status with pod zero broken: want an error naming it, got %v\n%s", err, out)
	}
	for _, want := range []string{"pods/zero.yml: larger than 1 MiB", "web"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
