// Package enginetest is the harness for tests that need a real Docker Engine. It connects (or
// skips, or fails when PODIUM_REQUIRE_DOCKER=1), makes sure busybox:latest exists without a
// registry, builds other test images from it through the Engine API, labels everything a test
// creates with the test's own id, and removes exactly that in t.Cleanup.
package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
)

// Busybox is the base image every test image is built from.
const Busybox = "busybox:latest"

// RequireEnv, set to 1, turns "no engine" from a skip into a failure (CI sets it).
const RequireEnv = "PODIUM_REQUIRE_DOCKER"

// Harness is one test's handle on the engine.
type Harness struct {
	T      testing.TB
	Engine *docker.Engine
	// ID is this test's id: the value of docker.LabelTest on everything it creates.
	ID string
}

// New connects to the engine for t, ensures busybox, and registers the cleanup.
func New(t testing.TB) *Harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	eng, err := docker.Connect(ctx, docker.Options{})
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("no Docker engine, and %s=1: %v", RequireEnv, err)
		}
		t.Skipf("no Docker engine reachable (set %s=1 to fail instead; scripts/engine.sh starts one): %v", RequireEnv, err)
	}
	h := &Harness{T: t, Engine: eng, ID: newID(t.Name())}
	t.Cleanup(func() {
		h.cleanup()
		eng.Close()
	})
	if err := EnsureBusybox(ctx, eng); err != nil {
		t.Fatalf("ensure %s: %v", Busybox, err)
	}
	return h
}

func newID(name string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	clean := regexp.MustCompile(`[^a-zA-Z0-9_.-]+`).ReplaceAllString(name, "-")
	if len(clean) > 40 {
		clean = clean[:40]
	}
	return strings.ToLower(clean) + "-" + hex.EncodeToString(b)
}

// Ctx returns a context that ends when the test's deadline (or a minute) passes.
func (h *Harness) Ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	if d, ok := h.T.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			cancel()
			ctx, cancel = context.WithDeadline(context.Background(), dl.Add(-5*time.Second))
		}
	}
	h.T.Cleanup(cancel)
	return ctx
}

// Label is the "key=value" filter that selects what this test created.
func (h *Harness) Label() string { return docker.LabelTest + "=" + h.ID }

// Labels returns extra merged with this test's label, for anything the test creates.
func (h *Harness) Labels(extra map[string]string) map[string]string {
	out := map[string]string{docker.LabelTest: h.ID}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// Name returns a container or network name unique to this test.
func (h *Harness) Name(base string) string {
	suffix := h.ID[strings.LastIndexByte(h.ID, '-')+1:]
	return "podium-t-" + suffix + "-" + base
}

// Create creates (but does not start) a container with this test's label, from busybox unless
// cfg names an image.
func (h *Harness) Create(name string, cfg *container.Config, host *container.HostConfig) string {
	h.T.Helper()
	c := *cfg
	if c.Image == "" {
		c.Image = Busybox
	}
	c.Labels = h.Labels(cfg.Labels)
	id, err := h.Engine.Create(h.Ctx(), docker.CreateSpec{Name: h.Name(name), Config: &c, HostConfig: host})
	if err != nil {
		h.T.Fatalf("create %s: %v", name, err)
	}
	return id
}

// Run creates and starts a container (see Create) and returns its id.
func (h *Harness) Run(name string, cfg *container.Config, host *container.HostConfig) string {
	h.T.Helper()
	id := h.Create(name, cfg, host)
	if err := h.Engine.Start(h.Ctx(), id); err != nil {
		h.T.Fatalf("start %s: %v", name, err)
	}
	return id
}

// BuildImage builds an image from a Dockerfile and extra files through the Engine API, labels
// it with this test's id, and returns its tag. Dockerfiles start FROM busybox:latest.
func (h *Harness) BuildImage(name, dockerfile string, files map[string]string) string {
	h.T.Helper()
	tag := "podium-test/" + name + ":" + h.ID
	var buf bytes.Buffer
	if err := tarFiles(&buf, dockerfile, files); err != nil {
		h.T.Fatalf("build context for %s: %v", name, err)
	}
	if _, err := h.Engine.Build(h.Ctx(), docker.BuildSpec{Context: &buf, Tags: []string{tag}, Labels: h.Labels(nil)}, nil); err != nil {
		h.T.Fatalf("build %s: %v", name, err)
	}
	return tag
}

func tarFiles(w io.Writer, dockerfile string, files map[string]string) error {
	tw := tar.NewWriter(w)
	all := map[string]string{"Dockerfile": dockerfile}
	for k, v := range files {
		all[k] = v
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		body := all[n]
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o755, Size: int64(len(body)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return err
		}
	}
	return tw.Close()
}

// cleanup removes every container, network, volume and image carrying this test's label,
// and nothing else.
func (h *Harness) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := h.Engine
	cs, err := e.List(ctx, docker.ListOptions{All: true, Labels: []string{h.Label()}})
	if err != nil {
		h.T.Logf("cleanup: %v", err)
	}
	for _, c := range cs {
		if err := e.Remove(ctx, c.ID, docker.RemoveOptions{Force: true, Volumes: true}); err != nil {
			h.T.Logf("cleanup: %v", err)
		}
	}
	if ns, err := e.Networks(ctx, h.Label()); err == nil {
		for _, n := range ns {
			_ = e.RemoveNetwork(ctx, n.ID)
		}
	}
	if vs, err := e.Volumes(ctx, h.Label()); err == nil {
		for _, v := range vs {
			_ = e.RemoveVolume(ctx, v.Name, true)
		}
	}
	if imgs, err := e.Images(ctx, h.Label()); err == nil {
		for _, ref := range imgs {
			_ = e.RemoveImage(ctx, ref, true)
		}
	}
}

