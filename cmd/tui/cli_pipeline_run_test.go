package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pipeline"
)

// TestPipelineRunCLI runs a pipeline with a failing node through the CLI: JSON lines, a
// non-zero exit, stored output; a rerun adds an attempt and keeps the first; no container stays.
func TestPipelineRunCLI(t *testing.T) {
	h := enginetest.New(t)
	ws := t.TempDir()
	if err := os.Mkdir(filepath.Join(ws, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(ws, "pipelines", "p.yml")
	def := `images: {bb: {from: "busybox:latest"}}
image: bb
serial:
  ok: echo fine
  bad: {exec: "echo failing >&2; exit 3", container_reuse: isolated}
`
	if err := os.WriteFile(file, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "-w", ws, "pipeline", "run", file, "--json")
	if err == nil || !strings.Contains(err.Error(), "error") {
		t.Fatalf("a failing pipeline must fail: %v\n%s", err, out)
	}
	var runID string
	sawBad := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev runEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			continue // stderr lines (image progress) share the buffer in-process
		}
		runID = ev.Run
		if ev.Path == "/bad" && ev.State == "error" && ev.ExitCode != nil && *ev.ExitCode == 3 {
			sawBad = true
		}
	}
	if !sawBad || runID == "" {
		t.Fatalf("no JSON line for /bad failing with exit 3:\n%s", out)
	}
	out, err = runCLI(t, "-w", ws, "pipeline", "logs", runID, "/ok")
	if err != nil || out != "fine\n" {
		t.Fatalf("logs /ok: %v %q", err, out)
	}
	if _, err := runCLI(t, "-w", ws, "pipeline", "rerun", runID, "/bad"); err == nil {
		t.Fatal("rerun of a node that still fails succeeded")
	}
	st := &pipeline.Store{Root: filepath.Join(ws, ".podium", "runs")}
	run, err := st.Load("p", runID)
	if err != nil {
		t.Fatal(err)
	}
	if n := run.Nodes["/bad"]; len(n.Attempts) != 2 || n.Attempts[0].ExitCode != 3 || n.Attempts[1].ExitCode != 3 {
		t.Fatalf("attempts of /bad after a rerun: %+v", n.Attempts)
	}
	// Fix the command for this run only, rerun: the node succeeds, the file is unchanged.
	if out, err := runCLI(t, "-w", ws, "pipeline", "modify", runID, "/bad", "--command", "echo fixed $WHO", "-e", "WHO=podium"); err != nil {
		t.Fatalf("modify: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "-w", ws, "pipeline", "rerun", runID, "/bad"); err != nil {
		t.Fatalf("rerun after modify: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "-w", ws, "pipeline", "logs", runID, "/bad"); err != nil || out != "fixed podium\n" {
		t.Fatalf("logs after modify: %v %q", err, out)
	}
	if b, _ := os.ReadFile(file); string(b) != def {
		t.Fatal("modify changed the pipeline file")
	}
	left, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelRun + "=" + runID}})
	if err != nil || len(left) != 0 {
		t.Fatalf("containers left by the run: %d (%v)", len(left), err)
	}
}

// TestPipelineRunJSONFinalStates: `pipeline run --json` ends with every node's final state,
// groups included, also those left pending when the run stopped.
func TestPipelineRunJSONFinalStates(t *testing.T) {
	enginetest.New(t)
	ws := t.TempDir()
	file := filepath.Join(ws, "p.yml")
	def := `images: {bb: {from: "busybox:latest"}}
image: bb
serial:
  bad: exit 2
  later:
    parallel:
      x: echo x
      y: echo y
`
	if err := os.WriteFile(file, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "-w", ws, "pipeline", "run", file, "--json")
	if err == nil {
		t.Fatalf("a failing pipeline must fail:\n%s", out)
	}
	last := map[string]string{}
	runID := ""
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev runEvent
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Path != "" {
			last[ev.Path], runID = ev.State, ev.Run
		}
	}
	want := map[string]string{"/": "error", "/bad": "error", "/later": "pending", "/later/x": "pending", "/later/y": "pending"}
	for p, st := range want {
		if last[p] != st {
			t.Errorf("%s: last JSON state %q, want %q (all %v)\n%s", p, last[p], st, last, out)
		}
	}
	// A node that never ran has no output to show, and logs says so.
	if out, err := runCLI(t, "-w", ws, "pipeline", "logs", runID, "/later/x"); err == nil || !strings.Contains(err.Error(), "never ran") {
		t.Errorf("logs of a node that never ran: %v\n%s", err, out)
	}
}
