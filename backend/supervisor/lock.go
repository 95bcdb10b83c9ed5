package supervisor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// stateLock is an exclusive lock beside the state file, held while Run runs, so that two
// supervisors (the TUI's and a `podium supervise` daemon, say) never drive the same services.
// The kernel releases it when the process dies, kill -9 included.
type stateLock struct{ f *os.File }

// lockState takes the lock on stateFile's lock file, or says who holds it.
func lockState(stateFile string) (*stateLock, error) {
	if stateFile == "" {
		return &stateLock{}, nil
	}
	path := stateFile + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another supervisor (pid %s) is running on %s", strings.TrimSpace(string(holder)), stateFile)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &stateLock{f: f}, nil
}

// release lets the next supervisor in.
func (l *stateLock) release() {
	if l.f != nil {
		_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
	}
}