// EnsureBusybox makes busybox:latest available: present → used; else pulled; else imported from
// the host's static busybox (Debian's busybox-static), with one link per applet.
func EnsureBusybox(ctx context.Context, e *docker.Engine) error {
	ok, err := e.ImageExists(ctx, Busybox)
	if err != nil || ok {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	perr := e.Pull(pctx, Busybox, nil)
	cancel()
	if perr == nil {
		return nil
	}
	bin := ""
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if _, err := os.Stat(p); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return fmt.Errorf("no %s: pull failed (%v) and no static busybox on the host (apt-get install busybox-static)", Busybox, perr)
	}
	var buf bytes.Buffer
	if err := busyboxRootfs(&buf, bin); err != nil {
		return fmt.Errorf("rootfs from %s: %w", bin, err)
	}
	return e.Import(ctx, &buf, Busybox, docker.ImportOptions{
		Changes: []string{`CMD ["sh"]`, `ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`},
		Message: "imported by podium's test harness from " + bin,
	})
}

func busyboxRootfs(w io.Writer, bin string) error {
	body, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	out, err := exec.Command(bin, "--list").Output()
	if err != nil {
		return fmt.Errorf("%s --list: %w", bin, err)
	}
	tw := tar.NewWriter(w)
	dirs := []string{"bin/", "etc/", "root/", "tmp/", "usr/", "usr/bin/", "var/", "proc/", "sys/", "dev/"}
	for _, d := range dirs {
		mode := int64(0o755)
		if d == "tmp/" {
			mode = 0o1777
		}
		if err := tw.WriteHeader(&tar.Header{Name: d, Mode: mode, Typeflag: tar.TypeDir}); err != nil {
			return err
		}
	}
	if err := tw.WriteHeader(&tar.Header{Name: "bin/busybox", Mode: 0o755, Size: int64(len(body))}); err != nil {
		return err
	}
	if _, err := tw.Write(body); err != nil {
		return err
	}
	for _, a := range strings.Fields(string(out)) {
		if a == "busybox" {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.Join("bin", a), Typeflag: tar.TypeSymlink, Linkname: "busybox", Mode: 0o777}); err != nil {
			return err
		}
	}
	for name, body := range map[string]string{"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n", "etc/group": "root:x:0:\n"} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			return err
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return err
		}
	}
	return tw.Close()
}
