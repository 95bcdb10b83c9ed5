package docker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// ConnState is the index's connection to the engine.
type ConnState int

const (
	Connecting ConnState = iota
	Connected
	Disconnected
)

func (s ConnState) String() string {
	switch s {
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	}
	return "connecting"
}

// Status says whether the index is in step with the engine, and if not, why.
type Status struct {
	State    ConnState
	Err      error     // the last connection error while Disconnected
	Since    time.Time // when State last changed
	Attempts int       // reconnection attempts since the connection was lost
	Resyncs  int       // full re-lists after the first one
}

// Snapshot is a consistent copy of the index at one version.
type Snapshot struct {
	Containers []Container // sorted by project, service, name
	Status     Status
	Version    uint64 // grows by one with every change
	Events     uint64 // container events processed so far
}

// ByID finds a container by full id, id prefix or name.
func (s Snapshot) ByID(idOrName string) (Container, bool) {
	for _, c := range s.Containers {
		if c.ID == idOrName || c.Name == idOrName || (len(idOrName) >= 4 && strings.HasPrefix(c.ID, idOrName)) {
			return c, true
		}
	}
	return Container{}, false
}

// Subscription delivers a signal on C whenever the index changes. Signals coalesce: a slow
// reader sees one signal for many changes and reads the latest Snapshot, so the index never
// waits for its readers.
type Subscription struct {
	C  <-chan struct{}
	c  chan struct{}
	ix *Index
}

// Close stops the subscription.
func (s *Subscription) Close() {
	s.ix.mu.Lock()
	delete(s.ix.subs, s)
	s.ix.mu.Unlock()
}

// IndexOptions tune the index; the zero value is what the TUI uses.
type IndexOptions struct {
	// Labels restrict the index to containers with these labels ("key" or "key=value").
	Labels []string
	// MinBackoff and MaxBackoff bound the reconnection delay (default 250 ms and 5 s).
	MinBackoff, MaxBackoff time.Duration
}

// Index is a live, in-memory list of the engine's containers. It lists once, then follows the
// events stream and re-inspects only the container an event names. When the engine goes away
// it says so, reconnects with backoff, and re-lists.
type Index struct {
	eng  *Engine
	opts IndexOptions

	mu         sync.RWMutex
	containers map[string]Container
	status     Status
	version    uint64
	events     uint64
	listed     bool // a full list has succeeded at least once
	subs       map[*Subscription]struct{}
	// stops are the containers a stop was asked for since they last started (Container.
	// StopAsked), from the events stream. Only the follow goroutine touches it.
	stops map[string]bool
	// execs counts the execs that ended in each container (health probes, mostly), and
	// execEnded is closed, and replaced, whenever one does: what AwaitExecEnd waits on. They
	// change nothing the snapshot holds, so they signal no Subscription.
	execs     map[string]uint64
	execEnded chan struct{}
}

// NewIndex makes an index over e. It is empty until Run has listed the engine.
func NewIndex(e *Engine, opts IndexOptions) *Index {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 250 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Second
	}
	return &Index{
		eng: e, opts: opts,
		containers: map[string]Container{},
		status:     Status{State: Connecting, Since: time.Now()},
		subs:       map[*Subscription]struct{}{},
		stops:      map[string]bool{},
		execs:      map[string]uint64{},
		execEnded:  make(chan struct{}),
	}
}

// Subscribe returns a subscription that is signalled after every change.
func (ix *Index) Subscribe() *Subscription {
	c := make(chan struct{}, 1)
	s := &Subscription{C: c, c: c, ix: ix}
	ix.mu.Lock()
	ix.subs[s] = struct{}{}
	ix.mu.Unlock()
	return s
}

// Snapshot returns the current containers and connection status.
func (ix *Index) Snapshot() Snapshot {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]Container, 0, len(ix.containers))
	for _, c := range ix.containers {
		out = append(out, c)
	}
	SortContainers(out)
	return Snapshot{Containers: out, Status: ix.status, Version: ix.version, Events: ix.events}
}

// Await blocks until cond holds for a snapshot, or ctx ends.
func (ix *Index) Await(ctx context.Context, cond func(Snapshot) bool) (Snapshot, error) {
	sub := ix.Subscribe()
	defer sub.Close()
	for {
		s := ix.Snapshot()
		if cond(s) {
			return s, nil
		}
		select {
		case <-sub.C:
		case <-ctx.Done():
			return s, fmt.Errorf("wait for container index: %w", ctx.Err())
		}
	}
}

// AwaitExecEnd waits until more than seen execs have ended in the container id since the
// index started following it (a health probe is one: the engine runs each as an exec), and
// returns how many have; with seen below the count it returns at once. It is how a view of a
// container's health results follows new ones without polling.
func (ix *Index) AwaitExecEnd(ctx context.Context, id string, seen uint64) (uint64, error) {
	for {
		ix.mu.RLock()
		n, ended := ix.execs[id], ix.execEnded
		ix.mu.RUnlock()
		if n != seen {
			return n, nil
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return n, fmt.Errorf("wait for an exec in container %s to end: %w", id, ctx.Err())
		}
	}
}

// SortContainers orders containers by compose project, service, then name.
func SortContainers(cs []Container) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Project() != b.Project() {
			return a.Project() < b.Project()
		}
		if a.Service() != b.Service() {
			return a.Service() < b.Service()
		}
		return a.Name < b.Name
	})
}

