package deploys

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/supervisor"
)

// remoteReconnect is how long remoteDeploys waits before it asks again a daemon whose event
// stream ended.
const remoteReconnect = time.Second

// remoteDeploys serves the Deploys tab from a supervisor daemon's HTTP API (`podium --remote`):
// it keeps the last status and health it read and follows the daemon's event stream. When the
// stream ends or cannot connect it says at once that the daemon is gone (FollowState), then
// asks again every remoteReconnect and tells the tab to re-read everything when it is back.
type remoteDeploys struct {
	c   *deployapi.Client
	ctx context.Context

	mu     sync.Mutex
	status map[string]supervisor.ServiceStatus
	health supervisor.Health
	follow FollowState
}

// NewRemote follows the daemon at c until ctx ends.
func NewRemote(ctx context.Context, c *deployapi.Client) Backend {
	r := &remoteDeploys{c: c, ctx: ctx, status: map[string]supervisor.ServiceStatus{}, follow: FollowState{URL: c.URL()}}
	_ = r.refresh() // a daemon that does not answer is marked gone
	return r
}

// refresh reads the daemon's health and every service's status. When the daemon does not
// answer it keeps what it had, marks the daemon gone and returns why.
func (r *remoteDeploys) refresh() error {
	ctx, cancel := context.WithTimeout(r.ctx, 5*time.Second)
	defer cancel()
	h, list, err := r.c.State(ctx)
	if err != nil {
		r.gone(err)
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.health = h
	r.follow = FollowState{URL: r.c.URL()}
	r.status = make(map[string]supervisor.ServiceStatus, len(list))
	for _, s := range list {
		r.status[s.Name] = s
	}
	return nil
}

// gone marks the daemon gone because of err, and says whether it was there until now.
func (r *remoteDeploys) gone(err error) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	was := !r.follow.Gone
	if was {
		r.follow.Gone, r.follow.Since = true, time.Now()
	}
	r.follow.Err = err.Error()
	return was
}

func (r *remoteDeploys) Status() []supervisor.ServiceStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]supervisor.ServiceStatus, 0, len(r.status))
	for _, s := range r.status {
		out = append(out, s)
	}
	sortStatuses(out)
	return out
}

// Health is the daemon's health as it last reported it. While the daemon is gone nothing it
// said is current, so it is not Reconciled; FollowState says why.
func (r *remoteDeploys) Health() supervisor.Health {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.health
	if r.follow.Gone {
		h.Reconciled = false
	}
	return h
}

// FollowState says whether the daemon still answers.
func (r *remoteDeploys) FollowState() FollowState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.follow
}

// remoteLagged is the event that tells the tab to re-read the status, the health and the
// follow state.
var remoteLagged = supervisor.Event{Transition: supervisor.Transition{Cause: supervisor.CauseLagged, Reason: "lagged"}}

// Subscribe forwards the daemon's events. The producer never blocks on the tab: when the
// buffer is full it drops the event and sends "lagged", as the in-process supervisor does.
// When the stream ends, "lagged" follows at once, with the daemon marked gone.
func (r *remoteDeploys) Subscribe() (<-chan supervisor.Event, func()) {
	ctx, cancel := context.WithCancel(r.ctx)
	out := make(chan supervisor.Event, 256)
	send := func(ev supervisor.Event) {
		select {
		case out <- ev:
		default:
			select {
			case <-out:
			default:
			}
			select {
			case out <- remoteLagged:
			default:
			}
		}
	}
	go func() {
		defer close(out)
		for ctx.Err() == nil {
			events, errs := r.c.Events(ctx)
			for ev := range events {
				if lagged(ev) {
					_ = r.refresh()
				} else {
					r.mu.Lock()
					r.status[ev.Service] = ev.Status
					r.mu.Unlock()
				}
				send(ev)
			}
			err := <-errs
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				err = errors.New("event stream " + r.c.URL() + " ended")
			}
			if r.gone(err) {
				send(remoteLagged)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(remoteReconnect):
			}
			if r.refresh() == nil {
				send(remoteLagged)
			}
		}
	}()
	return out, cancel
}

func (r *remoteDeploys) Rollback(ctx context.Context, name string, rev int) error {
	return r.c.Rollback(ctx, name, rev)
}

func (r *remoteDeploys) Restart(ctx context.Context, name string) error {
	return r.c.Restart(ctx, name)
}

func (r *remoteDeploys) Pause(name string) error {
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	return r.c.Pause(ctx, name)
}

func (r *remoteDeploys) Resume(name string) error {
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	return r.c.Resume(ctx, name)
}

func sortStatuses(s []supervisor.ServiceStatus) {
	slices.SortFunc(s, func(a, b supervisor.ServiceStatus) int { return strings.Compare(a.Name, b.Name) })
}
