package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/podiumdev/podium/backend/atomicfile"
	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/supervisor"
)

// localSupervisor is a supervisor of this process serving the workspace's API: what `podium
// supervise` runs, and what the TUI runs in-process (or takes over with, later).
type localSupervisor struct {
	sup       *supervisor.Supervisor
	done      <-chan struct{} // closed once the supervisor and its listeners have stopped
	socket    string          // the API's unix socket
	url       string          // the TCP listener's URL; "" without one
	tokenFile string          // where the token made at start was written; "" when one was given
	err       error           // why it stopped; read it only after done is closed
}

// startLocalSupervisor makes the private directory private, opens the API's socket (and the
// TCP listener, when setup asks for one) before touching any container, so a second supervisor
// of the workspace fails first, then runs the supervisor and its API until ctx ends. The
// supervised containers keep running after it.
func startLocalSupervisor(ctx context.Context, g *globalFlags, eng *docker.Engine, setup superviseSetup, log *slog.Logger) (*localSupervisor, error) {
	mkPriv := atomicfile.PrivateDir
	if filepath.Base(setup.priv) == workspaceStateDir {
		mkPriv = atomicfile.IgnoredDir // a workspace's .podium/, in the user's repository
	}
	if err := mkPriv(setup.priv); err != nil {
		return nil, fmt.Errorf("supervise: %w", err)
	}
	tightenPrivate(setup.priv, log)
	// A --state elsewhere is the user's directory: create it private, but leave its mode alone.
	if dir := filepath.Dir(setup.state); dir != filepath.Clean(setup.priv) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("supervise: create the state directory %s: %w", dir, err)
		}
	}
	sock, err := deployapi.ListenSocket(ctx, setup.priv)
	if err != nil {
		return nil, fmt.Errorf("supervise: %w", err)
	}
	ls := &localSupervisor{socket: sock.Path()}
	var (
		tcp     net.Listener
		tcpOpts deployapi.Options
	)
	if setup.listen != "" {
		if tcp, tcpOpts, err = listenTCP(setup, ls, log); err != nil {
			sock.Close()
			return nil, err
		}
	}
	sup, err := supervisor.New(supervisor.Options{Engine: eng, Index: setup.index, Watcher: setup.watcher, StateFile: setup.state, SpecDirs: setup.specDirs,
		Labels: supervisorLabels(setup.state, setup.labels), Logger: log})
	if err != nil {
		sock.Close()
		if tcp != nil {
			tcp.Close()
		}
		ls.removeToken()
		return nil, err
	}
	ls.sup = sup
	done := make(chan struct{})
	ls.done = done
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(done)
		defer cancel()
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			serveErr error
		)
		serve := func(ln net.Listener, opts deployapi.Options) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := deployapi.ServeListener(ctx, ln, deployapi.NewGuardedHandler(sup, opts)); err != nil {
					mu.Lock()
					serveErr = cmpErr(serveErr, err)
					mu.Unlock()
				}
				cancel() // a server that died takes the supervisor down with it, not silently
			}()
		}
		serve(sock, deployapi.Options{Socket: true, Origins: setup.api.Origins})
		if tcp != nil {
			serve(tcp, tcpOpts)
		}
		runErr := sup.Run(ctx)
		cancel()
		wg.Wait()
		sock.Close()
		ls.removeToken()
		if runErr != nil && !errors.Is(runErr, context.Canceled) {
			ls.err = fmt.Errorf("supervise: %w", runErr)
		} else {
			ls.err = serveErr
		}
	}()
	return ls, nil
}

// cmpErr keeps the first error.
func cmpErr(have, err error) error {
	if have != nil {
		return have
	}
	return err
}

// removeToken deletes the token file this supervisor made: the token dies with it.
func (ls *localSupervisor) removeToken() {
	if ls.tokenFile != "" {
		_ = os.Remove(ls.tokenFile)
	}
}

// listenTCP opens the TCP listener setup asks for, with its guards: a token always (the one
// given, else one made now and written to the private directory), TLS or an explicit
// --plain-http beyond loopback.
func listenTCP(setup superviseSetup, ls *localSupervisor, log *slog.Logger) (net.Listener, deployapi.Options, error) {
	withTLS := setup.tlsCert != ""
	if err := deployapi.CheckListen(setup.listen, setup.listenFrom, withTLS, setup.plainHTTP); err != nil {
		return nil, deployapi.Options{}, err
	}
	host, _, _ := net.SplitHostPort(setup.listen)
	var cert tls.Certificate
	if withTLS {
		var err error
		if cert, err = tls.LoadX509KeyPair(setup.tlsCert, setup.tlsKey); err != nil {
			return nil, deployapi.Options{}, fmt.Errorf("%s %s / %s: %w", setup.tlsFrom, setup.tlsCert, setup.tlsKey, err)
		}
	}
	token := setup.token
	tokenPath := filepath.Join(setup.priv, deployapi.TokenFile)
	if token == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, deployapi.Options{}, fmt.Errorf("make the API token: %w", err)
		}
		token = hex.EncodeToString(b)
		if err := atomicfile.Write(tokenPath, []byte(token+"\n"), 0o600); err != nil {
			return nil, deployapi.Options{}, fmt.Errorf("save the API token: %w", err)
		}
		ls.tokenFile = tokenPath
	} else if err := os.Remove(tokenPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		// A token made by an earlier run would mislead the clients that read it.
		return nil, deployapi.Options{}, fmt.Errorf("remove the old API token %s: %w", tokenPath, err)
	}
	ln, err := net.Listen("tcp", setup.listen)
	if err != nil {
		ls.removeToken()
		return nil, deployapi.Options{}, fmt.Errorf("supervise: listen on %s (%s): %w", setup.listen, setup.listenFrom, err)
	}
	scheme := "http"
	if withTLS {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	} else if !deployapi.IsLoopback(host) {
		log.Warn("the API listens beyond loopback over plain HTTP (--plain-http): the token crosses the network in clear", "listen", setup.listen)
	}
	u, err := listenURL(ln.Addr().String(), setup.listenFrom)
	if err != nil {
		u = "http://" + ln.Addr().String()
	}
	ls.url = scheme + strings.TrimPrefix(u, "http")
	return ln, deployapi.Options{Token: token, ListenHost: host, Hosts: setup.api.Hosts, Origins: setup.api.Origins,
		ReadOpen: setup.api.ReadOpen()}, nil
}

// tightenPrivate takes group and other permissions away from what an older Podium left open
// under dir, and says so in one line.
func tightenPrivate(dir string, log *slog.Logger) {
	changed, err := atomicfile.Tighten(dir)
	if err != nil {
		log.Warn("could not make podium's files private", "dir", dir, "err", err)
	}
	if len(changed) > 0 {
		log.Info("made podium's files private: they were readable by others (left so by an older podium)", "dir", dir, "changed", len(changed))
	}
}
