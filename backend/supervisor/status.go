package supervisor

import (
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/deployspec"
)

// State is a service's place in condo's state machine.
type State string

const (
	Unknown      State = "Unknown"      // not yet compared with the engine (it is unreachable, or the supervisor is starting)
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
	Deploy    deployspec.Deploy
	Update    deployspec.Update
	LastError string       // the last failure (start, health, pull), cleared when Stable
	SpecError string       // the spec file does not parse; the running version is kept
	Timeline  []Transition // most recent last; bounded
	History   []Revision   // the last 10 revisions, most recent last
}

// Failing says the service's deploy failed and has not recovered: it waits to try again
// (TryAgain, TryAgainNext), or it is trying again (Wait, WaitNext with the failure kept, which
// a new revision or stability clears). A retry is still a failing service, so what counts
// failures (the tab bar, the list's title) does not flicker at every attempt.
func (s ServiceStatus) Failing() bool {
	switch s.State {
	case TryAgain, TryAgainNext:
		return true
	case Wait, WaitNext:
		return s.LastError != ""
	}
	return false
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

// Transition is one step of a service's state machine. Cause says why in a form programs
// can test; Reason says it in words for people, and nothing should parse it.
type Transition struct {
	At       time.Time
	From, To State
	Revision int
	Cause    Cause
	Reason   string
}

// Cause is why a transition happened, typed so that the TUI, the CLI and tests never match
// the words of a Reason.
type Cause string

const (
	CauseNewSpec     Cause = "new-spec"     // the first spec of a service: its first revision
	CauseSpecChanged Cause = "spec-changed" // an edited spec: a new revision
	CauseSpecError   Cause = "spec-error"   // the spec file does not parse or cannot deploy; nothing changes
	CauseSpecRemoved Cause = "spec-removed" // the spec file is gone: the service is removed
	CauseScale       Cause = "scale"        // only replicas changed: containers are added or removed
	CauseRetry       Cause = "retry"        // a failed revision is tried again
	CauseRollback    Cause = "rollback"     // a rollback asked for, or done on failure
	CauseRestart     Cause = "restart"      // a restart asked for: new containers of the same spec
	CauseReconcile   Cause = "reconcile"    // the supervisor compared its state with the engine's
	CauseRollout     Cause = "rollout"      // a step of a deploy: a batch started, drained, done
	CauseHealthy     Cause = "healthy"      // a container passed its health check
	CauseFailure     Cause = "failure"      // a container failed to start, become healthy, or died
	CauseRemoved     Cause = "removed"      // a container was stopped and removed
	CausePause       Cause = "pause"        // paused or resumed
	CauseStable      Cause = "stable"       // the target revision is stable
	CauseRefresh     Cause = "refresh"      // live container data changed; no transition
	CauseLagged      Cause = "lagged"       // the reader missed events: read Status again
)

// EngineState is whether the supervisor can reach its Docker engine.
type EngineState string

const (
	EngineConnecting  EngineState = "connecting"  // not yet reached since the supervisor started
	EngineConnected   EngineState = "connected"   // reached, and the index follows its events
	EngineUnreachable EngineState = "unreachable" // lost or never reached: what Status shows may be stale
)

// Health is the supervisor's own condition, beside its services': whether what it reports
// has been checked against the engine, and whether its state reaches the disk.
type Health struct {
	Engine      EngineState
	EngineError string    // why the engine cannot be reached
	Reconciled  bool      // every service was compared with the engine at least once since start
	SaveError   string    // the last save of the state file failed; empty once one succeeds
	SaveErrorAt time.Time // when saves started failing
}

// Revision is one deployed version of a service's spec.
type Revision struct {
	N        int
	Hash     string
	Image    string
	At       time.Time // when it was first deployed
	StableAt time.Time // when it first became stable; zero if it never did
	Outcome  Outcome   // how it ended, or that it has not yet
	Failure  string    // why it failed, with OutcomeFailed
	Spec     []byte    // the spec's canonical form, so rollback can redeploy it
}

// Outcome is how a revision ended, or that it has not yet; typed so that the TUI, the CLI and
// the API never match the words (which OutcomeText gives people).
type Outcome string

const (
	OutcomeDeploying  Outcome = "deploying"   // being deployed
	OutcomeStable     Outcome = "stable"      // serving, every replica healthy
	OutcomeReplaced   Outcome = "replaced"    // a newer revision took over, or superseded it mid-deploy
	OutcomeRolledBack Outcome = "rolled back" // abandoned for an older revision
	OutcomeFailed     Outcome = "failed"      // it did not start or become healthy: Failure says why
	OutcomeAdopted    Outcome = "adopted"     // found running at start and taken as it is
)

// Event is what the supervisor publishes: a transition of one service, with its status after.
type Event struct {
	Service    string
	Transition Transition
	Status     ServiceStatus
}

// PreviousRevision is the revision a rollback without a number goes back to, so the API, the
// CLI and the TUI agree on it and can name it before acting: during a rollout, the revision
// still serving; otherwise the newest earlier revision of the history that neither failed nor
// was itself rolled back.
func PreviousRevision(st ServiceStatus) (int, bool) {
	if st.Next != 0 && st.Revision != 0 {
		return st.Revision, true
	}
	for i := len(st.History) - 1; i >= 0; i-- {
		r := st.History[i]
		if r.N >= st.Revision || r.Outcome == OutcomeFailed || r.Outcome == OutcomeRolledBack {
			continue
		}
		return r.N, true
	}
	return 0, false
}

// OutcomeText says how the revision ended in words: the outcome, and why for a failure.
func (r Revision) OutcomeText() string {
	if r.Outcome == OutcomeFailed && r.Failure != "" {
		return string(OutcomeFailed) + ": " + r.Failure
	}
	return string(r.Outcome)
}

// ParseOutcome reads an outcome as it was written in words before it was typed ("failed: why"
// in state files and API answers of older Podiums), for compatibility only.
func ParseOutcome(text string) (Outcome, string) {
	if why, ok := strings.CutPrefix(text, string(OutcomeFailed)); ok && (why == "" || strings.HasPrefix(why, ": ")) {
		return OutcomeFailed, strings.TrimPrefix(why, ": ")
	}
	return Outcome(text), ""
}
