package supervisor

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// The availability invariant, measured from outside the supervisor.
//
// A sampler lists a service's containers through the engine every invTick and counts those
// that serve: running, and healthy by their Docker health check (a container without one
// counts as soon as it runs). The invariant says how few may serve while a service moves from
// one spec to the next (invMin); a test fails on every sample below it, and prints them.
//
// The tests here (TestInvariant*) reproduce deploy bugs: many fail on the supervisor as it is.
// Their failure messages carry the samples below the invariant and the service's status.

const (
	invTick     = 100 * time.Millisecond // the sampling interval
	invConverge = 90 * time.Second       // generous: a loaded 2-core machine, under -race
)

// invSample is one look at a service's containers.
type invSample struct {
	At      time.Time
	Healthy []string // ids of the containers that serve (running and healthy)
	Running int      // running containers, healthy or not
	All     int      // containers in any state
	Err     error    // the list failed; the sample counts nothing
}

// Count is how many containers served.
func (s invSample) Count() int { return len(s.Healthy) }

func (s invSample) String() string {
	if s.Err != nil {
		return fmt.Sprintf("%s list failed: %v", s.At.Format("15:04:05.000"), s.Err)
	}
	short := make([]string, len(s.Healthy))
	for i, id := range s.Healthy {
		short[i] = id[:min(12, len(id))]
	}
	return fmt.Sprintf("%s healthy %d (running %d, all %d) %v", s.At.Format("15:04:05.000"), len(s.Healthy), s.Running, s.All, short)
}

// invSampler samples one service until stopped.
type invSampler struct {
	t    testing.TB
	r    *supRig
	name string

	quit, done chan struct{}
	stopOnce   sync.Once

	mu      sync.Mutex
	samples []invSample
}

// invServes says whether a container serves: running, and healthy (or without a health check).
func invServes(c docker.Container) bool {
	return c.State == "running" && (c.Health == "healthy" || c.Health == "")
}

// invStartSampler takes a first sample, then samples every invTick until the test ends (or stop).
func invStartSampler(t testing.TB, r *supRig, name string) *invSampler {
	t.Helper()
	s := &invSampler{t: t, r: r, name: name, quit: make(chan struct{}), done: make(chan struct{})}
	invSamplers.Store(r.state+"|"+name, s)
	s.sample()
	go s.run()
	t.Cleanup(func() {
		s.stop()
		invSamplers.Delete(r.state + "|" + name)
	})
	return s
}

// invSamplers holds the running samplers by state file and service, for invConverged's
// failure messages.
var invSamplers sync.Map

func (s *invSampler) run() {
	defer close(s.done)
	tick := time.NewTicker(invTick)
	defer tick.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-tick.C:
			s.sample()
		}
	}
}

func (s *invSampler) sample() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cs, err := s.r.h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{s.r.h.Label(), docker.LabelDeploy + "=" + s.name}})
	smp := invSample{At: time.Now(), Err: err, All: len(cs)}
	for _, c := range cs {
		if c.State == "running" {
			smp.Running++
		}
		if invServes(c) {
			smp.Healthy = append(smp.Healthy, c.ID)
		}
	}
	slices.Sort(smp.Healthy)
	s.mu.Lock()
	s.samples = append(s.samples, smp)
	s.mu.Unlock()
}

// stop ends the sampling; the samples stay.
func (s *invSampler) stop() {
	s.stopOnce.Do(func() {
		close(s.quit)
		<-s.done
	})
}

// all returns the samples taken so far.
func (s *invSampler) all() []invSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.samples)
}

// window returns the samples taken in [from, to); a zero to is now.
func (s *invSampler) window(from, to time.Time) []invSample {
	var out []invSample
	for _, smp := range s.all() {
		if smp.At.Before(from) || !to.IsZero() && !smp.At.Before(to) {
			continue
		}
		out = append(out, smp)
	}
	return out
}

// below returns every sample (of all taken so far) under min; a failed list counts as one.
func (s *invSampler) below(min int) []invSample { return invBelow(s.all(), min) }

// invBelow returns the samples under min.
func invBelow(samples []invSample, min int) []invSample {
	var out []invSample
	for _, smp := range samples {
		if smp.Err == nil && smp.Count() < min {
			out = append(out, smp)
		}
	}
	return out
}

// invStats sums up samples against a minimum: the fewest serving, when that was first seen,
// and how long the service spent below min (each sample below counts until the next sample).
type invStats struct {
	Samples  int
	Min      int
	MinAt    time.Time
	Below    int
	Gap      time.Duration // time below the invariant
	Longest  time.Duration // the longest run below it
	FirstBad time.Time
}

