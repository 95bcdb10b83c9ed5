package supervisor

import (
	"testing"
	"time"
)

// TestSupervisorMinHealthy: a container without a health check counts as healthy once it has
// run for min-healthy, no sooner; with replicas and After it rolls like any other.
func TestSupervisorMinHealthy(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	plain := func(mark string) map[string]any {
		return map[string]any{
			"spec": map[string]any{
				"Image": "busybox:latest",
				"Cmd":   []string{"sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"},
				"Env":   []string{"MARK=" + mark},
			},
			"replicas":       2,
			"deploy":         []any{"After", 0},
			"min-healthy":    "1500ms",
			"health-timeout": 10,
			"stop-timeout":   1,
		}
	}
	r.write(0, "plain", plain("1"))
	r.start()
	st := r.waitStable("plain", 1, 30*time.Second)
	if len(st.Containers) != 2 {
		t.Fatalf("want 2 containers: %s", supDescribe(st))
	}
	for _, c := range st.Containers {
		if st.StableAt.Sub(c.StartedAt) < 1500*time.Millisecond {
			t.Errorf("%s counted healthy %s after it started, before min-healthy", c.Name, st.StableAt.Sub(c.StartedAt))
		}
	}
	r.write(0, "plain", plain("2"))
	st = r.waitStable("plain", 2, 30*time.Second)
	if len(st.Containers) != 2 || st.Containers[0].Revision != 2 || st.Containers[1].Revision != 2 {
		t.Fatalf("after the rolling deploy: %s", supDescribe(st))
	}
}
