package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model"
	"github.com/podiumdev/podium/model/modeltest"
)

// tuiIdleWindow is how long one op of BenchmarkTUIIdle500 watches the program do nothing.
const tuiIdleWindow = 5 * time.Second

// tuiSize is a terminal size a frame is drawn at.
type tuiSize struct{ w, h int }

// countWriter counts what the renderer writes: while nothing changes it must write nothing.
type countWriter struct{ n atomic.Int64 }

// cpuClock reads the process's CPU time around a benchmark loop. On a shared machine the wall
// time per op (ns/op) grows with other processes' load; the CPU time the op cost does much
// less, so the frame benchmarks report both.
type cpuClock struct {
	b  *testing.B
	r0 syscall.Rusage
}

// stateFlip is one of the two states the event benchmark alternates between.
type stateFlip struct {
	snap  docker.Snapshot
	state string
}

// tuiSizes are the sizes of the frame benchmarks: a laptop terminal, and a wide one where the
// logs sit beside the list.
func tuiSizes() []tuiSize { return []tuiSize{{120, 40}, {200, 60}} }

func (s tuiSize) String() string { return fmt.Sprintf("%dx%d", s.w, s.h) }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

// benchBackend is the 500-container backend, released when b ends.
func benchBackend(b *testing.B) *modeltest.Containers {
	fb := newTUIBackend()
	b.Cleanup(fb.Release)
	return fb
}

// containersScreen is the TUI on the Containers tab over the 500 containers, with the
// selected container's log pane filled, as a user sees it a moment after starting podium.
func containersScreen(ctx context.Context, b *testing.B, fb *modeltest.Containers, size tuiSize) *tuiLoop {
	b.Helper()
	l := newTUILoop(ctx, model.New(tuiConfig(fb, nil)), size.w, size.h)
	last := fmt.Sprintf("items/%d ", tuiLogLines-1)
	if !l.until(func(f string) bool { return strings.Contains(f, last) }) {
		b.Fatalf("the log pane never showed %q; last frame:\n%s", last, l.frame())
	}
	checkFrame(b, l.frame(), size, "Containers 500", "app00-api-1", "app01-api-1")
	return l
}

// checkFrame fails b unless frame is a full screen of size showing every one of want.
func checkFrame(b *testing.B, frame string, size tuiSize, want ...string) {
	b.Helper()
	if n := strings.Count(frame, "\n") + 1; n != size.h {
		b.Fatalf("frame at %v has %d lines:\n%s", size, n, frame)
	}
	for _, w := range want {
		if !strings.Contains(frame, w) {
			b.Fatalf("frame at %v does not show %q:\n%s", size, w, frame)
		}
	}
}

// BenchmarkTUIFrameContainers500: one op is one frame of the root model (Root.View: header,
// the Containers tab's tree of 500 containers in 60 compose projects, the log pane with 200
// lines, the footer), in colour. The frame is what tea.Program hands its renderer after every
// message; the terminal renderer's own diffing is not included.
func BenchmarkTUIFrameContainers500(b *testing.B) {
	for _, size := range tuiSizes() {
		b.Run(size.String(), func(b *testing.B) {
			l := containersScreen(b.Context(), b, benchBackend(b), size)
			b.ReportAllocs()
			n, ops := 0, 0
			cpu := startCPU(b)
			for b.Loop() {
				n = len(l.m.View().Content)
				ops++
			}
			cpu.report(ops)
			b.ReportMetric(float64(n), "bytes/frame")
		})
	}
}

