package deploys

import (
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

// specChanged is the event of a service that leaves Stable for a deploy, at: with
// CauseSpecChanged, one its edited spec started.
func specChanged(t *testing.T, f *fakeDeploys, name string, at time.Time, cause supervisor.Cause, reason string) supervisor.Event {
	t.Helper()
	st := f.Service(t, name)
	st.State, st.Since, st.Next = supervisor.WaitNext, at, st.Revision+1
	return supervisor.Event{Service: name, Status: st,
		Transition: supervisor.Transition{At: at, From: supervisor.Stable, To: supervisor.WaitNext, Revision: st.Next,
			Cause: cause, Reason: reason}}
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
