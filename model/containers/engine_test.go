package containers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestEngineInspectAndStats runs a busy busybox container on the real engine and reads it as
// the Config, Env and Stats sub-tabs do: the inspect has what the container was created with
// (and its health check's result), and the stats are live samples that end with the container.
func TestEngineInspectAndStats(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	b := docker.NewLive(h.Engine, nil)
	id := h.Run("detail", &container.Config{
		Cmd:        []string{"sh", "-c", "while :; do :; done"},
		Env:        []string{"DB_PASSWORD=hunter2", "GREETING=hello"},
		WorkingDir: "/tmp",
		User:       "65534:65534",
		Healthcheck: &container.HealthConfig{Test: []string{"CMD-SHELL", "echo probe-ok"},
			Interval: 300 * time.Millisecond, Timeout: 5 * time.Second, Retries: 3},
	}, &container.HostConfig{
		RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 2},
		Mounts:        []mount.Mount{{Type: mount.TypeTmpfs, Target: "/scratch"}},
	})
	if _, err := h.Engine.AwaitContainer(h.Ctx(), id, func(c docker.Container) (bool, error) {
		return c.Health == "healthy", nil
	}); err != nil {
		t.Fatalf("the container never became healthy: %v", err)
	}

	d, err := b.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != id || d.Image != enginetest.Busybox || !strings.HasPrefix(d.ImageID, "sha256:") || d.State != "running" {
		t.Errorf("inspect: id %s image %q (%s) state %s", d.ID, d.Image, d.ImageID, d.State)
	}
	if !slices.Equal(d.Cmd, []string{"sh", "-c", "while :; do :; done"}) || d.WorkingDir != "/tmp" || d.User != "65534:65534" {
		t.Errorf("inspect: cmd %q workdir %q user %q", d.Cmd, d.WorkingDir, d.User)
	}
	if d.Restart != "on-failure:2" {
		t.Errorf("restart policy %q, want on-failure:2", d.Restart)
	}
	for _, kv := range []string{"DB_PASSWORD=hunter2", "GREETING=hello"} {
		if !slices.Contains(d.Env, kv) {
			t.Errorf("env %q lacks %s", d.Env, kv)
		}
	}
	if !slices.ContainsFunc(d.Env, func(kv string) bool { return strings.HasPrefix(kv, "PATH=") }) {
		t.Errorf("env %q lacks the image's PATH", d.Env)
	}
	if len(d.Mounts) != 1 || d.Mounts[0].Type != "tmpfs" || d.Mounts[0].Destination != "/scratch" {
		t.Errorf("mounts %+v", d.Mounts)
	}
	if len(d.Attached) == 0 || d.Attached[0].IP == "" {
		t.Errorf("networks %+v: want one with an address", d.Attached)
	}
	if d.Healthcheck == nil || d.Healthcheck.Test[1] != "echo probe-ok" || d.Healthcheck.Retries != 3 {
		t.Errorf("health check %+v", d.Healthcheck)
	}
	if l := d.HealthLast; l == nil || l.ExitCode != 0 || l.Output != "probe-ok" || l.End.Before(l.Start) {
		t.Errorf("last health result %+v", d.HealthLast)
	}
	if d.Labels[docker.LabelTest] != h.ID || d.StartedAt.IsZero() || d.Created.IsZero() {
		t.Errorf("labels %v, started %v, created %v", d.Labels, d.StartedAt, d.Created)
	}

	// Stats: live samples of a busy process, then the end of the stream when it stops.
	ctx, cancel := context.WithCancel(h.Ctx())
	defer cancel()
	samples := make(chan docker.Stats, 16)
	ended := make(chan error, 1)
	go func() {
		ended <- b.Stats(ctx, id, func(s docker.Stats) {
			select {
			case samples <- s:
			default:
			}
		})
	}()
	var s docker.Stats
	select {
	case s = <-samples:
	case err := <-ended:
		t.Fatalf("stats ended before a sample: %v", err)
	case <-ctx.Done():
		t.Fatal("no stats sample")
	}
	if s.Time.IsZero() || s.CPUPercent <= 0 || s.MemUsage == 0 || s.MemLimit < s.MemUsage || s.PIDs == 0 {
		t.Errorf("sample %+v: want a time, CPU in use, memory under its limit, processes", s)
	}
	if err := h.Engine.Stop(h.Ctx(), id, 0); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("stats of a stopped container: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the stats stream outlived its container")
	}

	if _, err := b.Inspect(h.Ctx(), "podium-no-such-container"); err == nil || !docker.IsNotFound(err) {
		t.Errorf("inspect of a missing container: %v", err)
	}
}
