package supervisor

import (
	"strings"
	"testing"
	"time"
)

// supBadMount is spec with a bind mount of a path that does not exist: the engine refuses to
// create the container, with an error of its own.
func supBadMount(spec map[string]any) map[string]any {
	body := map[string]any{}
	for k, v := range spec["spec"].(map[string]any) {
		body[k] = v
	}
	body["HostConfig"] = map[string]any{"Mounts": []any{map[string]any{
		"Type": "bind", "Source": "/nonexistent/podium-test/mount-source", "Target": "/x",
	}}}
	return supWith(spec, "spec", body)
}

// A revision that fails on an engine error keeps the engine's whole message; a new revision
// starts with no error: the previous revision's failure is not carried onto it.
func TestSupervisorNewRevisionDropsOldError(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "errs", supBadMount(supSpec("busybox:latest", "1")))
	st := r.wait("errs", 30*time.Second, "revision 1 failing", func(st ServiceStatus, ok bool) bool {
		return ok && st.State == TryAgain && st.LastError != ""
	})
	if !strings.Contains(st.LastError, "bind source path does not exist: /nonexistent/podium-test/mount-source") {
		t.Fatalf("the last error is not the engine's whole message: %q", st.LastError)
	}
	r.write(0, "errs", supSpec("busybox:latest", "2"))
	r.waitStable("errs", 2, 30*time.Second)
	for _, ev := range r.recorded() {
		if ev.Service == "errs" && ev.Status.Next == 2 && ev.Status.LastError != "" {
			t.Fatalf("revision 2 shows revision 1's error while it deploys (%s: %s): %q",
				ev.Transition.Cause, ev.Transition.Reason, ev.Status.LastError)
		}
	}
}

// Restarting the supervisor over containers that are just as it left them changes nothing, so
// it adds nothing to the timeline: no "reconciled with Docker" row per restart.
func TestSupervisorRestartAddsNoReconcileRow(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "calm", supSpec("busybox:latest", "1"))
	r.waitStable("calm", 1, 30*time.Second)
	before := 0
	if st, ok := r.sup.Service("calm"); ok {
		before = len(st.Timeline)
	}
	for range 2 {
		r.stop()
		r.start()
		r.waitStable("calm", 1, 20*time.Second)
	}
	time.Sleep(300 * time.Millisecond)
	st, _ := r.sup.Service("calm")
	var rows []string
	for _, tr := range st.Timeline[before:] {
		rows = append(rows, string(tr.Cause)+": "+tr.Reason)
	}
	if len(rows) != 0 {
		t.Errorf("two restarts that changed nothing added timeline rows:\n%s", strings.Join(rows, "\n"))
	}
}

// An engine error that quotes a secret value of the spec's env (here the mount source) keeps
// it out of the last error, the timeline and the history: it is masked.
func TestSupervisorErrorMasksSecrets(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	const secretValue = "s3cr3t-pw-podium-test"
	spec := supBadMount(supSpec("busybox:latest", "1"))
	body := spec["spec"].(map[string]any)
	body["Env"] = []string{"MARK=1", "DB_PASSWORD=" + secretValue}
	body["HostConfig"] = map[string]any{"Mounts": []any{map[string]any{
		"Type": "bind", "Source": "/nonexistent/" + secretValue + "/conf", "Target": "/x",
	}}}
	r.write(0, "masked", spec)
	st := r.wait("masked", 30*time.Second, "revision 1 failing", func(st ServiceStatus, ok bool) bool {
		return ok && st.State == TryAgain && st.LastError != ""
	})
	if strings.Contains(st.LastError, secretValue) || !strings.Contains(st.LastError, "/nonexistent/") {
		t.Errorf("last error: %q", st.LastError)
	}
	for _, tr := range st.Timeline {
		if strings.Contains(tr.Reason, secretValue) {
			t.Errorf("timeline: %q", tr.Reason)
		}
	}
	for _, h := range st.History {
		if strings.Contains(h.Failure, secretValue) {
			t.Errorf("history: %q", h.Failure)
		}
	}
}
