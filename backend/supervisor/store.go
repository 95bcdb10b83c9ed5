package supervisor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/podiumdev/podium/backend/atomicfile"
)

// stateVersion is the state file's format; a file of another version is ignored (and the
// containers are adopted from their labels instead).
const stateVersion = 1

// stateDoc is the state file: every service's record, by name.
type stateDoc struct {
	Version  int                      `json:"version"`
	Services map[string]serviceRecord `json:"services"`
}

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

// loadState reads the state file. A missing file is an empty state; an unreadable or corrupt
// one is reported and also treated as empty, so reconciliation adopts from labels.
func loadState(path string) (map[string]serviceRecord, error) {
	out := map[string]serviceRecord{}
	if path == "" {
		return out, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("read state file %s: %w", path, err)
	}
	var doc stateDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return out, fmt.Errorf("state file %s is corrupt: %w", path, err)
	}
	if doc.Version != stateVersion {
		return out, fmt.Errorf("state file %s has format version %d, not %d", path, doc.Version, stateVersion)
	}
	for name, rec := range doc.Services {
		if rec.Name != name {
			return map[string]serviceRecord{}, fmt.Errorf("state file %s is corrupt: the record under %q names %q", path, name, rec.Name)
		}
		kept := rec.Containers[:0]
		for _, c := range rec.Containers {
			if c != nil && c.ID != "" {
				kept = append(kept, c)
			}
		}
		rec.Containers = kept
		for i, h := range rec.History {
			if h.Failure == "" {
				// A file of an older Podium wrote "failed: why" as the outcome.
				rec.History[i].Outcome, rec.History[i].Failure = ParseOutcome(string(h.Outcome))
			}
		}
		out[name] = rec
	}
	return out, nil
}

// persist writes every service's record to the state file, atomically. Writes are serialized
// and each writes the latest records, so the file never goes back in time.
func (s *Supervisor) persist() {
	if s.opts.StateFile == "" {
		return
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	data, err := json.MarshalIndent(stateDoc{Version: stateVersion, Services: s.records}, "", "  ")
	s.mu.Unlock()
	if err == nil {
		err = atomicfile.Write(s.opts.StateFile, append(data, '\n'), 0o600)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.health.SaveError
	if err != nil {
		s.log.Error("save state", "file", s.opts.StateFile, "err", err)
		s.health.SaveError = fmt.Sprintf("save state file %s: %v", s.opts.StateFile, err)
		if was == "" {
			s.health.SaveErrorAt = time.Now()
		}
	} else {
		s.health.SaveError, s.health.SaveErrorAt = "", time.Time{}
	}
	if (was == "") != (s.health.SaveError == "") {
		s.publishLocked(Event{Transition: Transition{At: time.Now(), Cause: CauseLagged, Reason: "state file saves " + map[bool]string{true: "failing", false: "work again"}[err != nil]}})
	}
}
