package pods

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RunHooks runs config/hooks/<name>.d/*.hook in name order, with the workspace root as the
// working directory (cage only has the "pull" hook). Files starting with '.' are skipped; a
// .hook file that is not executable is an error rather than silently skipped. The first hook
// that fails stops the rest.
func (w *Workspace) RunHooks(ctx context.Context, name string, stdout, stderr io.Writer) error {
	dir := filepath.Join(w.Root, configDir, hooksDir, name+".d")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s hooks: %w", name, err)
	}
	for _, e := range entries { // ReadDir sorts by name
		if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), hookExt) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		rel := w.rel(path)
		fi, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("hook %s: %w", rel, err)
		}
		if fi.IsDir() {
			continue
		}
		if fi.Mode().Perm()&0o111 == 0 {
			return fmt.Errorf("hook %s is not executable (chmod +x %s)", rel, rel)
		}
		cmd := exec.CommandContext(ctx, path)
		cmd.Dir = w.Root
		cmd.Env = w.environ
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("hook %s: %w", rel, ctx.Err())
			}
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return fmt.Errorf("hook %s failed with exit code %d", rel, exit.ExitCode())
			}
			return fmt.Errorf("hook %s: %w", rel, err)
		}
	}
	return nil
}
