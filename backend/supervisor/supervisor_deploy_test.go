package supervisor

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Before (condo's default): the old container is stopped and removed before the new one is
// created; the service is Wait in between, then Stable.
func TestSupervisorBeforeDeploy(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "before", supSpec("busybox:latest", "1"))
	st := r.waitStable("before", 1, 20*time.Second)
	old := st.Containers[0]
	if !strings.HasPrefix(old.Name, "before-1-1-") {
		t.Errorf("container name %q, want before-1-1-<hex>", old.Name)
	}

	r.write(0, "before", supSpec("busybox:latest", "2"))
	st = r.waitStable("before", 2, 20*time.Second)
	if st.Containers[0].ID == old.ID {
		t.Fatalf("still the old container")
	}
	// The order: revision 2 is created first (so a deploy that cannot start stops nothing), but
	// it starts only once the old container is gone: never both running.
	removedAt, startedAt := -1, -1
	for i, ev := range r.recorded() {
		if ev.Service != "before" {
			continue
		}
		hasOld := slices.ContainsFunc(ev.Status.Containers, func(c ContainerStatus) bool { return c.ID == old.ID })
		newRunning := slices.ContainsFunc(ev.Status.Containers, func(c ContainerStatus) bool { return c.Revision == 2 && c.State == "running" })
		if removedAt < 0 && !hasOld && i > 0 && ev.Status.Next == 2 {
			removedAt = i
		}
		if startedAt < 0 && newRunning {
			startedAt = i
			if hasOld {
				t.Errorf("revision 2 started while the old container was still there: %s", supDescribe(ev.Status))
			}
		}
	}
	if removedAt < 0 || startedAt < 0 || removedAt > startedAt {
		t.Errorf("old removed at event %d, new started at event %d", removedAt, startedAt)
	}
	if cs := r.ours("before"); len(cs) != 1 || cs[0].ID != st.Containers[0].ID {
		t.Errorf("Docker has %d containers of the service, want only the new one", len(cs))
	}
	sawWait := false
	for _, tr := range st.Timeline {
		sawWait = sawWait || (tr.From == Stable && tr.To == Wait)
	}
	if !sawWait {
		t.Errorf("no Stable → Wait transition in the timeline:\n%s", supDescribe(st))
	}
	if st.History[0].Outcome != OutcomeReplaced || st.History[1].Outcome != OutcomeStable {
		t.Errorf("history outcomes %q, %q", st.History[0].Outcome, st.History[1].Outcome)
	}

	// The state file says Stable at revision 2 with that container.
	var doc stateDoc
	data, err := os.ReadFile(r.state)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	rec := doc.Services["before"]
	if rec.State != Stable || rec.Current != 2 || len(rec.Containers) != 1 || rec.Containers[0].ID != st.Containers[0].ID {
		t.Errorf("state file: %+v", rec)
	}
}

// After n (start-first): the new container starts beside the old one; the old one keeps
// running until the new one is healthy plus the delay, then it is stopped and removed.
// StableAt stays the old revision's through WaitNext.
func TestSupervisorAfterDeploy(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	v2 := r.h.BuildImage("v2", "FROM busybox:latest\nLABEL v=2\n", nil)
	r.start()
	r.write(0, "after", supWith(supSpec("busybox:latest", "1"), "deploy", []any{"After", 1}))
	st := r.waitStable("after", 1, 20*time.Second)
	old, stableAt := st.Containers[0].ID, st.StableAt

	r.write(0, "after", supWith(supSpec(v2, "1"), "deploy", []any{"After", 1}))
	st = r.waitStable("after", 2, 20*time.Second)
	if st.Image != v2 || st.Containers[0].ID == old {
		t.Fatalf("not on the new image: %s", supDescribe(st))
	}
	if !st.StableAt.After(stableAt) {
		t.Errorf("StableAt %v not after revision 1's %v", st.StableAt, stableAt)
	}
	var healthyAt, goneAt time.Time
	sawDrain, sawWaitNext := false, false
	for _, ev := range r.recorded() {
		if ev.Service != "after" || ev.Status.Next != 2 && ev.Status.Revision != 2 {
			continue
		}
		s := ev.Status
		if s.State == WaitNext {
			sawWaitNext = true
			if !s.StableAt.Equal(stableAt) {
				t.Errorf("during WaitNext StableAt is %v, want revision 1's %v", s.StableAt, stableAt)
			}
		}
		hasOld := slices.ContainsFunc(s.Containers, func(c ContainerStatus) bool { return c.ID == old })
		newHealthy := slices.ContainsFunc(s.Containers, func(c ContainerStatus) bool { return c.Revision == 2 && c.Healthy })
		if healthyAt.IsZero() && newHealthy {
			healthyAt = ev.Transition.At
		}
		if goneAt.IsZero() && !hasOld {
			goneAt = ev.Transition.At
			if healthyAt.IsZero() {
				t.Errorf("old container gone before the new one was healthy: %s", supDescribe(s))
			}
		}
		sawDrain = sawDrain || !s.DrainUntil.IsZero()
	}
	if !sawWaitNext || !sawDrain {
		t.Errorf("saw WaitNext %v, a drain deadline %v", sawWaitNext, sawDrain)
	}
	if d := goneAt.Sub(healthyAt); d < time.Second {
		t.Errorf("old container removed %s after the new one was healthy, want ≥ 1s (the After delay)", d)
	}
	if cs := r.ours("after"); len(cs) != 1 || cs[0].ID != st.Containers[0].ID {
		t.Errorf("Docker has %d containers of the service, want only the new one", len(cs))
	}
}

