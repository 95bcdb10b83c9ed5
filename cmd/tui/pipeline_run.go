package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
)

// runReporter prints a run's progress: one line per node state change (JSON lines with
// --json), or on a terminal a tree redrawn in place.
type runReporter struct {
	out    io.Writer
	json   bool
	tty    bool
	seen   map[string]string // path → last reported state/attempt
	drawn  int               // lines of the last tree drawn
	images io.Writer
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
	return &runReporter{out: out, json: asJSON, tty: tty, seen: map[string]string{}}
}

// update reports what changed in r since the last call.
func (rep *runReporter) update(r *pipeline.Run) {
	if rep.tty {
		rep.drawTree(r)
		return
	}
	for _, path := range r.Order {
		n := r.Nodes[path]
		if (n.Kind == "serial" || n.Kind == "parallel") && !finished(n.State) {
			continue // a group's rolled-up state moves with every child; report its end only
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
			if a != nil && n.Kind != "serial" && n.Kind != "parallel" {
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

func finished(s pipeline.State) bool {
	return s == pipeline.StateDone || s == pipeline.StateError || s == pipeline.StateKilled
}

// describeNode is a node's state in words: "done (exit 0, 1.2s)", "error (exit 1): reason".
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
		s += fmt.Sprintf(" (exit %d, %s", a.ExitCode, a.End.Sub(a.Start).Round(10*time.Millisecond))
		if a.N > 1 {
			s += fmt.Sprintf(", attempt %d", a.N)
		}
		s += ")"
	}
	if a.Reason != "" {
		s += ": " + a.Reason
	}
	return s
}

// drawTree redraws the run's tree in place on a terminal.
func (rep *runReporter) drawTree(r *pipeline.Run) {
	var b strings.Builder
	if rep.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\x1b[J", rep.drawn)
	}
	lines := 0
	for _, path := range r.Order {
		n := r.Nodes[path]
		depth := strings.Count(path, "/")
		name := path[strings.LastIndexByte(path, '/')+1:]
		if path == "/" {
			depth, name = 0, "/"
		}
		fmt.Fprintf(&b, "%s%s %-*s %s\n", strings.Repeat("  ", depth), stateGlyph(n), max(1, 28-2*depth), name, describeNode(n))
		lines++
	}
	rep.drawn = lines
	fmt.Fprint(rep.out, b.String())
}

func stateGlyph(n *pipeline.NodeRun) string {
	if n.Skipped {
		return "⊘"
	}
	switch n.State {
	case pipeline.StateDone:
		return "●"
	case pipeline.StateError:
		return "✖"
	case pipeline.StateKilled:
		return "☠"
	case pipeline.StateRunning:
		return "◐"
	case pipeline.StateQueued:
		return "◌"
	}
	return "○"
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
				rep.update(cur)
			}
		case <-done:
			if err := x.Wait(ctx, r.ID); err != nil {
				return err
			}
			final, err := st.Load(r.Pipeline, r.ID)
			if err != nil {
				return err
			}
			rep.update(final)
			if final.Status != pipeline.RunDone {
				return fmt.Errorf("pipeline %s run %s: %s (see `podium pipeline logs %s NODE`)", final.Pipeline, final.ID, final.Status, final.ID)
			}
			if !rep.json {
				fmt.Fprintf(rep.out, "pipeline %s run %s: done\n", final.Pipeline, final.ID)
			}
			return nil
		case <-ctx.Done():
			_ = x.Kill(r.ID)
			<-done
			return fmt.Errorf("pipeline %s run %s: killed (%v)", r.Pipeline, r.ID, ctx.Err())
		}
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
