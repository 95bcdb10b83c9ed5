package supervisor

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// supNewProxy puts a proxy of the harness between the rig's supervisor and dockerd.
func supNewProxy(t *testing.T, r *supRig) *enginetest.Proxy {
	t.Helper()
	p := r.h.NewProxy()
	eng, err := docker.New(docker.Options{Host: "unix://" + p.Path()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	r.engine = eng
	return p
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

	p.Sever()
	time.Sleep(500 * time.Millisecond)
	if err := r.h.Engine.Remove(r.h.Ctx(), id, docker.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	orphan := r.h.Run("phoenix-orphan", &container.Config{
		Cmd:    []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelDeploy: "phoenix", docker.LabelSpecHash: "x", docker.LabelRevision: "1"},
	}, nil)
	p.Restore()
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
