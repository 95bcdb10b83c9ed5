package containers

import (
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// fixtureDetail is the configuration an inspect of a fixture container returns: a command,
// mounts, a network with aliases, a health check, and an environment with secrets in it.
func fixtureDetail(c docker.Container) docker.ContainerDetail {
	now := testNow()
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

// fixtureStats are twelve samples of a busy minute: CPU climbing to a peak and back, memory
// growing.
func fixtureStats() []docker.Stats {
	cpu := []float64{2, 3, 5, 9, 14, 22, 35, 48, 41, 26, 12, 6}
	out := make([]docker.Stats, len(cpu))
	for i, c := range cpu {
		out[i] = docker.Stats{
			Time:       testNow().Add(time.Duration(i-len(cpu)) * time.Second),
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
