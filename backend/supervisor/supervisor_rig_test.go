package supervisor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// supRig runs a Supervisor against the real engine for one test: spec directories and a state
// file in the test's temp dir, every container labelled with the harness's label, and every
// event recorded.
type supRig struct {
	t      *testing.T
	h      *enginetest.Harness
	engine *docker.Engine // the supervisor's engine: the harness's unless a test puts a proxy between
	dirs   []string
	state  string

	sup    *Supervisor
	cancel context.CancelFunc
	done   chan error

	mu     sync.Mutex
	events []Event
}

// supNewRig prepares ndirs spec directories (at least one) and a state file.
func supNewRig(t *testing.T, ndirs int) *supRig {
	t.Helper()
	h := enginetest.New(t)
	tmp := t.TempDir()
	r := &supRig{t: t, h: h, engine: h.Engine, state: filepath.Join(tmp, ".podium", "supervisor.json")}
	for i := range max(ndirs, 1) {
		d := filepath.Join(tmp, fmt.Sprintf("specs%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		r.dirs = append(r.dirs, d)
	}
	return r
}

// start runs a new Supervisor over the rig's directories and state file.
func (r *supRig) start() {
	r.t.Helper()
	sup, err := New(Options{
		Engine: r.engine, StateFile: r.state, SpecDirs: r.dirs, Labels: r.h.Labels(nil),
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	events, unsub := sup.Subscribe()
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	r.sup, r.cancel, r.done = sup, cancel, make(chan error, 1)
	go func() {
		for ev := range events {
			r.mu.Lock()
			r.events = append(r.events, ev)
			r.mu.Unlock()
		}
	}()
	go func() { r.done <- sup.Run(ctx) }()
	r.t.Cleanup(func() {
		unsub()
		r.stop()
	})
}

// stop ends Run, which must return nil and leave the containers running.
func (r *supRig) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			r.t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		r.t.Errorf("Run did not return within 30s of cancel")
	}
	r.cancel = nil
}

// restart stops the supervisor and starts a new one on the same directories and state file.
func (r *supRig) restart() {
	r.t.Helper()
	r.stop()
	r.start()
}

// recorded returns the events seen so far.
func (r *supRig) recorded() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// write saves a spec file (atomically, as editors do) in directory i.
func (r *supRig) write(i int, name string, spec map[string]any) {
	r.t.Helper()
	data, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		r.t.Fatal(err)
	}
	path := filepath.Join(r.dirs[i], name+".json")
	tmp := filepath.Join(r.dirs[i], "."+name+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		r.t.Fatal(err)
	}
}

// writeRaw saves a file's text as is (for spec errors).
func (r *supRig) writeRaw(i int, file, text string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dirs[i], file), []byte(text), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// remove deletes a spec file.
func (r *supRig) remove(i int, name string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dirs[i], name+".json")); err != nil {
		r.t.Fatal(err)
	}
}

// wait blocks until cond holds for the service's status, failing the test after timeout.
func (r *supRig) wait(name string, timeout time.Duration, what string, cond func(ServiceStatus, bool) bool) ServiceStatus {
	r.t.Helper()
	events, cancel := r.sup.Subscribe()
	defer cancel()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		st, ok := r.sup.Service(name)
		if cond(st, ok) {
			return st
		}
		select {
		case <-events:
		case <-deadline.C:
			r.t.Fatalf("%s: not %s within %s; status: %s", name, what, timeout, supDescribe(st))
		}
	}
}

// waitEvent blocks until an event of the service satisfies cond (a state may pass too fast
// for Service to catch it), failing the test after timeout.
func (r *supRig) waitEvent(name string, timeout time.Duration, what string, cond func(ServiceStatus) bool) ServiceStatus {
	r.t.Helper()
	events, cancel := r.sup.Subscribe()
	defer cancel()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		for _, ev := range r.recorded() {
			if ev.Service == name && cond(ev.Status) {
				return ev.Status
			}
		}
		select {
		case <-events:
		case <-deadline.C:
			st, _ := r.sup.Service(name)
			r.t.Fatalf("%s: not %s within %s; status: %s", name, what, timeout, supDescribe(st))
		}
	}
}

// waitStable waits until the service is Stable at revision rev with every replica healthy.
func (r *supRig) waitStable(name string, rev int, timeout time.Duration) ServiceStatus {
	r.t.Helper()
	return r.wait(name, timeout, fmt.Sprintf("stable at revision %d", rev), func(st ServiceStatus, ok bool) bool {
		return ok && st.State == Stable && st.Revision == rev && st.Healthy == st.Desired && len(st.Containers) == st.Desired
	})
}

// waitState waits until the service is in state.
func (r *supRig) waitState(name string, state State, timeout time.Duration) ServiceStatus {
	r.t.Helper()
	return r.wait(name, timeout, "in "+string(state), func(st ServiceStatus, ok bool) bool { return ok && st.State == state })
}

// ours lists the containers of a service that exist in Docker.
func (r *supRig) ours(name string) []docker.Container {
	r.t.Helper()
	cs, err := r.h.Engine.List(r.h.Ctx(), docker.ListOptions{All: true, Labels: []string{r.h.Label(), docker.LabelDeploy + "=" + name}})
	if err != nil {
		r.t.Fatal(err)
	}
	return cs
}

// ids lists a status's container ids.
func supIDs(st ServiceStatus) []string {
	var out []string
	for _, c := range st.Containers {
		out = append(out, c.ID)
	}
	return out
}

// supDescribe renders a status for failure messages.
func supDescribe(st ServiceStatus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "state %s rev %d next %d healthy %d/%d paused %v err %q spec err %q\n", st.State, st.Revision, st.Next, st.Healthy, st.Desired, st.Paused, st.LastError, st.SpecError)
	for _, c := range st.Containers {
		fmt.Fprintf(&b, "  container %s rev %d %s %s/%s healthy %v\n", c.Name, c.Revision, c.Role, c.State, c.Health, c.Healthy)
	}
	tl := st.Timeline
	if len(tl) > 25 {
		tl = tl[len(tl)-25:]
	}
	for _, t := range tl {
		fmt.Fprintf(&b, "  %s %s→%s r%d %s\n", t.At.Format("15:04:05.000"), t.From, t.To, t.Revision, t.Reason)
	}
	return b.String()
}

// supSpec is a service that becomes healthy shortly after it starts (Docker health check on
// /tmp/ready) and stops at once on SIGTERM. mark goes into its environment, so changing it
// changes the spec.
func supSpec(image, mark string) map[string]any {
	return supSpecCmd(image, mark, "sleep 0.2; touch /tmp/ready")
}

// supSpecCmd is supSpec with another setup command before the service idles.
func supSpecCmd(image, mark, setup string) map[string]any {
	return map[string]any{
		"spec": map[string]any{
			"Image": image,
			"Cmd":   []string{"sh", "-c", "trap 'exit 0' TERM; " + setup + "; while :; do sleep 0.1; done"},
			"Env":   []string{"MARK=" + mark},
			"Healthcheck": map[string]any{
				"Test":     []string{"CMD-SHELL", "test -f /tmp/ready"},
				"Interval": int64(200 * time.Millisecond),
				"Timeout":  int64(time.Second),
				"Retries":  100,
			},
		},
		"health-timeout": 5,
		"stop-timeout":   2,
	}
}

// supWith returns spec with top-level keys set.
func supWith(spec map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range spec {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}
