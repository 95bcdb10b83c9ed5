package deploys

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/supervisor"
)

// remoteFake is a supervisor behind the real HTTP API, for the --remote adapter.
type remoteFake struct {
	mu      sync.Mutex
	status  map[string]supervisor.ServiceStatus
	events  chan supervisor.Event
	paused  []string
	rolled  []int
	restart []string
}

func (f *remoteFake) Health() supervisor.Health {
	return supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true}
}

func (f *remoteFake) Status() []supervisor.ServiceStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []supervisor.ServiceStatus
	for _, s := range f.status {
		out = append(out, s)
	}
	sortStatuses(out)
	return out
}

func (f *remoteFake) Service(name string) (supervisor.ServiceStatus, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.status[name]
	return s, ok
}

func (f *remoteFake) Subscribe() (<-chan supervisor.Event, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.events, func() {}
}

// endStream closes the event stream the daemon serves, as a supervisor does when it stops,
// and gives the next subscriber a fresh one.
func (f *remoteFake) endStream() {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.events)
	f.events = make(chan supervisor.Event, 4)
}

func (f *remoteFake) Rollback(_ context.Context, name string, rev int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rolled = append(f.rolled, rev)
	return nil
}

func (f *remoteFake) Restart(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restart = append(f.restart, name)
	return nil
}

func (f *remoteFake) Pause(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paused = append(f.paused, name)
	return nil
}

func (f *remoteFake) Resume(string) error                           { return nil }
func (f *remoteFake) WaitFor(context.Context, string, string) error { return nil }

// TestRemoteDeploys: the adapter reads the daemon's status, follows its event stream (the
// status it serves moves with the events), and passes actions through.
func TestRemoteDeploys(t *testing.T) {
	f := &remoteFake{
		status: map[string]supervisor.ServiceStatus{"web": {Name: "web", State: supervisor.Stable, Revision: 1}},
		events: make(chan supervisor.Event, 4),
	}
	srv := httptest.NewServer(deployapi.NewHandler(f, ""))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	r := NewRemote(ctx, deployapi.NewClient(srv.URL, ""))
	if st := r.Status(); len(st) != 1 || st[0].State != supervisor.Stable {
		t.Fatalf("initial status: %+v", st)
	}
	events, stop := r.Subscribe()
	defer stop()
	next := supervisor.ServiceStatus{Name: "web", State: supervisor.WaitNext, Revision: 1, Next: 2}
	f.events <- supervisor.Event{Service: "web", Transition: supervisor.Transition{From: supervisor.Stable, To: supervisor.WaitNext, Revision: 2}, Status: next}
	select {
	case ev := <-events:
		if ev.Service != "web" || ev.Transition.To != supervisor.WaitNext {
			t.Fatalf("event: %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event through the remote stream")
	}
	if st := r.Status(); st[0].State != supervisor.WaitNext || st[0].Next != 2 {
		t.Fatalf("status after the event: %+v", st[0])
	}

	if err := r.Pause("web"); err != nil {
		t.Fatal(err)
	}
	if err := r.Rollback(ctx, "web", 1); err != nil {
		t.Fatal(err)
	}
	if err := r.Restart(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.paused) != 1 || len(f.rolled) != 1 || f.rolled[0] != 1 || len(f.restart) != 1 {
		t.Fatalf("actions did not reach the daemon: paused %v rolled %v restarted %v", f.paused, f.rolled, f.restart)
	}
}

// TestRemoteDeploysGoneAndBack: the adapter's Health comes from the daemon's; when the event
// stream ends the daemon is gone at once (and Health no longer says Reconciled), with a lagged
// event for the tab; when it answers again it is back, with another.
func TestRemoteDeploysGoneAndBack(t *testing.T) {
	f := &remoteFake{
		status: map[string]supervisor.ServiceStatus{"web": {Name: "web", State: supervisor.Stable, Revision: 1}},
		events: make(chan supervisor.Event, 4),
	}
	srv := httptest.NewServer(deployapi.NewHandler(f, ""))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	r := NewRemote(ctx, deployapi.NewClient(srv.URL, ""))
	if h := r.Health(); h.Engine != supervisor.EngineConnected || !h.Reconciled {
		t.Fatalf("health %+v", h)
	}
	fr := r.(Followed)
	if fs := fr.FollowState(); fs.Gone || fs.URL != srv.URL {
		t.Fatalf("follow state %+v", fs)
	}
	events, stop := r.Subscribe()
	defer stop()
	// An event first, so the stream is known to be up.
	f.mu.Lock()
	f.events <- supervisor.Event{Service: "web", Status: supervisor.ServiceStatus{Name: "web", State: supervisor.Stable, Revision: 1}}
	f.mu.Unlock()
	next := func(what string) supervisor.Event {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(3 * time.Second):
			t.Fatalf("no event: %s", what)
		}
		return supervisor.Event{}
	}
	next("the first")

	ended := time.Now()
	f.endStream()
	// The daemon may say "lagged" itself as it closes the stream; the adapter's own follows.
	for !fr.FollowState().Gone {
		if ev := next("gone"); !lagged(ev) || ev.Transition.Cause != supervisor.CauseLagged {
			t.Fatalf("gone: %+v", ev)
		}
	}
	if since := time.Since(ended); since > time.Second {
		t.Fatalf("the end of the stream took %v to tell", since)
	}
	if fs := fr.FollowState(); fs.Err == "" {
		t.Fatalf("follow state after the end: %+v", fs)
	}
	if r.Health().Reconciled {
		t.Fatal("a gone daemon's health still says reconciled")
	}
	for fr.FollowState().Gone {
		if ev := next("back"); !lagged(ev) {
			t.Fatalf("back: %+v", ev)
		}
	}
	if !r.Health().Reconciled {
		t.Fatal("the daemon is back, its health is not")
	}
}
