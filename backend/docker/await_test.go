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
