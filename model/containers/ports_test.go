package containers

import (
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/modeltest"
)

// demoLike is what the Containers tab holds while `make demo` runs: the demo's pods, its two
// supervised services and the ci pipeline's containers, with the long names and images they
// have on the engine.
func demoLike() []docker.Container {
	now := testNow()
	web := docker.Port{HostIP: "127.0.0.1", HostPort: 32841, ContainerPort: 8080, Proto: "tcp"}
	api := docker.Port{HostIP: "127.0.0.1", HostPort: 49153, ContainerPort: 8080, Proto: "tcp"}
	cs := []docker.Container{
		{ID: "c1c1c1c1c1c1c1c1", Name: "demo-db-1", Image: "busybox:latest", State: "running", StartedAt: now.Add(-2 * time.Minute), Labels: composeLabels("demo", "db")},
		{ID: "c2c2c2c2c2c2c2c2", Name: "demo-web-1", Image: "busybox:latest", State: "running", Health: "healthy", StartedAt: now.Add(-2 * time.Minute), Labels: composeLabels("demo", "web"), Ports: []docker.Port{web}},
		{ID: "c3c3c3c3c3c3c3c3", Name: "demo-worker-1", Image: "busybox:latest", State: "running", StartedAt: now.Add(-2 * time.Minute), Labels: composeLabels("demo", "worker")},
		{ID: "c4c4c4c4c4c4c4c4", Name: "api-1-1-fadf", Image: "busybox:latest", State: "running", Health: "healthy", StartedAt: now.Add(-time.Minute), Ports: []docker.Port{api}},
		{ID: "c5c5c5c5c5c5c5c5", Name: "workers-1-1-c943", Image: "busybox:latest", State: "running", Health: "healthy", StartedAt: now.Add(-time.Minute)},
		{ID: "c6c6c6c6c6c6c6c6", Name: "podium-ci-pool-3f9a2c-test-integration", Image: "podium-image/ci-base:7d41e0c2b9aa", State: "exited", ExitCode: 0,
			StartedAt: now.Add(-9 * time.Minute), FinishedAt: now.Add(-5 * time.Minute)},
	}
	docker.SortContainers(cs)
	return cs
}

// TestPortsShownAt80And200 checks that the PORTS column stays on screen, its ports whole,
// at 80 columns (the list alone) and at 200 (the list beside the detail), the other columns
// giving way instead.
func TestPortsShownAt80And200(t *testing.T) {
	sets := map[string]struct {
		cs    []docker.Container
		ports []string
	}{
		"fixture": {fixture(), []string{"127.0.0.1:8080->80", "127.0.0.1:5432->5432"}},
		"demo":    {demoLike(), []string{"127.0.0.1:32841->8080", "127.0.0.1:49153->8080"}},
	}
	for name, set := range sets {
		for _, w := range []int{80, 200} {
			m := newTab(t, modeltest.NewContainers(connected(set.cs)), w, 30)
			sc := screen(m)
			if !strings.Contains(sc, "PORTS") {
				t.Errorf("%s at %d columns: no PORTS column:\n%s", name, w, sc)
				continue
			}
			for _, p := range set.ports {
				if !strings.Contains(sc, p) {
					t.Errorf("%s at %d columns: port %s not shown whole:\n%s", name, w, p, sc)
				}
			}
		}
	}
}
