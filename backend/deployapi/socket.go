package deployapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/podiumdev/podium/backend/atomicfile"
)

const (
	// SocketFile is the API's unix socket in a workspace's private directory.
	SocketFile = "supervisor.sock"
	// SocketPathFile, beside where SocketFile would be, names the socket's real path when
	// that one is too long for a unix socket address.
	SocketPathFile = "supervisor.sock.path"
	// TokenFile holds the token a supervisor made for its TCP listener, for the CLI and the TUI
	// of the same user to read.
	TokenFile = "api-token"

	// socketMaxPath is the longest path a unix socket address holds on Linux (sun_path is 108
	// bytes with its NUL).
	socketMaxPath = 107
	// socketProbe bounds how long ListenSocket waits for an existing socket to answer.
	socketProbe = time.Second
)

// SocketURL is the --remote form of a socket path.
func SocketURL(path string) string { return "unix://" + path }

// SocketPath is where the supervisor of the private directory dir (a workspace's .podium)
// serves its API: dir/supervisor.sock, or when that path is too long for a unix socket,
// $XDG_RUNTIME_DIR/podium/<hash of dir>.sock (else os.TempDir()/podium-<uid>/…).
func SocketPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("socket of %s: %w", dir, err)
	}
	p := filepath.Join(abs, SocketFile)
	if len(p) <= socketMaxPath {
		return p, nil
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(socketRuntimeDir(), hex.EncodeToString(sum[:8])+".sock"), nil
}

// socketRuntimeDir is the user's directory for the sockets whose workspace path is too long.
func socketRuntimeDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		return filepath.Join(d, "podium")
	}
	return filepath.Join(os.TempDir(), "podium-"+strconv.Itoa(os.Getuid()))
}

// FindSocket is the socket a client of dir's supervisor dials: the path SocketPathFile
// records, else dir/supervisor.sock.
func FindSocket(dir string) string {
	if b, err := os.ReadFile(filepath.Join(dir, SocketPathFile)); err == nil {
		if p := strings.TrimSpace(string(b)); filepath.IsAbs(p) {
			return p
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return filepath.Join(abs, SocketFile)
}

// BusyError says another live supervisor serves the socket.
type BusyError struct {
	Socket string
	Detail string
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("another supervisor serves this workspace on %s (%s)", e.Socket, e.Detail)
}

// SocketListener is the API's unix socket listener. Closing it removes the socket, its path
// record and its lock, so the next supervisor starts clean.
type SocketListener struct {
	net.Listener
	path     string
	pathFile string // SocketPathFile when the socket is elsewhere, else ""
	lock     *os.File
	once     sync.Once
	err      error
}

// Path is the socket's file.
func (l *SocketListener) Path() string { return l.path }

// Close stops listening and releases the socket for the next supervisor. Only the first call
// does anything (the HTTP server closes its listener too).
func (l *SocketListener) Close() error {
	l.once.Do(func() {
		l.err = l.Listener.Close() // removes the socket file: net.Listen made it
		if l.pathFile != "" {
			_ = os.Remove(l.pathFile)
		}
		_ = syscall.Flock(int(l.lock.Fd()), syscall.LOCK_UN)
		l.lock.Close()
	})
	return l.err
}

// ListenSocket opens dir's API socket (see SocketPath), mode 0600 in a 0700 directory. The
// socket's lock file says who owns it: when another live process holds it, or when something
// still answers on the socket, it fails with a *BusyError; a socket left by a supervisor that
// died (kill -9) is removed and made anew.
func ListenSocket(ctx context.Context, dir string) (*SocketListener, error) {
	if err := atomicfile.PrivateDir(dir); err != nil {
		return nil, fmt.Errorf("API socket: %w", err)
	}
	path, err := SocketPath(dir)
	if err != nil {
		return nil, err
	}
	l := &SocketListener{path: path}
	if filepath.Dir(path) != filepath.Clean(dir) {
		if err := socketOwnDir(filepath.Dir(path)); err != nil {
			return nil, err
		}
		l.pathFile = filepath.Join(dir, SocketPathFile)
	}
	lockPath := path + ".lock"
	lock, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("API socket lock %s: %w", lockPath, err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(lockPath)
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &BusyError{Socket: path, Detail: "pid " + strings.TrimSpace(string(holder))}
		}
		return nil, fmt.Errorf("API socket lock %s: %w", lockPath, err)
	}
	l.lock = lock
	fail := func(err error) (*SocketListener, error) {
		_ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
		lock.Close()
		return nil, err
	}
	_ = lock.Truncate(0)
	_, _ = lock.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)

	if _, err := os.Lstat(path); err == nil {
		// Nobody holds the lock, yet the socket is there: a supervisor that died, or one of a
		// version without the lock. Only a socket nothing answers on is removed.
		pctx, cancel := context.WithTimeout(ctx, socketProbe)
		var d net.Dialer
		conn, derr := d.DialContext(pctx, "unix", path)
		cancel()
		if derr == nil {
			conn.Close()
			return fail(&BusyError{Socket: path, Detail: "it answers"})
		}
		if err := os.Remove(path); err != nil {
			return fail(fmt.Errorf("remove the stale API socket %s: %w", path, err))
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fail(fmt.Errorf("API socket: listen on %s: %w", path, err))
	}
	l.Listener = ln
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fail(fmt.Errorf("API socket %s: %w", path, err))
	}
	if l.pathFile != "" {
		if err := atomicfile.Write(l.pathFile, []byte(path+"\n"), 0o600); err != nil {
			ln.Close()
			return fail(err)
		}
	}
	return l, nil
}

// socketOwnDir makes the runtime directory of long-path sockets, and refuses one that another
// user could have prepared (in a shared /tmp): it must be ours and private.
func socketOwnDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("API socket directory %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("API socket directory %s: %w", dir, err)
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !st.IsDir() || !ok || int(sys.Uid) != os.Getuid() {
		return fmt.Errorf("API socket directory %s is not a directory of this user: remove it", dir)
	}
	if st.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("API socket directory %s: %w", dir, err)
		}
	}
	return nil
}
