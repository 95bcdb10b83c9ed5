package modeltest

// The fixed data set of the model's and the tabs' tests: eight containers in two compose
// projects and two standalone ones, their inspect details and stats samples, at a fixed clock.

import (
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Now is the fixed clock of every model test.
func Now() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// ComposeLabels are the labels Compose puts on a service's container.
func ComposeLabels(project, service string) map[string]string {
	return map[string]string{docker.LabelComposeProject: project, docker.LabelComposeService: service}
}

// Fixture is the fixed data set: two compose projects and two standalone containers, one of
// them unhealthy, one exited non-zero, one known only from docker's list (Status text).
func Fixture() []docker.Container {
	now := Now()
	cs := []docker.Container{
		{ID: "a1a1a1a1a1a1a1a1", Name: "shop-api-1", Image: "ghcr.io/podium/shop-api:1.4.2", State: "running", Health: "healthy",
			StartedAt: now.Add(-3 * time.Minute), Labels: ComposeLabels("shop", "api"),
			Ports: []docker.Port{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}},
		{ID: "d2d2d2d2d2d2d2d2", Name: "shop-db-1", Image: "postgres:16-alpine", State: "running", Health: "unhealthy",
			StartedAt: now.Add(-2 * time.Hour), Labels: ComposeLabels("shop", "db"),
			Ports: []docker.Port{{HostIP: "127.0.0.1", HostPort: 5432, ContainerPort: 5432, Proto: "tcp"}}},
		{ID: "e3e3e3e3e3e3e3e3", Name: "shop-worker-1", Image: "shop-worker:dev", State: "running",
			StartedAt: now.Add(-47 * time.Minute), Labels: ComposeLabels("shop", "worker")},
		{ID: "e4e4e4e4e4e4e4e4", Name: "shop-worker-2", Image: "shop-worker:dev", State: "running",
			StartedAt: now.Add(-12 * time.Minute), Labels: ComposeLabels("shop", "worker")},
		{ID: "b5b5b5b5b5b5b5b5", Name: "blog-web-1", Image: "nginx:1.27-alpine", State: "exited", ExitCode: 1,
			StartedAt: now.Add(-3 * time.Hour), FinishedAt: now.Add(-5 * time.Minute), Labels: ComposeLabels("blog", "web")},
		{ID: "b6b6b6b6b6b6b6b6", Name: "blog-cache-1", Image: "redis:7", State: "running", Status: "Up 2 days",
			Labels: ComposeLabels("blog", "cache")},
		{ID: "f7f7f7f7f7f7f7f7", Name: "registry", Image: "registry:2", State: "running",
			StartedAt: now.Add(-5 * 24 * time.Hour), Ports: []docker.Port{
				{HostIP: "0.0.0.0", HostPort: 5000, ContainerPort: 5000, Proto: "tcp"},
				{HostIP: "::", HostPort: 5000, ContainerPort: 5000, Proto: "tcp"}}},
		{ID: "f8f8f8f8f8f8f8f8", Name: "scratch", Image: "busybox:latest", State: "created",
			Created: now.Add(-time.Hour)},
	}
	docker.SortContainers(cs)
	return cs
}

// Connected is a snapshot of cs from an engine connected for an hour.
func Connected(cs []docker.Container) docker.Snapshot {
	return docker.Snapshot{Containers: cs, Status: docker.Status{State: docker.Connected, Since: Now().Add(-time.Hour)}, Version: 1}
}

// NewFixture is the fake backend over the fixed data set, with FixtureDetail's inspect and
// FixtureStats' samples: what the model's and the Containers tab's tests start from.
func NewFixture() *Containers {
	f := NewContainers(Connected(Fixture()))
	f.Detail, f.StatsSamples = FixtureDetail, FixtureStats()
	return f
}

// FixtureDetail is the configuration an inspect of a fixture container returns: a command,
// mounts, a network with aliases, a health check, and an environment with secrets in it.
func FixtureDetail(c docker.Container) docker.ContainerDetail {
	now := Now()
	if c.Created.IsZero() {
		c.Created = now.Add(-26 * time.Hour)
	}
	if c.ImageID == "" {
		c.ImageID = "sha256:5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a2c4e6b8d0f"
	}
	svc := c.Service()
	if svc == "" {
		svc = c.Name
	}
	labels := map[string]string{}
	for k, v := range c.Labels {
		labels[k] = v
	}
	c.Labels = labels
	c.Labels["org.opencontainers.image.version"] = "1.4.2"
	c.Labels["io.podium.webhook-secret"] = "s3cr3t-label"
	d := docker.ContainerDetail{
		Container:  c,
		Entrypoint: []string{"/docker-entrypoint.sh"},
		Cmd:        []string{"/app/" + svc, "serve", "--port", "80"},
		WorkingDir: "/app",
		User:       "app",
		Restart:    "unless-stopped",
		Env: []string{
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"DB_PASSWORD=hunter2",
			"DATABASE_URL=postgres://db:5432/shop",
			"API_KEY=sk-live-0123456789",
			"MONKEY=banana",
			"GITHUB_TOKEN=ghp_abcdef",
			"LOG_LEVEL=info",
			"EMPTY_SECRET=",
		},
		Mounts: []docker.Mount{
			{Type: "volume", Name: "shop_uploads", Source: "/var/lib/docker/volumes/shop_uploads/_data", Destination: "/app/uploads"},
			{Type: "bind", Source: "/srv/shop/config", Destination: "/etc/shop", ReadOnly: true},
		},
		Attached: []docker.NetworkEndpoint{{Network: "shop_default", IP: "172.18.0.5", Aliases: []string{svc, c.Name}}},
	}
	if c.Health != "" {
		d.Healthcheck = &docker.Healthcheck{Test: []string{"CMD-SHELL", "wget -qO- http://localhost/healthz"},
			Interval: 10 * time.Second, Timeout: 3 * time.Second, Retries: 3}
		d.HealthLast = &docker.HealthResult{Start: now.Add(-8 * time.Second), End: now.Add(-8*time.Second + 40*time.Millisecond), Output: "ok"}
		if c.Health == "unhealthy" {
			d.HealthLast.ExitCode, d.HealthLast.Output, d.FailingStreak = 1, "wget: server returned error: HTTP/1.1 503", 4
		}
	}
	return d
}

// FixtureStats are twelve samples of a busy minute: CPU climbing to a peak and back, memory
// growing.
func FixtureStats() []docker.Stats {
	cpu := []float64{2, 3, 5, 9, 14, 22, 35, 48, 41, 26, 12, 6}
	out := make([]docker.Stats, len(cpu))
	for i, c := range cpu {
		out[i] = docker.Stats{
			Time:       Now().Add(time.Duration(i-len(cpu)) * time.Second),
			CPUPercent: c,
			MemUsage:   uint64(40+i*2) << 20,
			MemLimit:   512 << 20,
			NetRx:      1_200_000 + uint64(i)*1000,
			NetTx:      340_000 + uint64(i)*500,
			BlockRead:  4_100_000,
			BlockWrite: 8192,
			PIDs:       7,
		}
	}
	return out
}
