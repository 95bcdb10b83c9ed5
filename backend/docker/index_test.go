package docker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

func e2eHealthcheck(interval time.Duration) *container.HealthConfig {
	return &container.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: interval, Timeout: 5 * time.Second, Retries: 3}
}

func e2eHas(s docker.Snapshot, id string, cond func(docker.Container) bool) bool {
	for _, c := range s.Containers {
		if c.ID == id {
			return cond == nil || cond(c)
		}
	}
	return false
}

// TestIndexHealth: a container with a health check becomes healthy, and the index says so;
// so do Inspect and List (which on API 1.41 reads it from the status text).
func TestIndexHealth(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	id := h.Run("healthy", &container.Config{Cmd: []string{"sleep", "300"}, Healthcheck: e2eHealthcheck(500 * time.Millisecond)}, nil)

	s := e2eAwait(t, ix, 30*time.Second, "the container to be healthy", func(s docker.Snapshot) bool {
		return e2eHas(s, id, func(c docker.Container) bool { return c.Health == "healthy" })
	})
	if s.Status.State != docker.Connected {
		t.Errorf("status = %+v", s.Status)
	}
	c, err := h.Engine.Inspect(h.Ctx(), id)
	if err != nil || c.Health != "healthy" {
		t.Fatalf("inspect health = %q, %v", c.Health, err)
	}
	list, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{h.Label()}})
	if err != nil || len(list) != 1 || list[0].Health != "healthy" {
		t.Fatalf("list = %+v, %v; want one healthy container", list, err)
	}

	// A failing check turns it unhealthy.
	bad := h.Run("unhealthy", &container.Config{Cmd: []string{"sleep", "300"}, Healthcheck: &container.HealthConfig{
		Test: []string{"CMD-SHELL", "exit 1"}, Interval: 300 * time.Millisecond, Timeout: 5 * time.Second, Retries: 1,
	}}, nil)
	e2eAwait(t, ix, 30*time.Second, "the failing container to be unhealthy", func(s docker.Snapshot) bool {
		return e2eHas(s, bad, func(c docker.Container) bool { return c.Health == "unhealthy" })
	})

	// An index started now lists the health it finds.
	ix2 := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	e2eAwait(t, ix2, 30*time.Second, "a fresh index to list both healths", func(s docker.Snapshot) bool {
		return e2eHas(s, id, func(c docker.Container) bool { return c.Health == "healthy" }) &&
			e2eHas(s, bad, func(c docker.Container) bool { return c.Health == "unhealthy" })
	})
}

