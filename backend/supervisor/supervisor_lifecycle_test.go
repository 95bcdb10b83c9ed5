package supervisor

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/podiumdev/podium/backend/docker"
)

// Removing a spec file stops and removes its containers and deletes its state entry (condo
// kept them, stopped, and an Init entry forever).
func TestSupervisorRemoveSpec(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "gone", supWith(supSpec("busybox:latest", "1"), "replicas", 2))
	r.waitStable("gone", 1, 20*time.Second)
	r.remove(0, "gone")
	r.wait("gone", 20*time.Second, "forgotten", func(_ ServiceStatus, ok bool) bool { return !ok })
	if cs := r.ours("gone"); len(cs) != 0 {
		t.Errorf("%d containers left", len(cs))
	}
	var doc stateDoc
	data, err := os.ReadFile(r.state)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Services["gone"]; ok {
		t.Errorf("state file still has the service")
	}
	// Re-adding the file deploys it again from scratch.
	r.write(0, "gone", supSpec("busybox:latest", "1"))
	r.waitStable("gone", 1, 20*time.Second)
}

// Two spec directories at once: each service runs, nothing flaps (condo's shared pool had each
// watcher stop the other directory's services), and a name defined in both is an error for
// that name only, with the running version kept.
func TestSupervisorTwoSpecDirs(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 2)
	r.write(0, "left", supSpec("busybox:latest", "1"))
	r.write(1, "right", supSpec("busybox:latest", "1"))
	r.start()
	l := r.waitStable("left", 1, 20*time.Second)
	rt := r.waitStable("right", 1, 20*time.Second)
	time.Sleep(time.Second)
	for _, name := range []string{"left", "right"} {
		st, _ := r.sup.Service(name)
		for _, tr := range st.Timeline {
			if tr.To == Init || tr.From == Stable {
				t.Errorf("%s left Stable: %s", name, supDescribe(st))
			}
		}
	}
	// A third file in the second directory with the first one's name.
	r.write(1, "left", supSpec("busybox:latest", "other"))
	st := r.wait("left", 10*time.Second, "a spec error", func(st ServiceStatus, ok bool) bool { return st.SpecError != "" })
	if !strings.Contains(st.SpecError, "also defined") || st.State != Stable || st.Containers[0].ID != l.Containers[0].ID {
		t.Errorf("duplicate name: %s", supDescribe(st))
	}
	if st, _ := r.sup.Service("right"); st.SpecError != "" || st.Containers[0].ID != rt.Containers[0].ID {
		t.Errorf("the other service was disturbed: %s", supDescribe(st))
	}
	// Removing the duplicate clears the error without a redeploy.
	r.remove(1, "left")
	st = r.wait("left", 10*time.Second, "without a spec error", func(st ServiceStatus, ok bool) bool { return st.SpecError == "" })
	if st.Revision != 1 || st.Next != 0 || st.Containers[0].ID != l.Containers[0].ID {
		t.Errorf("after the duplicate went: %s", supDescribe(st))
	}
}

// A spec file that stops parsing keeps the running version and says why; fixing it clears
// the error, and an unchanged hash deploys nothing.
func TestSupervisorSpecError(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "typo", supSpec("busybox:latest", "1"))
	st := r.waitStable("typo", 1, 20*time.Second)
	id := st.Containers[0].ID
	r.writeRaw(0, "typo.json", `{"spec": {"Imgae": "busybox:latest"}}`)
	st = r.wait("typo", 10*time.Second, "a spec error", func(st ServiceStatus, ok bool) bool { return st.SpecError != "" })
	if !strings.Contains(st.SpecError, "Imgae") || st.State != Stable || st.Containers[0].ID != id {
		t.Errorf("spec error: %s", supDescribe(st))
	}
	r.write(0, "typo", supSpec("busybox:latest", "1"))
	st = r.wait("typo", 10*time.Second, "without a spec error", func(st ServiceStatus, ok bool) bool { return st.SpecError == "" })
	if st.Revision != 1 || st.Next != 0 || st.Containers[0].ID != id {
		t.Errorf("the unchanged spec redeployed: %s", supDescribe(st))
	}
	// The same spec written differently (compact, keys reordered) is the same spec.
	compact, err := json.Marshal(supSpec("busybox:latest", "1"))
	if err != nil {
		t.Fatal(err)
	}
	r.writeRaw(0, "typo.json", string(compact)+"\n\n")
	time.Sleep(800 * time.Millisecond)
	if st, _ := r.sup.Service("typo"); st.Revision != 1 || st.Next != 0 || len(st.History) != 1 || st.Containers[0].ID != id {
		t.Errorf("a reformatted spec redeployed: %s", supDescribe(st))
	}
}

