package supervisor

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Three replicas replaced one at a time, start-first, with a delay between batches: the events
// never show fewer than two healthy containers, and a batch never holds more than one new one.
func TestSupervisorRollingReplicas(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	spec := func(mark string) map[string]any {
		return supWith(supSpec("busybox:latest", mark), "deploy", []any{"After", 0}, "replicas", 3,
			"update", map[string]any{"parallelism": 1, "delay": "300ms"})
	}
	r.write(0, "fleet", spec("1"))
	st := r.waitStable("fleet", 1, 30*time.Second)
	first := supIDs(st)

	r.write(0, "fleet", spec("2"))
	st = r.waitStable("fleet", 2, 60*time.Second)
	for _, id := range supIDs(st) {
		for _, o := range first {
			if id == o {
				t.Errorf("an old container survived: %s", supDescribe(st))
			}
		}
	}
	minHealthy, maxPending, batches := 99, 0, 0
	rolling := false
	for _, ev := range r.recorded() {
		s := ev.Status
		if ev.Service != "fleet" {
			continue
		}
		if s.Next == 2 {
			rolling = true
		}
		if !rolling {
			continue
		}
		minHealthy = min(minHealthy, s.Healthy)
		pending := 0
		for _, c := range s.Containers {
			if c.Revision == 2 && !c.Healthy && c.Role != RoleOld {
				pending++
			}
		}
		maxPending = max(maxPending, pending)
		if strings.HasPrefix(ev.Transition.Reason, "batch done") {
			batches++
		}
	}
	if minHealthy < 2 {
		t.Errorf("only %d healthy containers at some point of the rollout", minHealthy)
	}
	if maxPending > 1 {
		t.Errorf("%d new containers started at once, want batches of 1", maxPending)
	}
	if batches != 2 {
		t.Errorf("%d delays between batches, want 2", batches)
	}
	if cs := r.ours("fleet"); len(cs) != 3 {
		t.Errorf("Docker has %d containers of the service, want 3", len(cs))
	}
}

// failure rollback: a revision whose batch does not become healthy is removed, the service goes
// back to the last stable revision (its containers untouched, start-first), the revision is
// recorded as rolled back, and it is not retried until a newer spec arrives.
func TestSupervisorFailureRollback(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	spec := func(mark, setup string, timeout int) map[string]any {
		return supWith(supSpecCmd("busybox:latest", mark, setup), "deploy", []any{"After", 0}, "replicas", 2, "health-timeout", timeout,
			"update", map[string]any{"parallelism": 1, "failure": "rollback"})
	}
	r.write(0, "undo", spec("1", "touch /tmp/ready", 5))
	st := r.waitStable("undo", 1, 30*time.Second)
	stable := supIDs(st)

	r.write(0, "undo", spec("2", "true", 1))
	st = r.wait("undo", 30*time.Second, "rolled back", func(st ServiceStatus, ok bool) bool {
		return len(st.History) == 2 && st.History[1].Outcome == OutcomeRolledBack
	})
	st = r.waitStable("undo", 1, 20*time.Second)
	if got := supIDs(st); len(got) != 2 || !(got[0] == stable[0] || got[0] == stable[1]) || !(got[1] == stable[0] || got[1] == stable[1]) {
		t.Errorf("the stable containers were replaced: %s", supDescribe(st))
	}
	if !strings.Contains(st.LastError, "not healthy") {
		t.Errorf("LastError %q", st.LastError)
	}
	// No retry of revision 2: wait past several backoffs.
	time.Sleep(1500 * time.Millisecond)
	st, _ = r.sup.Service("undo")
	for _, c := range st.Containers {
		if c.Revision == 2 {
			t.Errorf("revision 2 retried: %s", supDescribe(st))
		}
	}
	if st.State != Stable || st.Next != 0 {
		t.Errorf("after the rollback: %s", supDescribe(st))
	}
	// A newer spec deploys.
	r.write(0, "undo", spec("3", "touch /tmp/ready", 5))
	r.waitStable("undo", 3, 30*time.Second)
}

