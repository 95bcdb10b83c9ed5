package supervisor

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Chaos: back-to-back cycles of "change every spec, wait a random 0–3 s, kill -9 the
// supervisor, start a new one on the same state file", over a rolling service, an After 1
// service and a Before service. The supervisor runs in a child process (this test binary
// re-executed as TestChaosChild), so the kill is a real SIGKILL: no deferred save, no clean
// cancel. Afterwards every service must converge on its last spec with exactly its replicas and
// no orphan, and the rolling and After services must never have gone below the invariant.
// TestChaosRapidSaves does the same without the kills (and with a stop-first rolling service
// too), the saves 1–6 s apart: they land at random points of the deploys of one supervisor.

const (
	chaosChildEnv = "PODIUM_CHAOS_CHILD" // set: TestChaosChild runs a supervisor until killed
	chaosStateEnv = "PODIUM_CHAOS_STATE"
	chaosDirEnv   = "PODIUM_CHAOS_DIR"
	chaosLabelEnv = "PODIUM_CHAOS_LABEL" // key=value: the harness label of the parent test
	chaosCycleEnv = "PODIUM_CHAOS_CYCLES"
)

// TestChaosChild is not a test: it is the supervisor process of TestChaosKillRestart, and skips
// unless that test started it.
func TestChaosChild(t *testing.T) {
	if os.Getenv(chaosChildEnv) == "" {
		t.Skip("the supervisor process of TestChaosKillRestart; not a test by itself")
	}
	k, v, _ := strings.Cut(os.Getenv(chaosLabelEnv), "=")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	eng, err := docker.Connect(ctx, docker.Options{})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	sup, err := New(Options{
		Engine: eng, StateFile: os.Getenv(chaosStateEnv), SpecDirs: []string{os.Getenv(chaosDirEnv)},
		Labels: map[string]string{k: v}, MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Orphaned (the test binary died without killing it): stop, rather than supervise forever.
	parent := os.Getppid()
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			if os.Getppid() != parent {
				os.Exit(3)
			}
		}
	}()
	fmt.Println("chaos child running, pid", os.Getpid())
	if err := sup.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// chaosChild is one supervisor process.
type chaosChild struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

// chaosSpawn starts a supervisor process on the rig's first directory and state file.
func chaosSpawn(t *testing.T, r *supRig) *chaosChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChaosChild$", "-test.v", "-test.count=1", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), chaosChildEnv+"=1", chaosStateEnv+"="+r.state, chaosDirEnv+"="+r.dirs[0], chaosLabelEnv+"="+r.h.Label())
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the supervisor process: %v", err)
	}
	c := &chaosChild{cmd: cmd, out: out}
	t.Cleanup(func() { c.kill() })
	return c
}

// kill sends SIGKILL and reaps the process; it says whether the process had already ended.
func (c *chaosChild) kill() (exited bool) {
	if c.cmd.ProcessState != nil {
		return true
	}
	exited = c.cmd.Process.Signal(syscall.SIGKILL) != nil
	_ = c.cmd.Wait()
	return exited || !strings.Contains(c.cmd.ProcessState.String(), "killed")
}

func TestChaosKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos takes minutes")
	}
	t.Parallel()
	chaosRun(t, true)
}

// Chaos without the kills: one supervisor, and every spec changed again after a random 1–6 s,
// so saves land at every point of a deploy. A stop-first rolling service (3 replicas,
// parallelism 1: at most one below) joins the three of TestChaosKillRestart.
func TestChaosRapidSaves(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos takes minutes")
	}
	t.Parallel()
	chaosRun(t, false)
}

// chaosService is one service of a chaos run.
type chaosService struct {
	name string
	spec func(mark string) map[string]any
	min  int // the invariant; -1: not checked (Before has its gap)
	s    *invSampler
}

