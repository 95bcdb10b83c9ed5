package supervisor

import (
	"context"
	"errors"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"log/slog"
	"sync"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

const (
	// maxTimeline bounds a service's timeline (most recent kept).
	maxTimeline = 100
	// maxHistory is how many revisions a service remembers (the current and the next one are
	// always kept besides).
	maxHistory = 10
	// maxStepsPerWake bounds the actions taken before the loop looks at its inbox again.
	maxStepsPerWake = 64
)

// specUpdate is what the spec directories say about a service now.
type specUpdate struct {
	spec    *deployspec.Spec // the parsed spec; nil with err or removed
	file    string           // the file it came from
	err     string           // the file does not parse, or the name is defined twice
	removed bool             // no file defines the service any more
}

// controlOp is a request from the API.
type controlOp int

const (
	opRollback controlOp = iota
	opRestart
)

// controlRequest asks the instance's loop to do something and answer.
type controlRequest struct {
	op    controlOp
	rev   int
	reply chan error
}

// healthVerdict is a health watcher's answer for one container.
type healthVerdict struct {
	id   string
	err  error            // nil: healthy
	last docker.Container // as last inspected
}

// removal is a finished stop-and-remove of one container.
type removal struct {
	id  string
	err error
}

// instance runs one service's state machine in its own goroutine. Everything below the
// "loop-owned" line is touched only by that goroutine; the inbox fields are shared under mu.
type instance struct {
	s    *Supervisor
	name string
	log  *slog.Logger
	ctl  chan controlRequest
	kick chan struct{} // something is in the inbox
	done chan struct{} // closed when the loop has returned

	mu       sync.Mutex
	pending  *specUpdate        // the latest spec update not yet applied
	resync   []docker.Container // a fresh container list to reconcile against
	hasSync  bool               // resync is set
	pauseReq *bool              // the latest Pause/Resume not yet applied
	closed   bool               // the loop has ended and takes nothing more

	onReconciled func() // called once after the first reconcile; set before run

	// loop-owned
	rec          serviceRecord
	fresh        bool                     // no saved record: adopt from labels
	specs        map[int]*deployspec.Spec // parsed specs of the revisions in use
	health       chan healthVerdict
	removed      chan removal
	watchers     map[string]context.CancelFunc // health watchers by container id
	removing     map[string]bool               // removals in flight by container id
	removeRetry  time.Time                     // failed removals are retried then
	removeFails  int
	specGone     bool // the spec file was removed: remove everything, then end
	wg           sync.WaitGroup
	lastDeadline time.Time // what the timer is armed for
	fired        time.Time // the deadline the timer fired for last
}

// newInstance prepares an instance; rec is nil when the state file knows nothing of it.
func newInstance(s *Supervisor, name string, rec *serviceRecord) *instance {
	in := &instance{
		s: s, name: name, log: s.log.With("service", name),
		ctl:      make(chan controlRequest),
		kick:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		specs:    map[int]*deployspec.Spec{},
		health:   make(chan healthVerdict, 16),
		removed:  make(chan removal, 16),
		watchers: map[string]context.CancelFunc{},
		removing: map[string]bool{},
	}
	if rec != nil {
		in.rec = rec.clone()
	} else {
		in.fresh = true
		in.rec = serviceRecord{Name: name, State: Init, Since: time.Now()}
	}
	in.loadSpecs()
	return in
}

// post queues a spec update; the latest one wins. It reports false when the loop has ended.
func (in *instance) post(u specUpdate) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return false
	}
	in.pending = &u
	in.signal()
	return true
}

// postResync queues a container list to reconcile against (after the engine came back).
func (in *instance) postResync(cs []docker.Container) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.resync, in.hasSync = cs, true
	in.signal()
}

// requestPause queues Pause or Resume; it takes effect before the loop's next action.
func (in *instance) requestPause(paused bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.pauseReq = &paused
	in.signal()
}

func (in *instance) signal() {
	select {
	case in.kick <- struct{}{}:
	default:
	}
}

// request hands a control request to the loop and waits for its answer.
func (in *instance) request(ctx context.Context, req controlRequest) error {
	req.reply = make(chan error, 1)
	select {
	case in.ctl <- req:
	case <-in.done:
		return UnknownServiceError{Name: in.name}
	case <-ctx.Done():
		return fmt.Errorf("service %s: %w", in.name, ctx.Err())
	}
	select {
	case err := <-req.reply:
		return err
	case <-in.done:
		return UnknownServiceError{Name: in.name}
	case <-ctx.Done():
		return fmt.Errorf("service %s: %w", in.name, ctx.Err())
	}
}

