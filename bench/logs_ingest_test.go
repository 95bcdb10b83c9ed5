package bench

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// ingestLines is how many lines the ingest benchmark's container prints; PODIUM_BENCH_LINES
// changes it (the figures in README.md are for the default).
func ingestLines(b *testing.B) int {
	n := 3_000_000
	if s := os.Getenv("PODIUM_BENCH_LINES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("PODIUM_BENCH_LINES=%q: not a count of lines", s)
		}
		n = v
	}
	return n
}

// BenchmarkLogsIngest reads the whole log of a finished container that printed 3,000,000
// lines, side by side: `docker logs ID >/dev/null` (the CLI; with -t, also the times the pane
// asks for), the backend's Engine.Logs with a sink that drops the lines, and a logs pane
// taking them in as the TUI does (the reader's stream, the handoff, one message a frame into
// the pane's Update, the buffer spilling to disk, and the pane drawn after every message, as
// Bubble Tea draws after every Update). Each reports ns/op (wall) and cpu-ns/op: the CLI's
// user+system time, or this process's for the other two (GC included); the pane also msgs/op.
// The engine's own time is in no CPU figure.
func BenchmarkLogsIngest(b *testing.B) {
	h := enginetest.New(b)
	n := ingestLines(b)
	id := h.Run("ingest", &container.Config{Cmd: []string{"seq", "1", strconv.Itoa(n)}}, nil)
	if code, err := h.Engine.Wait(h.Ctx(), id); err != nil || code != 0 {
		b.Fatalf("the container printing %d lines: exit %d, %v", n, code, err)
	}
	for _, args := range [][]string{{"logs"}, {"logs", "-t"}} {
		// docker logs -t asks the engine for the times the pane reads the log with.
		b.Run(strings.Join(append([]string{"docker"}, args...), "-"), func(b *testing.B) {
			if _, err := exec.LookPath("docker"); err != nil {
				b.Skip("no docker CLI")
			}
			var cpu time.Duration
			for b.Loop() {
				cmd := exec.CommandContext(h.Ctx(), "docker", append(args, id)...)
				cmd.Stdout, cmd.Stderr = nil, nil // /dev/null
				if err := cmd.Run(); err != nil {
					b.Fatalf("docker %v: %v", args, err)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
	b.Run("engine", func(b *testing.B) {
		clock := startCPU(b)
		for b.Loop() {
			got := 0
			opts := docker.LogOptions{Timestamps: true, MaxLine: 8 << 20}
			if err := h.Engine.Logs(h.Ctx(), id, opts, func(docker.LogLine) { got++ }); err != nil || got != n {
				b.Fatalf("Engine.Logs: %d lines, %v", got, err)
			}
		}
		clock.report(b.N)
	})
	b.Run("pane", func(b *testing.B) {
		clock, msgs := startCPU(b), 0
		for b.Loop() {
			got, m := paneIngest(b, h, id, n)
			if got != n {
				b.Fatalf("the pane took in %d lines of %d", got, n)
			}
			msgs += m
		}
		clock.report(b.N)
		b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
	})
}

// wholeLog is the engine as a pane's backend, reading a container's whole log rather than
// its last lines, so the pane takes in all of it through its own reader.
type wholeLog struct{ e *docker.Engine }

func (w wholeLog) LogBatches(ctx context.Context, id string, opts docker.LogOptions, sink func([]docker.LogLine)) error {
	opts.Tail = 0
	return w.e.LogBatches(ctx, id, opts, sink)
}

// paneIngest has a pane follow container id, reading its whole log, the way the Program runs
// it: each command in a goroutine of its own, each message into the pane's Update (OnLines,
// OnEnded), and the pane drawn at 120×40 after each, as Bubble Tea draws after every Update. It
// returns how many lines the pane holds once the log has ended, and how many messages of lines
// it took.
func paneIngest(b *testing.B, h *enginetest.Harness, id string, n int) (int, int) {
	ctx, cancel := context.WithCancel(h.Ctx())
	defer cancel()
	var p logs.Pane
	defer p.Close()
	c, err := h.Engine.Inspect(ctx, id)
	if err != nil {
		b.Fatalf("inspect: %v", err)
	}
	msgs := make(chan tea.Msg, 16)
	var run func(cmd tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() {
			switch m := cmd().(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range m {
					run(c)
				}
			default:
				msgs <- m
			}
		}()
	}
	run(p.Sync(ctx, wholeLog{h.Engine}, logs.Want{Key: id, Title: "ingest", Containers: []docker.Container{c}},
		docker.Status{State: docker.Connected}))
	th := views.NewTheme(false)
	ended, taken := false, 0
	for !ended || p.Lines() < n { // a message taken before the end may come after it
		select {
		case m := <-msgs:
			switch m := m.(type) {
			case logs.LinesMsg:
				taken++
				run(p.OnLines(m))
			case logs.Msg: // the probe for older lines
				cmd, _ := p.Update(m)
				run(cmd)
			case logs.EndedMsg:
				if !p.OnEnded(m) {
					b.Fatalf("an end that is not the pane's")
				}
				if p.ErrText() != "" {
					b.Fatalf("reading the log: %s", p.ErrText())
				}
				ended = true
			default:
				b.Fatalf("unexpected message %T", m)
			}
			_ = views.LogsPane(th, p.Data(true), 120, 40)
		case <-time.After(2 * time.Minute):
			b.Fatalf("the pane stalled at %d lines", p.Lines())
			return 0, taken
		}
	}
	return p.Lines(), taken
}