// Rollback(name, rev) redeploys a revision's spec as a new revision; rev 0 is the previous one.
func TestSupervisorRollbackAPI(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	v2 := r.h.BuildImage("rb2", "FROM busybox:latest\nLABEL v=2\n", nil)
	r.write(0, "rb", supSpec("busybox:latest", "1"))
	r.waitStable("rb", 1, 20*time.Second)
	r.write(0, "rb", supSpec(v2, "1"))
	r.waitStable("rb", 2, 20*time.Second)

	ctx := r.h.Ctx()
	if err := r.sup.Rollback(ctx, "rb", 9); err == nil {
		t.Errorf("rollback to a revision that does not exist succeeded")
	}
	if err := r.sup.Rollback(ctx, "rb", 1); err != nil {
		t.Fatal(err)
	}
	st := r.waitStable("rb", 3, 20*time.Second)
	if st.Image != "busybox:latest" || st.History[2].Hash != st.History[0].Hash {
		t.Errorf("revision 3 is not revision 1's spec: %s %+v", st.Image, st.History)
	}
	// rev 0: back to the previous one (revision 2, on v2).
	if err := r.sup.Rollback(ctx, "rb", 0); err != nil {
		t.Fatal(err)
	}
	st = r.waitStable("rb", 4, 20*time.Second)
	if st.Image != v2 {
		t.Errorf("rollback 0 went to %s, want %s", st.Image, v2)
	}
	// The spec file did not change: nothing else is deployed, even after a restart.
	r.restart()
	st = r.waitStable("rb", 4, 20*time.Second)
	time.Sleep(500 * time.Millisecond)
	if st, _ := r.sup.Service("rb"); st.Revision != 4 || st.Next != 0 {
		t.Errorf("after a restart: %s", supDescribe(st))
	}
	// Restart redeploys the same spec with new containers.
	before := supIDs(st)
	if err := r.sup.Restart(ctx, "rb"); err != nil {
		t.Fatal(err)
	}
	st = r.waitStable("rb", 5, 20*time.Second)
	if supIDs(st)[0] == before[0] || st.History[len(st.History)-1].Hash != st.History[len(st.History)-2].Hash {
		t.Errorf("restart: %s", supDescribe(st))
	}
	var unknown UnknownServiceError
	if err := r.sup.Rollback(ctx, "nope", 0); !errors.As(err, &unknown) {
		t.Errorf("rollback of an unknown service: %v", err)
	}
}

// failure keep, stop-first: the batch stopped an old container, the new one failed; the new
// one is removed, the old revision is restored to its full count and keeps serving, and the
// service retries the new revision with backoff (TryAgainNext).
func TestSupervisorFailureKeepRestores(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	spec := func(mark, setup string, timeout int) map[string]any {
		return supWith(supSpecCmd("busybox:latest", mark, setup), "replicas", 3, "health-timeout", timeout,
			"update", map[string]any{"parallelism": 1})
	}
	r.write(0, "restore", spec("1", "touch /tmp/ready", 5))
	r.waitStable("restore", 1, 30*time.Second)

	r.write(0, "restore", spec("2", "true", 1))
	st := r.waitEvent("restore", 30*time.Second, "TryAgainNext, restored", func(st ServiceStatus) bool {
		if st.State != TryAgainNext || len(st.Containers) != 3 || st.Healthy != 3 {
			return false
		}
		for _, c := range st.Containers {
			if c.Revision != 1 {
				return false
			}
		}
		return true
	})
	if st.Revision != 1 || st.Next != 2 || !strings.Contains(st.LastError, "not healthy") || st.History[1].Outcome != OutcomeFailed {
		t.Errorf("after the failed batch: %s", supDescribe(st))
	}
	stoppedFirst := false
	for _, tr := range st.Timeline {
		stoppedFirst = stoppedFirst || strings.HasPrefix(tr.Reason, "stop-first batch: stopping")
	}
	if !stoppedFirst {
		t.Errorf("the batch did not stop an old container first: %s", supDescribe(st))
	}
	// A good spec then rolls out.
	r.write(0, "restore", spec("3", "touch /tmp/ready", 5))
	r.waitStable("restore", 3, 60*time.Second)
	if cs := r.ours("restore"); len(cs) != 3 {
		t.Errorf("Docker has %d containers of the service, want 3", len(cs))
	}
}
