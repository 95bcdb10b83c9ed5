package pipelines

import (
	"errors"
	"strings"
	"testing"

	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/pipelines/pipelinestest"
)

// (moved from model/livefiles_tabs_test.go; the root's part, turning the watcher's batch into
// a common.FilesChangedMsg for every tab, is model's)
func TestPipelinesFollowTheirFiles(t *testing.T) {
	fp := newFakePipelines()
	r := newTab(t, fp, 120, 40)
	show := r.show("ci", ciRun().ID)
	r = runPipeCmd(t, r, show)
	running := r.run
	// ci.yml breaks, and a new file appears: the list shows both, the run stays on screen.
	fp.SetFiles([]pipelinestest.File{
		{Name: "ci", Path: "/ws/pipelines/ci.yml", Err: errors.New("pipelines/ci.yml:2: /test: unknown key \"exce\" (did you mean exec?)")},
		{Name: "broken", Path: "/ws/pipelines/broken.yml", Err: errors.New("pipelines/broken.yml:3: /build: unknown key \"comand\" (did you mean command?)")},
		{Name: "deploy", Path: "/ws/pipelines/deploy.yml"},
		{Name: "nightly", Path: "/ws/pipelines/nightly.yml"},
	})
	r, _ = update(t, r, common.FilesChangedMsg{Paths: []string{"pipelines/ci.yml", "pipelines/deploy.yml"}})
	s := screen(r)
	for _, want := range []string{"deploy", "pipelines/ci.yml:2: /test: unknown key"} {
		if !strings.Contains(s, want) {
			t.Errorf("after the change the screen lacks %q:\n%s", want, s)
		}
	}
	if st := r.status; !st.Err || !strings.HasPrefix(st.Text, "2 files changed: pipelines/ci.yml:2:") {
		t.Fatalf("status %+v", st)
	}
	if r.run == nil || r.run.ID != running.ID {
		t.Fatal("the run on screen was dropped")
	}
	for _, c := range fp.Calls() {
		if !strings.HasPrefix(c, "load ") {
			t.Fatalf("a file change acted on runs: %v", fp.Calls())
		}
	}
	// Files of the Pods tab do not concern this tab.
	before := r.status
	m, _ := update(t, r, common.FilesChangedMsg{Paths: []string{"pods/web.yml"}})
	if m.status != before {
		t.Fatal("a pod file reloaded the pipelines")
	}
}
