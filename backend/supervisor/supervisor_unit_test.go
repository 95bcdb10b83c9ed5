package supervisor

import (
	"encoding/json"
	"github.com/podiumdev/podium/backend/deployspec"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The retry delay doubles from the minimum to the maximum, within ±20% jitter.
func TestSupervisorRetryDelay(t *testing.T) {
	for failures, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 5: 16 * time.Second, 6: 30 * time.Second, 40: 30 * time.Second} {
		for range 50 {
			d := retryDelay(failures, time.Second, 30*time.Second)
			if d < want*8/10 || d > want*12/10 {
				t.Fatalf("after %d failures: %s, want %s ± 20%%", failures, d, want)
			}
		}
	}
}

// The state file is replaced atomically (no temporary file left), read back as written, and a
// corrupt or foreign file reads as empty with an error saying why.
func TestSupervisorStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "supervisor.json")
	s := &Supervisor{opts: Options{StateFile: path}, log: slog.New(slog.DiscardHandler), records: map[string]serviceRecord{
		"web": {Name: "web", State: Stable, Current: 2, LastRev: 2, Containers: []*containerRecord{{ID: "abc", Name: "web-2-1-ab12", Revision: 2}},
			History: []revisionRecord{{N: 2, Hash: "h", Image: "img", Outcome: "stable", Spec: json.RawMessage(`{"spec":{"Image":"img"}}`)}}},
	}}
	s.persist()
	s.records["web"] = serviceRecord{Name: "web", State: WaitNext, Current: 2, Next: 3, LastRev: 3}
	s.persist()
	got, err := loadState(path)
	if err != nil || got["web"].State != WaitNext || got["web"].Next != 3 {
		t.Fatalf("read back: %v %+v", err, got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files in the state directory, want only the state file", len(entries))
	}
	for _, bad := range []string{`{"version": 1, "services": {"web": {"na`, `{"version": 7, "services": {}}`, `{"version": 1, "services": {"web": {"name": "api"}}}`} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := loadState(path)
		if err == nil || len(got) != 0 {
			t.Errorf("%s: read %v, %v; want empty and an error", bad, got, err)
		}
	}
	if got, err := loadState(filepath.Join(dir, "none.json")); err != nil || len(got) != 0 {
		t.Errorf("missing file: %v %v", got, err)
	}
}

// A subscriber that does not read loses the oldest events and is told so; the publisher never
// blocks. cancel closes the stream.
func TestSupervisorSubscribeLagged(t *testing.T) {
	s := &Supervisor{subs: map[*subscriber]struct{}{}}
	events, cancel := s.Subscribe()
	for i := range subscriberBuffer * 3 {
		s.mu.Lock()
		s.publishLocked(Event{Service: "web", Transition: Transition{Revision: i}})
		s.mu.Unlock()
	}
	var got []Event
	for len(events) > 0 {
		got = append(got, <-events)
	}
	lagged := 0
	for _, ev := range got {
		if ev.Service == "" && ev.Transition.Cause == CauseLagged {
			lagged++
		}
	}
	if lagged == 0 || got[len(got)-1].Transition.Revision != subscriberBuffer*3-1 {
		t.Errorf("%d lagged markers, last event %+v", lagged, got[len(got)-1])
	}
	cancel()
	cancel()
	if _, ok := <-events; ok {
		t.Errorf("stream open after cancel")
	}
}

// checkDeployable rejects a fixed container name with several replicas.
func TestSupervisorFixedNameReplicas(t *testing.T) {
	sp, err := deployspec.Parse("web", "web.yml", []byte("spec: {Image: busybox, Name: web}\nreplicas: 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDeployable(&sp); err == nil || !strings.Contains(err.Error(), "replicas must be 1") {
		t.Errorf("checkDeployable: %v", err)
	}
}

// PreviousRevision skips failed and rolled-back revisions, and during a rollout goes back to the
// revision still serving.
func TestSupervisorPreviousRevision(t *testing.T) {
	web := ServiceStatus{Name: "web", State: Stable, Revision: 3, History: []Revision{
		{N: 1, Outcome: OutcomeReplaced},
		{N: 2, Outcome: OutcomeFailed, Failure: "unhealthy"},
		{N: 3, Outcome: OutcomeStable},
	}}
	if rev, ok := PreviousRevision(web); !ok || rev != 1 {
		t.Fatalf("skip the failed revision: got %d, %v", rev, ok)
	}
	web.Next = 4
	if rev, ok := PreviousRevision(web); !ok || rev != 3 {
		t.Fatalf("during a rollout, back to the serving revision: got %d, %v", rev, ok)
	}
	web.Next, web.History[0].Outcome = 0, OutcomeRolledBack
	if _, ok := PreviousRevision(web); ok {
		t.Fatal("a rolled-back revision is no target")
	}
	if _, ok := PreviousRevision(ServiceStatus{Name: "db", State: TryAgain}); ok {
		t.Fatal("nothing to roll back to without history")
	}
}

// An outcome reads the same in words as it did when it was only words, and the words of an
// older Podium read back as the typed outcome.
func TestSupervisorOutcome(t *testing.T) {
	for _, tc := range []struct {
		rev  Revision
		text string
	}{
		{Revision{Outcome: OutcomeFailed, Failure: "health timeout after 30s"}, "failed: health timeout after 30s"},
		{Revision{Outcome: OutcomeFailed}, "failed"},
		{Revision{Outcome: OutcomeRolledBack}, "rolled back"},
		{Revision{Outcome: OutcomeStable}, "stable"},
		{Revision{}, ""},
	} {
		if got := tc.rev.OutcomeText(); got != tc.text {
			t.Errorf("%+v reads %q, want %q", tc.rev, got, tc.text)
		}
		if o, why := ParseOutcome(tc.text); o != tc.rev.Outcome || why != tc.rev.Failure {
			t.Errorf("ParseOutcome(%q) = %q, %q", tc.text, o, why)
		}
	}
	if o, why := ParseOutcome("failedish"); o != "failedish" || why != "" {
		t.Errorf("a word that only starts like failed: %q, %q", o, why)
	}
}

// A state file written before outcomes were typed ("failed: why" in words) loads with the
// typed outcome and its reason, and is saved in the typed form.
func TestSupervisorStateFileOldOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "supervisor.json")
	old := `{"version":1,"services":{"web":{"name":"web","state":"TryAgainNext","since":"2025-03-01T12:00:00Z","last_revision":2,
		"containers":[],"timeline":[],"history":[
		{"n":1,"hash":"h1","image":"nginx:1","at":"2025-03-01T11:00:00Z","outcome":"stable"},
		{"n":2,"hash":"h2","image":"nginx:oops","at":"2025-03-01T12:00:00Z","outcome":"failed: health timeout after 30s"}]}}}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	recs, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	h := recs["web"].History
	if len(h) != 2 || h[0].Outcome != OutcomeStable || h[1].Outcome != OutcomeFailed || h[1].Failure != "health timeout after 30s" {
		t.Fatalf("old outcomes read as %+v", h)
	}
	b, err := json.Marshal(h[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"outcome":"failed","failure":"health timeout after 30s"`) {
		t.Errorf("saved as %s", b)
	}
}
