package pods

import (
	"fmt"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/secret"
)

// driftContainers are n running containers of pod/service created from the config of hash.
func driftContainers(w *Workspace, pod, service, hash string, n int) []docker.Container {
	var out []docker.Container
	for i := 1; i <= n; i++ {
		out = append(out, docker.Container{
			ID: fmt.Sprintf("%s-%d", service, i), Name: fmt.Sprintf("%s-%s-%d", w.ComposeName, service, i), State: "running",
			Labels: map[string]string{
				docker.LabelComposeProject: w.ComposeName, docker.LabelComposeService: service,
				docker.LabelComposeNumber: fmt.Sprint(i), docker.LabelComposeConfigHash: hash,
				docker.LabelPod: pod, docker.LabelTarget: w.Target,
			},
		})
	}
	return out
}

// wantHash is the config hash w wants for pod/service.
func wantHash(t *testing.T, w *Workspace, pod, service string) string {
	t.Helper()
	for _, ps := range w.State(nil) {
		for _, s := range ps.Services {
			if s.Pod == pod && s.Service == service {
				return s.Hash
			}
		}
	}
	t.Fatalf("no service %s/%s", pod, service)
	return ""
}

const driftWeb = `services:
  web:
    image: busybox:latest
    deploy:
      replicas: %d
    environment:
      DB_PASSWORD: %s
      MODE: %s
`

// TestDrifts: the plan and the diff of a service whose containers run the config of an
// earlier load; values of secret-looking names and of secrets.yml's keys never show.
func TestDrifts(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/web.yml":       fmt.Sprintf(driftWeb, 2, "pw1", "fast"),
		"config/secrets.yml": "pods:\n  web:\n    web:\n      WIDGET: hunter2\n",
	})
	w1 := load(t, root, LoadOptions{})
	cs := driftContainers(w1, "web", "web", wantHash(t, w1, "web", "web"), 2)
	configs := w1.RememberConfigs(nil, w1.State(cs))

	// The next load: a third replica, another mode, another password and WIDGET.
	writeTree(t, root, map[string]string{
		"pods/web.yml":       fmt.Sprintf(driftWeb, 3, "pw2", "slow"),
		"config/secrets.yml": "pods:\n  web:\n    web:\n      WIDGET: hunter3\n",
	})
	w2 := load(t, root, LoadOptions{})
	states := w2.State(cs)
	configs = w2.RememberConfigs(configs, states)
	if n := len(configs["web/web"]); n != 2 {
		t.Fatalf("remembered %d configs of web, want the containers' and the files'", n)
	}
	ds := w2.Drifts(states, configs)
	d, ok := ds["web/web"]
	if !ok || len(ds) != 1 {
		t.Fatalf("drifts %+v", ds)
	}
	if got := d.Plan(); got != "recreate proj-web-1, proj-web-2; create proj-web-3" {
		t.Errorf("plan %q", got)
	}
	for _, want := range []string{"--- web/web: its containers", "+++ web/web: pods/web.yml", "-  MODE: fast", "+  MODE: slow", "+  replicas: 3", "WIDGET: " + secret.Masked} {
		if !strings.Contains(d.Diff, want) {
			t.Errorf("the diff lacks %q:\n%s", want, d.Diff)
		}
	}
	for _, secretValue := range []string{"hunter", "pw1", "pw2"} {
		if strings.Contains(d.Diff, secretValue) {
			t.Errorf("the diff shows a secret (%s):\n%s", secretValue, d.Diff)
		}
	}
	if d.Unknown || d.Hidden {
		t.Errorf("unknown %v, hidden %v", d.Unknown, d.Hidden)
	}
}

