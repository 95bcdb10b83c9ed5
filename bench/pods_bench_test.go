package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
)

const (
	// podServices is how many services the benchmark pod has (s01..s10).
	podServices = 10
	// podCommand is every service's command: a `sleep 300` that exits at once on SIGTERM, so a
	// stop never waits for a kill.
	podCommand = "trap 'exit 0' TERM; sleep 300 & wait"
)

// podYAML is pods/app.yml: podServices busybox services, each with a healthcheck (`CMD true`
// every 500 ms) when healthy is set.
func podYAML(healthy bool) string {
	var b strings.Builder
	b.WriteString("services:\n")
	for i := 1; i <= podServices; i++ {
		fmt.Fprintf(&b, "  s%02d:\n", i)
		fmt.Fprintf(&b, "    image: %s\n", enginetest.Busybox)
		fmt.Fprintf(&b, "    command: [\"sh\", \"-c\", %q]\n", podCommand)
		if healthy {
			b.WriteString("    healthcheck:\n")
			b.WriteString("      test: [\"CMD\", \"true\"]\n")
			b.WriteString("      interval: 500ms\n")
			b.WriteString("      timeout: 2s\n")
			b.WriteString("      retries: 3\n")
		}
	}
	return b.String()
}

// podBench is one benchmark's pod: a temp workspace holding pods/app.yml and
// pods/targets/development/, loaded under a project name unique to the benchmark, and a runner
// whose labels put everything it creates under the harness's cleanup.
type podBench struct {
	h      *enginetest.Harness
	ctx    context.Context
	runner *pods.Runner
	// loadMS is how long pods.Load took (once, before the timed loop).
	loadMS float64
}

func newPodBench(b *testing.B, healthy bool) *podBench {
	h := enginetest.New(b)
	ctx := h.Ctx()
	root := filepath.Join(b.TempDir(), "ws")
	if err := os.MkdirAll(filepath.Join(root, "pods", "targets", "development"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pods", "app.yml"), []byte(podYAML(healthy)), 0o644); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	// The harness id is unique per benchmark run; the compose project name is made from it.
	ws, err := pods.Load(ctx, root, pods.LoadOptions{ProjectName: "pb-" + h.ID, Environ: []string{}})
	loadMS := float64(time.Since(t0).Nanoseconds()) / 1e6
	if err != nil {
		b.Fatalf("load workspace: %v", err)
	}
	if len(ws.Pods) != 1 || ws.Pods[0].Err != nil || len(ws.Pods[0].ServiceNames()) != podServices {
		b.Fatalf("workspace: want one pod of %d services, got %+v", podServices, ws.Pods)
	}
	return &podBench{
		h: h, ctx: ctx, loadMS: loadMS,
		runner: &pods.Runner{Engine: h.Engine, WS: ws, Labels: benchLabels(h)},
	}
}

func (pb *podBench) up(b *testing.B, wait bool) {
	if err := pb.runner.Up(pb.ctx, nil, pods.UpOptions{Wait: wait}); err != nil {
		b.Fatalf("up: %v", err)
	}
}

func (pb *podBench) down(b *testing.B) {
	if err := pb.runner.Down(pb.ctx, nil, false, 0); err != nil {
		b.Fatalf("down: %v", err)
	}
}

// running counts the pod's running containers.
func (pb *podBench) running(b *testing.B) int {
	cs, err := pb.h.Engine.List(pb.ctx, docker.ListOptions{Labels: []string{
		pb.h.Label(), docker.LabelComposeProject + "=" + pb.runner.WS.ComposeName,
	}})
	if err != nil {
		b.Fatalf("list: %v", err)
	}
	return len(cs)
}

// reportPer reports ms/op and ms/service of the timed part of the loop.
func reportPer(b *testing.B, n int) {
	ms := float64(b.Elapsed().Nanoseconds()) / 1e6 / float64(b.N)
	b.ReportMetric(ms, "ms/op")
	b.ReportMetric(ms/float64(n), "ms/service")
}

// BenchmarkPodUp10: one op is `podium up` of a 10-service pod from cold (no containers; its
// network is created too) through pods.Runner: compose logic, then create+start of the 10
// containers, independent services in parallel. The Down (stop timeout 0) that makes the next
// op cold again runs outside the timer. load-ms is the one pods.Load before the loop.
func BenchmarkPodUp10(b *testing.B) {
	benchPodUp(b, false)
}

// BenchmarkPodUp10Healthy is BenchmarkPodUp10 with a healthcheck (`CMD true` every 500 ms) on
// every service and Wait: Up returns once all 10 are healthy. The difference from
// BenchmarkPodUp10 is the cost of health gating (on this engine the first check runs one
// interval after the start; start_interval needs API 1.44).
func BenchmarkPodUp10Healthy(b *testing.B) {
	benchPodUp(b, true)
}

func benchPodUp(b *testing.B, healthy bool) {
	pb := newPodBench(b, healthy)
	for b.Loop() {
		pb.up(b, healthy)
		b.StopTimer()
		if n := pb.running(b); n != podServices {
			b.Fatalf("after up: %d running containers, want %d", n, podServices)
		}
		pb.down(b)
		b.StartTimer()
	}
	reportPer(b, podServices)
	b.ReportMetric(pb.loadMS, "load-ms")
}

// BenchmarkPodUp10NoOp: the pod is up already; one op is another `podium up` that finds every
// container current and changes nothing (list, hash, compare per service). It is the fixed
// cost Podium adds on top of the engine work.
func BenchmarkPodUp10NoOp(b *testing.B) {
	pb := newPodBench(b, false)
	pb.up(b, false)
	for b.Loop() {
		pb.up(b, false)
	}
	if n := pb.running(b); n != podServices {
		b.Fatalf("after no-op ups: %d running containers, want %d", n, podServices)
	}
	reportPer(b, podServices)
}

// BenchmarkRawFloor10 is the floor under BenchmarkPodUp10: the same 10 containers (busybox,
// same command, named s01..s10) created and started all in parallel straight through
// docker.Engine, on the default bridge: no compose logic, no network to create. They are
// force-removed outside the timer.
func BenchmarkRawFloor10(b *testing.B) {
	h := enginetest.New(b)
	ctx, e := h.Ctx(), h.Engine
	specs := make([]docker.CreateSpec, podServices)
	for i := range specs {
		specs[i] = docker.CreateSpec{
			Name: h.Name(fmt.Sprintf("s%02d", i+1)),
			Config: &container.Config{
				Image:  enginetest.Busybox,
				Cmd:    []string{"sh", "-c", podCommand},
				Labels: benchLabels(h),
			},
		}
	}
	ids := make([]string, podServices)
	for b.Loop() {
		clear(ids)
		err := each(podServices, podServices, func(i int) error {
			id, err := createStart(ctx, e, specs[i])
			ids[i] = id
			return err
		})
		b.StopTimer()
		rerr := each(podServices, podServices, func(i int) error {
			if ids[i] == "" {
				return nil
			}
			return forceRemove(ctx, e, ids[i])
		})
		if err != nil {
			b.Fatalf("create+start: %v", err)
		}
		if rerr != nil {
			b.Fatalf("remove: %v", rerr)
		}
		b.StartTimer()
	}
	reportPer(b, podServices)
}