// run is the instance's loop: reconcile with what Docker has, then react to spec updates,
// control requests, health verdicts, finished removals, the next deadline and container
// changes, taking every action the state allows after each. It returns when ctx ends
// (leaving every container as it is) or when the spec is gone and its containers removed.
func (in *instance) run(ctx context.Context, containers []docker.Container, first specUpdate) {
	defer close(in.done)
	defer in.wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := in.s.index.Subscribe()
	defer sub.Close()

	in.reconcile(ctx, containers, &first)
	in.apply(first)
	if in.onReconciled != nil {
		in.onReconciled()
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		in.takeInbox(ctx)
		in.advance(ctx)
		if ctx.Err() != nil {
			return
		}
		if in.specGone && len(in.rec.Containers) == 0 && in.finish() {
			return
		}
		in.arm(timer)
		select {
		case <-ctx.Done():
			return
		case <-in.kick:
		case req := <-in.ctl:
			req.reply <- in.control(req)
		case v := <-in.health:
			in.onHealth(ctx, v)
		case r := <-in.removed:
			in.onRemoved(r)
		case <-timer.C:
			in.fired, in.lastDeadline = in.lastDeadline, time.Time{}
		case <-sub.C:
			in.onIndex(ctx)
		}
	}
}

// takeInbox applies what the supervisor queued: a resync, Pause/Resume, a spec update.
func (in *instance) takeInbox(ctx context.Context) {
	in.mu.Lock()
	u, cs, hasSync, p := in.pending, in.resync, in.hasSync, in.pauseReq
	in.pending, in.resync, in.hasSync, in.pauseReq = nil, nil, false, nil
	in.mu.Unlock()
	if hasSync {
		in.reconcile(ctx, cs, nil)
	}
	in.applyPause(p)
	if u != nil {
		in.apply(*u)
	}
}

// takePause applies a Pause or Resume between two actions of a longer advance.
func (in *instance) takePause() {
	in.mu.Lock()
	p := in.pauseReq
	in.pauseReq = nil
	in.mu.Unlock()
	in.applyPause(p)
}

func (in *instance) applyPause(p *bool) {
	if p == nil || *p == in.rec.Paused {
		return
	}
	in.rec.Paused = *p
	if *p {
		in.note(CausePause, "paused: no deploys until resumed")
	} else {
		in.note(CausePause, "resumed")
	}
}

// finish ends the loop of a removed service, unless an update arrived meanwhile (the spec
// came back): then the loop goes on with it.
func (in *instance) finish() bool {
	in.mu.Lock()
	if in.pending != nil {
		in.mu.Unlock()
		return false
	}
	in.closed = true
	in.mu.Unlock()
	tr := Transition{At: time.Now(), From: in.rec.State, To: Init, Reason: "spec removed: containers removed, state deleted"}
	st := in.status()
	st.State = Init
	in.s.forget(in.name, st, tr)
	in.log.Info("removed", "reason", tr.Reason)
	return true
}

// arm sets the timer to the next deadline the state holds, if any. A deadline that already
// fired without the loop being able to act on it (a retry waiting for a removal to finish)
// is not armed again: the event that unblocks the loop wakes it.
func (in *instance) arm(timer *time.Timer) {
	next := in.nextDeadline()
	if next.Equal(in.lastDeadline) {
		return
	}
	if !next.IsZero() && next.Equal(in.fired) && !next.After(time.Now()) {
		next = time.Time{}
	}
	if !timer.Stop() {
		select {
		case <-timer.C:
		default:
		}
	}
	in.lastDeadline = next
	if !next.IsZero() {
		timer.Reset(max(time.Until(next), 0))
	}
}

// nextDeadline is the earliest moment the loop has something to do without being told.
func (in *instance) nextDeadline() time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if in.hasStopping() {
		consider(in.removeRetry)
	}
	if in.rec.Paused || in.specGone {
		return next
	}
	switch in.rec.State {
	case TryAgain, TryAgainNext:
		consider(in.rec.RetryAt)
	case WaitNext:
		if in.rec.BatchAt.After(time.Now()) {
			consider(in.rec.BatchAt)
		}
	}
	for _, c := range in.rec.Containers {
		if c.Draining && !c.Stopping {
			consider(c.DrainUntil)
		}
	}
	return next
}

// control answers a request from the API.
func (in *instance) control(req controlRequest) error {
	switch req.op {
	case opRollback:
		return in.rollbackTo(req.rev)
	case opRestart:
		t := in.target()
		sp := in.specs[t]
		if t == 0 || sp == nil {
			return fmt.Errorf("restart %s: no deployed revision to restart", in.name)
		}
		in.deploy(sp, CauseRestart, fmt.Sprintf("restart: revision %d redeployed with new containers", t), true)
		return nil
	}
	return errors.New("unknown request")
}
