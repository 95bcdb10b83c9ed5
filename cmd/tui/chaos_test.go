package main

import (
	"context"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/supervisor"
)

// chaosSpec is a two-replica service rolled out one container at a time, start-first.
const chaosSpec = `spec:
  Image: busybox:latest
  Cmd: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
  Env: [VERSION=%d]
  Healthcheck: {Test: [CMD-SHELL, "true"], Interval: 200000000, Timeout: 1000000000, Retries: 3}
replicas: 2
deploy: [After, 0]
update: {parallelism: 1}
health-timeout: 20
stop-timeout: 1
`

// TestSupervisorSurvivesKill9 runs `podium supervise` as a subprocess through 20 deploy cycles,
// killing it with SIGKILL at a random instant of each and starting it again. Every time it
// must converge to exactly the desired containers: two, running, of the newest spec, no orphan,
// no duplicate.
func TestSupervisorSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos test: not in -short")
	}
	h := enginetest.New(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	specs := filepath.Join(dir, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	name := "chaos" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	specFile := filepath.Join(specs, name+".yml")
	state := filepath.Join(dir, "state.json")
	// The API is on the workspace's socket: each kill -9 leaves it behind, and the next
	// supervisor must replace it.
	sock, err := deployapi.SocketPath(filepath.Join(dir, ".podium"))
	if err != nil {
		t.Fatal(err)
	}
	client := deployapi.NewClient(deployapi.SocketURL(sock), "")

	var proc *exec.Cmd
	start := func() {
		proc = exec.Command(bin, "supervise", "--specs", specs, "--state", state, "--label", h.Label(), "-w", dir)
		logf, err := os.Create(filepath.Join(dir, "supervise.log"))
		if err != nil {
			t.Fatal(err)
		}
		proc.Stdout, proc.Stderr = logf, logf
		if err := proc.Start(); err != nil {
			t.Fatalf("start supervise: %v", err)
		}
	}
	kill := func() {
		_ = proc.Process.Signal(syscall.SIGKILL)
		_ = proc.Wait()
	}
	t.Cleanup(func() {
		if proc != nil && proc.ProcessState == nil {
			kill()
		}
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(dir, "supervise.log")); err == nil {
				t.Logf("last supervise log:\n%s", tail(string(b), 40))
			}
		}
	})

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for cycle := 1; cycle <= 20; cycle++ {
		if err := os.WriteFile(specFile, []byte(fmt.Sprintf(chaosSpec, cycle)), 0o644); err != nil {
			t.Fatal(err)
		}
		spec, err := deployspec.ParseFile(specFile)
		if err != nil {
			t.Fatalf("cycle %d: parse: %v", cycle, err)
		}
		start()
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond) // the random instant
		kill()
		start()
		converge(t, h, client, name, spec.ContainerHash, cycle)
		kill() // the next cycle's edit happens while no supervisor runs: it is found at start
	}
}

// converge waits until the supervisor reports the service Stable on the spec and the engine
// holds exactly its two containers, all running, of that spec, and nothing else of the service.
func converge(t *testing.T, h *enginetest.Harness, c *deployapi.Client, name, hash string, cycle int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(h.Ctx(), 90*time.Second)
	defer cancel()
	var last string
	for {
		st, err := c.Service(ctx, name)
		cs, lerr := h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelDeploy + "=" + name}})
		ok := err == nil && lerr == nil && st.State == supervisor.Stable && len(cs) == 2
		for _, x := range cs {
			ok = ok && x.State == "running" && x.Labels[docker.LabelSpecHash] == hash
		}
		if ok {
			return
		}
		last = fmt.Sprintf("api: %v state %s; engine: %v %d containers:", err, st.State, lerr, len(cs))
		for _, x := range cs {
			last += fmt.Sprintf(" [%s %s rev %s hash-ok %v]", x.Name, x.State, x.Labels[docker.LabelRevision], x.Labels[docker.LabelSpecHash] == hash)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("cycle %d: did not converge: %s", cycle, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
