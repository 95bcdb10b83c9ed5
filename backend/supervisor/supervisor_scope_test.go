package supervisor

import (
	"strings"
	"testing"
	"time"
)

// TestTwoSupervisorsOneEngine: two supervisors (two workspaces) on one engine, each with a
// service named web, each labelling its containers with its own value. Restarting one must
// neither adopt nor remove the other's containers as orphans.
func TestTwoSupervisorsOneEngine(t *testing.T) {
	t.Parallel()
	a, b := supNewRig(t, 1), supNewRig(t, 1)
	a.write(0, "web", supSpec("busybox:latest", "a"))
	b.write(0, "web", supSpec("busybox:latest", "b"))
	a.start()
	b.start()
	sa := a.waitStable("web", 1, 30*time.Second)
	sb := b.waitStable("web", 1, 30*time.Second)

	a.restart()
	a.waitStable("web", 1, 30*time.Second)
	time.Sleep(time.Second) // let a's reconciliation finish whatever it would do
	if got := supIDs(mustService(t, a.sup, "web")); len(got) != 1 || got[0] != sa.Containers[0].ID {
		t.Errorf("a's web after restart: %v, want %s", got, sa.Containers[0].ID)
	}
	if got := supIDs(mustService(t, b.sup, "web")); len(got) != 1 || got[0] != sb.Containers[0].ID {
		t.Errorf("b's web was disturbed by a's restart: %v, want %s", got, sb.Containers[0].ID)
	}
	if cs := b.ours("web"); len(cs) != 1 || cs[0].ID != sb.Containers[0].ID || cs[0].State != "running" {
		t.Errorf("b's container on the engine: %+v", cs)
	}
}

func mustService(t *testing.T, s *Supervisor, name string) ServiceStatus {
	t.Helper()
	st, ok := s.Service(name)
	if !ok {
		t.Fatalf("no service %s", name)
	}
	return st
}

// TestSecondSupervisorOnSameStateRefused: a second Run on the same state file fails at once,
// naming the holder, and leaves the first one's service alone.
func TestSecondSupervisorOnSameStateRefused(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.write(0, "web", supSpec("busybox:latest", "1"))
	r.start()
	first := r.waitStable("web", 1, 30*time.Second)

	other, err := New(Options{Engine: r.engine, StateFile: r.state, SpecDirs: r.dirs, Labels: r.h.Labels(nil)})
	if err != nil {
		t.Fatal(err)
	}
	err = other.Run(r.h.Ctx())
	if err == nil || !strings.Contains(err.Error(), "another supervisor") || !strings.Contains(err.Error(), r.state) {
		t.Fatalf("second Run: %v", err)
	}
	if got := supIDs(mustService(t, r.sup, "web")); len(got) != 1 || got[0] != first.Containers[0].ID {
		t.Errorf("the first supervisor's web changed: %v", got)
	}
}