func invSummarize(samples []invSample, min int) invStats {
	st := invStats{Min: 1 << 30}
	var run time.Duration
	for i, smp := range samples {
		if smp.Err != nil {
			continue
		}
		st.Samples++
		if smp.Count() < st.Min {
			st.Min, st.MinAt = smp.Count(), smp.At
		}
		if smp.Count() >= min {
			run = 0
			continue
		}
		st.Below++
		if st.FirstBad.IsZero() {
			st.FirstBad = smp.At
		}
		d := invTick
		if i+1 < len(samples) {
			d = samples[i+1].At.Sub(smp.At)
		}
		st.Gap += d
		run += d
		st.Longest = max(st.Longest, run)
	}
	if st.Samples == 0 {
		st.Min = 0
	}
	return st
}

func (st invStats) String() string {
	return fmt.Sprintf("%d samples, min healthy %d (at %s), %d below the invariant: %s in all, longest %s",
		st.Samples, st.Min, st.MinAt.Format("15:04:05.000"), st.Below, st.Gap.Round(10*time.Millisecond), st.Longest.Round(10*time.Millisecond))
}

// invTimeline renders a status with its whole timeline (supDescribe keeps the last 25).
func invTimeline(st ServiceStatus) string {
	all := st
	all.Timeline = nil
	var b strings.Builder
	b.WriteString(supDescribe(all))
	for _, t := range st.Timeline {
		fmt.Fprintf(&b, "  %s %s→%s r%d %s: %s\n", t.At.Format("15:04:05.000"), t.From, t.To, t.Revision, t.Cause, t.Reason)
	}
	return b.String()
}

// invFormat renders samples for a failure message: at most 40, the first ones and the last.
func invFormat(samples []invSample) string {
	var b strings.Builder
	for i, smp := range samples {
		if len(samples) > 40 && i == 30 {
			fmt.Fprintf(&b, "  … %d more …\n", len(samples)-40)
		}
		if len(samples) > 40 && i >= 30 && i < len(samples)-10 {
			continue
		}
		fmt.Fprintf(&b, "  %s\n", smp)
	}
	return b.String()
}

// invCheck fails the test if any sample of the window is below min, with the evidence.
func invCheck(t testing.TB, r *supRig, name, what string, samples []invSample, min int) {
	t.Helper()
	bad := invBelow(samples, min)
	invMetrics(t, name, what, samples, min)
	st, _ := r.sup.Service(name)
	if len(bad) == 0 {
		t.Logf("%s: %s: invariant held (≥ %d healthy): %s\nstatus: %s", name, what, min, invSummarize(samples, min), invTimeline(st))
		return
	}
	t.Errorf("%s: %s: %d of %d samples below the invariant (≥ %d healthy): %s\nsamples below:\n%sstatus now: %s",
		name, what, len(bad), len(samples), min, invSummarize(samples, min), invFormat(bad), invTimeline(st))
}

// invMetrics prints one machine-readable line of a run's figures when PODIUM_INV_METRICS is
// set (bench/supervisor_invariant.sh collects them).
func invMetrics(t testing.TB, name, what string, samples []invSample, min int) {
	if os.Getenv("PODIUM_INV_METRICS") == "" {
		return
	}
	st := invSummarize(samples, min)
	var span time.Duration
	if len(samples) > 1 {
		span = samples[len(samples)-1].At.Sub(samples[0].At)
	}
	t.Logf("invariant-metrics test=%s service=%s what=%q invariant=%d min=%d below=%d gap_ms=%d longest_ms=%d span_ms=%d",
		t.Name(), name, what, min, st.Min, st.Below, st.Gap.Milliseconds(), st.Longest.Milliseconds(), span.Milliseconds())
}

// invMetricConverge prints how long a run took to converge, with PODIUM_INV_METRICS set.
func invMetricConverge(t testing.TB, name string, d time.Duration) {
	if os.Getenv("PODIUM_INV_METRICS") != "" {
		t.Logf("invariant-converge test=%s service=%s converge_ms=%d", t.Name(), name, d.Milliseconds())
	}
}

// invPolicy is what the invariant needs of a spec.
type invPolicy struct {
	replicas    int
	after       bool // start-first: ["After", n]
	parallelism int
}

func invPolicyOf(spec map[string]any) invPolicy {
	p := invPolicy{replicas: 1, parallelism: 1}
	switch n := spec["replicas"].(type) {
	case int:
		p.replicas = n
	case float64:
		p.replicas = int(n)
	}
	if d, ok := spec["deploy"].([]any); ok && len(d) > 0 {
		w, _ := d[0].(string)
		p.after = strings.EqualFold(w, "after")
	}
	if u, ok := spec["update"].(map[string]any); ok {
		if n, ok := u["parallelism"].(int); ok {
			p.parallelism = n
		}
		if o, _ := u["order"].(string); o == string(deployspec.StartFirst) {
			p.after = true
		}
	}
	return p
}

