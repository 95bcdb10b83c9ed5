package docker_test

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// e2eTar makes a build context from file name → content.
func e2eTar(t *testing.T, files map[string]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), ModTime: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// e2eOutput runs cmd in a new container from image and returns its output once it exits 0.
func e2eOutput(t *testing.T, h *enginetest.Harness, name, image string, cmd ...string) string {
	t.Helper()
	id := h.Create(name, &container.Config{Image: image, Cmd: cmd}, nil)
	ctx, cancel := context.WithTimeout(h.Ctx(), 30*time.Second)
	defer cancel()
	code := make(chan int, 1)
	go func() {
		c, err := h.Engine.Wait(ctx, id)
		if err != nil {
			t.Errorf("wait for %s: %v", name, err)
		}
		code <- c
	}()
	if err := h.Engine.Start(h.Ctx(), id); err != nil {
		t.Fatal(err)
	}
	if c := <-code; c != 0 {
		t.Fatalf("%v in %s exited %d: %s", cmd, image, c, e2eLogText(e2eLogs(t, h, id, docker.LogOptions{})))
	}
	var out strings.Builder
	for _, l := range e2eLogs(t, h, id, docker.LogOptions{}) {
		out.WriteString(l.Text + "\n")
	}
	return out.String()
}

// TestBuild: an image built through the API, with progress, labels and a usable result.
func TestBuild(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	tag := "podium-test/built:" + h.ID
	var mu sync.Mutex
	var progress []string
	id, err := e.Build(h.Ctx(), docker.BuildSpec{
		Context: e2eTar(t, map[string]string{"Dockerfile": "FROM busybox:latest\nRUN echo built > /built.txt\nLABEL x=y\nARG WHO=nobody\nRUN echo $WHO > /who.txt\n"}),
		Tags:    []string{tag}, Labels: h.Labels(nil), BuildArgs: map[string]string{"WHO": "podium"},
	}, func(p docker.Progress) {
		mu.Lock()
		progress = append(progress, p.Status)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if !strings.HasPrefix(id, "sha256:") {
		t.Errorf("build returned id %q", id)
	}
	all := strings.Join(progress, "\n")
	if !strings.Contains(all, "FROM busybox:latest") || !strings.Contains(all, "RUN echo built") {
		t.Errorf("progress lacks the build steps:\n%s", all)
	}
	for _, l := range progress {
		if strings.Contains(l, "\n") {
			t.Errorf("progress line with a newline: %q", l)
		}
	}

	if ok, err := e.ImageExists(h.Ctx(), tag); err != nil || !ok {
		t.Fatalf("ImageExists(%s) = %v, %v", tag, ok, err)
	}
	if got, err := e.ImageID(h.Ctx(), tag); err != nil || got != id {
		t.Errorf("ImageID(%s) = %s, %v; want %s", tag, got, err, id)
	}
	imgs, err := e.Images(h.Ctx(), h.Label())
	if err != nil || !slices.Contains(imgs, tag) {
		t.Errorf("Images(%s) = %v, %v; want %s", h.Label(), imgs, err, tag)
	}
	if out := e2eOutput(t, h, "cat", tag, "cat", "/built.txt", "/who.txt"); out != "built\npodium\n" {
		t.Errorf("/built.txt and /who.txt (the build arg) = %q, want built, podium", out)
	}
	cs, err := e.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{h.Label(), "x=y"}})
	if err != nil || len(cs) != 1 || cs[0].Image != tag {
		t.Errorf("containers of the built image with its label x=y = %+v, %v", cs, err)
	}

	// An untagged image is listed by its id, not as "<none>:<none>".
	untagged, err := e.Build(h.Ctx(), docker.BuildSpec{
		Context: e2eTar(t, map[string]string{"Dockerfile": "FROM busybox:latest\nLABEL untagged=1\n"}),
		Labels:  h.Labels(map[string]string{"untagged": "1"}),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	imgs, err = e.Images(h.Ctx(), h.Label(), "untagged=1")
	if err != nil || !slices.Equal(imgs, []string{untagged}) {
		t.Errorf("untagged image listed as %v (%v), want [%s]", imgs, err, untagged)
	}
	if ok, err := e.ImageExists(h.Ctx(), untagged); err != nil || !ok {
		t.Errorf("ImageExists(%s) = %v, %v", untagged, ok, err)
	}

	// RemoveImage: gone afterwards; removing it again is fine.
	if err := e.RemoveImage(h.Ctx(), untagged, true); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.ImageExists(h.Ctx(), untagged); err != nil || ok {
		t.Errorf("after remove, ImageExists = %v, %v", ok, err)
	}
	if err := e.RemoveImage(h.Ctx(), untagged, false); err != nil {
		t.Errorf("removing a missing image: %v", err)
	}
	if _, err := e.ImageID(h.Ctx(), "podium-test/never-built:"+h.ID); !docker.IsNotFound(err) {
		t.Errorf("ImageID of a missing image: %v, want not found", err)
	}
}

// TestBuildFails: a failing step's message is in the error, and no image is tagged.
func TestBuildFails(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	tag := "podium-test/broken:" + h.ID
	var lines []string
	_, err := h.Engine.Build(h.Ctx(), docker.BuildSpec{
		Context: e2eTar(t, map[string]string{"Dockerfile": "FROM busybox:latest\nRUN echo about to fail; exit 3\n"}),
		Tags:    []string{tag}, Labels: h.Labels(nil),
	}, func(p docker.Progress) { lines = append(lines, p.Status) })
	if err == nil {
		t.Fatal("a build with RUN exit 3 succeeded")
	}
	if !strings.Contains(err.Error(), "returned a non-zero code: 3") || !strings.Contains(err.Error(), tag) {
		t.Errorf("error %q lacks the builder's message or the tag", err)
	}
	if !slices.Contains(lines, "about to fail") {
		t.Errorf("the failing step's output did not reach progress: %q", lines)
	}
	if ok, _ := h.Engine.ImageExists(h.Ctx(), tag); ok {
		t.Error("a failed build tagged an image")
	}

	// A Dockerfile error, and a missing base image.
	_, err = h.Engine.Build(h.Ctx(), docker.BuildSpec{Context: e2eTar(t, map[string]string{"Dockerfile": "FROMM busybox\n"}), Labels: h.Labels(nil)}, nil)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "fromm") {
		t.Errorf("a bad instruction: err = %v", err)
	}
	_, err = h.Engine.Build(h.Ctx(), docker.BuildSpec{Context: e2eTar(t, map[string]string{"Dockerfile": "FROM busybox\n"}), Dockerfile: "Nope.dockerfile", Labels: h.Labels(nil)}, nil)
	if err == nil || !strings.Contains(err.Error(), "Nope.dockerfile") {
		t.Errorf("a missing Dockerfile: err = %v", err)
	}
	if _, err := h.Engine.Build(h.Ctx(), docker.BuildSpec{Tags: []string{tag}}, nil); err == nil {
		t.Error("a build without a context succeeded")
	}
}

// TestBuildContextDir: a directory sent as the context (TarDir): files, subdirectories and
// modes arrive; a named Dockerfile is used.
func TestBuildContextDir(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("build/Containerfile", "FROM busybox:latest\nCOPY data.txt /data.txt\nCOPY sub/ /sub/\nCOPY run.sh /run.sh\nCMD [\"/run.sh\"]\n", 0o644)
	write("data.txt", "from the context dir\n", 0o644)
	write("sub/deep/nested.txt", "nested\n", 0o600)
	write("run.sh", "#!/bin/sh\ncat /data.txt /sub/deep/nested.txt\n", 0o755)
	tag := "podium-test/ctxdir:" + h.ID
	if _, err := h.Engine.Build(h.Ctx(), docker.BuildSpec{ContextDir: dir, Dockerfile: "build/Containerfile", Tags: []string{tag}, Labels: h.Labels(nil)}, nil); err != nil {
		t.Fatalf("build from %s: %v", dir, err)
	}
	if out := e2eOutput(t, h, "run", tag, "/run.sh"); out != "from the context dir\nnested\n" {
		t.Errorf("run.sh printed %q", out)
	}

	// A context directory that does not exist: an error naming it.
	missing := filepath.Join(dir, "nope")
	if _, err := h.Engine.Build(h.Ctx(), docker.BuildSpec{ContextDir: missing, Labels: h.Labels(nil)}, nil); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("build from a missing dir: err = %v", err)
	}
}

// TestPullUnreachable: without a reachable registry, Pull fails saying so and naming the image.
// Only loopback port 1 and a reserved-for-invalid domain are used: no traffic leaves the machine.
func TestPullUnreachable(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	for _, ref := range []string{"localhost:1/podium/none:latest", "registry.invalid.example/podium/none:latest"} {
		ctx, cancel := context.WithTimeout(h.Ctx(), 60*time.Second)
		err := h.Engine.Pull(ctx, ref, nil)
		cancel()
		if err == nil {
			t.Errorf("pull %s succeeded", ref)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, ref) || !strings.Contains(msg, "registry unreachable") {
			t.Errorf("pull %s: %q; want the image and \"registry unreachable\"", ref, msg)
		}
	}
}
