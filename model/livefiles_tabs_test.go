package model

import (
	tea "charm.land/bubbletea/v2"

	"errors"
	"strings"
	"testing"
)

func TestPipelinesFollowTheirFiles(t *testing.T) {
	fp := newFakePipelines()
	r := newPipelinesRoot(t, fp, 120, 40)
	var show tea.Cmd
	r = withTab(r, tabPipelines, func(p *Pipelines) { show = p.show("ci", ciRun().ID) })
	r = runPipeCmd(t, r, show)
	running := r.pipelines().run
	// ci.yml breaks, and a new file appears: the list shows both, the run stays on screen.
	fp.mu.Lock()
	fp.files = []PipelineFile{
		{Name: "ci", Path: "/ws/pipelines/ci.yml", Err: errors.New("pipelines/ci.yml:2: /test: unknown key \"exce\" (did you mean exec?)")},
		{Name: "broken", Path: "/ws/pipelines/broken.yml", Err: errors.New("pipelines/broken.yml:3: /build: unknown key \"comand\" (did you mean command?)")},
		{Name: "deploy", Path: "/ws/pipelines/deploy.yml"},
		{Name: "nightly", Path: "/ws/pipelines/nightly.yml"},
	}
	fp.mu.Unlock()
	m, _ := r.Update(filesChangedMsg{pipelines: []string{"pipelines/ci.yml", "pipelines/deploy.yml"}})
	r = m.(Root)
	s := screen(r)
	for _, want := range []string{"deploy", "pipelines/ci.yml:2: /test: unknown key"} {
		if !strings.Contains(s, want) {
			t.Errorf("after the change the screen lacks %q:\n%s", want, s)
		}
	}
	if st := r.pipelines().status; !st.Err || !strings.HasPrefix(st.Text, "2 files changed: pipelines/ci.yml:2:") {
		t.Fatalf("status %+v", st)
	}
	if r.pipelines().run == nil || r.pipelines().run.ID != running.ID {
		t.Fatal("the run on screen was dropped")
	}
	for _, c := range fp.Calls() {
		if !strings.HasPrefix(c, "load ") {
			t.Fatalf("a file change acted on runs: %v", fp.Calls())
		}
	}
	// Files of the Pods tab do not concern this tab.
	before := r.pipelines().status
	m, _ = r.Update(filesChangedMsg{pods: []string{"pods/web.yml"}})
	if m.(Root).pipelines().status != before {
		t.Fatal("a pod file reloaded the pipelines")
	}
}