// invMin is the fewest healthy containers a service may have while it moves from spec old to
// spec next: start-first (After n) keeps at least as many as served before (never fewer than
// one), a rolling stop-first goes at most parallelism below, and a single Before may have its
// documented gap (0).
func invMin(old, next map[string]any) int {
	po, pn := invPolicyOf(old), invPolicyOf(next)
	want := min(po.replicas, pn.replicas)
	switch {
	case want == 0:
		return 0
	case pn.after:
		return max(want, 1)
	case want > pn.parallelism:
		return want - pn.parallelism
	}
	return 0
}

// invHash is the hash a spec file with this content deploys as.
func invHash(t testing.TB, name string, spec map[string]any) string {
	t.Helper()
	data, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := deployspec.Parse(name, name+".json", data)
	if err != nil {
		t.Fatalf("spec of %s: %v", name, err)
	}
	return sp.Hash
}

// invRevHash is the spec hash of a status's current revision.
func invRevHash(st ServiceStatus) string {
	for _, h := range st.History {
		if h.N == st.Revision {
			return h.Hash
		}
	}
	return ""
}

// invDocker renders the service's containers as Docker has them.
func invDocker(r *supRig, name string) string {
	var b strings.Builder
	for _, c := range r.ours(name) {
		fmt.Fprintf(&b, "  docker %s %s %s/%s rev %s hash %.12s\n", c.ID[:12], c.Name, c.State, c.Health, c.Labels[docker.LabelRevision], c.Labels[docker.LabelSpecHash])
	}
	return b.String()
}

// invConverged waits until the service is Stable with nothing deployed, its replicas
// containers all healthy on the spec of hash ("" = any), and Docker holds exactly those
// containers (no orphan, no duplicate), running and serving. It fails the test after timeout,
// with what a sampler of the service saw so far.
func invConverged(t testing.TB, r *supRig, name string, replicas int, hash string, timeout time.Duration) ServiceStatus {
	t.Helper()
	st, why := invTryConverged(r, name, replicas, hash, timeout)
	if why != "" {
		t.Fatalf("%s", why)
	}
	return st
}

