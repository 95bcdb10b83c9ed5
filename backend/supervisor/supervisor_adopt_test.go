package supervisor

import (
	"context"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Stopping the supervisor leaves the containers running; a new one on the same state file
// adopts them as they are: the same container ids, no container started.
func TestSupervisorRestartAdopts(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "keep", supWith(supSpec("busybox:latest", "1"), "replicas", 2, "deploy", []any{"After", 0}))
	st := r.waitStable("keep", 1, 30*time.Second)
	ids := supIDs(st)
	r.stop()
	for _, c := range r.ours("keep") {
		if c.State != "running" {
			t.Errorf("container %s is %s after the supervisor stopped", c.Name, c.State)
		}
	}
	r.start()
	st = r.waitStable("keep", 1, 20*time.Second)
	time.Sleep(500 * time.Millisecond)
	st, _ = r.sup.Service("keep")
	if got := supIDs(st); !slices.Equal(got, ids) {
		t.Errorf("containers %v after the restart, want %v", got, ids)
	}
	for _, ev := range r.recorded() {
		if strings.HasPrefix(ev.Transition.Reason, "started ") || strings.HasPrefix(ev.Transition.Reason, "removed ") {
			t.Errorf("the restart touched a container: %s", ev.Transition.Reason)
		}
	}
}

// With the state file gone (or corrupt), the containers are adopted from their labels: the
// running revision, its spec hash, no restart; the next spec gets the next revision number.
func TestSupervisorStateLostAdoptsFromLabels(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"deleted", "corrupt"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			r := supNewRig(t, 1)
			r.start()
			r.write(0, "amnesia", supSpec("busybox:latest", "1"))
			r.waitStable("amnesia", 1, 20*time.Second)
			r.write(0, "amnesia", supSpec("busybox:latest", "2"))
			st := r.waitStable("amnesia", 2, 20*time.Second)
			id := st.Containers[0].ID
			r.stop()
			if how == "deleted" {
				if err := os.Remove(r.state); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(r.state, []byte(`{"version": 1, "services": {"amnesia": {"name": "amn`), 0o644); err != nil {
				t.Fatal(err)
			}
			r.start()
			st = r.waitStable("amnesia", 2, 20*time.Second)
			if st.Containers[0].ID != id {
				t.Errorf("container replaced on adoption: %s", supDescribe(st))
			}
			r.write(0, "amnesia", supSpec("busybox:latest", "3"))
			st = r.waitStable("amnesia", 3, 20*time.Second)
			if cs := r.ours("amnesia"); len(cs) != 1 || cs[0].ID != st.Containers[0].ID {
				t.Errorf("Docker has %d containers", len(cs))
			}
		})
	}
}

// What changed while the supervisor was down is acted on when it starts: a dead container is
// replaced (TryAgain, then a new one), a changed spec deployed, a removed spec's containers
// removed.
func TestSupervisorChangesWhileDown(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "dead", supSpec("busybox:latest", "1"))
	r.write(0, "changed", supSpec("busybox:latest", "1"))
	r.write(0, "deleted", supSpec("busybox:latest", "1"))
	dead := r.waitStable("dead", 1, 30*time.Second).Containers[0].ID
	r.waitStable("changed", 1, 30*time.Second)
	r.waitStable("deleted", 1, 30*time.Second)
	r.stop()
	if err := r.h.Engine.Stop(r.h.Ctx(), dead, 0); err != nil {
		t.Fatal(err)
	}
	r.write(0, "changed", supSpec("busybox:latest", "2"))
	r.remove(0, "deleted")
	r.start()
	st := r.wait("dead", 30*time.Second, "stable with a new container", func(st ServiceStatus, ok bool) bool {
		return st.State == Stable && len(st.Containers) == 1 && st.Containers[0].ID != dead && st.Healthy == 1
	})
	sawTryAgain := false
	for _, tr := range st.Timeline {
		sawTryAgain = sawTryAgain || tr.To == TryAgain
	}
	if !sawTryAgain {
		t.Errorf("no TryAgain for the dead container: %s", supDescribe(st))
	}
	r.waitStable("changed", 2, 30*time.Second)
	r.wait("deleted", 30*time.Second, "forgotten", func(_ ServiceStatus, ok bool) bool { return !ok })
	if cs := r.ours("deleted"); len(cs) != 0 {
		t.Errorf("%d containers of the removed spec left", len(cs))
	}
}

// supCrashEnv carries the helper process's settings.
const supCrashEnv = "PODIUM_SUPERVISOR_CRASH_HELPER"

// TestSupervisorCrashHelper is the supervisor process that TestSupervisorKillNine kills.
func TestSupervisorCrashHelper(t *testing.T) {
	args := os.Getenv(supCrashEnv)
	if args == "" {
		t.Skip("run by TestSupervisorKillNine")
	}
	parts := strings.Split(args, "|") // dir|state|label key|label value
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer cancel()
	eng, err := docker.Connect(ctx, docker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sup, err := New(Options{Engine: eng, SpecDirs: []string{parts[0]}, StateFile: parts[1], Labels: map[string]string{parts[2]: parts[3]},
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := sup.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// kill -9 at random instants of rolling deploys, again and again; then a supervisor that is
// left alone converges to exactly the desired containers: the last spec's, as many as its
// replicas, no orphan, no duplicate, nothing else.
func TestSupervisorKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	t.Parallel()
	r := supNewRig(t, 1)
	spec := func(i int) map[string]any {
		return supWith(supSpec("busybox:latest", fmt.Sprint(i)), "replicas", 2, "deploy", []any{"After", 0},
			"update", map[string]any{"parallelism": 1})
	}
	rounds := 8
	for i := range rounds {
		r.write(0, "crash", spec(i))
		cmd := exec.Command(os.Args[0], "-test.run=^TestSupervisorCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), supCrashEnv+"="+strings.Join([]string{r.dirs[0], r.state, docker.LabelTest, r.h.ID}, "|"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+rand.IntN(2500)) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Logf("round %d: killed; Docker has %d containers of the service", i, len(r.ours("crash")))
	}
	final, err := deployspec.ParseFile(filepath.Join(r.dirs[0], "crash.json"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := loadState(r.state)
	if err != nil || recs["crash"].LastRev < 2 {
		t.Fatalf("the killed supervisors did not deploy: %v %+v", err, recs["crash"])
	}
	t.Logf("state at the last kill: %s, revision %d, next %d, %d containers", recs["crash"].State, recs["crash"].Current, recs["crash"].Next, len(recs["crash"].Containers))
	r.start()
	st := r.wait("crash", 60*time.Second, "stable on the last spec", func(st ServiceStatus, ok bool) bool {
		return ok && st.State == Stable && st.Next == 0 && st.Healthy == 2 && len(st.Containers) == 2 && st.History[len(st.History)-1].Hash == final.Hash
	})
	cs := r.ours("crash")
	if len(cs) != 2 {
		t.Errorf("Docker has %d containers of the service, want 2: %s", len(cs), supDescribe(st))
	}
	for _, c := range cs {
		if c.Labels[docker.LabelSpecHash] != final.ContainerHash || c.State != "running" || !slices.Contains(supIDs(st), c.ID) {
			t.Errorf("container %s (%s, hash %.8s) is not one of the final spec's", c.Name, c.State, c.Labels[docker.LabelSpecHash])
		}
	}
}