// TestDriftsOnlyASecretChanged: when only a masked value changed the diff is empty and says so.
func TestDriftsOnlyASecretChanged(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/web.yml":       fmt.Sprintf(driftWeb, 1, "pw", "fast"),
		"config/secrets.yml": "pods:\n  web:\n    web:\n      WIDGET: hunter2\n",
	})
	w1 := load(t, root, LoadOptions{})
	cs := driftContainers(w1, "web", "web", wantHash(t, w1, "web", "web"), 1)
	configs := w1.RememberConfigs(nil, w1.State(cs))
	writeTree(t, root, map[string]string{"config/secrets.yml": "pods:\n  web:\n    web:\n      WIDGET: hunter3\n"})
	w2 := load(t, root, LoadOptions{})
	states := w2.State(cs)
	d := w2.Drifts(states, w2.RememberConfigs(configs, states))["web/web"]
	if !d.Hidden || d.Diff != "" || d.Plan() != "recreate proj-web-1" {
		t.Fatalf("drift %+v", d)
	}
	// A session that never loaded the containers' config knows only the plan.
	d = w2.Drifts(states, w2.RememberConfigs(nil, states))["web/web"]
	if !d.Unknown || d.Diff != "" {
		t.Fatalf("drift without the old config %+v", d)
	}
}

func TestDriftPlanWords(t *testing.T) {
	d := Drift{Recreate: []string{"a-1", "a-2"}, Create: []string{"a-3"}, Remove: []string{"a-4"}}
	if got := d.Plan(); got != "recreate a-1, a-2; create a-3; remove a-4" {
		t.Fatalf("plan %q", got)
	}
	if got := (Drift{}).Plan(); got != "nothing to change" {
		t.Fatalf("empty plan %q", got)
	}
}

func TestApplyTargets(t *testing.T) {
	on := &Pod{Name: "a", Enabled: true}
	task := &Pod{Name: "t", Enabled: true, Type: PodTask}
	off := &Pod{Name: "o"}
	drifted := func(pod string) ServiceState { return ServiceState{Pod: pod, Service: "s", Drifted: true} }
	got := ApplyTargets([]PodState{
		{Pod: on, Services: []ServiceState{drifted("a"), {Pod: "a", Service: "same"}}},
		{Pod: task, Services: []ServiceState{drifted("t")}},
		{Pod: off, Services: []ServiceState{drifted("o")}},
	})
	if len(got) != 1 || got[0].Pod != "a" || got[0].Service != "s" {
		t.Fatalf("targets %+v", got)
	}
}

func TestRelFiles(t *testing.T) {
	if got := RelFiles("/w/shop", []string{"/w/shop/pods/a.yml", "/w/shop/pods/targets/production/a.yml"}); got != "pods/a.yml, pods/targets/production/a.yml" {
		t.Errorf("files %q", got)
	}
}

// TestDriftMasksAVariableSecretsYmlNowGives: a variable of an innocent name that was set in the
// pod file and is now given by config/secrets.yml is masked on both sides of the diff: the
// one masking rule is today's, applied to the old config as to the new.
func TestDriftMasksAVariableSecretsYmlNowGives(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/web.yml": "services:\n  web:\n    image: busybox:latest\n    environment:\n      WIDGET: hunter2\n      MODE: fast\n",
	})
	w1 := load(t, root, LoadOptions{})
	cs := driftContainers(w1, "web", "web", wantHash(t, w1, "web", "web"), 1)
	configs := w1.RememberConfigs(nil, w1.State(cs))
	writeTree(t, root, map[string]string{
		"pods/web.yml":       "services:\n  web:\n    image: busybox:latest\n    environment:\n      MODE: slow\n",
		"config/secrets.yml": "pods:\n  web:\n    web:\n      WIDGET: hunter3\n",
	})
	w2 := load(t, root, LoadOptions{})
	states := w2.State(cs)
	d := w2.Drifts(states, w2.RememberConfigs(configs, states))["web/web"]
	if d.Diff == "" || !strings.Contains(d.Diff, "+  MODE: slow") {
		t.Fatalf("the diff lacks the visible change:\n%s", d.Diff)
	}
	if strings.Contains(d.Diff, "hunter") {
		t.Fatalf("the diff shows a value of a variable config/secrets.yml gives:\n%s", d.Diff)
	}
}
