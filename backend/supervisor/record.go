package supervisor

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/deployspec"
)

// A service's record: what the supervisor knows of it beyond Docker's labels (saved by
// store.go), and the questions the state machine asks of it.

// serviceRecord is everything the supervisor knows of one service that Docker's labels cannot
// tell it: the state machine's place, the revisions, the containers by id and their deadlines.
type serviceRecord struct {
	Name       string    `json:"name"`
	File       string    `json:"file,omitempty"`
	State      State     `json:"state"`
	Since      time.Time `json:"since"`
	StableAt   time.Time `json:"stable_at,omitzero"`
	Current    int       `json:"current,omitempty"`   // the stable revision
	Next       int       `json:"next,omitempty"`      // the revision being deployed
	LastRev    int       `json:"last_revision"`       // the highest revision number given out
	FileHash   string    `json:"file_hash,omitempty"` // the hash of the spec file last read
	Paused     bool      `json:"paused,omitempty"`
	RetryAt    time.Time `json:"retry_at,omitzero"`
	BatchAt    time.Time `json:"batch_at,omitzero"`     // the next batch of a rolling deploy starts then
	BatchOpen  bool      `json:"batch_open,omitempty"`  // a batch was started and has not settled
	Restore    bool      `json:"restore,omitempty"`     // bring the stable revision back to full count
	RolledBack bool      `json:"rolled_back,omitempty"` // going back to the stable revision after a failure: its error stays shown
	Attempts   int       `json:"attempts,omitempty"`    // failures in a row, for the backoff
	LastError  string    `json:"last_error,omitempty"`
	SpecError  string    `json:"spec_error,omitempty"`

	Containers []*containerRecord `json:"containers"`
	History    []revisionRecord   `json:"history"`
	Timeline   []timelineRecord   `json:"timeline"`
}

// containerRecord is one container the service owns.
type containerRecord struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Revision       int       `json:"revision"`
	Replica        int       `json:"replica,omitempty"`
	Created        time.Time `json:"created"`
	StartedAt      time.Time `json:"started_at,omitzero"`
	HealthyAt      time.Time `json:"healthy_at,omitzero"`      // zero until it passed its health check
	HealthDeadline time.Time `json:"health_deadline,omitzero"` // while not yet healthy
	Draining       bool      `json:"draining,omitempty"`       // replaced; stops at DrainUntil
	DrainUntil     time.Time `json:"drain_until,omitzero"`
	Prepared       bool      `json:"prepared,omitempty"` // created, not started: a Before deploy starts it once the old ones are gone
	Stopping       bool      `json:"stopping,omitempty"` // being stopped and removed
	Kill           bool      `json:"kill,omitempty"`     // stop with no grace period (failed)
	State          string    `json:"docker_state,omitempty"`
	Health         string    `json:"docker_health,omitempty"`
}

// revisionRecord is one deployed version of the spec.
type revisionRecord struct {
	N        int             `json:"n"`
	Hash     string          `json:"hash"`
	Image    string          `json:"image"`
	At       time.Time       `json:"at"`
	StableAt time.Time       `json:"stable_at,omitzero"`
	Outcome  Outcome         `json:"outcome,omitempty"`
	Failure  string          `json:"failure,omitempty"` // why it failed, with OutcomeFailed
	Spec     json.RawMessage `json:"spec,omitempty"`    // the canonical form (JSON); empty when adopted from labels
}

// timelineRecord is one transition.
type timelineRecord struct {
	At       time.Time `json:"at"`
	From     State     `json:"from"`
	To       State     `json:"to"`
	Revision int       `json:"revision,omitempty"`
	Cause    Cause     `json:"cause,omitempty"`
	Reason   string    `json:"reason,omitempty"`
}

// clone is a deep copy, safe to hand to another goroutine.
func (r *serviceRecord) clone() serviceRecord {
	out := *r
	out.Containers = make([]*containerRecord, len(r.Containers))
	for i, c := range r.Containers {
		cc := *c
		out.Containers[i] = &cc
	}
	out.History = append([]revisionRecord(nil), r.History...)
	out.Timeline = append([]timelineRecord(nil), r.Timeline...)
	return out
}

// healthy says whether the container has passed its health check.
func (c *containerRecord) healthy() bool { return !c.HealthyAt.IsZero() }

// target is the revision being worked towards: the next one during a deploy, else the current.
func (in *instance) target() int {
	if in.rec.Next > 0 {
		return in.rec.Next
	}
	return in.rec.Current
}

