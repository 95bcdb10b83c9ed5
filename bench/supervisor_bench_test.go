package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/supervisor"
)

const (
	// saves is how many spec saves one op of BenchmarkSpecSaveToStart makes.
	saves = 20
	// fifty is how many services BenchmarkFiftySpecsToStable starts, and how many containers
	// BenchmarkFiftyDockerRunParallel creates.
	fifty = 50
	// supCommand is every supervised service's command: idle forever, exit at once on SIGTERM
	// (so a stop never waits for a kill, and nothing exits by itself and gets restarted).
	supCommand = "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"
	// supMinHealthy is the services' min-healthy: they have no health check, so a container
	// counts as healthy once it has been running this long.
	supMinHealthy = "200ms"
	// supTimeout bounds one benchmark's engine work; the harness's own context (2 minutes) is
	// too short for -benchtime 3x of these.
	supTimeout = 15 * time.Minute
	// labelIter marks the containers of one op of BenchmarkFiftySpecsToStable.
	labelIter = "dev.podium.bench.iter"
)

// supSpecJSON is one service's spec file: busybox running supCommand, VERSION=version in its
// environment (so changing it changes the spec), no health check, stop timeout 1 s, deployed
// [Before] or [After 0].
func supSpecJSON(version int, after bool) []byte {
	deploy := []any{"Before"}
	if after {
		deploy = []any{"After", 0}
	}
	data, err := json.MarshalIndent(map[string]any{
		"spec": map[string]any{
			"Image": enginetest.Busybox,
			"Cmd":   []string{"sh", "-c", supCommand},
			"Env":   []string{"VERSION=" + strconv.Itoa(version)},
		},
		"deploy":       deploy,
		"min-healthy":  supMinHealthy,
		"stop-timeout": 1,
	}, "", "  ")
	if err != nil {
		panic(err)
	}
	return data
}

// writeAtomic saves a spec file the way editors do: a hidden temp file (which the supervisor's
// watcher ignores), then a rename over the real name.
func writeAtomic(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// harnessSuffix is the random part of the harness id (8 hex digits), for names that must not
// collide with another run's on the same engine.
func harnessSuffix(h *enginetest.Harness) string {
	return h.ID[strings.LastIndexByte(h.ID, '-')+1:]
}

// runSupervisor starts Run in the background and returns a stop function that cancels it and
// waits for it to return (the supervisor leaves its containers running).
func runSupervisor(b *testing.B, ctx context.Context, sup *supervisor.Supervisor) (stop func()) {
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sup.Run(rctx) }()
	stopped := false
	return func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				b.Errorf("supervisor Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			b.Errorf("supervisor Run did not return within 30s of cancel")
		}
	}
}

// waitSup blocks until cond holds for the supervisor's whole status and returns the moment it
// was seen to hold.
func waitSup(ctx context.Context, sup *supervisor.Supervisor, cond func([]supervisor.ServiceStatus) bool) (time.Time, error) {
	events, cancel := sup.Subscribe()
	defer cancel()
	for {
		if cond(sup.Status()) {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case _, ok := <-events:
			if !ok {
				return time.Time{}, fmt.Errorf("the supervisor stopped")
			}
		}
	}
}

// stableAt says whether a service is Stable on revision rev (any revision if rev is 0) with
// every replica healthy and nothing else deploying.
func stableAt(st supervisor.ServiceStatus, rev int) bool {
	return st.State == supervisor.Stable && st.Next == 0 && st.Healthy >= st.Desired && (rev == 0 || st.Revision == rev)
}

// quiet says whether a service is Stable on rev and holds exactly its desired containers (the
// replaced one is gone).
func quiet(st supervisor.ServiceStatus, rev int) bool {
	return stableAt(st, rev) && len(st.Containers) == st.Desired
}

// service returns the one service of a status list.
func service(sts []supervisor.ServiceStatus, name string) (supervisor.ServiceStatus, bool) {
	for _, st := range sts {
		if st.Name == name {
			return st, true
		}
	}
	return supervisor.ServiceStatus{}, false
}

// percentile is the nearest-rank p-th percentile of sorted samples (p in (0,100]); the median
// of an even count is the mean of the two middle samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p == 50 {
		if n%2 == 0 {
			return (sorted[n/2-1] + sorted[n/2]) / 2
		}
		return sorted[n/2]
	}
	rank := int(math.Ceil(float64(n) * p / 100))
	return sorted[min(max(rank, 1), n)-1]
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// BenchmarkSpecSaveToStart measures how fast a saved spec reaches Docker. An in-process
// Supervisor (state file and spec directory in a temp dir, the harness's labels) runs one
// service: busybox, no health check, min-healthy 200ms. One op is 20 saves of its spec file,
// each changing VERSION in its environment. Each save is timed from the end of the write (the
// rename) until a docker.Index over the harness label shows a container of the new spec
// (dev.podium.spec-hash) running: the watcher's debounce (150 ms), the scan and parse, the
// state machine, the state-file write, the old container's stop (with [Before]) and the
// create and start. After each save the benchmark waits, untimed, until the service is Stable
// on the new revision and the old container is gone.
//
// Sub-benchmarks: before (`deploy [Before]`: stop the old, then start the new) and after
// (`deploy [After 0]`: start the new beside the old, stop the old once the new is healthy).
// Reported over every save of every op: save-to-start-ms-p50/-p95 and
// save-to-stable-ms-p50/-p95 (until Status says Stable on the new revision), and ms/save.
func BenchmarkSpecSaveToStart(b *testing.B) {
	b.Run("before", func(b *testing.B) { benchSpecSave(b, false) })
	b.Run("after", func(b *testing.B) { benchSpecSave(b, true) })
}

