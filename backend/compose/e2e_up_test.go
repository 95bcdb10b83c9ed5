package compose

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// e2eShopYAML is a three-service project: web serves HTTP with a healthcheck, init runs once,
// worker waits for web to be healthy and init to have completed. %s is worker's command,
// %d its replicas.
const e2eShopYAML = `
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "mkdir -p /www && echo hello-podium > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports: ["127.0.0.1::8080"]
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]
      interval: 500ms
      timeout: 2s
      retries: 20
  init:
    image: busybox:latest
    command: ["sh", "-c", "exit 0"]
  worker:
    image: busybox:latest
    command: %s
    stop_grace_period: 1s
    deploy: {replicas: %d}
    volumes: [data:/data]
    depends_on:
      web: {condition: service_healthy}
      init: {condition: service_completed_successfully}
volumes:
  data: {}
`

// e2eCountingAwaiter counts the waits that go through it.
type e2eCountingAwaiter struct {
	docker.Awaiter
	n atomic.Int32
}

func (a *e2eCountingAwaiter) AwaitContainer(ctx context.Context, id string, check func(docker.Container) (bool, error)) (docker.Container, error) {
	a.n.Add(1)
	return a.Awaiter.AwaitContainer(ctx, id, check)
}

// TestUpShop: Up of a three-service project creates every container with Compose's labels,
// in dependency order; a second Up changes nothing; a change recreates only what changed;
// replicas scale; Status sees drift; Down removes containers, network and (asked) volumes.
func TestUpShop(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	name := e2eProjectName(h)
	dir := t.TempDir()
	p := e2eLoad(t, dir, name, fmt.Sprintf(e2eShopYAML, `["sleep", "300"]`, 1))
	rec := &e2eRecorder{}
	opts := e2eUpOptions(h, rec)

	ix := docker.NewIndex(e, docker.IndexOptions{Labels: []string{docker.LabelComposeProject + "=" + name}})
	ixCtx, stopIx := context.WithCancel(h.Ctx())
	defer stopIx()
	go ix.Run(ixCtx)
	// The index's versions at which web was first seen healthy and worker first seen running.
	firstSeen := e2eWatchOrder(ixCtx, ix, name+"-web-1", name+"-worker-1")

	first := opts
	first.Wait = true
	waits := &e2eCountingAwaiter{Awaiter: ix} // the waits follow the index: no stream of their own
	first.Awaiter = waits
	if err := Up(h.Ctx(), e, p, first); err != nil {
		t.Fatalf("up: %v", err)
	}
	// worker waits for web (healthy) and init (completed); Wait then waits for all three.
	if n := waits.n.Load(); n < 5 {
		t.Errorf("%d waits went through the index, want every one (5)", n)
	}
	events := rec.take()
	cs := e2eContainers(t, h, name)
	if got, want := e2eNames(cs), []string{name + "-init-1", name + "-web-1", name + "-worker-1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("containers = %v, want %v", got, want)
	}

	// The full Compose label set, with Compose's config hash.
	imageID, err := e.ImageID(h.Ctx(), "busybox:latest")
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []string{"web", "init", "worker"} {
		c := cs[name+"-"+svc+"-1"]
		hash, err := ServiceHash(p.Services[svc])
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			docker.LabelComposeProject:     name,
			docker.LabelComposeService:     svc,
			docker.LabelComposeNumber:      "1",
			docker.LabelComposeOneoff:      "False",
			docker.LabelComposeConfigHash:  hash,
			docker.LabelComposeImage:       imageID,
			docker.LabelComposeConfigFiles: strings.Join(p.ComposeFiles, ","),
			docker.LabelComposeWorkingDir:  p.WorkingDir,
			docker.LabelComposeVersion:     ComposeVersion,
			docker.LabelComposeDependsOn:   "",
			docker.LabelPod:                "testpod",
			docker.LabelTest:               h.ID,
		}
		if svc == "worker" {
			want[docker.LabelComposeDependsOn] = "init:service_completed_successfully:false,web:service_healthy:false"
		}
		if !reflect.DeepEqual(c.Labels, want) {
			t.Errorf("labels of %s =\n%v\nwant\n%v", c.Name, c.Labels, want)
		}
	}
	web, worker, ini := cs[name+"-web-1"], cs[name+"-worker-1"], cs[name+"-init-1"]
	if !web.Running() || !worker.Running() || ini.State != "exited" || ini.ExitCode != 0 {
		t.Fatalf("states: web %s, worker %s, init %s (%d)", web.State, worker.State, ini.State, ini.ExitCode)
	}

	// The published port answers on 127.0.0.1.
	webIn, err := e.Inspect(h.Ctx(), web.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(webIn.Ports) != 1 || webIn.Ports[0].HostIP != "127.0.0.1" || webIn.Ports[0].HostPort == 0 {
		t.Fatalf("web ports = %v, want one on 127.0.0.1", webIn.Ports)
	}
	body := e2eGet(t, fmt.Sprintf("http://127.0.0.1:%d/", webIn.Ports[0].HostPort))
	if strings.TrimSpace(body) != "hello-podium" {
		t.Errorf("GET / = %q", body)
	}

	// Order: worker started only after web was healthy and init had exited 0.
	hi, ws := e2eIndexOf(events, "web", ActionHealthy), e2eIndexOf(events, "worker", ActionStarting)
	ie := e2eIndexOf(events, "init", ActionExited)
	if hi < 0 || ws < 0 || ie < 0 || hi > ws || ie > ws {
		t.Errorf("events: web healthy at %d, init exited at %d, worker starting at %d: %v", hi, ie, ws, events)
	}
	workerIn, err := e.Inspect(h.Ctx(), worker.ID)
	if err != nil {
		t.Fatal(err)
	}
	iniIn, err := e.Inspect(h.Ctx(), ini.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !iniIn.FinishedAt.Before(workerIn.StartedAt) {
		t.Errorf("engine times: init finished %v, worker started %v", iniIn.FinishedAt, workerIn.StartedAt)
	}
	healthyAt, runningAt := firstSeen()
	if healthyAt == 0 || runningAt == 0 || runningAt < healthyAt {
		t.Errorf("index: web first healthy at version %d, worker first running at version %d", healthyAt, runningAt)
	}

	// A second Up touches nothing.
	if err := Up(h.Ctx(), e, p, opts); err != nil {
		t.Fatalf("second up: %v", err)
	}
	if ch := e2eChanges(rec.take()); len(ch) != 0 {
		t.Errorf("second up changed: %v", ch)
	}
	again := e2eContainers(t, h, name)
	for n, c := range cs {
		if again[n].ID != c.ID || again[n].State != c.State {
			t.Errorf("second up: %s was %s %s, is %s %s", n, c.ShortID(), c.State, again[n].ShortID(), again[n].State)
		}
	}

	// A new command for worker: Status sees drift; Up recreates worker only.
	p = e2eLoad(t, dir, name, fmt.Sprintf(e2eShopYAML, `["sleep", "301"]`, 1))
	st, err := Status(h.Ctx(), e, p)
	if err != nil {
		t.Fatal(err)
	}
	drift := map[string]bool{}
	for _, s := range st {
		drift[s.Service] = s.Drifted
	}
	if !reflect.DeepEqual(drift, map[string]bool{"init": false, "web": false, "worker": true}) {
		t.Errorf("drift after the change = %v", drift)
	}
	if err := Up(h.Ctx(), e, p, opts); err != nil {
		t.Fatalf("up after change: %v", err)
	}
	for _, ev := range e2eChanges(rec.take()) {
		if ev.Service != "worker" {
			t.Errorf("change of worker touched %s: %+v", ev.Service, ev)
		}
	}
	after := e2eContainers(t, h, name)
	if after[name+"-web-1"].ID != web.ID || after[name+"-init-1"].ID != ini.ID {
		t.Errorf("web or init recreated")
	}
	newWorker := after[name+"-worker-1"]
	if newWorker.ID == worker.ID || !newWorker.Running() || !strings.Contains(newWorker.Command, "301") {
		t.Errorf("worker after change: %s %s %q", newWorker.ShortID(), newWorker.State, newWorker.Command)
	}
	if st, _ := Status(h.Ctx(), e, p); e2eAnyDrift(st) {
		t.Errorf("drift after up: %+v", st)
	}

	// Two replicas: worker-1 is kept (replicas are not in the hash), worker-2 is added.
	p = e2eLoad(t, dir, name, fmt.Sprintf(e2eShopYAML, `["sleep", "301"]`, 2))
	if err := Up(h.Ctx(), e, p, opts); err != nil {
		t.Fatalf("up with 2 replicas: %v", err)
	}
	scaled := e2eContainers(t, h, name)
	w1, w2 := scaled[name+"-worker-1"], scaled[name+"-worker-2"]
	if w1.ID != newWorker.ID || w2.ID == "" || !w2.Running() || w2.Labels[docker.LabelComposeNumber] != "2" {
		t.Errorf("replicas: worker-1 %s (was %s), worker-2 %s %s %v", w1.ShortID(), newWorker.ShortID(), w2.ShortID(), w2.State, w2.Labels[docker.LabelComposeNumber])
	}

	// Down removes the containers and the network, and keeps the volume until asked.
	zero := time.Duration(0)
	if err := Down(h.Ctx(), e, p, DownOptions{Timeout: &zero, Progress: rec.add}); err != nil {
		t.Fatalf("down: %v", err)
	}
	if left := e2eContainers(t, h, name); len(left) != 0 {
		t.Errorf("after down: %v", e2eNames(left))
	}
	if ns, _ := e.Networks(h.Ctx(), projectFilter(name)); len(ns) != 0 {
		t.Errorf("networks after down: %v", ns)
	}
	if vs, _ := e.Volumes(h.Ctx(), projectFilter(name)); len(vs) != 1 || vs[0].Name != name+"_data" {
		t.Errorf("volumes after down: %v, want %s_data kept", vs, name)
	}
	if err := Down(h.Ctx(), e, p, DownOptions{Volumes: true, Timeout: &zero}); err != nil {
		t.Fatalf("down with volumes: %v", err)
	}
	if vs, _ := e.Volumes(h.Ctx(), projectFilter(name)); len(vs) != 0 {
		t.Errorf("volumes after down -v: %v", vs)
	}
}

// e2eWatchOrder follows the index and returns a function that reports the versions at which
// container a was first healthy and container b first running.
func e2eWatchOrder(ctx context.Context, ix *docker.Index, a, b string) func() (uint64, uint64) {
	var aAt, bAt uint64
	done := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(done)
		sub := ix.Subscribe()
		defer sub.Close()
		for {
			s := ix.Snapshot()
			for _, c := range s.Containers {
				if c.Name == a && c.Health == "healthy" && aAt == 0 {
					aAt = s.Version
				}
				if c.Name == b && c.Running() && bAt == 0 {
					bAt = s.Version
				}
			}
			select {
			case <-sub.C:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() (uint64, uint64) {
		// Give the index a moment to see the last events before reading.
		time.Sleep(300 * time.Millisecond)
		close(stop)
		<-done
		return aAt, bAt
	}
}

func e2eGet(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

func e2eAnyDrift(st []ServiceStatus) bool {
	for _, s := range st {
		if s.Drifted {
			return true
		}
	}
	return false
}