// invTryConverged is invConverged that says why it failed instead of failing.
func invTryConverged(r *supRig, name string, replicas int, hash string, timeout time.Duration) (ServiceStatus, string) {
	deadline := time.Now().Add(timeout)
	for {
		st, ok := r.sup.Service(name)
		why := invNotConverged(r, name, st, ok, replicas, hash)
		if why == "" {
			return st, ""
		}
		if time.Now().After(deadline) {
			seen := ""
			if v, ok := invSamplers.Load(r.state + "|" + name); ok {
				smp := v.(*invSampler).all()
				seen = fmt.Sprintf("\nthe sampler so far: %s; samples with none healthy:\n%s", invSummarize(smp, 1), invFormat(invBelow(smp, 1)))
			}
			return st, fmt.Sprintf("%s: not converged within %s (Stable, %d replicas, hash %.12s, no other container): %s\nstatus: %s%s%s",
				name, timeout, replicas, hash, why, invTimeline(st), invDocker(r, name), seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// invNotConverged says why the service has not converged, or "".
func invNotConverged(r *supRig, name string, st ServiceStatus, ok bool, replicas int, hash string) string {
	switch {
	case !ok:
		return "no status"
	case st.State != Stable || st.Next != 0:
		return fmt.Sprintf("state %s next %d", st.State, st.Next)
	case st.Desired != replicas || st.Healthy != replicas || len(st.Containers) != replicas:
		return fmt.Sprintf("healthy %d desired %d containers %d, want %d", st.Healthy, st.Desired, len(st.Containers), replicas)
	case hash != "" && invRevHash(st) != hash:
		return fmt.Sprintf("revision %d has hash %.12s, want %.12s", st.Revision, invRevHash(st), hash)
	}
	cs := r.ours(name)
	if len(cs) != replicas {
		return fmt.Sprintf("Docker has %d containers, want %d", len(cs), replicas)
	}
	ids := supIDs(st)
	for _, c := range cs {
		switch {
		case !slices.Contains(ids, c.ID):
			return fmt.Sprintf("Docker has %s, which the status does not list", c.Name)
		case !invServes(c):
			return fmt.Sprintf("container %s is %s/%s", c.Name, c.State, c.Health)
		case hash != "" && c.Labels[docker.LabelSpecHash] != invContainerHash(st, hash):
			return fmt.Sprintf("container %s has spec hash %.12s", c.Name, c.Labels[docker.LabelSpecHash])
		}
	}
	return ""
}

// invContainerHash is the container hash (what containers carry in dev.podium.spec-hash) of the
// revision whose spec has hash.
func invContainerHash(st ServiceStatus, hash string) string {
	for _, h := range st.History {
		if h.Hash != hash || len(h.Spec) == 0 {
			continue
		}
		if sp, err := deployspec.ParseCanonical(st.Name, h.Spec); err == nil {
			return sp.ContainerHash
		}
	}
	return hash
}

// invSorted returns a sorted copy of ids.
func invSorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// invWaitContainer waits until the status shows a container that satisfies cond.
func invWaitContainer(r *supRig, name string, timeout time.Duration, what string, cond func(ContainerStatus) bool) ServiceStatus {
	r.t.Helper()
	return r.wait(name, timeout, what, func(st ServiceStatus, ok bool) bool {
		for _, c := range st.Containers {
			if cond(c) {
				return true
			}
		}
		return false
	})
}

// invMissing returns the ids of want that got lacks.
func invMissing(want, got []string) []string {
	var out []string
	for _, id := range want {
		if !slices.Contains(got, id) {
			out = append(out, id)
		}
	}
	return out
}

// invHealthyOf counts the status's healthy containers of revision rev.
func invHealthyOf(st ServiceStatus, rev int) []string {
	var out []string
	for _, c := range st.Containers {
		if c.Revision == rev && c.Healthy {
			out = append(out, c.ID)
		}
	}
	return out
}

// invSpec is supSpec with a generous health timeout: the engine is shared and may be loaded,
// and a container slow to pass its check must not count as a failed deploy here (the tests
// that want a failure say so).
func invSpec(image, mark string) map[string]any {
	return supWith(supSpec(image, mark), "health-timeout", 30)
}

// invRolling is a 3-replica health-checked service rolled one container at a time, stop-first
// (the default order of a Before deploy), with a pause between batches: at most one below.
func invRolling(mark string) map[string]any {
	return supWith(invSpec("busybox:latest", mark), "replicas", 3,
		"update", map[string]any{"parallelism": 1, "delay": "1s"})
}

// invAfter is a single health-checked container deployed start-first, the old one kept for 1 s.
func invAfter(mark string) map[string]any {
	return supWith(invSpec("busybox:latest", mark), "deploy", []any{"After", 1})
}

// invFirst deploys spec and waits until it has converged.
func invFirst(t *testing.T, r *supRig, name string, spec map[string]any) ServiceStatus {
	t.Helper()
	r.write(0, name, spec)
	return invConverged(t, r, name, invPolicyOf(spec).replicas, invHash(t, name, spec), invConverge)
}

// One save of a rolling service: the baseline the double save is measured against.
func TestInvariantSingleSaveRolling(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	name := "single"
	invFirst(t, r, name, invRolling("1"))
	s := invStartSampler(t, r, name)
	start := time.Now()
	r.write(0, name, invRolling("2"))
	invConverged(t, r, name, 3, invHash(t, name, invRolling("2")), invConverge)
	t.Logf("converged in %s", time.Since(start).Round(10*time.Millisecond))
	invMetricConverge(t, name, time.Since(start))
	s.stop()
	invCheck(t, r, name, "single save", s.all(), invMin(invRolling("1"), invRolling("2")))
}

// Bug 1: a second save while a rolling deploy is half-way must not take the service below
// desired-parallelism: the superseded revision's containers count like the old ones, and a
// container of it that is starting must not make the next batch stop one more old container.
// The second save lands while the first new container starts, once it is healthy, or when
// the second batch has begun stopping its old container.
func TestInvariantDoubleSaveRolling(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"starting", "healthy", "second-batch"} {
		t.Run(when, func(t *testing.T) {
			t.Parallel()
			r := supNewRig(t, 1)
			r.start()
			name := "double"
			invFirst(t, r, name, invRolling("1"))
			s := invStartSampler(t, r, name)
			start := time.Now()
			r.write(0, name, invRolling("2"))
			r.wait(name, invConverge, "with a "+when+" container of revision 2", func(st ServiceStatus, ok bool) bool {
				switch when {
				case "starting":
					for _, c := range st.Containers {
						if c.Revision == 2 && !c.Healthy {
							return true
						}
					}
					return false
				case "healthy":
					return len(invHealthyOf(st, 2)) > 0
				}
				// The second batch has begun: one new container healthy, a second old one stopping.
				return len(invHealthyOf(st, 2)) == 1 && len(invHealthyOf(st, 1)) <= 1
			})
			r.write(0, name, invRolling("3"))
			st := invConverged(t, r, name, 3, invHash(t, name, invRolling("3")), invConverge)
			t.Logf("converged in %s", time.Since(start).Round(10*time.Millisecond))
			invMetricConverge(t, name, time.Since(start))
			s.stop()
			invCheck(t, r, name, "double save during a rolling deploy ("+when+")", s.all(), invMin(invRolling("1"), invRolling("3")))
			if st.Revision != 3 {
				t.Errorf("ended on revision %d, want 3: %s", st.Revision, supDescribe(st))
			}
		})
	}
}

// Bug 1, After 1: a second save while the first is deploying, while the new container starts,
// while the old one drains, or while the old one is being stopped, keeps one container serving
// throughout.
func TestInvariantDoubleSaveAfter(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"starting", "draining", "stopping-old"} {
		t.Run(when, func(t *testing.T) {
			t.Parallel()
			r := supNewRig(t, 1)
			r.start()
			name := "twice"
			invFirst(t, r, name, invAfter("1"))
			s := invStartSampler(t, r, name)
			r.write(0, name, invAfter("2"))
			r.wait(name, invConverge, "with a "+when+" container of revision 2", func(st ServiceStatus, ok bool) bool {
				switch when {
				case "starting":
					for _, c := range st.Containers {
						if c.Revision == 2 && c.State == "running" && !c.Healthy {
							return true
						}
					}
					return false
				case "draining":
					return len(invHealthyOf(st, 2)) > 0
				}
				// The drain is over: the old container is being stopped.
				if len(invHealthyOf(st, 2)) == 0 {
					return false
				}
				for _, c := range st.Containers {
					if c.Revision == 1 && !c.Healthy {
						return true
					}
				}
				return false
			})
			r.write(0, name, invAfter("3"))
			invConverged(t, r, name, 1, invHash(t, name, invAfter("3")), invConverge)
			s.stop()
			invCheck(t, r, name, "double save of an After 1 service ("+when+")", s.all(), invMin(invAfter("1"), invAfter("3")))
		})
	}
}

// Bug 1, min-healthy: a first deploy still inside its min-healthy window (no health check),
// then a save with After 1: the running container keeps running until the new one is healthy.
func TestInvariantDoubleSaveMinHealthy(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	name := "young"
	plain := func(mark string) map[string]any {
		return map[string]any{
			"spec": map[string]any{
				"Image": "busybox:latest",
				"Cmd":   []string{"sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"},
				"Env":   []string{"MARK=" + mark},
			},
			"deploy":         []any{"After", 1},
			"min-healthy":    "3s",
			"health-timeout": 20,
			"stop-timeout":   1,
		}
	}
	r.write(0, name, plain("1"))
	invWaitContainer(r, name, invConverge, "running its first container", func(c ContainerStatus) bool {
		return c.Revision == 1 && c.State == "running"
	})
	s := invStartSampler(t, r, name)
	if st, _ := r.sup.Service(name); st.State != Wait {
		t.Logf("the first deploy was already %s when the second save came: %s", st.State, supDescribe(st))
	}
	r.write(0, name, plain("2"))
	invConverged(t, r, name, 1, invHash(t, name, plain("2")), invConverge)
	s.stop()
	// Without a health check, a running container counts: the invariant is "one running".
	invCheck(t, r, name, "save during the first deploy's min-healthy window", s.all(), invMin(plain("1"), plain("2")))
}

// Bug 5: rolling back from a broken revision to the one still serving keeps its containers:
// the same ids, nothing replaced, the broken revision's containers dropped.
func TestInvariantRollbackToServing(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"image", "health"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			r := supNewRig(t, 1)
			r.start()
			name := "back"
			spec := func(image, mark, setup string, timeout int) map[string]any {
				return supWith(supSpecCmd(image, mark, setup), "replicas", 3, "deploy", []any{"After", 0},
					"health-timeout", timeout, "update", map[string]any{"parallelism": 1})
			}
			good := spec("busybox:latest", "1", "sleep 0.2; touch /tmp/ready", 30)
			bad := spec("nosuchimage-podium:missing", "2", "sleep 0.2; touch /tmp/ready", 30)
			if how == "health" {
				bad = spec("busybox:latest", "2", "true", 3) // never healthy: fails after 3 s
			}
			st := invFirst(t, r, name, good)
			ids := invSorted(supIDs(st))
			goodHash := invHash(t, name, good)
			s := invStartSampler(t, r, name)
			r.write(0, name, bad)
			st = r.wait(name, invConverge, "failing revision 2", func(st ServiceStatus, ok bool) bool {
				return ok && st.Next == 2 && st.LastError != "" && (st.State == TryAgainNext || st.State == WaitNext)
			})
			t.Logf("revision 2 failed: %s", st.LastError)
			if err := r.sup.Rollback(r.h.Ctx(), name, 0); err != nil {
				t.Fatalf("rollback: %v; %s", err, supDescribe(st))
			}
			st = invConverged(t, r, name, 3, goodHash, invConverge)
			s.stop()
			invCheck(t, r, name, "rollback to the serving revision", s.all(), invMin(good, good))
			if got := invSorted(supIDs(st)); !slices.Equal(got, ids) {
				t.Errorf("the rollback replaced the serving containers: ids %.12s, want %.12s (kept)\nstatus: %s", got, ids, supDescribe(st))
			}
			var gone []invSample
			for _, smp := range s.all() {
				if smp.Err == nil && len(invMissing(ids, smp.Healthy)) > 0 {
					gone = append(gone, smp)
				}
			}
			if len(gone) > 0 {
				t.Errorf("a serving container of revision 1 stopped serving (first at %s) in %d of %d samples; want all 3 to serve throughout:\n%s",
					gone[0].At.Format("15:04:05.000"), len(gone), len(s.all()), invFormat(gone[:min(5, len(gone))]))
			}
		})
	}
}