func benchSpecSave(b *testing.B, after bool) {
	h := enginetest.New(b)
	ctx, cancel := context.WithTimeout(context.Background(), supTimeout)
	b.Cleanup(cancel)

	tmp := b.TempDir()
	specs := filepath.Join(tmp, "specs")
	if err := os.Mkdir(specs, 0o755); err != nil {
		b.Fatal(err)
	}
	name := "save-" + harnessSuffix(h)
	path := filepath.Join(specs, name+".json")
	version := 0
	if err := writeAtomic(path, supSpecJSON(version, after)); err != nil {
		b.Fatal(err)
	}

	ix := docker.NewIndex(h.Engine, docker.IndexOptions{Labels: []string{h.Label()}})
	ictx, stopIndex := context.WithCancel(ctx)
	indexDone := make(chan struct{})
	go func() { ix.Run(ictx); close(indexDone) }()
	b.Cleanup(func() { stopIndex(); <-indexDone })

	sup, err := supervisor.New(supervisor.Options{
		Engine: h.Engine, StateFile: filepath.Join(tmp, "state", "supervisor.json"),
		SpecDirs: []string{specs}, Labels: benchLabels(h),
	})
	if err != nil {
		b.Fatal(err)
	}
	stop := runSupervisor(b, ctx, sup)
	b.Cleanup(stop) // before the harness's cleanup (registered first) removes the containers

	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	_, err = waitSup(wctx, sup, func(sts []supervisor.ServiceStatus) bool {
		st, ok := service(sts, name)
		return ok && quiet(st, 0)
	})
	wcancel()
	if err != nil {
		st, _ := sup.Service(name)
		b.Fatalf("first revision never stable: %v (state %s, error %q)", err, st.State, st.LastError)
	}

	var toStart, toStable []time.Duration
	for b.Loop() {
		for range saves {
			version++
			data := supSpecJSON(version, after)
			spec, err := deployspec.Parse(name, path, data)
			if err != nil {
				b.Fatalf("spec: %v", err)
			}
			if err := writeAtomic(path, data); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now() // the end of the write

			wctx, wcancel := context.WithTimeout(ctx, time.Minute)
			snap, err := ix.Await(wctx, func(s docker.Snapshot) bool {
				for _, c := range s.Containers {
					if c.Labels[docker.LabelSpecHash] == spec.ContainerHash && c.State == "running" {
						return true
					}
				}
				return false
			})
			started := time.Now()
			if err != nil {
				wcancel()
				st, _ := sup.Service(name)
				b.Fatalf("save %d: the new container never ran: %v (state %s, error %q)", version, err, st.State, st.LastError)
			}
			rev := 0
			for _, c := range snap.Containers {
				if c.Labels[docker.LabelSpecHash] == spec.ContainerHash {
					rev, _ = strconv.Atoi(c.Labels[docker.LabelRevision])
				}
			}
			stable, err := waitSup(wctx, sup, func(sts []supervisor.ServiceStatus) bool {
				st, ok := service(sts, name)
				return ok && stableAt(st, rev)
			})
			if err == nil {
				// Untimed: the replaced container is gone before the next save.
				_, err = waitSup(wctx, sup, func(sts []supervisor.ServiceStatus) bool {
					st, ok := service(sts, name)
					return ok && quiet(st, rev)
				})
			}
			wcancel()
			if err != nil {
				st, _ := sup.Service(name)
				b.Fatalf("save %d: revision %d never stable: %v (state %s rev %d next %d, error %q)", version, rev, err, st.State, st.Revision, st.Next, st.LastError)
			}
			toStart = append(toStart, started.Sub(t0))
			toStable = append(toStable, stable.Sub(t0))
		}
	}
	b.StopTimer()
	stop()

	slices.Sort(toStart)
	slices.Sort(toStable)
	b.ReportMetric(ms(percentile(toStart, 50)), "save-to-start-ms-p50")
	b.ReportMetric(ms(percentile(toStart, 95)), "save-to-start-ms-p95")
	b.ReportMetric(ms(percentile(toStable, 50)), "save-to-stable-ms-p50")
	b.ReportMetric(ms(percentile(toStable, 95)), "save-to-stable-ms-p95")
	b.ReportMetric(ms(b.Elapsed())/float64(len(toStart)), "ms/save")
}

