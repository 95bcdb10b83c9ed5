package docker_test

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestIndexStopAskedIsNoFailure: a container stopped through the engine's stop call (as `s`
// does) that ignores the stop signal exits 137, and the index does not count that a failure;
// the same 137 from a kill nobody asked to stop with still is, and so is any exit after the
// container was started again.
func TestIndexStopAskedIsNoFailure(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	// sleep as PID 1 ignores SIGTERM: the stop ends in SIGKILL, exit 137.
	sleeper := func() *container.Config { return &container.Config{Cmd: []string{"sleep", "300"}} }
	stopped := h.Run("stopped", sleeper(), nil)
	killed := h.Run("killed", sleeper(), nil)
	e2eAwait(t, ix, 20*time.Second, "both running", func(s docker.Snapshot) bool {
		return e2eHas(s, stopped, func(c docker.Container) bool { return c.State == "running" }) &&
			e2eHas(s, killed, func(c docker.Container) bool { return c.State == "running" })
	})

	if err := h.Engine.Stop(h.Ctx(), stopped, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := h.Engine.Kill(h.Ctx(), killed, ""); err != nil {
		t.Fatal(err)
	}
	s := e2eAwait(t, ix, 30*time.Second, "both exited 137", func(s docker.Snapshot) bool {
		return e2eHas(s, stopped, func(c docker.Container) bool { return c.State == "exited" && c.ExitCode == 137 }) &&
			e2eHas(s, killed, func(c docker.Container) bool { return c.State == "exited" && c.ExitCode == 137 })
	})
	for _, c := range s.Containers {
		switch c.ID {
		case stopped:
			if c.Failing() || !c.StopAsked || c.FailedExitCode() != 0 {
				t.Errorf("stopped as asked: Failing %v, StopAsked %v, FailedExitCode %d; want no failure", c.Failing(), c.StopAsked, c.FailedExitCode())
			}
		case killed:
			if !c.Failing() || c.StopAsked || c.FailedExitCode() != 137 {
				t.Errorf("killed: Failing %v, StopAsked %v, FailedExitCode %d; want a failure with 137", c.Failing(), c.StopAsked, c.FailedExitCode())
			}
		}
	}

	// Started again, the stop asked before no longer covers the next exit.
	if err := h.Engine.Start(h.Ctx(), stopped); err != nil {
		t.Fatal(err)
	}
	e2eAwait(t, ix, 20*time.Second, "running again", func(s docker.Snapshot) bool {
		return e2eHas(s, stopped, func(c docker.Container) bool { return c.State == "running" && !c.StopAsked })
	})
	if err := h.Engine.Kill(h.Ctx(), stopped, ""); err != nil {
		t.Fatal(err)
	}
	e2eAwait(t, ix, 20*time.Second, "killed after the restart, a failure", func(s docker.Snapshot) bool {
		return e2eHas(s, stopped, func(c docker.Container) bool { return c.State == "exited" && c.Failing() })
	})
}
