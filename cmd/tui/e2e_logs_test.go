package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// firstLogLine is the number of the first "line N" the screen shows, -1 for none.
func firstLogLine(screen string) int {
	m := regexp.MustCompile(`(?m)\bline (\d+)\s*$`).FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestTUILogsWholeTruth runs the real binary in tmux on a container that printed 3,000
// lines: the log pane holds the last 200 and its title says more exist; scrolling up past the
// oldest line held reads the older ones from the engine (line 2,800 comes into view and the
// title counts 3,000); g goes to line 1; ctrl+s saves all 3,000 lines.
func TestTUILogsWholeTruth(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	name := h.Name("truth")
	h.Run("truth", &container.Config{Cmd: []string{"sh", "-c",
		`i=1; while [ $i -le 3000 ]; do echo "line $i"; i=$((i+1)); done; sleep 300`}}, nil)

	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state, "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 40, env, bin, "--workspace", t.TempDir())
	s.waitText("connected", 20*time.Second)
	s.keys("/")
	s.typeText(name)
	s.keys("Enter")
	s.waitText(name, 20*time.Second)
	s.waitLine(20*time.Second, "line", "3000")

	// The pane holds the last 200 lines, and says so.
	s.keys("Tab")
	s.waitText("200 lines · ↑ more", 20*time.Second)

	// Up to the oldest line held (pages while far from it, then lines), then one more: the
	// older lines come from the engine.
	s.pressUntil("page up near the oldest line held", "PageUp", 40, func(sc string) string {
		return strconv.Itoa(firstLogLine(sc))
	}, func(first string) bool { n, _ := strconv.Atoi(first); return n > 0 && n-2801 <= 40 })
	s.pressUntil("up to the oldest line held", "Up", 60, func(sc string) string {
		return strconv.Itoa(firstLogLine(sc))
	}, func(first string) bool { return first == "2801" })
	if sc := s.capture(); !strings.Contains(sc, "200 lines · ↑ more") {
		t.Fatalf("before reading older lines the title does not say more exist:\n%s", sc)
	}
	s.keys("Up")
	sc := s.waitFor("line 2800 above line 2801", 30*time.Second, func(sc string) bool {
		return firstLogLine(sc) == 2800 && strings.Contains(sc, "3000 lines")
	})
	if strings.Contains(sc, "↑ more") {
		t.Fatalf("every line is held and the title still says more:\n%s", sc)
	}

	// g goes to the true first line.
	s.keys("g")
	s.waitFor("line 1 at the top", 10*time.Second, func(sc string) bool { return firstLogLine(sc) == 1 })

	// ctrl+s saves the whole log.
	s.keys("C-s")
	s.waitText("saved to", 30*time.Second)
	files, _ := filepath.Glob(filepath.Join(state, "podium", "saved", "*.log"))
	if len(files) != 1 {
		t.Fatalf("saved files: %v\n%s", files, s.capture())
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 3000 || lines[0] != "line 1" || lines[2999] != "line 3000" {
		t.Fatalf("saved %d lines, %q … %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if !s.quit(10 * time.Second) {
		t.Fatalf("podium did not quit; screen:\n%s", s.capture())
	}
}