// Bug 2: a Before deploy of an image that cannot be had must not stop the old container: the
// pull comes first. The failure shows in LastError and a TryAgain state; the same old container
// serves throughout and at the end.
func TestInvariantBeforeUnpullable(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	name := "nopull"
	good := invSpec("busybox:latest", "1")
	st := invFirst(t, r, name, good)
	old := st.Containers[0].ID
	s := invStartSampler(t, r, name)
	r.write(0, name, invSpec("nosuchimage-podium:missing", "2"))
	st = r.wait(name, invConverge, "failing on the missing image", func(st ServiceStatus, ok bool) bool {
		return ok && (st.State == TryAgainNext || st.State == TryAgain) && strings.Contains(st.LastError, "nosuchimage-podium")
	})
	// Let it retry a couple of times.
	st = r.wait(name, invConverge, "retried", func(st ServiceStatus, ok bool) bool {
		n := 0
		for _, tr := range st.Timeline {
			if tr.To == TryAgainNext || tr.To == TryAgain {
				n++
			}
		}
		return n >= 2 && (st.State == TryAgainNext || st.State == TryAgain)
	})
	time.Sleep(500 * time.Millisecond)
	s.stop()
	var missing []invSample
	for _, smp := range s.all() {
		if smp.Err == nil && !slices.Contains(smp.Healthy, old) {
			missing = append(missing, smp)
		}
	}
	invMetrics(t, name, "Before deploy of an unpullable image", s.all(), 1)
	if len(missing) > 0 {
		t.Errorf("the old container %.12s stopped serving during a deploy whose image cannot be pulled: %d of %d samples without it (%s):\n%sstatus: %s",
			old, len(missing), len(s.all()), invSummarize(s.all(), 1), invFormat(missing), supDescribe(st))
	}
	st, _ = r.sup.Service(name)
	if st.State != TryAgainNext {
		t.Errorf("state %s, want TryAgainNext (the old revision serves, the new one is retried): %s", st.State, supDescribe(st))
	}
	if st.Revision != 1 || st.Next != 2 {
		t.Errorf("revision %d next %d, want 1 and 2", st.Revision, st.Next)
	}
	cs := r.ours(name)
	if len(cs) != 1 || cs[0].ID != old || cs[0].State != "running" {
		t.Errorf("Docker has %d containers of the service, want only the old one %.12s, running:\n%s", len(cs), old, invDocker(r, name))
	}
}

