package model

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

// remoteDeploys serves the Deploys tab from a supervisor daemon's HTTP API (`podium --remote`):
// it keeps the last status it read and follows the daemon's event stream, reconnecting with a
// pause when the stream breaks and telling the tab to re-read everything when it is back.
type remoteDeploys struct {
	c   *supervisor.Client
	ctx context.Context

	mu     sync.Mutex
	status map[string]supervisor.ServiceStatus
}

// NewRemoteDeploys follows the daemon at c until ctx ends.
func NewRemoteDeploys(ctx context.Context, c *supervisor.Client) DeploysBackend {
	r := &remoteDeploys{c: c, ctx: ctx, status: map[string]supervisor.ServiceStatus{}}
	r.refresh()
	return r
}

// refresh reads every service's status from the daemon; on failure it keeps what it had.
func (r *remoteDeploys) refresh() {
	ctx, cancel := context.WithTimeout(r.ctx, 5*time.Second)
	defer cancel()
	list, err := r.c.Status(ctx)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = make(map[string]supervisor.ServiceStatus, len(list))
	for _, s := range list {
		r.status[s.Name] = s
	}
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

// Subscribe forwards the daemon's events. The producer never blocks on the tab: when the
// buffer is full it drops the event and sends "lagged", as the in-process supervisor does.
func (r *remoteDeploys) Subscribe() (<-chan supervisor.Event, func()) {
	ctx, cancel := context.WithCancel(r.ctx)
	out := make(chan supervisor.Event, 256)
	lagged := supervisor.Event{Transition: supervisor.Transition{Reason: "lagged"}}
	send := func(ev supervisor.Event) {
		select {
		case out <- ev:
		default:
			select {
			case <-out:
			default:
			}
			select {
			case out <- lagged:
			default:
			}
		}
	}
	go func() {
		defer close(out)
		for ctx.Err() == nil {
			events, errs := r.c.Events(ctx)
			for ev := range events {
				if ev.Service == "" {
					r.refresh()
				} else {
					r.mu.Lock()
					r.status[ev.Service] = ev.Status
					r.mu.Unlock()
				}
				send(ev)
			}
			<-errs
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			r.refresh()
			send(lagged)
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
