package supervisor

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
)

// supProxy is a unix-socket proxy between the supervisor and dockerd that a test can cut and
// restore, as if the engine went away and came back.
type supProxy struct {
	t      *testing.T
	path   string
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func supNewProxy(t *testing.T, r *supRig) *supProxy {
	t.Helper()
	target, ok := strings.CutPrefix(r.h.Engine.Endpoint().Host, "unix://")
	if !ok {
		t.Skipf("the engine is not on a unix socket")
	}
	p := &supProxy{t: t, path: filepath.Join(t.TempDir(), "docker.sock"), target: target, conns: map[net.Conn]struct{}{}}
	p.restore()
	t.Cleanup(func() {
		p.sever()
		p.wg.Wait()
	})
	eng, err := docker.New(docker.Options{Host: "unix://" + p.path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	r.engine = eng
	return p
}

func (p *supProxy) restore() {
	p.t.Helper()
	ln, err := net.Listen("unix", p.path)
	if err != nil {
		p.t.Fatalf("proxy: %v", err)
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

func (p *supProxy) sever() {
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

func (p *supProxy) pipe(ln net.Listener, c net.Conn) {
	d, err := net.Dial("unix", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln != ln {
		p.mu.Unlock()
		c.Close()
		d.Close()
		return
	}
	p.conns[c], p.conns[d] = struct{}{}, struct{}{}
	p.mu.Unlock()
	var cp sync.WaitGroup
	half := func(dst, src net.Conn) {
		defer cp.Done()
		_, _ = io.Copy(dst, src)
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

// The engine goes away and comes back; what happened meanwhile (the service's container was
// removed, an orphan appeared) is reconciled when it is back: a new container, no orphan.
func TestSupervisorEngineRestart(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	p := supNewProxy(t, r)
	r.start()
	r.write(0, "phoenix", supSpec("busybox:latest", "1"))
	st := r.waitStable("phoenix", 1, 20*time.Second)
	id := st.Containers[0].ID

	p.sever()
	time.Sleep(500 * time.Millisecond)
	if err := r.h.Engine.Remove(r.h.Ctx(), id, docker.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	orphan := r.h.Run("phoenix-orphan", &container.Config{
		Cmd:    []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelDeploy: "phoenix", docker.LabelSpecHash: "x", docker.LabelRevision: "1"},
	}, nil)
	p.restore()
	st = r.wait("phoenix", 30*time.Second, "stable with a new container", func(st ServiceStatus, ok bool) bool {
		return st.State == Stable && len(st.Containers) == 1 && st.Containers[0].ID != id && st.Healthy == 1
	})
	r.wait("phoenix", 20*time.Second, "without the orphan", func(st ServiceStatus, ok bool) bool { return len(st.Containers) == 1 })
	if _, err := r.h.Engine.Inspect(r.h.Ctx(), orphan); !docker.IsNotFound(err) {
		t.Errorf("the orphan was not removed: %v", err)
	}
	if cs := r.ours("phoenix"); len(cs) != 1 || cs[0].ID != st.Containers[0].ID {
		t.Errorf("Docker has %d containers of the service", len(cs))
	}
}