// Bug 3: a stale but valid state file (an older copy put back while the supervisor was down)
// must not make the next supervisor replace containers whose labels say they are the current
// spec: the same ids, nothing below full strength (there is nothing to deploy).
func TestInvariantStaleStateFile(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		how  string
		spec func(string) map[string]any
	}{
		{"before", func(m string) map[string]any { return invSpec("busybox:latest", m) }},
		{"after-replicas", func(m string) map[string]any {
			return supWith(invSpec("busybox:latest", m), "replicas", 2, "deploy", []any{"After", 0})
		}},
	} {
		t.Run(c.how, func(t *testing.T) {
			t.Parallel()
			r := supNewRig(t, 1)
			r.start()
			name := "stale"
			invFirst(t, r, name, c.spec("1"))
			time.Sleep(300 * time.Millisecond) // the last save is on disk
			old, err := os.ReadFile(r.state)
			if err != nil {
				t.Fatal(err)
			}
			want := invPolicyOf(c.spec("2")).replicas
			st := invFirst(t, r, name, c.spec("2"))
			ids := invSorted(supIDs(st))
			r.stop()
			if err := os.WriteFile(r.state, old, 0o644); err != nil {
				t.Fatal(err)
			}
			s := invStartSampler(t, r, name)
			r.start()
			st = invConverged(t, r, name, want, invHash(t, name, c.spec("2")), invConverge)
			time.Sleep(time.Second) // anything it was going to do, it has begun
			st = invConverged(t, r, name, want, invHash(t, name, c.spec("2")), invConverge)
			s.stop()
			invCheck(t, r, name, "restart on a stale state file (nothing to deploy)", s.all(), want)
			if got := invSorted(supIDs(st)); !slices.Equal(got, ids) {
				t.Errorf("the containers were replaced: ids %.12s, want %.12s\nstatus: %s", got, ids, supDescribe(st))
			}
		})
	}
}

