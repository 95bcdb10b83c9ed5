package supervisor

import "time"

// State is a service's place in condo's state machine.
type State string

const (
	Init         State = "Init"         // nothing deployed (new, or its spec was removed)
	Wait         State = "Wait"         // the first revision is starting, waiting for health
	TryAgain     State = "TryAgain"     // the first revision failed; retry at RetryAt
	Stable       State = "Stable"       // every replica of the current revision is healthy
	WaitNext     State = "WaitNext"     // a new revision is rolling out beside the stable one
	TryAgainNext State = "TryAgainNext" // the new revision failed; the old keeps serving
)

// Role says which revision a container belongs to during a deploy.
type Role string

const (
	RoleCurrent Role = "current" // the stable revision
	RoleNext    Role = "next"    // the revision being deployed
	RoleOld     Role = "old"     // a replaced container on its way out (After delay, stopping)
)

// ServiceStatus is everything the UI, the CLI and the HTTP API show of one service.
type ServiceStatus struct {
	Name       string
	File       string
	State      State
	Since      time.Time // when State was entered
	StableAt   time.Time // when the current revision last became stable (kept through WaitNext)
	Revision   int       // the current (stable) revision; 0 before the first is stable
	Next       int       // the revision being deployed, or 0
	Image      string    // the image of the revision being served
	Desired    int       // replicas wanted
	Healthy    int       // healthy containers serving (during a deploy: of both revisions)
	Paused     bool      // no deploys until resumed; running containers are kept
	Containers []ContainerStatus
	// Deadlines, zero when not running: a new container's health deadline, the After delay
	// before the old container stops, and the next retry.
	HealthDeadline time.Time
	DrainUntil     time.Time
	RetryAt        time.Time
	NextBatch      time.Time // a rolling deploy's next batch starts then (Update.Delay)
	// Deploy and Update are the strategy of the revision being deployed (else the current
	// one), with defaults applied: order, batch size, delays, failure action.
	Deploy    Deploy
	Update    Update
	LastError string       // the last failure (start, health, pull), cleared when Stable
	SpecError string       // the spec file does not parse; the running version is kept
	Timeline  []Transition // most recent last; bounded
	History   []Revision   // the last 10 revisions, most recent last
}

// ContainerStatus is one container of a service.
type ContainerStatus struct {
	ID        string
	Name      string
	Revision  int
	Role      Role
	State     string // Docker's: running, exited…
	Health    string // "", starting, healthy, unhealthy
	StartedAt time.Time
	Healthy   bool // passed its health check (or MinHealthy without one) and is not being stopped
}

// Transition is one step of a service's state machine.
type Transition struct {
	At       time.Time
	From, To State
	Revision int
	Reason   string
}

// Revision is one deployed version of a service's spec.
type Revision struct {
	N        int
	Hash     string
	Image    string
	At       time.Time // when it was first deployed
	StableAt time.Time // when it first became stable; zero if it never did
	Outcome  string    // "stable", "failed: …", "rolled back", "replaced"
	Spec     []byte    // the spec's canonical form, so rollback can redeploy it
}

// Event is what the supervisor publishes: a transition of one service, with its status after.
type Event struct {
	Service    string
	Transition Transition
	Status     ServiceStatus
}