// BenchmarkTUIFramePipeline300: one op is one frame of the root model on the Pipelines tab
// showing a run of 300 nodes (a serial root, 13 parallel groups of 22 execs) with its first
// failed node selected and that node's 300 output lines in the output pane.
func BenchmarkTUIFramePipeline300(b *testing.B) {
	for _, size := range tuiSizes() {
		b.Run(size.String(), func(b *testing.B) {
			pb := newPipeBackend()
			l := newTUILoop(b.Context(), model.New(tuiConfig(benchBackend(b), pb)), size.w, size.h)
			km := keymap.Default()
			for _, k := range []struct {
				ctx keymap.Context
				a   keymap.Action
			}{
				{keymap.CtxGlobal, keymap.TabPipelines},
				{keymap.CtxPipelines, keymap.Down}, // lint → release
				{keymap.CtxPipelines, keymap.Down}, // → its run
				{keymap.CtxPipelines, keymap.Select},
				{keymap.CtxPipelines, keymap.NextError},
			} {
				msg, err := keyFor(km, k.ctx, k.a)
				if err != nil {
					b.Fatal(err)
				}
				l.update(msg)
			}
			last := fmt.Sprintf("case %d:", pipeOutLines-1)
			if !l.until(func(f string) bool { return strings.Contains(f, last) }) {
				b.Fatalf("the output pane never showed %q; last frame:\n%s", last, l.frame())
			}
			checkFrame(b, l.frame(), size, "Pipelines", "stage01", "step04")
			b.ReportAllocs()
			n, ops := 0, 0
			cpu := startCPU(b)
			for b.Loop() {
				n = len(l.m.View().Content)
				ops++
			}
			cpu.report(ops)
			b.ReportMetric(float64(len(pb.run.Order)), "nodes")
			b.ReportMetric(float64(n), "bytes/frame")
		})
	}
}

// BenchmarkTUIEventToFrame500: one op is what the program does between a change of the
// container index and the next frame, with 500 containers on the Containers tab: the
// subscription's signal, the watch command (run in its own goroutine, as tea.Program runs
// commands) reading the new snapshot, Root.Update with it (the tab rebuilds its tree and
// re-checks its log stream, the Pods and Deploys tabs take the snapshot) and Root.View. The
// change is one container on screen flipping between running and exited, what `docker stop`
// and `docker start` do. Bubble Tea's renderer, which writes the difference on its next
// frame tick (60 per second), is not included.
func BenchmarkTUIEventToFrame500(b *testing.B) {
	for _, size := range tuiSizes() {
		b.Run(size.String(), func(b *testing.B) {
			fb := benchBackend(b)
			l := containersScreen(b.Context(), b, fb, size)
			const name = "app00-api-2" // on screen, below the selected app00-api-1
			flip := slices.IndexFunc(fb.Snapshot().Containers, func(c docker.Container) bool { return c.Name == name })
			states := [2]stateFlip{{fb.Snapshot(), "running"}, {flipped(fb.Snapshot(), flip), "exited"}}
			// Once untimed, to prove the op reaches the screen: the row goes from running to exited.
			checkRow(b, l.frame(), name, "running")
			fb.Set(states[1].snap)
			// Messages from the start (the terminal's colours, a log line) may come first.
			if !l.until(func(f string) bool { return rowSays(f, name, "exited") }) {
				b.Fatal("the index change never came back from the watch command")
			}
			for l.pending() {
				l.next() // nothing but the loop's own changes from here on
			}
			b.ReportAllocs()
			i, n := 1, 0
			cpu := startCPU(b)
			for b.Loop() {
				i++
				s := states[i%2].snap
				s.Version = uint64(i)
				fb.Set(s)
				if !l.next() {
					b.Fatal("the index change never came back from the watch command")
				}
				n = len(l.m.View().Content)
			}
			cpu.report(i - 1)
			checkRow(b, l.frame(), name, states[i%2].state)
			b.ReportMetric(float64(n), "bytes/frame")
		})
	}
}

// BenchmarkTUIHeap500: one op builds the TUI over 500 containers from nothing (the data set,
// model.New, the first size, the log pane's 200 lines, one frame) and measures the live heap
// after a GC with the model still referenced. heap-MB is the whole process's live heap (the
// test binary's own share included), model-MB the growth the op caused, heap-inuse-MB the
// heap's in-use spans. The process's RSS, which the runtime adds to this, is in tui_vs_cli.sh.
func BenchmarkTUIHeap500(b *testing.B) {
	var before, after runtime.MemStats
	size := tuiSize{200, 60}
	for b.Loop() {
		ctx, cancel := context.WithCancel(b.Context())
		runtime.GC()
		runtime.ReadMemStats(&before)
		fb := newTUIBackend()
		l := containersScreen(ctx, b, fb, size)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(l)
		fb.Release()
		cancel()
	}
	const mb = 1 << 20
	b.ReportMetric(float64(after.HeapAlloc)/mb, "heap-MB")
	b.ReportMetric(float64(after.HeapInuse)/mb, "heap-inuse-MB")
	b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/mb, "model-MB")
}