// Bug 6: a supervisor stopped half-way through a rolling deploy, and a new one started on the
// same state file, resumes it: no healthy container of the new revision is removed, no old one
// before its replacement is healthy, and it ends Stable on the new revision with no orphan.
// The supervisor is stopped by cancelling Run ("cancel"), or runs in a child process that gets
// SIGKILL ("kill", see TestChaosChild); the order is start-first (After 0) or stop-first.
func TestInvariantRestartMidRollout(t *testing.T) {
	t.Parallel()
	for _, order := range []string{"start-first", "stop-first"} {
		for _, how := range []string{"cancel", "kill"} {
			for _, phase := range []string{"healthy", "starting"} {
				t.Run(order+"/"+how+"/"+phase, func(t *testing.T) {
					t.Parallel()
					invRestartMidRollout(t, order, how, phase)
				})
			}
		}
	}
}

// invRestartMidRollout stops the supervisor once the first container of revision 2 is healthy
// (phase "healthy": it must survive the restart) or still starting ("starting").
func invRestartMidRollout(t *testing.T, order, how, phase string) {
	r := supNewRig(t, 1)
	name := "resume"
	spec := func(mark string) map[string]any {
		sp := supWith(invSpec("busybox:latest", mark), "replicas", 3,
			"update", map[string]any{"parallelism": 1, "order": order, "delay": "1s"})
		if order == "start-first" {
			sp["deploy"] = []any{"After", 0}
		}
		return sp
	}
	r.start()
	invFirst(t, r, name, spec("1"))
	s := invStartSampler(t, r, name)
	var kept []string
	if how == "cancel" {
		r.write(0, name, spec("2"))
		st := invWaitContainer(r, name, invConverge, "with a "+phase+" container of revision 2", func(c ContainerStatus) bool {
			return c.Revision == 2 && c.State == "running" && c.Healthy == (phase == "healthy")
		})
		r.stop()
		kept = invHealthyOf(st, 2)
		t.Logf("stopped with %s", supDescribe(st))
	} else {
		r.stop()
		child := chaosSpawn(t, r)
		r.write(0, name, spec("2"))
		deadline := time.Now().Add(invConverge)
		for found := false; !found; {
			if time.Now().After(deadline) {
				t.Fatalf("no %s container of revision 2 within %s; supervisor process output:\n%s", phase, invConverge, child.out)
			}
			time.Sleep(20 * time.Millisecond)
			for _, c := range r.ours(name) {
				switch {
				case c.Labels[docker.LabelRevision] != "2" || c.State != "running":
				case phase == "healthy" && invServes(c):
					kept, found = append(kept, c.ID), true
				case phase == "starting" && c.Health == "starting":
					found = true
				}
			}
		}
		if child.kill() {
			t.Errorf("the supervisor process had exited before the kill: %s\n%s", child.cmd.ProcessState, child.out)
		}
		t.Logf("killed with\n%s", invDocker(r, name))
	}
	r.start()
	st := invConverged(t, r, name, 3, invHash(t, name, spec("2")), invConverge)
	s.stop()
	invCheck(t, r, name, "restart ("+how+") half-way through a rolling deploy", s.all(), invMin(spec("1"), spec("2")))
	if lost := invMissing(kept, supIDs(st)); len(lost) > 0 {
		t.Errorf("healthy containers of revision 2 (%.12s) were removed after the restart: %s", lost, invTimeline(st))
	}
	for _, ev := range r.recorded() {
		if ev.Service == name && strings.Contains(ev.Transition.Reason, "never inspected") {
			t.Errorf("after the restart: %s %s→%s %s", ev.Transition.At.Format("15:04:05.000"), ev.Transition.From, ev.Transition.To, ev.Transition.Reason)
		}
	}
}

