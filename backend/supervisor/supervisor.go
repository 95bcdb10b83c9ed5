package supervisor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/watch"
)

const (
	// defaultMinBackoff and defaultMaxBackoff bound the retry delay of a failed deploy: it
	// starts at the minimum and doubles up to the maximum (condo retried every 10 s forever).
	defaultMinBackoff = time.Second
	defaultMaxBackoff = 30 * time.Second
)

// Options configure a Supervisor.
type Options struct {
	Engine *docker.Engine
	// StateFile is where the whole state is saved after every transition, e.g.
	// <workspace>/.podium/supervisor.json. Empty: nothing is saved (tests, dry runs).
	StateFile string
	// SpecDirs are the directories of spec files (the files directly in them, not below).
	SpecDirs []string
	// Labels go on every container the supervisor creates, and a container is the
	// supervisor's own only when it carries all of them (with dev.podium.deploy). Two
	// supervisors sharing an engine must differ here, or each removes the other's containers
	// as orphans; tests put their harness label here.
	Labels map[string]string
	// Index is the process's live container index of Engine, shared so that one process
	// follows one events stream (the TUI's); the supervisor picks its own containers from it by
	// Labels. Its owner runs it. Nil: the supervisor runs an index of its own containers.
	Index *docker.Index
	// Watcher is the process's one file watcher, shared so that one process holds one (the
	// TUI's); the supervisor subscribes its spec directories. Nil: a watcher of its own.
	Watcher *watch.Hub
	// Logger receives what the supervisor does; nil discards it.
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the retry delay of a failed deploy (default 1 s doubling
	// to 30 s, with jitter).
	MinBackoff, MaxBackoff time.Duration
}

// UnknownServiceError says no spec (and no saved state) names the service.
type UnknownServiceError struct{ Name string }

func (e UnknownServiceError) Error() string { return "unknown service " + e.Name }

// Supervisor keeps every service of its spec directories deployed. Create it with New, then
// call Run; the other methods are safe to call from any goroutine at any time.
type Supervisor struct {
	opts      Options
	eng       *docker.Engine
	log       *slog.Logger
	ownLabels []string // the label filters that select this supervisor's containers
	dirs      []string // SpecDirs, absolute and clean

	saveMu sync.Mutex // orders state file writes

	mu        sync.Mutex
	records   map[string]serviceRecord // what is saved, per service (deep copies)
	statuses  map[string]ServiceStatus // what Status shows, per service
	instances map[string]*instance     // running instances, while Run runs
	subs      map[*subscriber]struct{}
	index     *docker.Index // while Run runs
	running   bool
	health    Health
}

// New checks the options and prepares a Supervisor; nothing runs until Run.
func New(opts Options) (*Supervisor, error) {
	if opts.Engine == nil {
		return nil, errors.New("supervisor: no Docker engine")
	}
	if len(opts.SpecDirs) == 0 {
		return nil, errors.New("supervisor: no spec directories")
	}
	var dirs []string
	for _, d := range opts.SpecDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, fmt.Errorf("supervisor: spec directory %s: %w", d, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("supervisor: spec directory %s: %w", d, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("supervisor: spec directory %s: not a directory", d)
		}
		dup := false
		for _, e := range dirs {
			dup = dup || e == abs
		}
		if !dup {
			dirs = append(dirs, abs)
		}
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = defaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = defaultMaxBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = opts.MinBackoff
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	own := []string{docker.LabelDeploy}
	for k, v := range opts.Labels {
		own = append(own, k+"="+v)
	}
	sort.Strings(own[1:])
	return &Supervisor{
		opts: opts, eng: opts.Engine, log: log, ownLabels: own, dirs: dirs,
		records:   map[string]serviceRecord{},
		statuses:  map[string]ServiceStatus{},
		instances: map[string]*instance{},
		subs:      map[*subscriber]struct{}{},
		health:    Health{Engine: EngineConnecting},
	}, nil
}

// Health says whether the engine is reachable, whether every service has been reconciled with
// it since start, and whether the state file can be saved.
func (s *Supervisor) Health() Health {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.health
}

// setEngine records the engine's reachability and tells every reader.
func (s *Supervisor) setEngine(state EngineState, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if s.health.Engine == state && s.health.EngineError == msg {
		return
	}
	s.health.Engine, s.health.EngineError = state, msg
	s.publishLocked(Event{Transition: Transition{At: time.Now(), Cause: CauseLagged, Reason: "engine " + string(state)}})
}

// setReconciled marks the first reconcile of every service with a reachable engine as done.
func (s *Supervisor) setReconciled() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.health.Reconciled {
		return
	}
	s.health.Reconciled = true
	s.publishLocked(Event{Transition: Transition{At: time.Now(), Cause: CauseLagged, Reason: "reconciled"}})
}

// Status returns every service's status, sorted by name.
func (s *Supervisor) Status() []ServiceStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ServiceStatus, 0, len(s.statuses))
	for _, st := range s.statuses {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Service returns one service's status.
func (s *Supervisor) Service(name string) (ServiceStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.statuses[name]
	return st, ok
}

// Rollback redeploys revision rev of a service as a new revision; rev 0 is the revision that
// was stable before the current one. It returns once the deploy has begun.
func (s *Supervisor) Rollback(ctx context.Context, name string, rev int) error {
	in, err := s.instanceOf(name)
	if err != nil {
		return err
	}
	return in.request(ctx, controlRequest{op: opRollback, rev: rev})
}

// Restart redeploys a service's current spec with new containers, as a rolling deploy.
func (s *Supervisor) Restart(ctx context.Context, name string) error {
	in, err := s.instanceOf(name)
	if err != nil {
		return err
	}
	return in.request(ctx, controlRequest{op: opRestart})
}

// Pause stops a service's deploys (and retries) until Resume; its containers keep running.
func (s *Supervisor) Pause(name string) error { return s.setPaused(name, true) }

// Resume lets a paused service deploy again.
func (s *Supervisor) Resume(name string) error { return s.setPaused(name, false) }

func (s *Supervisor) setPaused(name string, paused bool) error {
	in, err := s.instanceOf(name)
	if err != nil {
		return err
	}
	in.requestPause(paused)
	return nil
}

// WaitFor returns nil once every replica of the service is Stable on image ("" = any image),
// as confirmed by a reconciled supervisor with its engine reachable. Before the first reconcile
// a name it does not know yet may still come from the spec directories: it waits for it.
func (s *Supervisor) WaitFor(ctx context.Context, name, image string) error {
	events, cancel := s.Subscribe()
	defer cancel()
	for {
		st, ok := s.Service(name)
		h := s.Health()
		if !ok && h.Reconciled {
			return UnknownServiceError{Name: name}
		}
		if h.Reconciled && h.Engine == EngineConnected && st.State == Stable && st.Next == 0 && st.Healthy >= st.Desired && (image == "" || st.Image == image) {
			return nil
		}
		// Any event for this service, or a lagged marker, is a reason to look again.
		for wait := true; wait; {
			select {
			case <-ctx.Done():
				return fmt.Errorf("wait for %s to be stable on %s: %w", name, imageOrAny(image), ctx.Err())
			case ev, ok := <-events:
				if !ok {
					return fmt.Errorf("wait for %s: the supervisor stopped", name)
				}
				wait = ev.Service != name && ev.Service != ""
			}
		}
	}
}

func imageOrAny(image string) string {
	if image == "" {
		return "any image"
	}
	return image
}

// instanceOf finds the running instance of a service.
func (s *Supervisor) instanceOf(name string) (*instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in, ok := s.instances[name]; ok {
		return in, nil
	}
	if _, ok := s.statuses[name]; ok {
		return nil, fmt.Errorf("service %s: the supervisor is not running", name)
	}
	return nil, UnknownServiceError{Name: name}
}

// update stores what one transition produced: the record is saved first, then the status and
// the event show it, so nothing is shown that a crash could take back.
func (s *Supervisor) update(name string, rec serviceRecord, st ServiceStatus, tr *Transition) {
	s.mu.Lock()
	s.records[name] = rec
	s.mu.Unlock()
	if tr != nil {
		s.persist()
	}
	s.mu.Lock()
	s.statuses[name] = st
	s.publishLocked(Event{Service: name, Transition: transitionOrRefresh(tr, st), Status: st})
	s.mu.Unlock()
}

// forget deletes a service whose spec was removed, from the state file too.
func (s *Supervisor) forget(name string, st ServiceStatus, tr Transition) {
	s.mu.Lock()
	delete(s.records, name)
	s.mu.Unlock()
	s.persist()
	s.mu.Lock()
	delete(s.statuses, name)
	s.publishLocked(Event{Service: name, Transition: tr, Status: st})
	s.mu.Unlock()
}

// transitionOrRefresh is the event's transition: the real one, or for a refresh of live
// container data a same-state step that says so.
func transitionOrRefresh(tr *Transition, st ServiceStatus) Transition {
	if tr != nil {
		return *tr
	}
	return Transition{At: time.Now(), From: st.State, To: st.State, Revision: max(st.Next, st.Revision), Cause: CauseRefresh, Reason: "containers changed"}
}