// checkRow fails b unless the frame's row of container name shows state.
// rowSays reports whether the row of name on screen says state.
func rowSays(frame, name, state string) bool {
	for _, line := range strings.Split(frame, "\n") {
		if strings.Contains(line, " "+name+" ") {
			return strings.Contains(line, state)
		}
	}
	return false
}

func checkRow(b *testing.B, frame, name, state string) {
	b.Helper()
	for _, line := range strings.Split(frame, "\n") {
		if strings.Contains(line, " "+name+" ") {
			if !strings.Contains(line, state) {
				b.Fatalf("the row of %s does not say %s: %q", name, state, line)
			}
			return
		}
	}
	b.Fatalf("no row of %s on screen:\n%s", name, frame)
}

// BenchmarkTUIIdle500: one op is tuiIdleWindow of a real tea.Program (the root over the 500
// containers, 200x60, its renderer writing to a counter instead of a terminal, no input) in
// which nothing changes, after its first frame and a second of settling. It reports the CPU
// the whole process used in the window as % of one core and its context switches per second
// (getrusage: the renderer's frame ticker shows up here), and the bytes the renderer wrote
// (0 when no frame changed). No engine is involved, so no other client's events can wake it,
// unlike the same measure of the real binary in tui_vs_cli.sh.
func BenchmarkTUIIdle500(b *testing.B) {
	fb := benchBackend(b)
	out := &countWriter{}
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	p := tea.NewProgram(model.New(tuiConfig(fb, nil)), tea.WithContext(ctx), tea.WithInput(nil),
		tea.WithOutput(out), tea.WithWindowSize(200, 60), tea.WithoutSignalHandler(), tea.WithFPS(model.FrameRate))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	defer func() {
		p.Quit()
		if err := <-done; err != nil && !errors.Is(err, tea.ErrProgramKilled) && ctx.Err() == nil {
			b.Errorf("program: %v", err)
		}
	}()
	settle := time.NewTimer(time.Second)
	defer settle.Stop()
	select {
	case <-settle.C:
	case err := <-done:
		b.Fatalf("the program ended before the window: %v", err)
	}
	if out.n.Load() == 0 {
		b.Fatal("the program drew nothing in its first second")
	}
	var cpu, switches, bytes, wall float64
	for b.Loop() {
		r0, n0, t0 := rusage(b), out.n.Load(), time.Now()
		window := time.NewTimer(tuiIdleWindow)
		select {
		case <-window.C:
		case err := <-done:
			b.Fatalf("the program ended during the window: %v", err)
		}
		r1, n1, d := rusage(b), out.n.Load(), time.Since(t0).Seconds()
		cpu += (tv(r1.Utime) + tv(r1.Stime) - tv(r0.Utime) - tv(r0.Stime))
		switches += float64(r1.Nvcsw + r1.Nivcsw - r0.Nvcsw - r0.Nivcsw)
		bytes += float64(n1 - n0)
		wall += d
	}
	b.ReportMetric(cpu/wall*100, "cpu-%-core")
	b.ReportMetric(switches/wall, "switches/s")
	b.ReportMetric(bytes/wall, "written-B/s")
}

// startCPU starts a cpuClock.
func startCPU(b *testing.B) cpuClock { return cpuClock{b: b, r0: rusage(b)} }

// report adds cpu-ns/op: the whole process's user and system time (GC workers included) over
// the loop, divided by its ops.
func (c cpuClock) report(ops int) {
	r1 := rusage(c.b)
	used := tv(r1.Utime) + tv(r1.Stime) - tv(c.r0.Utime) - tv(c.r0.Stime)
	c.b.ReportMetric(used/float64(max(ops, 1))*1e9, "cpu-ns/op")
}

func rusage(b *testing.B) syscall.Rusage {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return r
}

// tv is a rusage time in seconds.
func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
