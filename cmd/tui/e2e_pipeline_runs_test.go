package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestTUIFollowsCLIRuns: runs started by the CLI while the TUI is open appear in its Pipelines
// tab as they happen (five runs, five rows), a CLI rerun shows in the run's tree, and a run
// whose process is killed with SIGKILL turns interrupted, its containers swept by the TUI.
func TestTUIFollowsCLIRuns(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	ws := t.TempDir()
	name, slow := sigPipeline(t, h, ws) // two pooled nodes that sleep
	quick := filepath.Join(ws, "pipelines", "quick.yml")
	if err := os.WriteFile(quick, []byte("images: {bb: {from: \"busybox:latest\"}}\nimage: bb\nexec: echo hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	s := startTmux(t, 160, 45, env, bin, "-w", ws)
	s.keys("3")
	s.waitLine(15*time.Second, "quick")

	runRe := regexp.MustCompile(`\d{8}-\d{6}-[0-9a-f]{4} \S+ done\b`)
	for i := range 5 {
		if out, err := exec.Command(bin, "-w", ws, "pipeline", "run", quick).CombinedOutput(); err != nil {
			t.Fatalf("CLI run %d: %v\n%s", i+1, err, out)
		}
	}
	s.waitFor("five done runs of quick in the tab", 30*time.Second, func(sc string) bool {
		return len(runRe.FindAllString(sc, -1)) == 5
	})

	// A rerun from the CLI of the run on screen: its tree shows the second attempt.
	out, err := exec.Command(bin, "-w", ws, "pipeline", "runs", "quick").Output()
	if err != nil {
		t.Fatal(err)
	}
	newest := strings.Fields(strings.Split(strings.TrimSpace(string(out)), "\n")[1])[1]
	s.keys("g", "j", "Enter") // the file quick, then its newest run
	s.waitText("quick "+newest, 10*time.Second)
	if out, err := exec.Command(bin, "-w", ws, "pipeline", "rerun", newest, "/").CombinedOutput(); err != nil {
		t.Fatalf("CLI rerun: %v\n%s", err, out)
	}
	s.waitText("×2", 30*time.Second)

	// A CLI run killed with SIGKILL: running, then interrupted, and its containers gone.
	cmd, _ := startPipelineRun(t, h, bin, ws, name, slow)
	s.waitFor("the slow run running in the tab", 30*time.Second, func(sc string) bool {
		return regexp.MustCompile(`\d{8}-\d{6}-[0-9a-f]{4} \S+ running\b`).MatchString(sc)
	})
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	s.waitFor("the killed run shown interrupted", 30*time.Second, func(sc string) bool {
		return regexp.MustCompile(`\d{8}-\d{6}-[0-9a-f]{4} \S+ interrupted\b`).MatchString(sc)
	})
	deadline := time.Now().Add(30 * time.Second)
	for len(pipelineContainers(t, h, name)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the TUI did not sweep the interrupted run's containers")
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.keys("q")
}
