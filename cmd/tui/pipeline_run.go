package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/views"
)

// runReporter prints a run's progress: one line per node state change (JSON lines with
// --json), or on a terminal a tree redrawn in place.
type runReporter struct {
	out   io.Writer
	json  bool
	tty   bool
	seen  map[string]string // path → last reported state/attempt
	drawn []int             // the widths of the last tree's lines, to move up over it
	theme views.Theme       // the TUI's, for the tree's lines
}

// runEvent is one line of `pipeline run --json`.
type runEvent struct {
	Time     time.Time `json:"time"`
	Run      string    `json:"run"`
	Path     string    `json:"path"`
	State    string    `json:"state"`
	Skipped  bool      `json:"skipped,omitempty"`
	Attempt  int       `json:"attempt,omitempty"`
	ExitCode *int      `json:"exit_code,omitempty"`
	Reason   string    `json:"reason,omitempty"`
}

func newRunReporter(out io.Writer, asJSON bool) *runReporter {
	tty := false
	if f, ok := out.(*os.File); ok && !asJSON {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &runReporter{out: out, json: asJSON, tty: tty, seen: map[string]string{}, theme: views.NewTheme(os.Getenv("NO_COLOR") != "")}
}

// update reports what changed in r since the last call. While the run goes on, a group is
// reported when it has finished (its rolled-up state moves with every child); the final
// report (last) gives every node its final state, a group left pending by a stop included.
func (rep *runReporter) update(r *pipeline.Run, last bool) {
	if rep.tty {
		rep.drawTree(r, last)
		return
	}
	for _, path := range reportOrder(r) {
		n := r.Nodes[path]
		if isGroup(n) && !finished(n.State) && !last {
			continue
		}
		a := n.LastAttempt()
		key := fmt.Sprintf("%s/%v", n.State, n.Skipped)
		if a != nil {
			key += fmt.Sprintf("/%d/%s", a.N, a.State)
		}
		if rep.seen[path] == key {
			continue
		}
		rep.seen[path] = key
		if rep.json {
			ev := runEvent{Time: time.Now().UTC(), Run: r.ID, Path: path, State: string(n.State), Skipped: n.Skipped}
			if a != nil && !isGroup(n) {
				ev.Attempt, ev.Reason = a.N, a.Reason
				if !a.End.IsZero() {
					code := a.ExitCode
					ev.ExitCode = &code
				}
			}
			b, _ := json.Marshal(ev)
			fmt.Fprintln(rep.out, string(b))
			continue
		}
		fmt.Fprintf(rep.out, "%s %-30s %s\n", time.Now().Format("15:04:05"), path, describeNode(n))
	}
}

// reportOrder is the order the plain lines report nodes in: the leaves in the run's order,
// then the groups innermost first, so a group that one save ended with its last child is said
// to end after that child, as it did.
func reportOrder(r *pipeline.Run) []string {
	out := make([]string, 0, len(r.Order))
	for _, path := range r.Order {
		if n := r.Nodes[path]; n != nil && !isGroup(n) {
			out = append(out, path)
		}
	}
	for i := len(r.Order) - 1; i >= 0; i-- {
		if n := r.Nodes[r.Order[i]]; n != nil && isGroup(n) {
			out = append(out, r.Order[i])
		}
	}
	return out
}

func isGroup(n *pipeline.NodeRun) bool { return n.Kind == "serial" || n.Kind == "parallel" }

func finished(s pipeline.State) bool {
	return s == pipeline.StateDone || s == pipeline.StateError || s == pipeline.StateKilled
}

// describeNode is a node's state in words: "done (exit 0, 1s)", "error (exit 1): reason", its
// duration by the TUI's rule (views.AttemptDuration: none for a node that never started).
func describeNode(n *pipeline.NodeRun) string {
	s := string(n.State)
	if n.Skipped {
		s += " (skipped)"
	}
	a := n.LastAttempt()
	if a == nil || n.Kind == "serial" || n.Kind == "parallel" {
		return s
	}
	if !a.End.IsZero() {
		var parts []string
		if !a.Start.IsZero() {
			parts = append(parts, fmt.Sprintf("exit %d", a.ExitCode), views.AttemptDuration(*a, a.End))
		}
		if a.N > 1 {
			parts = append(parts, fmt.Sprintf("attempt %d", a.N))
		}
		if len(parts) > 0 {
			s += " (" + strings.Join(parts, ", ") + ")"
		}
	}
	if a.Reason != "" {
		s += ": " + a.Reason
	}
	return s
}

// drawTree redraws the run's tree in place on a terminal, each node a line as the TUI's tree
// draws it (views.RunTreeLine: the same glyphs, words and durations), cut to the terminal's
// width so that a line never wraps; the cursor goes up by the lines the last tree took on
// screen. When the run has ended (last), the reasons of the nodes that failed follow in
// full, below the tree.
func (rep *runReporter) drawTree(r *pipeline.Run, last bool) {
	cols := rep.cols()
	var b strings.Builder
	// The lines the last tree takes now: a terminal narrowed since may have rewrapped them.
	up := 0
	for _, w := range rep.drawn {
		up += physicalLines(w, cols)
	}
	if up > 0 {
		fmt.Fprintf(&b, "\r\x1b[%dA\x1b[J", up)
	}
	sum := pipeline.Rollup(r, nil)
	now := time.Now()
	rep.drawn = rep.drawn[:0]
	for _, path := range r.Order {
		line := views.RunTreeLine(rep.theme, r, sum, path, now)
		if cols > 1 {
			line = ansi.Truncate(line, cols-1, "…")
		}
		b.WriteString(line + "\n")
		rep.drawn = append(rep.drawn, ansi.StringWidth(line))
	}
	if last {
		rep.drawn = nil // what follows stays
		for _, path := range r.Order {
			n := r.Nodes[path]
			if a := n.LastAttempt(); a != nil && a.Reason != "" && (n.State == pipeline.StateError || n.State == pipeline.StateKilled) {
				fmt.Fprintf(&b, "%s: %s\n", path, a.Reason)
			}
		}
	}
	fmt.Fprint(rep.out, b.String())
}

// cols is the terminal's width, 0 when unknown.
func (rep *runReporter) cols() int {
	f, ok := rep.out.(*os.File)
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// physicalLines is how many terminal lines a line w columns wide takes at cols columns (one
// when unknown).
func physicalLines(w, cols int) int {
	if cols <= 0 || w <= cols {
		return 1
	}
	return (w + cols - 1) / cols
}

// follow reports a run until the executor is done with it, then says how it ended; the error
// is nil only when the run succeeded. Progress comes from the executor's saves, never a timer.
func followRun(ctx context.Context, pl *pipeline.Workspace, r *pipeline.Run, changed <-chan struct{}, rep *runReporter) error {
	x, st := pl.Executor(), pl.Store
	done := x.Done(r.ID)
	for {
		select {
		case <-changed:
			if cur, err := st.Load(r.Pipeline, r.ID); err == nil {
				rep.update(cur, false)
			}
		case <-done:
			if err := x.Wait(ctx, r.ID); err != nil {
				return err
			}
			final, err := st.Load(r.Pipeline, r.ID)
			if err != nil {
				return err
			}
			rep.update(final, true)
			if final.Status != pipeline.RunDone {
				return fmt.Errorf("pipeline %s run %s: %s (see `podium pipeline logs %s NODE`)", final.Pipeline, final.ID, final.Status, final.ID)
			}
			if !rep.json {
				fmt.Fprintf(rep.out, "pipeline %s run %s: done\n", final.Pipeline, final.ID)
			}
			return nil
		case <-ctx.Done():
			_ = x.Kill(r.ID)
			<-done // the executor has removed the run's containers and saved its end
			if final, err := st.Load(r.Pipeline, r.ID); err == nil {
				rep.update(final, true)
			}
			return fmt.Errorf("pipeline %s run %s: killed (%v)", r.Pipeline, r.ID, ctx.Err())
		}
	}
}

// sweep removes the containers that runs whose process died left behind; a failure is a
// warning, never a reason not to run.
func sweep(ctx context.Context, pl *pipeline.Workspace, warn io.Writer) {
	if _, err := pl.Sweep(ctx); err != nil {
		fmt.Fprintf(warn, "warning: %v\n", err)
	}
}

// runPipelines makes the workspace's pipelines for a run of the CLI: image builds are reported
// on progress, the containers carry labels, and the channel is signalled after each save.
func runPipelines(eng *docker.Engine, root string, progress io.Writer, labels map[string]string) (*pipeline.Workspace, <-chan struct{}) {
	changed := make(chan struct{}, 1)
	pl := pipeline.NewWorkspace(eng, root, pipeline.WorkspaceOptions{
		Labels: labels,
		Progress: func(e pipeline.BuildEvent) {
			if e.Done && progress != nil {
				what := "built"
				if e.Cached {
					what = "cached"
				}
				fmt.Fprintf(progress, "image %s: %s stage %s\n", e.Image, e.Stage, what)
			}
		},
		Saved: func(string) {
			select {
			case changed <- struct{}{}:
			default:
			}
		},
	})
	return pl, changed
}
