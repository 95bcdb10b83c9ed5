package bench

import (
	"context"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

const (
	// batch is how many containers one iteration of the create/start/remove benchmarks handles.
	batch = 20
	// parallelism bounds the in-flight engine calls of the parallel variant.
	parallelism = 8
	// runEnv, when set (engine_vs_cli.sh sets it), adds labelRun=<value> to every container, so a
	// script can remove exactly what an interrupted run left behind.
	runEnv   = "PODIUM_BENCH_RUN"
	labelRun = "dev.podium.bench.run"
	// labelBench marks every container a benchmark creates, as the CLI side of the script does.
	labelBench = "dev.podium.bench"
)

// benchLabels are the labels of every container a benchmark creates: the harness's own (so its
// cleanup is exact) plus the bench markers.
func benchLabels(h *enginetest.Harness) map[string]string {
	extra := map[string]string{labelBench: "1"}
	if r := os.Getenv(runEnv); r != "" {
		extra[labelRun] = r
	}
	return h.Labels(extra)
}

// sleeper is the create spec of one benchmark container: busybox `sleep 300`, unnamed like the
// CLI side's `docker run -d`.
func sleeper(h *enginetest.Harness) docker.CreateSpec {
	return docker.CreateSpec{Config: &container.Config{
		Image:  enginetest.Busybox,
		Cmd:    []string{"sleep", "300"},
		Labels: benchLabels(h),
	}}
}

// createStart creates and starts one container and returns its id. A container that was created
// but failed to start is still returned with the error, so the caller can remove it.
func createStart(ctx context.Context, e *docker.Engine, spec docker.CreateSpec) (string, error) {
	id, err := e.Create(ctx, spec)
	if err != nil {
		return "", err
	}
	return id, e.Start(ctx, id)
}

func forceRemove(ctx context.Context, e *docker.Engine, id string) error {
	return e.Remove(ctx, id, docker.RemoveOptions{Force: true})
}

// each runs fn(i) for i in [0,n) with at most limit calls in flight (limit 1 is sequential) and
// returns the first error. It is the errgroup-with-SetLimit pattern on plain goroutines, as
// golang.org/x/sync is only an indirect dependency of the module.
func each(n, limit int, fn func(i int) error) error {
	if limit <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		sem   = make(chan struct{}, limit)
	)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

// BenchmarkCreateStartRemove20Sequential: one op creates and starts 20 busybox `sleep 300`
// containers one after the other through docker.Engine, then force-removes them one by one.
func BenchmarkCreateStartRemove20Sequential(b *testing.B) {
	benchCreateStartRemove(b, 1)
}

// BenchmarkCreateStartRemove20Parallel is the same op with up to 8 engine calls in flight in
// each phase.
func BenchmarkCreateStartRemove20Parallel(b *testing.B) {
	benchCreateStartRemove(b, parallelism)
}

func benchCreateStartRemove(b *testing.B, limit int) {
	h := enginetest.New(b)
	ctx, e, spec := h.Ctx(), h.Engine, sleeper(h)
	ids := make([]string, batch)
	var up, down time.Duration
	iters := 0
	for b.Loop() {
		clear(ids)
		t0 := time.Now()
		err := each(batch, limit, func(i int) error {
			id, err := createStart(ctx, e, spec)
			ids[i] = id
			return err
		})
		t1 := time.Now()
		// Remove whatever was created even if a create or start failed; the harness's cleanup
		// catches anything left.
		rerr := each(batch, limit, func(i int) error {
			if ids[i] == "" {
				return nil
			}
			return forceRemove(ctx, e, ids[i])
		})
		up, down = up+t1.Sub(t0), down+time.Since(t1)
		iters++
		if err != nil {
			b.Fatalf("create+start: %v", err)
		}
		if rerr != nil {
			b.Fatalf("remove: %v", rerr)
		}
	}
	n := float64(iters * batch)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/n, "ms/container")
	b.ReportMetric(float64(up.Nanoseconds())/1e6/n, "up-ms/container")
	b.ReportMetric(float64(down.Nanoseconds())/1e6/n, "rm-ms/container")
	b.ReportMetric(n/b.Elapsed().Seconds(), "containers/s")
}

// BenchmarkIndexEvent measures how long a change made through the engine takes to show in a
// running docker.Index: each op either starts or kills one prepared container (alternately) and
// waits, with Index.Await, until the index shows it running or exited. The index holds 20
// containers (the active one and 19 created, idle ones), so every change it publishes costs a
// realistic Snapshot. Reported:
//
//   - ns/op: one observed state change, end to end (engine call + events stream + the index's
//     re-inspect + the waiter's wake-up and Snapshot);
//   - lag-ns/op: the part of ns/op after the engine call returned, spent waiting for the
//     index (events stream delivery, the index's re-inspect, the waiter's wake-up);
//   - events/op and ns/event: per container event the index processed (a kill brings kill and
//     die, a start one start);
//   - allocs/op, B/op: the whole process, driving call included;
//   - snapshot-ns and snapshot-allocs: the pure in-process part every reader pays per change,
//     one Snapshot of the 20-container index, measured after the loop on the same index
//     (testing.AllocsPerRun and a 1000-call timed loop).
func BenchmarkIndexEvent(b *testing.B) {
	h := enginetest.New(b)
	ctx, e, spec := h.Ctx(), h.Engine, sleeper(h)

	const idle = batch - 1
	if err := each(idle, parallelism, func(int) error {
		_, err := e.Create(ctx, spec)
		return err
	}); err != nil {
		b.Fatalf("create idle containers: %v", err)
	}
	active, err := e.Create(ctx, spec)
	if err != nil {
		b.Fatalf("create: %v", err)
	}

	ix := docker.NewIndex(e, docker.IndexOptions{Labels: []string{h.Label()}})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { ix.Run(rctx); close(done) }()
	b.Cleanup(func() { stop(); <-done })

	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	_, err = ix.Await(wctx, func(s docker.Snapshot) bool {
		return s.Status.State == docker.Connected && len(s.Containers) == batch
	})
	cancel()
	if err != nil {
		b.Fatalf("index never listed the %d containers: %v", batch, err)
	}

	state := func(want string) func(docker.Snapshot) bool {
		return func(s docker.Snapshot) bool {
			c, ok := s.ByID(active)
			return ok && c.State == want
		}
	}
	running := false
	var lag time.Duration
	ev0 := ix.Snapshot().Events
	b.ReportAllocs()
	for b.Loop() {
		want := "running"
		if running {
			want = "exited"
			err = e.Kill(ctx, active, "KILL")
		} else {
			err = e.Start(ctx, active)
		}
		if err != nil {
			b.Fatalf("drive %s: %v", want, err)
		}
		t0 := time.Now()
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err = ix.Await(wctx, state(want))
		cancel()
		lag += time.Since(t0)
		if err != nil {
			b.Fatalf("index never showed %s: %v", want, err)
		}
		running = !running
	}
	b.ReportMetric(float64(lag.Nanoseconds())/float64(b.N), "lag-ns/op")
	events := ix.Snapshot().Events - ev0
	if events > 0 {
		b.ReportMetric(float64(events)/float64(b.N), "events/op")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	}

	// In-process part: the index is quiet now (nothing changes the containers), so this is the
	// Snapshot alone.
	const runs = 1000
	b.ReportMetric(testing.AllocsPerRun(runs, func() { _ = ix.Snapshot() }), "snapshot-allocs")
	runtime.GC()
	t0 := time.Now()
	for range runs {
		_ = ix.Snapshot()
	}
	b.ReportMetric(float64(time.Since(t0).Nanoseconds())/runs, "snapshot-ns")
}