// A Stable container that dies is noticed (condo never looked again): TryAgain, then a new
// container, then Stable.
func TestSupervisorDeadContainerReplaced(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "mortal", supSpec("busybox:latest", "1"))
	st := r.waitStable("mortal", 1, 20*time.Second)
	id := st.Containers[0].ID
	if err := r.h.Engine.Kill(r.h.Ctx(), id, "KILL"); err != nil {
		t.Fatal(err)
	}
	r.waitState("mortal", TryAgain, 10*time.Second)
	st = r.wait("mortal", 20*time.Second, "stable with a new container", func(st ServiceStatus, ok bool) bool {
		return st.State == Stable && len(st.Containers) == 1 && st.Containers[0].ID != id && st.Healthy == 1
	})
	if cs := r.ours("mortal"); len(cs) != 1 {
		t.Errorf("Docker has %d containers of the service", len(cs))
	}
}

// Pause holds a new spec back (the running containers stay); Resume deploys it. WaitFor
// answers for an image, and an unknown name is an UnknownServiceError.
func TestSupervisorPauseResumeWaitFor(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "held", supSpec("busybox:latest", "1"))
	r.waitStable("held", 1, 20*time.Second)
	ctx := r.h.Ctx()
	if err := r.sup.WaitFor(ctx, "held", "busybox:latest"); err != nil {
		t.Fatalf("WaitFor: %v", err)
	}
	var unknown UnknownServiceError
	if err := r.sup.WaitFor(ctx, "nope", ""); !errors.As(err, &unknown) || unknown.Name != "nope" {
		t.Errorf("WaitFor unknown: %v", err)
	}
	if err := r.sup.Pause("nope"); !errors.As(err, &unknown) {
		t.Errorf("Pause unknown: %v", err)
	}
	if err := r.sup.Pause("held"); err != nil {
		t.Fatal(err)
	}
	r.wait("held", 5*time.Second, "paused", func(st ServiceStatus, ok bool) bool { return st.Paused })
	v2 := r.h.BuildImage("held2", "FROM busybox:latest\nLABEL v=2\n", nil)
	r.write(0, "held", supSpec(v2, "1"))
	st := r.wait("held", 5*time.Second, "deploying revision 2", func(st ServiceStatus, ok bool) bool { return st.Next == 2 })
	time.Sleep(700 * time.Millisecond)
	st, _ = r.sup.Service("held")
	if len(st.Containers) != 1 || st.Containers[0].Revision != 1 {
		t.Errorf("paused service deployed: %s", supDescribe(st))
	}
	waited := make(chan error, 1)
	go func() { waited <- r.sup.WaitFor(ctx, "held", v2) }()
	if err := r.sup.Resume("held"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("WaitFor %s: %v", v2, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("WaitFor %s did not return", v2)
	}
	if st, _ := r.sup.Service("held"); st.State != Stable || st.Image != v2 || st.Revision != 2 {
		t.Errorf("after WaitFor: %s", supDescribe(st))
	}
}

