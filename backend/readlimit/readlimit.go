// Package readlimit reads the workspace's small files (pod, metadata, env, pipeline and keymap
// files, and the like) with a size limit, so that a file that never ends (a symlink to
// /dev/zero) or a huge one is a clear error naming it instead of a process that fills memory.
package readlimit

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize is how much of one workspace file is read: 1 MiB, as for spec files. Every file it
// bounds is a few kilobytes written by hand.
const MaxSize = 1 << 20

// TooLargeError says a file is larger than the limit (or never ends).
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %s; a workspace file is small text (is it the file you meant?)", e.Path, sizeText(e.Limit))
}

// ReadFile reads path up to MaxSize bytes. A longer file is a *TooLargeError naming path;
// other errors are os's (errors.Is(err, os.ErrNotExist) still works).
func ReadFile(path string) ([]byte, error) {
	return ReadFileLimit(path, MaxSize)
}

// ReadFileLimit is ReadFile with another limit.
func ReadFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return data, nil
}

// IsTooLarge reports whether err says a file was over its limit.
func IsTooLarge(err error) bool {
	var t *TooLargeError
	return errors.As(err, &t)
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
