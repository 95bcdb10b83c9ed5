package enginetest

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Proxy is a unix-socket proxy between a client and dockerd that a test can cut and restore,
// as if the engine went away and came back. Point a client at "unix://" + Path().
type Proxy struct {
	t      testing.TB
	path   string // where clients connect
	target string // dockerd's socket

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	accept int // connections accepted so far
	wg     sync.WaitGroup
}

// NewProxy starts a proxy to the engine h talks to, which must be on a unix socket (else the
// test is skipped), and tears it down at cleanup.
func (h *Harness) NewProxy() *Proxy {
	t := h.T
	t.Helper()
	host := h.Engine.Endpoint().Host
	target, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		t.Skipf("the engine is at %s, not on a unix socket; the proxy needs one", host)
	}
	p := &Proxy{t: t, path: filepath.Join(t.TempDir(), "docker.sock"), target: target, conns: map[net.Conn]struct{}{}}
	p.Restore()
	t.Cleanup(func() {
		p.Sever()
		p.wg.Wait()
	})
	return p
}

// Path is the proxy's socket.
func (p *Proxy) Path() string { return p.path }

// Accepted counts the connections the proxy has passed through.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accept
}

// Restore listens again on the same path.
func (p *Proxy) Restore() {
	p.t.Helper()
	ln, err := net.Listen("unix", p.path)
	if err != nil {
		p.t.Fatalf("proxy: listen on %s: %v", p.path, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.pipe(ln, c) })
		}
	})
}

// Sever stops accepting (the socket file goes away) and closes every live connection.
func (p *Proxy) Sever() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *Proxy) pipe(ln net.Listener, c net.Conn) {
	d, err := net.Dial("unix", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln != ln { // severed since this connection was accepted
		p.mu.Unlock()
		c.Close()
		d.Close()
		return
	}
	p.accept++
	p.conns[c], p.conns[d] = struct{}{}, struct{}{}
	p.mu.Unlock()

	var cp sync.WaitGroup
	half := func(dst, src net.Conn) {
		defer cp.Done()
		_, _ = io.Copy(dst, src)
		// Pass a half-close on (exec's stdin relies on it); a full close otherwise.
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		} else {
			dst.Close()
		}
	}
	cp.Add(2)
	go half(d, c)
	go half(c, d)
	cp.Wait()
	c.Close()
	d.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, d)
	p.mu.Unlock()
}
