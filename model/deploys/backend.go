package deploys

import (
	"context"
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

// Backend is everything the Deploys tab asks of the supervisor: the services' status,
// its own health, their transitions as they happen, and the controls. It is a part of the
// supervisor's own Controller, so the supervisor serves it as it is; tests use a fake.
type Backend interface {
	// Status is every service, sorted by name.
	Status() []supervisor.ServiceStatus
	// Health is the supervisor's own condition: whether its engine answers, whether it has
	// compared its state with the engine since it started, whether its state file saves.
	Health() supervisor.Health
	// Subscribe delivers every transition. An Event with Service "" (Cause CauseLagged) says
	// events were dropped or the supervisor's health changed, and so does a closed channel:
	// re-read Status and Health (and, after a close, subscribe again).
	Subscribe() (events <-chan supervisor.Event, cancel func())
	// Rollback redeploys revision rev of a service; rev 0 means the previous stable one.
	Rollback(ctx context.Context, name string, rev int) error
	// Restart redeploys a service's current revision.
	Restart(ctx context.Context, name string) error
	// Pause stops a service's deploys (its containers keep running); Resume lets it deploy again.
	Pause(name string) error
	Resume(name string) error
}

// FollowState is how a Backend served by a supervisor in another process (`podium
// supervise`) sees that process: whether it still answers. It is apart from Health, which is
// that supervisor's own view of its engine.
type FollowState struct {
	URL   string    // the supervisor's API
	Gone  bool      // its event stream ended, or it does not answer: nothing it said is current
	Err   string    // why it is gone
	Since time.Time // when it went away
}

// Followed is a Backend that follows a supervisor in another process; the Deploys tab
// asks it whether that supervisor is still there.
type Followed interface {
	FollowState() FollowState
}
