package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pipeline"
)

// sigPipeline writes a pipeline file whose two pooled nodes sleep, named uniquely so that the
// test finds its containers by the pipeline label, and removes whatever is left at the end.
func sigPipeline(t *testing.T, h *enginetest.Harness, ws string) (name, file string) {
	t.Helper()
	name = fmt.Sprintf("sig%d-%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if err := os.MkdirAll(filepath.Join(ws, "pipelines"), 0o755); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(ws, "pipelines", name+".yml")
	def := "images: {bb: {from: \"busybox:latest\"}}\nimage: bb\nparallel:\n  a: sleep 300\n  b: sleep 300\n"
	if err := os.WriteFile(file, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, c := range pipelineContainers(t, h, name) {
			_ = h.Engine.Remove(h.Ctx(), c.ID, docker.RemoveOptions{Force: true})
		}
	})
	return name, file
}

// pipelineContainers are the containers, running or not, of the pipeline's runs.
func pipelineContainers(t *testing.T, h *enginetest.Harness, name string) []docker.Container {
	t.Helper()
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelPipeline + "=" + name}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// startPipelineRun starts `podium pipeline run` of file as a process of its own and waits
// until both nodes run in their containers.
func startPipelineRun(t *testing.T, h *enginetest.Harness, bin, ws, name, file string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "-w", ws, "pipeline", "run", file, "--json")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for len(pipelineContainers(t, h, name)) < 2 || strings.Count(out.String(), `"state":"running"`) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the run's nodes never ran:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cmd, out
}

// syncBuffer is a buffer the process's output is copied into while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPipelineRunSignalsRemoveContainers: a `pipeline run` ended by SIGHUP, SIGINT or SIGTERM
// kills its run and removes its containers before it exits.
func TestPipelineRunSignalsRemoveContainers(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ws := t.TempDir()
			name, file := sigPipeline(t, h, ws)
			cmd, out := startPipelineRun(t, h, bin, ws, name, file)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("podium did not end after %s:\n%s", sig, out.String())
			}
			if left := pipelineContainers(t, h, name); len(left) != 0 {
				t.Fatalf("%d container(s) of the run left after %s:\n%s", len(left), sig, out.String())
			}
			st := &pipeline.Store{Root: pipeline.RunsDir(ws)}
			r, err := st.Latest(name)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != pipeline.RunKilled {
				t.Errorf("run status after %s: %s, want killed", sig, r.Status)
			}
		})
	}
}

// TestPipelineRunKilledIsSwept: a `pipeline run` killed with SIGKILL cannot clean up; its run
// reads as interrupted, and the next run removes its containers.
func TestPipelineRunKilledIsSwept(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	ws := t.TempDir()
	name, file := sigPipeline(t, h, ws)
	cmd, _ := startPipelineRun(t, h, bin, ws, name, file)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	st := &pipeline.Store{Root: pipeline.RunsDir(ws)}
	r, err := st.Latest(name)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != pipeline.RunInterrupted {
		t.Fatalf("a run whose process died reads as %s, want interrupted", r.Status)
	}
	if n := len(pipelineContainers(t, h, name)); n != 2 {
		t.Fatalf("%d containers after SIGKILL, want the 2 left behind", n)
	}
	// The next run (of another pipeline of the workspace) sweeps them.
	other := filepath.Join(ws, "pipelines", "other.yml")
	if err := os.WriteFile(other, []byte("images: {bb: {from: \"busybox:latest\"}}\nimage: bb\nexec: \"true\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-w", ws, "pipeline", "run", other).CombinedOutput(); err != nil {
		t.Fatalf("next run: %v\n%s", err, out)
	}
	if left := pipelineContainers(t, h, name); len(left) != 0 {
		t.Fatalf("%d container(s) of the interrupted run left after the next run", len(left))
	}
}