// Bug 7: a change of replicas only adds or removes containers: 3 → 5 keeps the 3 and adds 2,
// 5 → 2 keeps 2 of the 5, and nothing dips below the smaller count.
func TestInvariantScale(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	name := "scale"
	spec := func(n int) map[string]any {
		return supWith(invSpec("busybox:latest", "1"), "replicas", n, "deploy", []any{"After", 0},
			"update", map[string]any{"parallelism": 1})
	}
	st := invFirst(t, r, name, spec(3))
	three, rev := supIDs(st), st.Revision
	s := invStartSampler(t, r, name)
	start := time.Now()
	r.write(0, name, spec(5))
	st = invConverged(t, r, name, 5, "", invConverge)
	t.Logf("3 → 5 in %s", time.Since(start).Round(10*time.Millisecond))
	five := supIDs(st)
	if lost := invMissing(three, five); len(lost) > 0 {
		t.Errorf("3 → 5 replaced %d of the 3 healthy containers (%.12s) instead of adding 2: %s", len(lost), lost, invTimeline(st))
	}
	invCheck(t, r, name, "scale 3 → 5", s.window(start, time.Time{}), invMin(spec(3), spec(5)))
	mid := time.Now()
	r.write(0, name, spec(2))
	st = invConverged(t, r, name, 2, "", invConverge)
	t.Logf("5 → 2 in %s", time.Since(mid).Round(10*time.Millisecond))
	s.stop()
	if added := invMissing(supIDs(st), five); len(added) > 0 {
		t.Errorf("5 → 2 started %d new containers (%.12s) instead of keeping 2 of the 5: %s", len(added), added, invTimeline(st))
	}
	invCheck(t, r, name, "scale 5 → 2", s.window(mid, time.Time{}), invMin(spec(5), spec(2)))
	for _, c := range r.ours(name) {
		if c.Labels[docker.LabelRevision] != fmt.Sprint(rev) {
			t.Logf("container %s is labelled revision %s after scaling revision %d", c.Name, c.Labels[docker.LabelRevision], rev)
		}
	}
}

// Bug 4: a supervisor started while the engine is unreachable promises nothing: no service is
// Stable (they are Unknown), Health says not reconciled, WaitFor does not succeed; once the
// engine is back it converges with the same container and says connected and reconciled.
func TestInvariantEngineDownAtStart(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	p := supNewProxy(t, r)
	r.start()
	name := "dark"
	st := invFirst(t, r, name, invSpec("busybox:latest", "1"))
	id := st.Containers[0].ID
	r.stop()
	p.Sever()
	r.start()
	// The saved service shows (as Unknown) once Run has read the state file.
	appear := time.Now().Add(10 * time.Second)
	for _, ok := r.sup.Service(name); !ok; _, ok = r.sup.Service(name) {
		if time.Now().After(appear) {
			t.Fatalf("the saved service %s is not in the status 10 s after start with the engine unreachable: %+v", name, r.sup.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// For 3 s nothing may claim the service is Stable or the supervisor reconciled.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	waitErr := make(chan error, 1)
	go func() { waitErr <- r.sup.WaitFor(ctx, name, "") }()
	var lies []string
	for ctx.Err() == nil {
		h := r.sup.Health()
		if h.Reconciled || h.Engine == EngineConnected {
			lies = append(lies, fmt.Sprintf("%s health %+v", time.Now().Format("15:04:05.000"), h))
		}
		for _, st := range r.sup.Status() {
			if st.State != Unknown {
				lies = append(lies, fmt.Sprintf("%s %s is %s (want Unknown) healthy %d", time.Now().Format("15:04:05.000"), st.Name, st.State, st.Healthy))
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if len(lies) > 0 {
		st, _ := r.sup.Service(name)
		t.Errorf("with the engine unreachable since start, %d reports claimed what was never checked; first ones:\n  %s\nstatus: %s",
			len(lies), strings.Join(lies[:min(10, len(lies))], "\n  "), supDescribe(st))
	}
	if err := <-waitErr; err == nil {
		t.Errorf("WaitFor succeeded while the engine was unreachable")
	} else {
		t.Logf("WaitFor while unreachable: %v", err)
	}
	p.Restore()
	deadline := time.Now().Add(invConverge)
	for h := r.sup.Health(); !h.Reconciled || h.Engine != EngineConnected; h = r.sup.Health() {
		if time.Now().After(deadline) {
			t.Fatalf("not connected and reconciled %s after the engine came back: %+v", invConverge, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
	st = invConverged(t, r, name, 1, invHash(t, name, invSpec("busybox:latest", "1")), invConverge)
	if st.Containers[0].ID != id {
		t.Errorf("the container was replaced: %s", supDescribe(st))
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := r.sup.WaitFor(wctx, name, ""); err != nil {
		t.Errorf("WaitFor after the engine came back: %v", err)
	}
}
