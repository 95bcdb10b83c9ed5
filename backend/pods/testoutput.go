package pods

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// testOutputDir is where `test --export-test-output` copies the test container's
// ./test_output: the workspace root's test_output, as cage's `docker cp` put it.
const testOutputDir = "test_output"

// checkTestOutputFree refuses to run a test whose output would land on an existing directory.
func (r *Runner) checkTestOutputFree() (string, error) {
	dest := filepath.Join(r.WS.Root, testOutputDir)
	if _, err := os.Lstat(dest); err == nil {
		return "", fmt.Errorf("export test output: %s already exists; remove it first", testOutputDir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("export test output: %w", err)
	}
	return dest, nil
}

// copyTestOutput copies ./test_output (relative to the container's working directory) out of
// the stopped test container into dest.
func (r *Runner) copyTestOutput(ctx context.Context, id, dest string) error {
	raw, err := r.Engine.InspectRaw(ctx, id)
	if err != nil {
		return fmt.Errorf("export test output: %w", err)
	}
	wd := "/"
	if raw.Config != nil && raw.Config.WorkingDir != "" {
		wd = raw.Config.WorkingDir
	}
	src := path.Join(wd, testOutputDir)
	rc, err := r.Engine.CopyFrom(ctx, id, src)
	if err != nil {
		return fmt.Errorf("export test output: %w", err)
	}
	defer rc.Close()
	if err := os.Mkdir(dest, 0o755); err != nil {
		return fmt.Errorf("export test output: %w", err)
	}
	if err := extractTar(rc, dest); err != nil {
		return fmt.Errorf("export test output %s to %s: %w", src, testOutputDir, err)
	}
	return nil
}

// extractTar writes an archive of one directory (its top entry named after it) into dest,
// through an os.Root so no entry can land outside dest. Directories and regular files are
// written; links and devices are skipped.
func extractTar(r io.Reader, dest string) error {
	root, err := os.OpenRoot(dest)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		_, rest, found := strings.Cut(name, "/")
		if !found || rest == "" {
			continue // the top directory itself: dest
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(rest, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if dir := path.Dir(rest); dir != "." {
				if err := root.MkdirAll(dir, 0o755); err != nil {
					return err
				}
			}
			f, err := root.OpenFile(rest, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fs.FileMode(h.Mode).Perm()|0o600)
			if err != nil {
				return err
			}
			_, cerr := io.Copy(f, tr)
			if err := errors.Join(cerr, f.Close()); err != nil {
				return fmt.Errorf("write %s: %w", rest, err)
			}
		}
	}
}
