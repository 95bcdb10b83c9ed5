package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// IgnoredDir creates dir as PrivateDir does and, when it creates it, writes dir/.gitignore
// holding "*", so that git shows nothing of it: a workspace's .podium/ lives in the user's
// repository. A dir that exists is left as the user has it (a .gitignore they removed stays
// removed).
func IgnoredDir(dir string) error {
	_, err := os.Lstat(dir)
	created := errors.Is(err, fs.ErrNotExist)
	if err := PrivateDir(dir); err != nil {
		return err
	}
	if !created {
		return nil
	}
	if err := Write(filepath.Join(dir, ".gitignore"), []byte("*\n"), 0o644); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}

// PrivateDir creates dir (and its parents) and makes dir itself 0700, whatever the umask and
// whatever mode an older version left it with: Podium's own files (state, tokens, sockets,
// run records, logs) live in such directories.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("make %s private: %w", dir, err)
		}
	}
	return nil
}

// Tighten takes the group's and others' permissions away from root and every directory and
// regular file under it (symbolic links are not followed), so files an older version created
// readable by others become the owner's alone; the owner's own bits are kept. It returns the
// paths it changed, so the caller can say so once. A missing root is nothing to do.
func Tighten(root string) ([]string, error) {
	var changed []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		perm := info.Mode().Perm()
		if perm&0o077 == 0 {
			return nil
		}
		if err := os.Chmod(path, perm&^0o077); err != nil {
			return fmt.Errorf("make %s private: %w", path, err)
		}
		changed = append(changed, path)
		return nil
	})
	if err != nil {
		return changed, fmt.Errorf("tighten the permissions under %s: %w", root, err)
	}
	return changed, nil
}