// TestIndexEvents: the index follows create, start, die, destroy; health-check execs do not
// count as events.
func TestIndexEvents(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	ix := e2eIndex(t, e, docker.IndexOptions{Labels: []string{h.Label()}})
	s0 := e2eAwait(t, ix, 30*time.Second, "connected", func(s docker.Snapshot) bool { return s.Status.State == docker.Connected })
	if len(s0.Containers) != 0 {
		t.Fatalf("a new test's index has containers: %s", e2eDescribe(s0))
	}
	sub := ix.Subscribe()
	defer sub.Close()

	id := h.Create("ev", e2eSleeper(), nil)
	s := e2eAwait(t, ix, 20*time.Second, "created", func(s docker.Snapshot) bool {
		return e2eHas(s, id, func(c docker.Container) bool { return c.State == "created" })
	})
	if c, _ := s.ByID(h.Name("ev")); c.ID != id || c.Labels[docker.LabelTest] != h.ID {
		t.Errorf("ByID(name) = %+v", c)
	}
	if c, ok := s.ByID(id[:8]); !ok || c.ID != id {
		t.Errorf("ByID(prefix) = %+v, %v", c, ok)
	}
	select {
	case <-sub.C:
	default:
		t.Error("the subscription was not signalled by the change")
	}

	if err := e.Start(h.Ctx(), id); err != nil {
		t.Fatal(err)
	}
	e2eAwait(t, ix, 20*time.Second, "running", func(s docker.Snapshot) bool {
		return e2eHas(s, id, func(c docker.Container) bool { return c.State == "running" && !c.StartedAt.IsZero() })
	})
	renamed := h.Name("ev-renamed")
	if err := e.Rename(h.Ctx(), id, renamed); err != nil {
		t.Fatal(err)
	}
	e2eAwait(t, ix, 20*time.Second, "renamed", func(s docker.Snapshot) bool {
		return e2eHas(s, id, func(c docker.Container) bool { return c.Name == renamed })
	})
	if err := e.Kill(h.Ctx(), id, ""); err != nil {
		t.Fatal(err)
	}
	e2eAwait(t, ix, 20*time.Second, "exited", func(s docker.Snapshot) bool {
		return e2eHas(s, id, func(c docker.Container) bool { return c.State == "exited" && c.ExitCode == 137 })
	})
	if err := e.Remove(h.Ctx(), id, docker.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	s = e2eAwait(t, ix, 20*time.Second, "gone", func(s docker.Snapshot) bool { return !e2eHas(s, id, nil) })
	// create, start, rename, kill, die, destroy: at least five, and not dozens.
	if s.Events < 5 || s.Events > 12 {
		t.Errorf("events after create/start/rename/kill/remove = %d, want 5..12", s.Events)
	}
	if s.Version <= s0.Version {
		t.Errorf("version %d did not grow from %d", s.Version, s0.Version)
	}

	// Health-check noise: a check every 200ms sends exec_create/exec_start/exec_die each time.
	hid := h.Run("noisy", &container.Config{Cmd: []string{"sleep", "300"}, Healthcheck: e2eHealthcheck(200 * time.Millisecond)}, nil)
	s = e2eAwait(t, ix, 20*time.Second, "noisy healthy", func(s docker.Snapshot) bool {
		return e2eHas(s, hid, func(c docker.Container) bool { return c.Health == "healthy" })
	})
	base, mark := s.Events, time.Now()
	// Wait (by the engine's own record) for at least five more checks to have run.
	e2eEventually(t, 20*time.Second, "five more health checks", func() (bool, string) {
		raw, err := e.InspectRaw(h.Ctx(), hid)
		if err != nil || raw.State == nil || raw.State.Health == nil {
			return false, "no health state"
		}
		n := 0
		for _, r := range raw.State.Health.Log {
			if r.Start.After(mark) {
				n++
			}
		}
		return n >= 5, fmt.Sprint("checks since mark: ", n)
	})
	if got := ix.Snapshot().Events; got != base {
		t.Errorf("five health checks added %d events to the index, want none", got-base)
	}
}

// TestIndexLabelFilter: an index restricted by labels neither lists nor follows other containers.
func TestIndexLabelFilter(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	watched := h.Label()
	other := h.Create("other-before", &container.Config{Cmd: []string{"sleep", "300"}, Labels: map[string]string{"role": "other"}}, nil)
	mine := h.Create("mine-before", &container.Config{Cmd: []string{"sleep", "300"}, Labels: map[string]string{"role": "mine"}}, nil)

	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{watched, "role=mine"}})
	s := e2eAwait(t, ix, 20*time.Second, "the listed container", func(s docker.Snapshot) bool { return e2eHas(s, mine, nil) })
	if e2eHas(s, other, nil) || len(s.Containers) != 1 {
		t.Fatalf("filtered list = %s", e2eDescribe(s))
	}

	// Events: the other container changes first, then mine; once mine's change is in, the
	// other's, earlier, would have been too.
	if err := h.Engine.Start(h.Ctx(), other); err != nil {
		t.Fatal(err)
	}
	other2 := h.Run("other-after", &container.Config{Cmd: []string{"sleep", "300"}, Labels: map[string]string{"role": "other"}}, nil)
	if err := h.Engine.Start(h.Ctx(), mine); err != nil {
		t.Fatal(err)
	}
	s = e2eAwait(t, ix, 20*time.Second, "mine running", func(s docker.Snapshot) bool {
		return e2eHas(s, mine, func(c docker.Container) bool { return c.State == "running" })
	})
	if e2eHas(s, other, nil) || e2eHas(s, other2, nil) || len(s.Containers) != 1 {
		t.Fatalf("the filtered index took in other containers: %s", e2eDescribe(s))
	}
	// Only mine's start counted.
	if s.Events != 1 {
		t.Errorf("events = %d, want 1 (mine's start)", s.Events)
	}

	// An unfiltered index sees them all.
	all := e2eIndex(t, h.Engine, docker.IndexOptions{})
	e2eAwait(t, all, 20*time.Second, "every container", func(s docker.Snapshot) bool {
		return e2eHas(s, mine, nil) && e2eHas(s, other, nil) && e2eHas(s, other2, nil)
	})
}

// TestIndexAwaitContext: Await gives up with its context.
func TestIndexAwaitContext(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := ix.Await(ctx, func(docker.Snapshot) bool { return false }); err == nil {
		t.Fatal("Await of a condition that never holds returned no error")
	}
}

// TestIndexAwaitExecEnd: each health probe the engine runs ends an exec, and AwaitExecEnd
// follows them one by one, with the probe's result in the container's inspect by then; the
// probes add no event and no version to the snapshot.
func TestIndexAwaitExecEnd(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	e2eAwait(t, ix, 30*time.Second, "connected", func(s docker.Snapshot) bool { return s.Status.State == docker.Connected })
	id := h.Run("probed", &container.Config{Cmd: []string{"sleep", "300"}, Healthcheck: e2eHealthcheck(300 * time.Millisecond)}, nil)

	ctx, cancel := context.WithTimeout(h.Ctx(), 30*time.Second)
	defer cancel()
	n, err := ix.AwaitExecEnd(ctx, id, 0)
	if err != nil || n == 0 {
		t.Fatalf("AwaitExecEnd(0) = %d, %v; want the first probe", n, err)
	}
	d, err := h.Engine.InspectDetail(ctx, id)
	if err != nil || d.HealthLast == nil {
		t.Fatalf("inspect after the first probe: %+v, %v", d.HealthLast, err)
	}
	first, before := d.HealthLast.End, ix.Snapshot()
	m, err := ix.AwaitExecEnd(ctx, id, n)
	if err != nil || m <= n {
		t.Fatalf("AwaitExecEnd(%d) = %d, %v; want a later probe", n, m, err)
	}
	e2eEventually(t, 10*time.Second, "the newer probe in inspect", func() (bool, string) {
		d, err := h.Engine.InspectDetail(ctx, id)
		if err != nil || d.HealthLast == nil {
			return false, fmt.Sprint(err)
		}
		return d.HealthLast.End.After(first), d.HealthLast.End.String()
	})
	if after := ix.Snapshot(); after.Events != before.Events {
		t.Errorf("probes added %d events to the snapshot", after.Events-before.Events)
	}

	short, stop := context.WithTimeout(h.Ctx(), 50*time.Millisecond)
	defer stop()
	if _, err := ix.AwaitExecEnd(short, "no-such-container", 0); err == nil {
		t.Error("AwaitExecEnd on a container without execs returned before its context ended")
	}
}
