package main

import (
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/pipeline"
)

// TestDescribeNodeNeverStarted: the plain lines of `pipeline run` give a node that failed
// before its container ran no duration and no exit code, only its reason.
func TestDescribeNodeNeverStarted(t *testing.T) {
	end := time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)
	n := &pipeline.NodeRun{Path: "/broken", Kind: "exec", State: pipeline.StateError, Attempts: []pipeline.Attempt{
		{N: 1, State: pipeline.StateError, ExitCode: -1, End: end, Reason: "image x is not present locally"},
	}}
	got := describeNode(n)
	if got != "error: image x is not present locally" {
		t.Errorf("describeNode = %q", got)
	}
	n.Attempts[0].Start, n.Attempts[0].ExitCode = end.Add(-3*time.Second), 2
	if got := describeNode(n); !strings.HasPrefix(got, "error (exit 2, 3s)") {
		t.Errorf("describeNode of a node that ran = %q", got)
	}
}

// TestPhysicalLines: a line wider than the terminal takes as many lines as it wraps to.
func TestPhysicalLines(t *testing.T) {
	for _, c := range []struct{ w, cols, want int }{{10, 80, 1}, {80, 80, 1}, {81, 80, 2}, {200, 60, 4}, {0, 60, 1}, {500, 0, 1}} {
		if got := physicalLines(c.w, c.cols); got != c.want {
			t.Errorf("physicalLines(%d, %d) = %d, want %d", c.w, c.cols, got, c.want)
		}
	}
}

// TestRunReporterGroupsAfterTheirChildren: when one save ends a group's last child and the
// group with it, the plain lines say the child's end first: a group ends after its children.
func TestRunReporterGroupsAfterTheirChildren(t *testing.T) {
	end := time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)
	leaf := func(path string, st pipeline.State, code int) *pipeline.NodeRun {
		return &pipeline.NodeRun{Path: path, Kind: "exec", State: st, Attempts: []pipeline.Attempt{
			{N: 1, State: st, ExitCode: code, Start: end.Add(-time.Second), End: end}}}
	}
	r := &pipeline.Run{ID: "r1", Status: pipeline.RunError, Order: []string{"/", "/test", "/test/flaky", "/test/lint"}, Nodes: map[string]*pipeline.NodeRun{
		"/":           {Path: "/", Kind: "serial", State: pipeline.StateError},
		"/test":       {Path: "/test", Kind: "parallel", State: pipeline.StateError},
		"/test/flaky": leaf("/test/flaky", pipeline.StateError, 1),
		"/test/lint":  leaf("/test/lint", pipeline.StateDone, 0),
	}}
	var out strings.Builder
	newRunReporter(&out, false).update(r, false)
	var order []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		order = append(order, strings.Fields(l)[1])
	}
	if want := "/test/flaky /test/lint /test /"; strings.Join(order, " ") != want {
		t.Fatalf("lines in the order %q, want %q:\n%s", order, want, out.String())
	}
}
