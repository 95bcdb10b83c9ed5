package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/pipeline"
)

// TestPipelineCLI: `pipeline show` prints Conducto's tree; `runs` and `logs` read the store.
func TestPipelineCLI(t *testing.T) {
	out, err := runCLI(t, "pipeline", "show", filepath.Join("..", "..", "testdata", "pipelines", "pretty.yml"))
	want := "/\n├─0 Build   echo docker build, make, npm i, etc.\n└─1 Test\n"
	if err != nil || !strings.HasPrefix(out, want) {
		t.Fatalf("show: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "pipeline", "show", filepath.Join("..", "..", "testdata", "pipelines", "broken", "bad-max-time.yml")); err == nil ||
		!strings.Contains(err.Error(), "bad-max-time.yml:4: /a: max_time") {
		t.Fatalf("show of a broken file: %v", err)
	}

	ws := t.TempDir()
	if err := os.Mkdir(filepath.Join(ws, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	st := &pipeline.Store{Root: filepath.Join(ws, ".podium", "runs")}
	run, err := st.NewRun("ci", "pipelines/ci.yml", []byte("serial: {build: echo hi}\n"), []pipeline.NodeRun{
		{Path: "/", Kind: "serial"}, {Path: "/build", Kind: "exec", Command: "echo hi"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		a, err := run.NewAttempt("/build", "echo hi")
		if err != nil {
			t.Fatal(err)
		}
		w, err := st.OutputWriter(run, "/build", a.N)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w.Stdout(), "out of attempt %d\n", n)
		fmt.Fprintf(w.Stderr(), "err of attempt %d\n", n)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		a.State, a.End = pipeline.StateDone, time.Now()
	}
	run.Nodes["/build"].State = pipeline.StateDone
	run.Status, run.Ended = pipeline.RunDone, time.Now()
	if err := st.Save(run); err != nil {
		t.Fatal(err)
	}

	out, err = runCLI(t, "-w", ws, "pipeline", "runs")
	if err != nil || !strings.Contains(out, run.ID) || !strings.Contains(out, "ci") || !strings.Contains(out, "done") {
		t.Fatalf("runs: %v\n%s", err, out)
	}
	out, err = runCLI(t, "-w", ws, "pipeline", "logs", run.ID[:10], "/build")
	if err != nil || out != "out of attempt 2\n! err of attempt 2\n" {
		t.Fatalf("logs (last attempt): %v\n%q", err, out)
	}
	out, err = runCLI(t, "-w", ws, "pipeline", "logs", run.ID, "/build", "--attempt", "1")
	if err != nil || !strings.Contains(out, "out of attempt 1") {
		t.Fatalf("logs --attempt 1: %v\n%q", err, out)
	}
	if _, err := runCLI(t, "-w", ws, "pipeline", "logs", "nosuchrun", "/build"); err == nil || !strings.Contains(err.Error(), "no run") {
		t.Fatalf("unknown run: %v", err)
	}
}
