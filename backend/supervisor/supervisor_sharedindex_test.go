package supervisor

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
)

// One events stream per process: a supervisor given the process's shared, unfiltered index
// deploys as with its own, and picks only its own containers out of it. A container of the
// same service name that another supervisor owns (another dev.podium.supervisor) is neither
// adopted nor removed.
func TestSupervisorSharedIndex(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	ix := docker.NewIndex(r.h.Engine, docker.IndexOptions{}) // every container of the engine
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ix.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	foreign := r.h.Run("shared-foreign", &container.Config{
		Cmd: []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelDeploy: "twin", docker.LabelSpecHash: "x", docker.LabelRevision: "1",
			docker.LabelSupervisor: "someone-else"},
	}, nil)

	sup, err := New(Options{
		Engine: r.h.Engine, Index: ix, StateFile: r.state, SpecDirs: r.dirs,
		Labels:     r.h.Labels(map[string]string{docker.LabelSupervisor: "this-one"}),
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.sup = sup
	runDone := make(chan error, 1)
	rctx, rcancel := context.WithCancel(context.Background())
	go func() { runDone <- sup.Run(rctx) }()
	t.Cleanup(func() {
		rcancel()
		if err := <-runDone; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	r.write(0, "twin", supSpec("busybox:latest", "1"))
	st := r.waitStable("twin", 1, 30*time.Second)
	r.write(0, "twin", supSpec("busybox:latest", "2"))
	st = r.waitStable("twin", 2, 30*time.Second)
	for _, c := range st.Containers {
		if c.ID == foreign {
			t.Errorf("the other supervisor's container was adopted: %s", supDescribe(st))
		}
	}
	d, err := r.h.Engine.Inspect(r.h.Ctx(), foreign)
	if err != nil || d.State != "running" {
		t.Errorf("the other supervisor's container was touched: %v %s", err, d.State)
	}
	if n := len(r.ours("twin")); n != 2 {
		t.Errorf("Docker has %d containers named for twin, want 2 (ours and the other's)", n)
	}
}
