package docker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestAwaitContainer follows a container through events: it reaches healthy, and a wait for
// something that cannot happen any more ends with the check's error when the container dies.
func TestAwaitContainer(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ctx := h.Ctx()
	id := h.Run("await", &container.Config{Cmd: []string{"sh", "-c", "sleep 2; exit 3"}, Healthcheck: e2eHealthcheck(300 * time.Millisecond)}, nil)

	checks := 0
	c, err := h.Engine.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		checks++
		return c.Health == "healthy", nil
	})
	if err != nil || c.Health != "healthy" {
		t.Fatalf("await healthy: %+v, %v", c.Health, err)
	}
	// Events, not polling: a handful of inspects, not one per few milliseconds.
	if checks > 10 {
		t.Fatalf("%d checks to see one health change", checks)
	}

	errExited := errors.New("exited")
	c, err = h.Engine.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		if !c.Running() {
			return false, errExited
		}
		return false, nil
	})
	if !errors.Is(err, errExited) || c.ExitCode != 3 {
		t.Fatalf("await exit: code %d, %v", c.ExitCode, err)
	}

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := h.Engine.AwaitContainer(short, id, func(docker.Container) (bool, error) { return false, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("await with a deadline: %v", err)
	}
}

// TestIndexAwaitContainer is TestAwaitContainer over an index: the same verdicts, woken by
// the index's one events stream, and a removed container ends the wait.
func TestIndexAwaitContainer(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ctx := h.Ctx()
	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	id := h.Run("ixawait", &container.Config{Cmd: []string{"sh", "-c", "sleep 2; exit 3"}, Healthcheck: e2eHealthcheck(300 * time.Millisecond)}, nil)

	checks := 0
	c, err := ix.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		checks++
		return c.Health == "healthy", nil
	})
	if err != nil || c.Health != "healthy" {
		t.Fatalf("await healthy: %+v, %v", c.Health, err)
	}
	if checks > 10 {
		t.Fatalf("%d checks to see one health change", checks)
	}

	errExited := errors.New("exited")
	c, err = ix.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		if !c.Running() {
			return false, errExited
		}
		return false, nil
	})
	if !errors.Is(err, errExited) || c.ExitCode != 3 {
		t.Fatalf("await exit: code %d, %v", c.ExitCode, err)
	}

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := ix.AwaitContainer(short, id, func(docker.Container) (bool, error) { return false, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("await with a deadline: %v", err)
	}

	// A wait that nothing satisfies ends when the container is removed.
	gone := make(chan error, 1)
	go func() {
		_, err := ix.AwaitContainer(ctx, id, func(docker.Container) (bool, error) { return false, nil })
		gone <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := h.Engine.Remove(ctx, id, docker.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-gone:
		if !docker.IsNotFound(err) {
			t.Fatalf("await of a removed container: %v, want not found", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the wait did not end when the container was removed")
	}
}

// TestIndexAwaitContainerNotFollowed: a container the index does not follow (its labels do not
// match the index's) is still waited on, through the engine's own subscription.
func TestIndexAwaitContainerNotFollowed(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	ix := e2eIndex(t, h.Engine, docker.IndexOptions{Labels: []string{h.Label(), "dev.podium.test-never=set"}})
	id := h.Run("ixother", &container.Config{Cmd: []string{"sh", "-c", "sleep 1; exit 3"}}, nil)
	errExited := errors.New("exited")
	// Without the fallback nothing would wake the wait: it would end at this deadline.
	ctx, cancel := context.WithTimeout(h.Ctx(), 30*time.Second)
	defer cancel()
	c, err := ix.AwaitContainer(ctx, id, func(c docker.Container) (bool, error) {
		if !c.Running() {
			return false, errExited
		}
		return false, nil
	})
	if !errors.Is(err, errExited) || c.ExitCode != 3 {
		t.Fatalf("await exit of a container the index does not hold: code %d, %v", c.ExitCode, err)
	}
}
