package compose

// Helpers for the real-engine tests; their names start with e2e.

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// e2eProjectName is a project name unique to the test: "pt" and the harness id's random part.
func e2eProjectName(h *enginetest.Harness) string {
	return "pt" + h.ID[strings.LastIndexByte(h.ID, '-')+1:]
}

// e2eLoad writes compose.yaml into dir (replacing any earlier one) and loads it as Compose does.
func e2eLoad(t *testing.T, dir, name, yaml string) *types.Project {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadForHash(context.Background(), dir, nil, name, nil)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, yaml)
	}
	return p
}

// e2eUpOptions labels everything Up creates with the harness's id, so its cleanup removes it.
func e2eUpOptions(h *enginetest.Harness, rec *e2eRecorder) UpOptions {
	return UpOptions{
		ExtraLabels:    func(string) map[string]string { return h.Labels(map[string]string{docker.LabelPod: "testpod"}) },
		ResourceLabels: h.Labels(nil),
		Progress:       rec.add,
	}
}

// e2eRecorder keeps the events of a lifecycle call, in order.
type e2eRecorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *e2eRecorder) add(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *e2eRecorder) take() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// e2eIndexOf is the position of the first event with this service and action, or -1.
func e2eIndexOf(events []Event, service, action string) int {
	return slices.IndexFunc(events, func(e Event) bool { return e.Service == service && e.Action == action })
}

// e2eChanges are the events that change something (anything but waiting and up to date).
func e2eChanges(events []Event) []Event {
	var out []Event
	for _, e := range events {
		switch e.Action {
		case ActionUpToDate, ActionWaiting, ActionHealthy, ActionExited:
		default:
			out = append(out, e)
		}
	}
	return out
}

// e2eContainers maps container name to container for a project.
func e2eContainers(t *testing.T, h *enginetest.Harness, project string) map[string]docker.Container {
	t.Helper()
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + project}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]docker.Container{}
	for _, c := range cs {
		out[c.Name] = c
	}
	return out
}

func e2eNames(m map[string]docker.Container) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