// Run keeps the index in step with the engine until ctx ends. It never returns early: losing
// the engine only changes Status until it is back.
func (ix *Index) Run(ctx context.Context) {
	backoff := ix.opts.MinBackoff
	for ctx.Err() == nil {
		err := ix.follow(ctx)
		if ctx.Err() != nil {
			return
		}
		ix.mu.Lock()
		if ix.status.State != Disconnected {
			ix.status = Status{State: Disconnected, Since: time.Now(), Resyncs: ix.status.Resyncs}
			backoff = ix.opts.MinBackoff
		}
		ix.status.Err = err
		ix.status.Attempts++
		ix.changedLocked()
		ix.mu.Unlock()
		// Full jitter keeps many clients from hammering a restarting daemon in step.
		wait := backoff/2 + rand.N(backoff/2+1)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
		backoff = min(backoff*2, ix.opts.MaxBackoff)
	}
}

// follow subscribes to events, lists, then applies events until the stream breaks.
func (ix *Index) follow(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := labelFilters(ix.opts.Labels).Add("type", string(events.ContainerEventType))
	// Subscribe before listing, so nothing that happens in between is missed.
	ev := ix.eng.cli.Events(ctx, client.EventsListOptions{Filters: f})
	list, err := ix.eng.List(ctx, ListOptions{All: true, Labels: ix.opts.Labels})
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.containers = make(map[string]Container, len(list))
	for _, c := range list {
		c.StopAsked = ix.stops[c.ID]
		ix.containers[c.ID] = c
	}
	if ix.listed {
		ix.status.Resyncs++
	}
	ix.listed = true
	ix.status = Status{State: Connected, Since: time.Now(), Resyncs: ix.status.Resyncs}
	ix.changedLocked()
	ix.mu.Unlock()

	pending := map[string]bool{} // id → destroyed
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-ev.Err:
			if err == nil {
				err = fmt.Errorf("events stream from %s ended", ix.eng.endpoint.Host)
			}
			return fmt.Errorf("follow docker events from %s: %w", ix.eng.endpoint.Host, err)
		case m := <-ev.Messages:
			ix.note(pending, m)
			// Drain what is already queued, then inspect each named container once.
			for drained := false; !drained; {
				select {
				case m := <-ev.Messages:
					ix.note(pending, m)
				default:
					drained = true
				}
			}
			ix.apply(ctx, pending)
			clear(pending)
		}
	}
}

// note records that an event names a container. Health-check execs flood the stream every
// interval and change nothing the snapshot holds, so they are dropped here; an exec's end is
// only counted, for AwaitExecEnd.
func (ix *Index) note(pending map[string]bool, m events.Message) {
	a := string(m.Action)
	id := m.Actor.ID
	if m.Type == events.ContainerEventType && a == "exec_die" {
		ix.mu.Lock()
		ix.execs[id]++
		close(ix.execEnded)
		ix.execEnded = make(chan struct{})
		ix.mu.Unlock()
		return
	}
	if m.Type != events.ContainerEventType || strings.HasPrefix(a, "exec_") || a == "top" || a == "attach" || a == "resize" || a == "export" || a == "archive-path" || a == "extract-to-dir" || a == "copy" {
		return
	}
	ix.mu.Lock()
	ix.events++
	if a == "destroy" {
		delete(ix.execs, id)
	}
	ix.mu.Unlock()
	switch {
	case a == "stop", a == "kill" && stopSignal(m.Actor.Attributes["signal"]):
		ix.stops[id] = true
	case a == "start", a == "destroy":
		delete(ix.stops, id)
	}
	pending[id] = pending[id] || a == "destroy"
}

// stopSignal says a kill event's signal is one that asks a process to end, as a stop begins
// with (SIGTERM, or SIGINT or SIGQUIT for images that stop on those): a stop asked for. SIGKILL
// alone (`docker kill`) is not, nor are signals that do not ask to end (SIGHUP, SIGUSR1).
func stopSignal(sig string) bool {
	switch strings.TrimPrefix(strings.ToUpper(sig), "SIG") {
	case "15", "TERM", "2", "INT", "3", "QUIT":
		return true
	}
	return false
}

func (ix *Index) apply(ctx context.Context, pending map[string]bool) {
	type result struct {
		c    Container
		gone bool
	}
	res := make(map[string]result, len(pending))
	for id, destroyed := range pending {
		if destroyed {
			res[id] = result{gone: true}
			continue
		}
		c, err := ix.eng.Inspect(ctx, id)
		switch {
		case err == nil:
			c.StopAsked = ix.stops[id]
			res[id] = result{c: c}
		case IsNotFound(err):
			res[id] = result{gone: true}
		}
		// Other errors mean the engine is going away; the stream's error will say so.
	}
	if len(res) == 0 {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for id, r := range res {
		if r.gone {
			delete(ix.containers, id)
		} else if ix.matches(r.c) {
			ix.containers[id] = r.c
		}
	}
	ix.changedLocked()
}

func (ix *Index) matches(c Container) bool { return HasLabels(c, ix.opts.Labels) }

// HasLabels says whether c carries every label of labels ("key" or "key=value"), as the
// engine's label filter would: so a consumer of a shared, unfiltered index can pick its own.
func HasLabels(c Container, labels []string) bool {
	for _, l := range labels {
		k, v, hasV := strings.Cut(l, "=")
		got, ok := c.Labels[k]
		if !ok || (hasV && got != v) {
			return false
		}
	}
	return true
}

// changedLocked bumps the version and signals every subscriber without blocking.
func (ix *Index) changedLocked() {
	ix.version++
	for s := range ix.subs {
		select {
		case s.c <- struct{}{}:
		default:
		}
	}
}
