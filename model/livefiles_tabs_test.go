package model

import (
	tea "charm.land/bubbletea/v2"

	"errors"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

// specChanged is the event of a service that leaves Stable for a deploy, at: with
// CauseSpecChanged, one its edited spec started.
func specChanged(t *testing.T, f *fakeDeploys, name string, at time.Time, cause supervisor.Cause, reason string) supervisor.Event {
	t.Helper()
	st := f.service(t, name)
	st.State, st.Since, st.Next = supervisor.WaitNext, at, st.Revision+1
	return supervisor.Event{Service: name, Status: st,
		Transition: supervisor.Transition{At: at, From: supervisor.Stable, To: supervisor.WaitNext, Revision: st.Next,
			Cause: cause, Reason: reason}}
}

// deployEvents delivers events to the Deploys tab as its subscription does.
func deployEvents(t *testing.T, r Root, f *fakeDeploys, events ...supervisor.Event) Root {
	t.Helper()
	for _, e := range events {
		f.events <- e
	}
	return update(t, r, runCmd(t, r.deploys().watch()))
}

func TestDeploysFollowASpecChange(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 120, 40)
	now := testNow()
	if s, _ := r.deploys().Selected(); s.Name != "api" {
		t.Fatalf("first selection %q", s.Name)
	}
	// queue's spec was edited: its deploy is selected, with its detail on screen.
	r = deployEvents(t, r, f, specChanged(t, f, "queue", now, supervisor.CauseSpecChanged, "spec changed: deploy revision 2 (web:2)"))
	if s, _ := r.deploys().Selected(); s.Name != "queue" {
		t.Fatalf("a spec change on queue left the selection on %q", s.Name)
	}
	if sc := screen(r); !strings.Contains(sc, "specs/queue.yml") {
		t.Fatalf("queue's detail is not on screen:\n%s", sc)
	}
	// The user moves to search; a deploy of api two seconds later leaves the cursor there.
	r, _ = press(t, r, "j")
	if s, _ := r.deploys().Selected(); s.Name != "search" {
		t.Fatalf("j went to %q", s.Name)
	}
	r = deployEvents(t, r, f, specChanged(t, f, "api", now.Add(2*time.Second), supervisor.CauseSpecChanged, "spec changed: deploy revision 2 (web:2)"))
	if s, _ := r.deploys().Selected(); s.Name != "search" {
		t.Fatalf("a deploy took the cursor the user had just moved, to %q", s.Name)
	}
	// Later on, it follows again; a restart (not a spec change) never takes the cursor.
	r = deployEvents(t, r, f, specChanged(t, f, "api", now.Add(followQuiet+time.Second), supervisor.CauseSpecChanged, "spec changed: deploy revision 2 (web:2)"))
	if s, _ := r.deploys().Selected(); s.Name != "api" {
		t.Fatalf("a spec change well after the last move did not select api: %q", s.Name)
	}
	r = deployEvents(t, r, f, specChanged(t, f, "search", now.Add(time.Minute), supervisor.CauseRestart, "restart: deploy revision 2 (web:2)"))
	if s, _ := r.deploys().Selected(); s.Name != "api" {
		t.Fatalf("a restart took the cursor to %q", s.Name)
	}
}

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