// BenchmarkFiftySpecsToStable: one op starts a cold Supervisor (a fresh state file, no
// containers) over a fresh directory of 50 spec files (busybox, no health check, min-healthy
// 200ms, so Stable is 200 ms of running) and waits until Status shows all 50 Stable with
// every replica healthy. Writing the files, stopping the supervisor and removing the 50
// containers run outside the timer. Reported: s/op, ms/container (÷ 50) and all-running-s
// (until a docker.Index over the harness label shows the 50 containers running, which leaves
// out the 200 ms of min-healthy).
func BenchmarkFiftySpecsToStable(b *testing.B) {
	h := enginetest.New(b)
	ctx, cancel := context.WithTimeout(context.Background(), supTimeout)
	b.Cleanup(cancel)
	e := h.Engine

	ix := docker.NewIndex(e, docker.IndexOptions{Labels: []string{h.Label()}})
	ictx, stopIndex := context.WithCancel(ctx)
	indexDone := make(chan struct{})
	go func() { ix.Run(ictx); close(indexDone) }()
	b.Cleanup(func() { stopIndex(); <-indexDone })

	prefix := "fifty-" + harnessSuffix(h)
	var allRunning time.Duration
	iter := 0
	for b.Loop() {
		b.StopTimer()
		iter++
		tag := strconv.Itoa(iter)
		tmp := b.TempDir()
		specs := filepath.Join(tmp, "specs")
		if err := os.Mkdir(specs, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := 1; i <= fifty; i++ {
			if err := os.WriteFile(filepath.Join(specs, fmt.Sprintf("%s-%02d.json", prefix, i)), supSpecJSON(0, false), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		labels := benchLabels(h)
		labels[labelIter] = tag
		running := make(chan time.Time, 1)
		go func() {
			_, err := ix.Await(ctx, func(s docker.Snapshot) bool {
				n := 0
				for _, c := range s.Containers {
					if c.Labels[labelIter] == tag && c.State == "running" {
						n++
					}
				}
				return n >= fifty
			})
			if err == nil {
				running <- time.Now()
			}
			close(running)
		}()

		b.StartTimer()
		t0 := time.Now()
		sup, err := supervisor.New(supervisor.Options{
			Engine: e, StateFile: filepath.Join(tmp, "state", "supervisor.json"),
			SpecDirs: []string{specs}, Labels: labels,
		})
		if err != nil {
			b.Fatal(err)
		}
		stop := runSupervisor(b, ctx, sup)
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Minute)
		_, err = waitSup(wctx, sup, func(sts []supervisor.ServiceStatus) bool {
			if len(sts) != fifty {
				return false
			}
			for _, st := range sts {
				if !stableAt(st, 0) {
					return false
				}
			}
			return true
		})
		wcancel()
		b.StopTimer()

		if err != nil {
			n := 0
			for _, st := range sup.Status() {
				if stableAt(st, 0) {
					n++
				}
			}
			stop()
			b.Fatalf("op %d: not all %d services stable: %v (%d stable)", iter, fifty, err, n)
		}
		if at, ok := <-running; ok {
			allRunning += at.Sub(t0)
		}
		stop()
		removeLabelled(b, ctx, e, labelIter+"="+tag)
		b.StartTimer()
	}
	s := b.Elapsed().Seconds() / float64(iter)
	b.ReportMetric(s, "s/op")
	b.ReportMetric(s*1000/fifty, "ms/container")
	b.ReportMetric(allRunning.Seconds()/float64(iter), "all-running-s")
}

// removeLabelled force-removes every container carrying label (key=value), 8 at a time.
func removeLabelled(b *testing.B, ctx context.Context, e *docker.Engine, label string) {
	cs, err := e.List(ctx, docker.ListOptions{All: true, Labels: []string{label}})
	if err != nil {
		b.Fatalf("list %s: %v", label, err)
	}
	if err := each(len(cs), parallelism, func(i int) error { return forceRemove(ctx, e, cs[i].ID) }); err != nil {
		b.Fatalf("remove: %v", err)
	}
}

// BenchmarkFiftyDockerRunParallel is the raw comparison for BenchmarkFiftySpecsToStable: one op
// creates and starts 50 busybox `sleep 300` containers straight through backend/docker
// (Engine.Create + Engine.Start), 8 at a time. They are force-removed outside the timer.
// Reported: s/op and ms/container (÷ 50).
func BenchmarkFiftyDockerRunParallel(b *testing.B) {
	h := enginetest.New(b)
	ctx, cancel := context.WithTimeout(context.Background(), supTimeout)
	b.Cleanup(cancel)
	e, spec := h.Engine, sleeper(h)
	ids := make([]string, fifty)
	for b.Loop() {
		clear(ids)
		err := each(fifty, parallelism, func(i int) error {
			id, err := createStart(ctx, e, spec)
			ids[i] = id
			return err
		})
		b.StopTimer()
		rerr := each(fifty, parallelism, func(i int) error {
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
	s := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(s, "s/op")
	b.ReportMetric(s*1000/fifty, "ms/container")
}
