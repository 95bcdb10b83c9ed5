package supervisor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Zero downtime, seen from outside: while a deploy runs, a sampler follows the service through
// its own container index (the events stream) every 50 ms. At every sample at least one
// container of the service must be running and healthy, and a request to the port each healthy
// container publishes on 127.0.0.1 must be answered by at least one of them.

const (
	zdTick        = 50 * time.Millisecond  // the sampling interval
	zdTimeout     = 500 * time.Millisecond // one request's timeout
	zdStopGrace   = 2 * time.Second        // how long the index may lag behind a stop that made a request fail
	zdStableAfter = 60 * time.Second       // generous: a loaded 2-core machine, under -race
)

// An After deploy of a single replica: the new container starts beside the old one, which
// keeps serving for one more second once the new one is healthy.
func TestZeroDowntimeAfter(t *testing.T) {
	t.Parallel()
	zdDeploy(t, "zdafter", 1, "deploy", []any{"After", 1})
}

// A rolling deploy of three replicas, one at a time, start-first, 500 ms between batches. The
// old container of a batch stops as soon as its replacement is healthy (After 0), the tightest
// hand-over start-first allows.
func TestZeroDowntimeRolling(t *testing.T) {
	t.Parallel()
	zdDeploy(t, "zdroll", 3, "deploy", []any{"After", 0},
		"update", map[string]any{"parallelism": 1, "order": "start-first", "delay": "500ms"})
}

// zdDeploy deploys v1 of an httpd service, starts the sampler once it is stable, deploys v2,
// and checks what the sampler saw and what is left running.
func zdDeploy(t *testing.T, name string, replicas int, kv ...any) {
	r := supNewRig(t, 1)
	r.start()
	spec := func(version string) map[string]any {
		return supWith(zdSpec(version), append([]any{"replicas", replicas}, kv...)...)
	}
	r.write(0, name, spec("1"))
	r.waitStable(name, 1, zdStableAfter)

	s := zdStartSampler(t, r, name, replicas)
	r.write(0, name, spec("2"))
	st := r.waitStable(name, 2, zdStableAfter)
	s.stop()
	s.check()

	// The deploy really happened: what runs now is revision 2, and it says so.
	cs := r.ours(name)
	if len(cs) != replicas {
		t.Errorf("Docker has %d containers of %s after the deploy, want %d: %s", len(cs), name, replicas, supDescribe(st))
	}
	client := zdClient()
	for _, c := range cs {
		if c.Labels[docker.LabelRevision] != "2" || c.State != "running" {
			t.Errorf("container %s: revision label %q, state %s; want revision 2, running", c.Name, c.Labels[docker.LabelRevision], c.State)
		}
		port := zdPort(c)
		if port == 0 {
			t.Errorf("container %s publishes no port on 127.0.0.1: %v", c.Name, c.Ports)
			continue
		}
		if body, err := zdGet(client, port); err != nil || body != "v2" {
			t.Errorf("container %s (127.0.0.1:%d) answered %q, %v; want v2", c.Name, port, body, err)
		}
	}
}

// zdSpec is a busybox httpd serving "v<version>" on 8080, published on a free loopback port,
// with a Docker health check that fetches the page. Init makes SIGTERM stop httpd at once.
func zdSpec(version string) map[string]any {
	return map[string]any{
		"spec": map[string]any{
			"Image": "busybox:latest",
			"Cmd":   []string{"sh", "-c", "mkdir -p /www && echo v$VERSION > /www/index.html; exec httpd -f -p 8080 -h /www"},
			"Env":   []string{"VERSION=" + version},
			"ExposedPorts": map[string]any{
				"8080/tcp": map[string]any{},
			},
			"Healthcheck": map[string]any{
				"Test":     []string{"CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"},
				"Interval": int64(300 * time.Millisecond),
				"Timeout":  int64(2 * time.Second),
				"Retries":  3,
			},
			"HostConfig": map[string]any{
				"Init": true,
				"PortBindings": map[string]any{
					"8080/tcp": []any{map[string]any{"HostIp": "127.0.0.1", "HostPort": ""}},
				},
			},
		},
		"health-timeout": 30,
		"stop-timeout":   5,
	}
}

// zdFailed is a request that failed, waiting for a later snapshot to say whether its container
// was being stopped.
type zdFailed struct {
	id, name string
	at       time.Time
	sample   int
	err      error
}

// zdSampler follows one service through a docker.Index of the rig's engine (restricted to the
// harness label) and sends one request per sample to every healthy container.
type zdSampler struct {
	t      *testing.T
	r      *supRig
	name   string
	ix     *docker.Index
	client *http.Client

	quit  chan struct{} // closed by stop
	done  chan struct{} // closed when the sampling goroutine returns
	armed chan struct{} // closed after the first sample

	// Owned by the sampling goroutine until done is closed.
	start         time.Time
	samples       int
	minHealthy    int
	maxHealthy    int
	requests      int
	answered      map[string]int    // container id → successful requests
	everHealthy   map[string]string // container id → name
	bodies        map[string]int    // body → count
	pending       []zdFailed
	excused       []string
	problems      []string
	describedOnce bool
}

