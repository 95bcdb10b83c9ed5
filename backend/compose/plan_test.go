package compose

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
)

func planC(n int, hash, state string, exit int) docker.Container {
	return docker.Container{
		ID: fmt.Sprintf("id%d-%s", n, state), Name: "p-s-" + strconv.Itoa(n), State: state, ExitCode: exit,
		Labels: map[string]string{docker.LabelComposeNumber: strconv.Itoa(n), docker.LabelComposeConfigHash: hash},
	}
}

func planKinds(steps []step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, fmt.Sprintf("%s:%d", s.Kind, s.Number))
	}
	return out
}

func TestPlanService(t *testing.T) {
	withImage := planC(1, "h", "running", 0)
	withImage.Labels[docker.LabelComposeImage] = "sha256:old"
	dup := planC(1, "old", "running", 0)
	dup.ID = "dup"
	cases := []struct {
		name     string
		want     desired
		existing []docker.Container
		plan     []string
	}{
		{"nothing yet", desired{Hash: "h", Replicas: 2}, nil, []string{"create:1", "create:2"}},
		{"up to date", desired{Hash: "h", Replicas: 1}, []docker.Container{planC(1, "h", "running", 0)}, []string{"keep:1"}},
		{"stopped", desired{Hash: "h", Replicas: 1}, []docker.Container{planC(1, "h", "exited", 137)}, []string{"start:1"}},
		{"created only", desired{Hash: "h", Replicas: 1}, []docker.Container{planC(1, "h", "created", 0)}, []string{"start:1"}},
		{"changed", desired{Hash: "h2", Replicas: 1}, []docker.Container{planC(1, "h", "running", 0)}, []string{"recreate:1"}},
		{"image changed", desired{Hash: "h", ImageID: "sha256:new", Replicas: 1}, []docker.Container{withImage}, []string{"recreate:1"}},
		{"image unknown", desired{Hash: "h", Replicas: 1}, []docker.Container{withImage}, []string{"keep:1"}},
		{"scale up", desired{Hash: "h", Replicas: 3}, []docker.Container{planC(1, "h", "running", 0)}, []string{"keep:1", "create:2", "create:3"}},
		{"scale down", desired{Hash: "h", Replicas: 1}, []docker.Container{planC(1, "h", "running", 0), planC(2, "h", "running", 0)}, []string{"remove:2", "keep:1"}},
		{"scale to zero", desired{Hash: "h", Replicas: 0}, []docker.Container{planC(1, "h", "running", 0)}, []string{"remove:1"}},
		{"gap", desired{Hash: "h", Replicas: 2}, []docker.Container{planC(2, "h", "running", 0)}, []string{"create:1", "keep:2"}},
		{"duplicate number", desired{Hash: "h", Replicas: 1}, []docker.Container{dup, planC(1, "h", "running", 0)}, []string{"remove:1", "keep:1"}},
		{"one-shot done", desired{Hash: "h", Replicas: 1, OneShot: true}, []docker.Container{planC(1, "h", "exited", 0)}, []string{"keep:1"}},
		{"one-shot failed", desired{Hash: "h", Replicas: 1, OneShot: true}, []docker.Container{planC(1, "h", "exited", 1)}, []string{"start:1"}},
		{"one-shot rerun", desired{Hash: "h", Replicas: 1, OneShot: true, Rerun: true}, []docker.Container{planC(1, "h", "exited", 0)}, []string{"start:1"}},
		{"not a one-shot", desired{Hash: "h", Replicas: 1}, []docker.Container{planC(1, "h", "exited", 0)}, []string{"start:1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			steps := planService(c.want, c.existing)
			if got := planKinds(steps); !reflect.DeepEqual(got, c.plan) {
				t.Errorf("plan = %v, want %v", got, c.plan)
			}
		})
	}
	// Of two containers numbered 1 the outdated one is removed, the current one kept.
	steps := planService(desired{Hash: "h", Replicas: 1}, []docker.Container{dup, planC(1, "h", "running", 0)})
	if steps[0].Container.ID != "dup" || steps[1].Container.ID == "dup" {
		t.Errorf("duplicate: removed %s, kept %s", steps[0].Container.ID, steps[1].Container.ID)
	}
}

func TestDrifted(t *testing.T) {
	want := desired{Hash: "h", Replicas: 1}
	if drifted(want, []docker.Container{planC(1, "h", "exited", 1)}) {
		t.Errorf("a stopped, current container is not drift")
	}
	if !drifted(want, []docker.Container{planC(1, "x", "running", 0)}) {
		t.Errorf("another hash is drift")
	}
	if !drifted(want, nil) || !drifted(want, []docker.Container{planC(1, "h", "running", 0), planC(2, "h", "running", 0)}) {
		t.Errorf("fewer or more containers is drift")
	}
}

func TestDependsOnLabelAndSelect(t *testing.T) {
	p := loadYAML(t, "sel", `
services:
  a: {image: busybox}
  b: {image: busybox, depends_on: [a]}
  c:
    image: busybox
    depends_on:
      b: {condition: service_healthy}
      d: {condition: service_started, required: false}
  d: {image: busybox, profiles: [debug]}
`, nil)
	sel, err := selectServices(p, []string{"c"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sel, map[string]bool{"a": true, "b": true, "c": true}) {
		t.Errorf("selected = %v", sel)
	}
	if _, err := selectServices(p, []string{"nope"}, true); err == nil {
		t.Errorf("unknown service: no error")
	}
	if got := dependsOnLabel(p.Services["c"].DependsOn); got != "b:service_healthy:false,d:service_started:false" {
		t.Errorf("depends_on label = %q", got)
	}
	if err := checkDependencies(p, sel); err != nil {
		t.Errorf("an optional missing dependency is fine: %v", err)
	}
	if !oneShots(loadYAML(t, "os", `
services:
  init: {image: busybox}
  app: {image: busybox, depends_on: {init: {condition: service_completed_successfully}}}
`, nil))["init"] {
		t.Errorf("init is a one-shot")
	}
}

func TestAPIAtLeast(t *testing.T) {
	for _, c := range []struct {
		have, want string
		ok         bool
	}{{"1.41", "1.44", false}, {"1.44", "1.44", true}, {"1.52", "1.44", true}, {"2.0", "1.44", true}, {"", "1.44", true}} {
		if got := apiAtLeast(c.have, c.want); got != c.ok {
			t.Errorf("apiAtLeast(%q, %q) = %v", c.have, c.want, got)
		}
	}
}

func TestRecreateAll(t *testing.T) {
	steps := planService(desired{Hash: "h", Replicas: 3}, []docker.Container{
		planC(1, "h", "running", 0), planC(2, "h", "exited", 0), planC(4, "h", "running", 0)})
	if got, want := planKinds(recreateAll(steps)), []string{"remove:4", "recreate:1", "recreate:2", "create:3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("recreateAll = %v, want %v", got, want)
	}
}
