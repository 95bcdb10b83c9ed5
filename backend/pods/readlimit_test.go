package pods

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// endless replaces a workspace file with a symlink to /dev/zero: a file that never ends.
func endless(t *testing.T, root, rel string) {
	t.Helper()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(p)
	if err := os.Symlink("/dev/zero", p); err != nil {
		t.Fatal(err)
	}
}

// loadWithin loads the workspace, and stops the whole test binary if that takes longer than
// the deadline: a reader without a limit would otherwise fill the memory of the machine.
func loadWithin(t *testing.T, root string) (*Workspace, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		w   *Workspace
		err error
	}
	done := make(chan result, 1)
	go func() {
		w, err := Load(ctx, root, LoadOptions{Environ: []string{}})
		done <- result{w, err}
	}()
	select {
	case r := <-done:
		return r.w, r.err
	case <-ctx.Done():
		panic(fmt.Sprintf("loading %s with an endless file did not end: a workspace file is read without a size limit", root))
	}
}

// A pod file (or its target file, metadata, or an env_file it names) that never ends breaks
// that pod with an error naming the file; the other pods load.
func TestEndlessPodFilesBreakOnlyTheirPod(t *testing.T) {
	for _, rel := range []string{
		"pods/zero.yml",
		"pods/targets/development/zero.yml",
		"pods/zero.metadata.yml",
		"pods/zero.env",
	} {
		t.Run(rel, func(t *testing.T) {
			root := fixture(t, "hello")
			writeTree(t, root, map[string]string{
				"pods/zero.yml":                     "services:\n  z:\n    image: busybox:latest\n    env_file: [zero.env]\n",
				"pods/zero.env":                     "A=1\n",
				"pods/targets/development/zero.yml": "services:\n  z:\n    command: [\"true\"]\n",
			})
			endless(t, root, rel)
			w, err := loadWithin(t, root)
			if err != nil {
				t.Fatalf("an endless pod file must not fail the workspace: %v", err)
			}
			mustErr(t, w.Pod("zero").Err, "load pod zero", rel, "larger than 1 MiB")
			if p := w.Pod("frontend"); p.Err != nil {
				t.Fatalf("frontend must still load: %v", p.Err)
			}
		})
	}
}

// A workspace-wide file that never ends fails the load with an error naming it.
func TestEndlessWorkspaceFilesFailTheLoad(t *testing.T) {
	for _, rel := range []string{
		"pods/common.env",
		"pods/targets/development/common.env",
		"config/secrets.yml",
		"config/sources.yml",
		"podium.yml",
		".podium/mounted.yml",
	} {
		t.Run(rel, func(t *testing.T) {
			root := fixture(t, "hello")
			endless(t, root, rel)
			_, err := loadWithin(t, root)
			mustErr(t, err, rel, "larger than 1 MiB")
		})
	}
}

// A file a pod file includes or extends (and one that file extends in turn, relative to its
// own folder), which compose-go would open itself, is read with the limit too: an endless one
// breaks the pod with an error naming it.
func TestEndlessIncludedAndExtendedFiles(t *testing.T) {
	for name, c := range map[string]struct {
		files   map[string]string
		endless string
	}{
		"include": {map[string]string{
			"pods/zero.yml": "include: [inc.yml]\nservices:\n  z:\n    image: busybox:latest\n",
		}, "pods/inc.yml"},
		"include mapping": {map[string]string{
			"pods/zero.yml": "include:\n  - path: [inc.yml]\nservices:\n  z:\n    image: busybox:latest\n",
		}, "pods/inc.yml"},
		"extends, nested": {map[string]string{
			"pods/zero.yml":     "services:\n  z:\n    extends: {file: lib/base.yml, service: b}\n",
			"pods/lib/base.yml": "services:\n  b:\n    image: busybox:latest\n    extends: {file: deep.yml, service: d}\n",
		}, "pods/lib/deep.yml"},
	} {
		t.Run(name, func(t *testing.T) {
			root := fixture(t, "hello")
			writeTree(t, root, c.files)
			endless(t, root, c.endless)
			w, err := loadWithin(t, root)
			if err != nil {
				t.Fatalf("an endless file of one pod must not fail the workspace: %v", err)
			}
			mustErr(t, w.Pod("zero").Err, "load pod zero", c.endless, "larger than 1 MiB")
		})
	}
}
