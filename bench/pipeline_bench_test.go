package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pipeline"
)

const (
	// pipelineNodes is how many exec nodes the Pipeline100 benchmarks' root holds (n001..n100).
	pipelineNodes = 100
	// pipelineLines is how many lines BenchmarkPipelineOutputMillionLines' one node prints.
	pipelineLines = 1_000_000
	// pipelineHeader is every benchmark pipeline's image: busybox, used as is (no build).
	pipelineHeader = "images: {bb: {from: \"busybox:latest\"}}\nimage: bb\n"
)

// pipelineYAML is a pipeline of pipelineNodes exec nodes running `true` under a root of kind
// (serial or parallel) with the given container_reuse (pool or isolated).
func pipelineYAML(kind, reuse string) string {
	var b strings.Builder
	b.WriteString(pipelineHeader)
	fmt.Fprintf(&b, "container_reuse: %s\n%s:\n", reuse, kind)
	for i := 1; i <= pipelineNodes; i++ {
		fmt.Fprintf(&b, "  n%03d: \"true\"\n", i)
	}
	return b.String()
}

// pipelineBench is one benchmark's executor: a Store in a temp dir and an Executor whose
// containers carry the harness's labels (plus the bench markers), so the harness's cleanup
// removes whatever a run leaves behind.
type pipelineBench struct {
	h     *enginetest.Harness
	store *pipeline.Store
	x     *pipeline.Executor
}

func newPipelineBench(b *testing.B) *pipelineBench {
	h := enginetest.New(b)
	store := &pipeline.Store{Root: b.TempDir()}
	x := pipeline.NewExecutor(h.Engine, store, pipeline.ExecOptions{Labels: benchLabels(h)})
	return &pipelineBench{h: h, store: store, x: x}
}

// run parses src, runs it to completion and returns the run as stored. It fails the benchmark
// unless the run ended done.
func (pb *pipelineBench) run(b *testing.B, name, src string) *pipeline.Run {
	p, err := pipeline.Parse(name, name+".yml", []byte(src))
	if err != nil {
		b.Fatalf("parse: %v", err)
	}
	ctx := pb.h.Ctx()
	r, err := pb.x.Start(ctx, p, []byte(src))
	if err != nil {
		b.Fatalf("start: %v", err)
	}
	if err := pb.x.Wait(ctx, r.ID); err != nil {
		b.Fatalf("wait: %v", err)
	}
	got, err := pb.store.Load(r.Pipeline, r.ID)
	if err != nil {
		b.Fatalf("load run: %v", err)
	}
	if got.Status != pipeline.RunDone {
		b.Fatalf("run ended %s, want %s", got.Status, pipeline.RunDone)
	}
	return got
}

// BenchmarkPipeline100ParallelPool: one op is a run, to completion, of 100 `true` exec nodes
// under a parallel root with container_reuse: pool (idle containers of the same image are
// reused; at most GlobalLimit, 2×NumCPU, nodes run at once).
func BenchmarkPipeline100ParallelPool(b *testing.B) { benchPipeline100(b, "parallel", "pool") }

// BenchmarkPipeline100ParallelIsolated is the same with container_reuse: isolated (a fresh
// container per node).
func BenchmarkPipeline100ParallelIsolated(b *testing.B) {
	benchPipeline100(b, "parallel", "isolated")
}

// BenchmarkPipeline100SerialPool: 100 `true` nodes one after the other, pooled (in practice one
// container for all). It also measures the per-exec engine cost directly (100 Engine.Exec of
// `true` in one running busybox container, outside the timer) and reports the difference per
// node as overhead-ms/node: the scheduler's, store's and output's share.
func BenchmarkPipeline100SerialPool(b *testing.B) { benchPipeline100(b, "serial", "pool") }

// BenchmarkPipeline100SerialIsolated: 100 `true` nodes one after the other, each in a fresh
// container.
func BenchmarkPipeline100SerialIsolated(b *testing.B) { benchPipeline100(b, "serial", "isolated") }