// zdStartSampler runs the index, waits until it shows the service's replicas healthy, and
// starts sampling; it returns after the first sample.
func zdStartSampler(t *testing.T, r *supRig, name string, replicas int) *zdSampler {
	t.Helper()
	ix := docker.NewIndex(r.h.Engine, docker.IndexOptions{Labels: []string{r.h.Label()}})
	ictx, icancel := context.WithCancel(context.Background())
	idone := make(chan struct{})
	go func() {
		defer close(idone)
		ix.Run(ictx)
	}()
	t.Cleanup(func() {
		icancel()
		<-idone
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if snap, err := ix.Await(wctx, func(s docker.Snapshot) bool {
		n := 0
		for _, c := range zdOf(s, name) {
			if zdHealthy(c) && zdPort(c) != 0 {
				n++
			}
		}
		return s.Status.State == docker.Connected && n == replicas
	}); err != nil {
		t.Fatalf("the index never showed %d healthy containers of %s: %v; %s", replicas, name, err, zdStates(zdOf(snap, name)))
	}
	s := &zdSampler{
		t: t, r: r, name: name, ix: ix, client: zdClient(),
		quit: make(chan struct{}), done: make(chan struct{}), armed: make(chan struct{}),
		minHealthy: 1 << 30, answered: map[string]int{}, everHealthy: map[string]string{}, bodies: map[string]int{},
	}
	t.Cleanup(s.stop)
	go s.run()
	select {
	case <-s.armed:
	case <-time.After(30 * time.Second):
		t.Fatalf("the sampler took no sample within 30s")
	}
	return s
}

func (s *zdSampler) run() {
	defer close(s.done)
	tick := time.NewTicker(zdTick)
	defer tick.Stop()
	s.start = time.Now()
	for {
		s.sample()
		if s.samples == 1 {
			close(s.armed)
		}
		select {
		case <-s.quit:
			s.settle()
			return
		case <-tick.C:
		}
	}
}

// stop ends sampling; it is safe to call twice.
func (s *zdSampler) stop() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.done
}

// sample takes one snapshot and checks it.
func (s *zdSampler) sample() {
	now := time.Now()
	snap := s.ix.Snapshot()
	s.samples++
	if snap.Status.State != docker.Connected {
		s.problem(now, fmt.Sprintf("the index is %s (%v): the sample cannot be checked", snap.Status.State, snap.Status.Err), nil)
		return
	}
	svc := zdOf(snap, s.name)
	s.resolve(now, svc)
	var healthy []docker.Container
	for _, c := range svc {
		if zdHealthy(c) {
			healthy = append(healthy, c)
			s.everHealthy[c.ID] = c.Name
		}
	}
	s.minHealthy, s.maxHealthy = min(s.minHealthy, len(healthy)), max(s.maxHealthy, len(healthy))
	if len(healthy) == 0 {
		s.problem(now, "no container of the service is running and healthy", svc)
		return
	}
	type result struct {
		body string
		err  error
		at   time.Time
	}
	results := make([]result, len(healthy))
	var wg sync.WaitGroup
	for i, c := range healthy {
		port := zdPort(c)
		if port == 0 {
			results[i] = result{err: fmt.Errorf("no port published on 127.0.0.1 (ports %v)", c.Ports), at: now}
			continue
		}
		wg.Go(func() {
			body, err := zdGet(s.client, port)
			results[i] = result{body: body, err: err, at: time.Now()}
		})
	}
	wg.Wait()
	ok := 0
	var errs []string
	for i, c := range healthy {
		res := results[i]
		s.requests++
		if res.err == nil {
			ok++
			s.answered[c.ID]++
			s.bodies[res.body]++
			continue
		}
		errs = append(errs, fmt.Sprintf("%s: %v", c.Name, res.err))
		if zdPort(c) == 0 {
			s.problem(now, fmt.Sprintf("healthy container %s publishes no port on 127.0.0.1: %v", c.Name, c.Ports), svc)
			continue
		}
		s.pending = append(s.pending, zdFailed{id: c.ID, name: c.Name, at: res.at, sample: s.samples, err: res.err})
	}
	if ok == 0 {
		s.problem(now, fmt.Sprintf("none of the %d healthy containers answered: %s", len(healthy), strings.Join(errs, "; ")), svc)
	}
}

// resolve looks at the failed requests of earlier samples in a later snapshot: a container that
// it shows stopped, no longer healthy or gone was being stopped, and the request raced with
// the stop. One still running and healthy zdStopGrace after the failure failed for real.
func (s *zdSampler) resolve(now time.Time, svc []docker.Container) {
	keep := s.pending[:0]
	for _, p := range s.pending {
		c, found := zdFind(svc, p.id)
		switch {
		case !found || !zdHealthy(c):
			what := "removed"
			if found {
				what = c.State + "/" + c.Health
			}
			s.excused = append(s.excused, fmt.Sprintf("%s (sample %d, %v): %s %s later", p.name, p.sample, p.err, what, now.Sub(p.at).Round(time.Millisecond)))
		case now.Sub(p.at) >= zdStopGrace:
			s.problem(p.at, fmt.Sprintf("healthy container %s failed a request (sample %d: %v) and was still running and healthy %s later",
				p.name, p.sample, p.err, now.Sub(p.at).Round(time.Millisecond)), svc)
		default:
			keep = append(keep, p)
		}
	}
	s.pending = keep
}

// settle gives the requests that failed in the last samples their verdict.
func (s *zdSampler) settle() {
	if len(s.pending) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), zdStopGrace+time.Second)
	defer cancel()
	_, _ = s.ix.Await(ctx, func(snap docker.Snapshot) bool {
		s.resolve(time.Now(), zdOf(snap, s.name))
		return len(s.pending) == 0
	})
	for _, p := range s.pending {
		s.problem(p.at, fmt.Sprintf("healthy container %s failed a request (sample %d: %v) and was not seen stopping afterwards", p.name, p.sample, p.err), nil)
	}
	s.pending = nil
}