// containersOf lists the containers of revision rev, whatever their condition.
func (in *instance) containersOf(rev int) []*containerRecord {
	var out []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision == rev {
			out = append(out, c)
		}
	}
	return out
}

// alive lists the containers of rev that are neither draining nor being stopped.
func (in *instance) alive(rev int) []*containerRecord {
	var out []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision == rev && !c.Stopping && !c.Draining {
			out = append(out, c)
		}
	}
	return out
}

// others lists the live containers (neither draining nor being stopped) of every revision but
// rev: during a deploy, the ones that serve until rev's containers take over, whatever revision
// they belong to (the stable one, or one a newer spec superseded).
func (in *instance) others(rev int) []*containerRecord {
	var out []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision != rev && !c.Stopping && !c.Draining {
			out = append(out, c)
		}
	}
	return out
}

// healthyOf counts the healthy containers among cs.
func healthyOf(cs []*containerRecord) int {
	n := 0
	for _, c := range cs {
		if c.healthy() {
			n++
		}
	}
	return n
}

// allHealthy says whether rev has exactly want live containers, all healthy.
func (in *instance) allHealthy(rev, want int) bool {
	cs := in.alive(rev)
	if len(cs) != want {
		return false
	}
	for _, c := range cs {
		if !c.healthy() {
			return false
		}
	}
	return true
}

// restoring says whether containers of the stable revision are still becoming healthy (after
// a failed batch): the retry waits for them, or it would stop them again at once.
func (in *instance) restoring() bool {
	for _, c := range in.alive(in.rec.Current) {
		if !c.healthy() && !c.Prepared {
			return true
		}
	}
	return false
}

// healthyCount counts the healthy containers still serving.
func (in *instance) healthyCount() int {
	n := 0
	for _, c := range in.rec.Containers {
		if c.healthy() && !c.Stopping {
			n++
		}
	}
	return n
}

// hasStopping says whether a container is on its way out.
func (in *instance) hasStopping() bool {
	for _, c := range in.rec.Containers {
		if c.Stopping {
			return true
		}
	}
	return false
}

// indexOf finds a container by id; -1 if it is not the service's.
func (in *instance) indexOf(id string) int {
	for i, c := range in.rec.Containers {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// revision finds rev in the history.
func (in *instance) revision(rev int) *revisionRecord {
	for i := range in.rec.History {
		if in.rec.History[i].N == rev {
			return &in.rec.History[i]
		}
	}
	return nil
}

// hashOf is revision rev's spec hash ("" if unknown).
func (in *instance) hashOf(rev int) string {
	if h := in.revision(rev); h != nil {
		return h.Hash
	}
	return ""
}

// setOutcome records how a revision ended.
func (in *instance) setOutcome(rev int, outcome Outcome) {
	if h := in.revision(rev); h != nil {
		h.Outcome, h.Failure = outcome, ""
	}
}

// setFailed records that revision rev failed, and why.
func (in *instance) setFailed(rev int, err error) {
	if h := in.revision(rev); h != nil {
		h.Outcome, h.Failure = OutcomeFailed, in.masked(err.Error())
	}
}

// pruneHistory keeps the last maxHistory revisions, and always the current and the next.
func (in *instance) pruneHistory() {
	for len(in.rec.History) > maxHistory {
		drop := -1
		for i, h := range in.rec.History {
			if h.N != in.rec.Current && h.N != in.rec.Next {
				drop = i
				break
			}
		}
		if drop < 0 {
			return
		}
		in.rec.History = append(in.rec.History[:drop], in.rec.History[drop+1:]...)
	}
	in.pruneSpecs()
}

// pruneSpecs forgets parsed specs no container or pending revision needs.
func (in *instance) pruneSpecs() {
	for rev := range in.specs {
		if rev == in.rec.Current || rev == in.rec.Next || len(in.containersOf(rev)) > 0 {
			continue
		}
		delete(in.specs, rev)
	}
}

// loadSpecs parses the saved specs of the revisions the record still uses.
func (in *instance) loadSpecs() {
	for _, h := range in.rec.History {
		if len(h.Spec) == 0 || (h.N != in.rec.Current && h.N != in.rec.Next && len(in.containersOf(h.N)) == 0) {
			continue
		}
		sp, err := deployspec.ParseCanonical(in.name, h.Spec)
		if err != nil {
			in.log.Warn("saved revision does not parse", "revision", h.N, "err", err)
			continue
		}
		sp.File = in.rec.File
		in.specs[h.N] = &sp
	}
}

// names lists containers for messages.
func containerNames(cs []*containerRecord) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return strings.Join(out, ", ")
}
