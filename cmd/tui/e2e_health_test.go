package main

import (
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIConfigFollowsHealthChecks runs the real binary in tmux against the real engine: the
// Containers tab's Config sub-tab of a container whose health probe prints a new number each
// time shows the newest probe's output, probe after probe, while the health stays "healthy".
func TestTUIConfigFollowsHealthChecks(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	name := h.Name("probed")
	probe := `n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; echo probe-$n`
	h.Run("probed", &container.Config{Cmd: []string{"sleep", "300"}, Healthcheck: &container.HealthConfig{
		Test: []string{"CMD-SHELL", probe}, Interval: 500 * time.Millisecond, Timeout: 5 * time.Second, Retries: 3,
	}}, nil)

	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 50, env, bin, "-H", h.Engine.Endpoint().Host, "--workspace", t.TempDir())
	s.waitText("connected", 20*time.Second)
	s.keys("4", "/")
	s.typeText(name)
	s.keys("Enter")
	s.waitText(name, 20*time.Second)
	s.keys("]") // Config
	s.waitText("Last check", 20*time.Second)

	re := regexp.MustCompile(`probe-(\d+)`)
	shown := func(sc string) int {
		m := re.FindStringSubmatch(sc)
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	first := shown(s.waitFor("a probe's output in Config", 20*time.Second, func(sc string) bool { return shown(sc) > 0 }))
	s.waitFor("Config to follow three more probes", 30*time.Second, func(sc string) bool { return shown(sc) >= first+3 })
}