// problem records a failed sample with the containers it saw, and the first time the
// supervisor's own view of the service, with its timeline.
func (s *zdSampler) problem(at time.Time, what string, svc []docker.Container) {
	msg := fmt.Sprintf("sample %d at %s (+%s): %s\n  index: %s", s.samples, at.Format("15:04:05.000"), at.Sub(s.start).Round(time.Millisecond), what, zdStates(svc))
	if !s.describedOnce {
		s.describedOnce = true
		st, _ := s.r.sup.Service(s.name)
		msg += "\n  supervisor: " + supDescribe(st)
	}
	s.problems = append(s.problems, msg)
}

// check reports what the sampler saw; call it after stop.
func (s *zdSampler) check() {
	t := s.t
	t.Helper()
	<-s.done
	var versions []string
	for b, n := range s.bodies {
		versions = append(versions, fmt.Sprintf("%s×%d", b, n))
	}
	sort.Strings(versions)
	t.Logf("%s: %d samples over %s, %d to %d healthy containers per sample, %d requests (%s), %d failed requests excused as races with a stop",
		s.name, s.samples, time.Since(s.start).Round(time.Millisecond), s.minHealthy, s.maxHealthy, s.requests, strings.Join(versions, ", "), len(s.excused))
	for _, e := range s.excused {
		t.Logf("excused: %s", e)
	}
	const maxShown = 10
	for i, p := range s.problems {
		if i == maxShown {
			t.Errorf("and %d more failed samples", len(s.problems)-maxShown)
			break
		}
		t.Errorf("%s", p)
	}
	var silent []string
	for id, name := range s.everHealthy {
		if s.answered[id] == 0 {
			silent = append(silent, name)
		}
	}
	sort.Strings(silent)
	if len(silent) > 0 {
		t.Errorf("healthy during the deploy but never answered a request: %s", strings.Join(silent, ", "))
	}
	if s.bodies["v1"] == 0 || s.bodies["v2"] == 0 {
		t.Errorf("the sampler did not see both versions answer: %s", strings.Join(versions, ", "))
	}
	for b := range s.bodies {
		if b != "v1" && b != "v2" {
			t.Errorf("unexpected answer %q", b)
		}
	}
}

// zdOf lists the service's containers in a snapshot.
func zdOf(snap docker.Snapshot, name string) []docker.Container {
	var out []docker.Container
	for _, c := range snap.Containers {
		if c.Labels[docker.LabelDeploy] == name {
			out = append(out, c)
		}
	}
	return out
}

func zdFind(cs []docker.Container, id string) (docker.Container, bool) {
	for _, c := range cs {
		if c.ID == id {
			return c, true
		}
	}
	return docker.Container{}, false
}

func zdHealthy(c docker.Container) bool { return c.State == "running" && c.Health == "healthy" }

// zdPort is the host port a container publishes its 8080/tcp on, on 127.0.0.1; 0 if none.
func zdPort(c docker.Container) uint16 {
	for _, p := range c.Ports {
		if p.HostIP == "127.0.0.1" && p.HostPort != 0 && p.ContainerPort == 8080 && p.Proto == "tcp" {
			return p.HostPort
		}
	}
	return 0
}

// zdStates renders containers for failure messages.
func zdStates(cs []docker.Container) string {
	if len(cs) == 0 {
		return "no containers"
	}
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s rev %s %s/%s port %d", c.Name, c.Labels[docker.LabelRevision], c.State, c.Health, zdPort(c)))
	}
	return strings.Join(parts, "; ")
}

// zdClient sends each request on a new connection and never through a proxy: traffic goes
// only to the loopback ports the service's containers publish.
func zdClient() *http.Client {
	return &http.Client{
		Timeout:   zdTimeout,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	}
}

// zdGet fetches http://127.0.0.1:<port>/ and returns the trimmed body of a 200 answer.
func zdGet(client *http.Client, port uint16) (string, error) {
	resp, err := client.Get("http://127.0.0.1:" + strconv.Itoa(int(port)) + "/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %s", resp.Status)
	}
	return strings.TrimSpace(string(body)), nil
}