// A fixed container Name with After: the old container is renamed <name>-old-<rev> first, the
// new one gets the name, and the old one is removed after the delay (condo deleted the old
// container by name before creating the new one).
func TestSupervisorFixedNameAfter(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	fixed := r.h.Name("fixed")
	spec := func(mark string) map[string]any {
		s := supWith(supSpec("busybox:latest", mark), "deploy", []any{"After", 0})
		inner := map[string]any{}
		for k, v := range s["spec"].(map[string]any) {
			inner[k] = v
		}
		inner["Name"] = fixed
		s["spec"] = inner
		return s
	}
	r.write(0, "pinned", spec("1"))
	st := r.waitStable("pinned", 1, 20*time.Second)
	old := st.Containers[0].ID
	if st.Containers[0].Name != fixed {
		t.Fatalf("name %q, want %q", st.Containers[0].Name, fixed)
	}
	r.write(0, "pinned", spec("2"))
	st = r.waitStable("pinned", 2, 20*time.Second)
	if st.Containers[0].Name != fixed || st.Containers[0].ID == old {
		t.Errorf("after the deploy: %s", supDescribe(st))
	}
	renamed := false
	for _, tr := range st.Timeline {
		renamed = renamed || strings.Contains(tr.Reason, "to "+fixed+"-old-1")
	}
	if !renamed {
		t.Errorf("the old container was not renamed first: %s", supDescribe(st))
	}
	if cs := r.ours("pinned"); len(cs) != 1 {
		t.Errorf("Docker has %d containers of the service", len(cs))
	}
}

// A container of ours that nothing wants (an orphan left by a kill -9 between create and
// save, or a duplicate) is removed at start; the wanted one is adopted as it is.
func TestSupervisorOrphanRemoved(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "lonely", supSpec("busybox:latest", "1"))
	st := r.waitStable("lonely", 1, 20*time.Second)
	keep := st.Containers[0].ID
	r.stop()
	hash := r.ours("lonely")[0].Labels[docker.LabelSpecHash]
	orphan := r.h.Run("orphan", &container.Config{
		Cmd:    []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelDeploy: "lonely", docker.LabelSpecHash: hash, docker.LabelRevision: "1"},
	}, nil)
	stray := r.h.Run("stray", &container.Config{
		Cmd:    []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelDeploy: "nobody", docker.LabelSpecHash: "x", docker.LabelRevision: "4"},
	}, nil)
	r.restart()
	st = r.waitStable("lonely", 1, 20*time.Second)
	r.wait("lonely", 20*time.Second, "without the orphan", func(st ServiceStatus, ok bool) bool { return len(st.Containers) == 1 })
	if st, _ := r.sup.Service("lonely"); st.Containers[0].ID != keep {
		t.Errorf("the service's container was replaced: %s", supDescribe(st))
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if len(r.ours("lonely")) == 1 && len(r.ours("nobody")) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, id := range []string{orphan, stray} {
		if _, err := r.h.Engine.Inspect(r.h.Ctx(), id); !docker.IsNotFound(err) {
			t.Errorf("orphan %s not removed: %v", id[:12], err)
		}
	}
	// The stray's service exists only while its container is removed, then is forgotten.
	r.wait("nobody", 20*time.Second, "forgotten (no service is made up for a stray container)", func(_ ServiceStatus, ok bool) bool { return !ok })
}

// A container of the service that appears while the supervisor runs, created but never
// started and not in its record (a create a killed supervisor had asked for, finished by the
// engine after this one listed its containers), is removed; the service's own stays.
func TestSupervisorLateStrayCreateRemoved(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "late", supSpec("busybox:latest", "1"))
	st := r.waitStable("late", 1, 20*time.Second)
	keep := st.Containers[0].ID
	hash := r.ours("late")[0].Labels[docker.LabelSpecHash]
	stray := r.h.Create("late-stray", &container.Config{
		Cmd:    []string{"sleep", "3600"},
		Labels: map[string]string{docker.LabelDeploy: "late", docker.LabelSpecHash: hash, docker.LabelRevision: "1"},
	}, nil)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := r.h.Engine.Inspect(r.h.Ctx(), stray); docker.IsNotFound(err) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := r.h.Engine.Inspect(r.h.Ctx(), stray); !docker.IsNotFound(err) {
		t.Fatalf("the stray created container %s is still there: %v", stray[:12], err)
	}
	if st, _ := r.sup.Service("late"); len(st.Containers) != 1 || st.Containers[0].ID != keep || st.State != Stable {
		t.Errorf("the service's own container or state changed: %s", supDescribe(st))
	}
}