func benchPipeline100(b *testing.B, kind, reuse string) {
	pb := newPipelineBench(b)
	src := pipelineYAML(kind, reuse)
	name := "p100-" + kind + "-" + reuse
	containers := map[string]bool{}
	for b.Loop() {
		r := pb.run(b, name, src)
		b.StopTimer()
		n := 0
		for _, path := range r.Order {
			nr := r.Nodes[path]
			if nr.Kind != "exec" {
				continue
			}
			n++
			if nr.State != pipeline.StateDone {
				b.Fatalf("%s: state %s, want done", path, nr.State)
			}
			if a := nr.LastAttempt(); a != nil {
				containers[a.Container] = true
			}
		}
		if n != pipelineNodes {
			b.Fatalf("run has %d exec nodes, want %d", n, pipelineNodes)
		}
		b.StartTimer()
	}
	s := b.Elapsed().Seconds() / float64(b.N)
	perNode := s * 1000 / pipelineNodes
	b.ReportMetric(s, "s/op")
	b.ReportMetric(perNode, "ms/node")
	b.ReportMetric(float64(len(containers))/float64(b.N), "containers/op")
	if kind == "serial" && reuse == "pool" {
		execMS := execFloorMS(b, pb.h)
		b.ReportMetric(execMS, "exec-ms/node")
		b.ReportMetric(perNode-execMS, "overhead-ms/node")
	}
}

// execFloorMS is the engine's own cost of one exec node: the mean ms of pipelineNodes
// Engine.Exec calls of `true`, one after the other, in one running busybox container (started
// and removed outside the timer).
func execFloorMS(b *testing.B, h *enginetest.Harness) float64 {
	b.StopTimer()
	defer b.StartTimer()
	ctx, e := h.Ctx(), h.Engine
	id := h.Run("execfloor", &container.Config{
		Cmd:    []string{"sh", "-c", "trap exit TERM; while :; do sleep 3600; done"},
		Labels: benchLabels(h),
	}, nil)
	defer func() { _ = forceRemove(ctx, e, id) }()
	// One untimed exec first, so the container is surely up and the connection warm.
	if _, err := e.Exec(ctx, id, docker.ExecOptions{Cmd: []string{"true"}}); err != nil {
		b.Fatalf("exec: %v", err)
	}
	t0 := time.Now()
	for range pipelineNodes {
		res, err := e.Exec(ctx, id, docker.ExecOptions{Cmd: []string{"true"}})
		if err != nil {
			b.Fatalf("exec: %v", err)
		}
		if res.ExitCode != 0 {
			b.Fatalf("exec true: exit %d", res.ExitCode)
		}
	}
	return float64(time.Since(t0).Nanoseconds()) / 1e6 / pipelineNodes
}

// BenchmarkPipelineOutputMillionLines: one op is a run of one exec node printing 1,000,000
// lines (`seq 1000000` in busybox): the engine's stream, the executor's copy and the Store's
// output file. The stored output is read back (Store.ScanOutput, counting lines) outside the
// timer and must hold exactly 1,000,000 lines.
func BenchmarkPipelineOutputMillionLines(b *testing.B) {
	pb := newPipelineBench(b)
	src := pipelineHeader + fmt.Sprintf("exec: seq %d\n", pipelineLines)
	var scanS float64
	for b.Loop() {
		r := pb.run(b, "million", src)
		b.StopTimer()
		a := r.Nodes["/"].LastAttempt()
		if a == nil {
			b.Fatal("root node has no attempt")
		}
		t0 := time.Now()
		lines, last := 0, ""
		if err := pb.store.ScanOutput(r, "/", a.N, func(l pipeline.OutputLine) {
			lines++
			last = l.Text
		}); err != nil {
			b.Fatalf("scan output: %v", err)
		}
		scanS += time.Since(t0).Seconds()
		if lines != pipelineLines || last != fmt.Sprint(pipelineLines) {
			b.Fatalf("stored output: %d lines ending %q, want %d ending %q", lines, last, pipelineLines, fmt.Sprint(pipelineLines))
		}
		b.StartTimer()
	}
	s := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(s, "s/op")
	b.ReportMetric(pipelineLines/s, "lines/s")
	b.ReportMetric(scanS/float64(b.N), "scan-s")
}
