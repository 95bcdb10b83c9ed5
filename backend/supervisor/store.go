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

// The state file: every service's record, saved after every transition (atomically, never
// going back in time) and read at start. The lock beside it is in lock.go.

// stateVersion is the state file's format; a file of another version is ignored (and the
// containers are adopted from their labels instead).
const stateVersion = 1

// stateDoc is the state file: every service's record, by name.
type stateDoc struct {
	Version  int                      `json:"version"`
	Services map[string]serviceRecord `json:"services"`
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