// A bad image tag during After: the pull fails, the service is TryAgainNext with the error and
// retries with backoff while the old container keeps serving; a good spec then deploys.
func TestSupervisorAfterBadImageKeepsOld(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "badtag", supWith(supSpec("busybox:latest", "1"), "deploy", []any{"After", 0}))
	st := r.waitStable("badtag", 1, 20*time.Second)
	old := st.Containers[0].ID

	r.write(0, "badtag", supWith(supSpec("podium-test/no-such-image:nope", "1"), "deploy", []any{"After", 0}))
	st = r.waitState("badtag", TryAgainNext, 20*time.Second)
	if !strings.Contains(st.LastError, "podium-test/no-such-image:nope") || st.RetryAt.IsZero() || st.Revision != 1 || st.Next != 2 {
		t.Errorf("TryAgainNext without the pull error, a retry time, or the right revisions: %s", supDescribe(st))
	}
	// It retries (TryAgainNext → WaitNext → TryAgainNext), and the old container keeps running.
	retried := r.wait("badtag", 10*time.Second, "retried", func(st ServiceStatus, ok bool) bool {
		n := 0
		for _, tr := range st.Timeline {
			if tr.From == TryAgainNext && tr.To != TryAgainNext {
				n++
			}
		}
		return n >= 2 && st.State == TryAgainNext
	})
	if len(retried.Containers) != 1 || retried.Containers[0].ID != old {
		t.Errorf("the old container is not the only one: %s", supDescribe(retried))
	}
	if c, err := r.h.Engine.Inspect(r.h.Ctx(), old); err != nil || c.State != "running" {
		t.Errorf("old container not running: %v %s", err, c.State)
	}
	// How the retries back off (doubling, capped, ±20% jitter) is retryDelay's unit test: the
	// wall-clock gaps here carry that jitter and the engine's own latency, so they prove nothing.

	r.write(0, "badtag", supWith(supSpec("busybox:latest", "3"), "deploy", []any{"After", 0}))
	st = r.waitStable("badtag", 3, 20*time.Second)
	if st.LastError != "" || st.Containers[0].ID == old {
		t.Errorf("after the good spec: %s", supDescribe(st))
	}
	if h := st.History; len(h) != 3 || h[1].Outcome != OutcomeReplaced && h[1].Outcome != OutcomeFailed {
		t.Errorf("history: %+v", h)
	}
}

// A container that never becomes healthy: after health-timeout it is stopped and removed, the
// service is TryAgain with a backed-off retry, and it tries again.
func TestSupervisorHealthTimeout(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "sick", supWith(supSpecCmd("busybox:latest", "1", "true"), "health-timeout", 1))
	st := r.waitState("sick", TryAgain, 20*time.Second)
	if !strings.Contains(st.LastError, "not healthy within 1s") || st.RetryAt.IsZero() {
		t.Errorf("TryAgain without the health error or a retry time: %s", supDescribe(st))
	}
	failed := ""
	for _, tr := range st.Timeline {
		if strings.HasPrefix(tr.Reason, "started ") {
			failed = strings.Fields(tr.Reason)[1]
		}
	}
	// The failed container is removed, and the service tries again with a new one.
	r.wait("sick", 10*time.Second, "retrying with a new container", func(st ServiceStatus, ok bool) bool {
		for _, c := range st.Containers {
			if c.Name == failed {
				return false
			}
		}
		n := 0
		for _, tr := range st.Timeline {
			if tr.From == TryAgain && tr.To == Wait {
				n++
			}
		}
		return n >= 1
	})
	for _, c := range r.ours("sick") {
		if c.Name == failed {
			t.Errorf("failed container %s still exists (%s)", failed, c.State)
		}
	}
}
