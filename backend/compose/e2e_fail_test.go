package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestUpDependencyFails: a service_completed_successfully dependency that exits 1, and a
// service_healthy dependency that turns unhealthy, fail Up with an error naming both services;
// the dependent is never started.
func TestUpDependencyFails(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	name := e2eProjectName(h)
	p := e2eLoad(t, t.TempDir(), name, `
services:
  migrate:
    image: busybox:latest
    command: ["sh", "-c", "exit 1"]
  app:
    image: busybox:latest
    command: ["sleep", "300"]
    depends_on:
      migrate: {condition: service_completed_successfully}
  sick:
    image: busybox:latest
    command: ["sleep", "300"]
    stop_grace_period: 1s
    healthcheck: {test: ["CMD", "false"], interval: 300ms, retries: 1}
  front:
    image: busybox:latest
    command: ["sleep", "300"]
    depends_on:
      sick: {condition: service_healthy}
`)
	for _, c := range []struct {
		service string
		want    []string
	}{
		{"app", []string{"service app depends on migrate", "exited with code 1"}},
		{"front", []string{"service front depends on sick", "unhealthy"}},
	} {
		opts := e2eUpOptions(h, &e2eRecorder{})
		opts.Services = []string{c.service}
		err := Up(h.Ctx(), h.Engine, p, opts)
		if err == nil {
			t.Fatalf("up %s succeeded with a failing dependency", c.service)
		}
		for _, want := range c.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	}
	cs := e2eContainers(t, h, name)
	for _, n := range []string{"app", "front"} {
		if c, ok := cs[name+"-"+n+"-1"]; ok && c.State != "created" {
			t.Errorf("%s was started: %s", n, c.State)
		}
	}
	if c := cs[name+"-migrate-1"]; c.State != "exited" || c.ExitCode != 1 {
		t.Errorf("migrate = %s (%d)", c.State, c.ExitCode)
	}
}

// TestUpMissingImage: an image that is not local and cannot be pulled (no registry) fails Up
// before anything changes, naming the service and the image; what runs keeps running, even a
// service that is outdated.
func TestUpMissingImage(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	name := e2eProjectName(h)
	dir := t.TempDir()
	const yaml = `
services:
  web:
    image: busybox:latest
    command: ["sleep", "%s"]
    stop_grace_period: 1s
%s`
	p := e2eLoad(t, dir, name, fmt.Sprintf(yaml, "300", ""))
	rec := &e2eRecorder{}
	if err := Up(h.Ctx(), h.Engine, p, e2eUpOptions(h, rec)); err != nil {
		t.Fatal(err)
	}
	before := e2eContainers(t, h, name)[name+"-web-1"]
	rec.take()

	missing := "127.0.0.1:1/podium-test/missing:" + h.ID // a loopback registry: the pull fails at once, nothing leaves the machine
	p = e2eLoad(t, dir, name, fmt.Sprintf(yaml, "301", "  ghost:\n    image: "+missing+"\n"))
	err := Up(h.Ctx(), h.Engine, p, e2eUpOptions(h, rec))
	if err == nil {
		t.Fatal("up succeeded with an image that cannot be pulled")
	}
	if !strings.Contains(err.Error(), "service ghost") || !strings.Contains(err.Error(), missing) {
		t.Errorf("error %q does not name service ghost and image %s", err, missing)
	}
	for _, ev := range rec.take() {
		if ev.Action != ActionPulling && ev.Action != ActionError {
			t.Errorf("up with a missing image did %+v", ev)
		}
	}
	after := e2eContainers(t, h, name)
	if c := after[name+"-web-1"]; c.ID != before.ID || !c.Running() {
		t.Errorf("web was touched: %s %s, was %s", c.ShortID(), c.State, before.ShortID())
	}
	if _, ok := after[name+"-ghost-1"]; ok {
		t.Errorf("ghost was created")
	}

	// pull_policy: never says so instead of pulling.
	p = e2eLoad(t, dir, name, fmt.Sprintf(yaml, "300", "  ghost:\n    image: "+missing+"\n    pull_policy: never\n"))
	err = Up(h.Ctx(), h.Engine, p, e2eUpOptions(h, rec))
	if err == nil || !strings.Contains(err.Error(), "pull_policy is never") || !strings.Contains(err.Error(), "service ghost") {
		t.Errorf("pull_policy never: err = %v", err)
	}
}

// TestUpExternalNetworkMissing: an external network that does not exist is a clear error.
func TestUpExternalNetworkMissing(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	name := e2eProjectName(h)
	p := e2eLoad(t, t.TempDir(), name, `
services:
  a: {image: busybox:latest, networks: [shared]}
networks:
  shared: {external: true, name: `+name+`-nope}
`)
	err := Up(h.Ctx(), h.Engine, p, e2eUpOptions(h, &e2eRecorder{}))
	if err == nil || !strings.Contains(err.Error(), name+"-nope") || !strings.Contains(err.Error(), "external") {
		t.Errorf("err = %v", err)
	}
}