func chaosRun(t *testing.T, kill bool) {
	cycles := 20
	if n, err := strconv.Atoi(os.Getenv(chaosCycleEnv)); err == nil && n > 0 {
		cycles = n
	}
	r := supNewRig(t, 1)
	services := []*chaosService{
		{name: "roll", spec: func(m string) map[string]any {
			return supWith(invSpec("busybox:latest", m), "replicas", 3, "deploy", []any{"After", 0},
				"update", map[string]any{"parallelism": 1, "order": "start-first"})
		}},
		{name: "after", spec: func(m string) map[string]any {
			return supWith(invSpec("busybox:latest", m), "deploy", []any{"After", 1})
		}},
		{name: "before", spec: func(m string) map[string]any { return invSpec("busybox:latest", m) }},
	}
	if !kill {
		services = append(services, &chaosService{name: "rollstop", spec: func(m string) map[string]any {
			return supWith(invSpec("busybox:latest", m), "replicas", 3, "update", map[string]any{"parallelism": 1})
		}})
	}
	for _, sv := range services {
		sv.min = invMin(sv.spec("0"), sv.spec("1"))
		if invPolicyOf(sv.spec("0")).replicas == 1 && !invPolicyOf(sv.spec("0")).after {
			sv.min = -1
		}
	}

	// The first revision, in process, until converged.
	r.start()
	for _, sv := range services {
		r.write(0, sv.name, sv.spec("0"))
	}
	for _, sv := range services {
		invConverged(t, r, sv.name, invPolicyOf(sv.spec("0")).replicas, invHash(t, sv.name, sv.spec("0")), invConverge)
	}
	if kill {
		r.stop()
	}
	for _, sv := range services {
		sv.s = invStartSampler(t, r, sv.name)
	}

	start := time.Now()
	var child *chaosChild
	if kill {
		child = chaosSpawn(t, r)
	}
	var early []string
	for i := 1; i <= cycles; i++ {
		for _, sv := range services {
			r.write(0, sv.name, sv.spec(strconv.Itoa(i)))
		}
		if !kill {
			// Long enough for a deploy to reach its later phases (old containers stopping).
			time.Sleep(time.Second + time.Duration(rand.Int64N(int64(5*time.Second))))
			continue
		}
		time.Sleep(time.Duration(rand.Int64N(int64(3 * time.Second))))
		if child.kill() {
			early = append(early, fmt.Sprintf("cycle %d: the supervisor process had exited: %s\n%s", i, child.cmd.ProcessState, child.out))
		}
		child = chaosSpawn(t, r)
	}
	what := fmt.Sprintf("%d chaos cycles of saves 1–6 s apart", cycles)
	if kill {
		child.kill()
		what = fmt.Sprintf("%d chaos cycles of save, kill -9 and restart", cycles)
	}
	chaosTime := time.Since(start)
	for _, e := range early {
		t.Errorf("%s", e)
	}

	// With kills, a last supervisor, in process, to watch it converge.
	if kill {
		r.start()
	}
	last := strconv.Itoa(cycles)
	conv := time.Now()
	for _, sv := range services {
		if _, why := invTryConverged(r, sv.name, invPolicyOf(sv.spec(last)).replicas, invHash(t, sv.name, sv.spec(last)), invConverge); why != "" {
			t.Errorf("%s", why)
		}
	}
	t.Logf("%d cycles in %s, converged %s later", cycles, chaosTime.Round(10*time.Millisecond), time.Since(conv).Round(10*time.Millisecond))
	for _, sv := range services {
		invMetricConverge(t, sv.name, time.Since(conv))
	}
	time.Sleep(time.Second)
	for _, sv := range services {
		if !t.Failed() {
			if _, why := invTryConverged(r, sv.name, invPolicyOf(sv.spec(last)).replicas, invHash(t, sv.name, sv.spec(last)), invConverge); why != "" {
				t.Errorf("after 1 s more: %s", why)
			}
		}
		sv.s.stop()
		if sv.min < 0 {
			invMetrics(t, sv.name, "chaos (Before: gaps allowed)", sv.s.all(), 1)
			t.Logf("%s (Before, not checked): %s", sv.name, invSummarize(sv.s.all(), 1))
			continue
		}
		invCheck(t, r, sv.name, what, sv.s.all(), sv.min)
	}
}
