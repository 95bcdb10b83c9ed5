// Package modeltest holds fakes of the model's backend interfaces, shared by the model's tests
// and the TUI benchmarks: no engine is behind them. It does not import the model; its types
// satisfy the model's interfaces by their methods.
package modeltest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

// Containers is a fake of model.Backend (with Inspect and Stats, of the detail pane's backend
// too): it serves a fixed snapshot and records what the model asks of it.
//
// Its subscription is of one of two kinds. NewContainers hands out a real subscription of an
// index that never runs: it never fires, and the model may close it. NewLiveContainers hands
// out the fake's own channel, which Set signals the way docker.Index does; that subscription
// has no index behind it, so the model must never close it (never quit).
type Containers struct {
	// Snap is the snapshot served. A test may change it directly before the model reads it.
	Snap docker.Snapshot
	// Lines is the canned output per container id, served by Logs.
	Lines map[string][]docker.LogLine
	// LogSource, when set, makes the output of a container instead of Lines: the lines that
	// Logs with opts serves for id.
	LogSource func(id string, opts docker.LogOptions) []docker.LogLine
	// Detail, when set, is what Inspect returns for a container of the snapshot; without it
	// Inspect fails.
	Detail func(docker.Container) docker.ContainerDetail
	// StatsSamples are delivered at once by Stats, which then follows until ctx ends.
	StatsSamples []docker.Stats
	// ShellErr is what the shell Shell prepares exits with.
	ShellErr error

	mu        sync.Mutex
	execs     map[string]uint64 // EndExec's count per container
	execEnded chan struct{}     // closed, and replaced, by EndExec
	calls     []string
	logCalls  []string
	ix        *docker.Index // NewContainers: an index that never runs
	sig       chan struct{} // NewLiveContainers: the subscription's channel
	done      chan struct{} // closed by Release
	once      sync.Once
}

// NewContainers serves snap; its subscription never fires.
func NewContainers(snap docker.Snapshot) *Containers {
	return &Containers{
		Snap:  snap,
		Lines: map[string][]docker.LogLine{},
		ix:    docker.NewIndex(nil, docker.IndexOptions{}),
		done:  make(chan struct{}),
	}
}

// NewLiveContainers serves snap; Set changes it and signals the model's subscription.
func NewLiveContainers(snap docker.Snapshot) *Containers {
	return &Containers{
		Snap:  snap,
		Lines: map[string][]docker.LogLine{},
		sig:   make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
}

func (f *Containers) Snapshot() docker.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Snap
}

// Subscribe hands out the subscription of the fake's kind (see Containers).
func (f *Containers) Subscribe() *docker.Subscription {
	if f.sig != nil {
		return &docker.Subscription{C: f.sig}
	}
	return f.ix.Subscribe()
}

// Set replaces the snapshot and, for a live fake, signals the change, coalescing like
// docker.Index.
func (f *Containers) Set(s docker.Snapshot) {
	f.mu.Lock()
	f.Snap = s
	f.mu.Unlock()
	if f.sig == nil {
		return
	}
	select {
	case f.sig <- struct{}{}:
	default:
	}
}

// Release ends the calls the model left blocked in the fake (the followed logs) and, for a
// live fake, empties the snapshot: how a benchmark that never quits the model lets go of its
// goroutines and with them the data set.
func (f *Containers) Release() {
	f.once.Do(func() {
		close(f.done)
		if f.sig != nil {
			f.Set(docker.Snapshot{})
		}
	})
}

// LogBatches serves the container's lines (LogSource's or Lines') in one batch, then follows
// until ctx ends or Release.
func (f *Containers) LogBatches(ctx context.Context, id string, opts docker.LogOptions, sink func([]docker.LogLine)) error {
	f.mu.Lock()
	f.logCalls = append(f.logCalls, fmt.Sprintf("%s follow=%v tail=%d", id, opts.Follow, opts.Tail))
	lines := f.Lines[id]
	f.mu.Unlock()
	if f.LogSource != nil {
		lines = f.LogSource(id, opts)
	}
	if len(lines) > 0 {
		sink(slices.Clone(lines))
	}
	if opts.Follow {
		select {
		case <-ctx.Done():
		case <-f.done:
		}
	}
	return nil
}

func (f *Containers) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return nil
}

func (f *Containers) Stop(_ context.Context, id string, _ time.Duration) error {
	return f.record("stop " + id)
}

func (f *Containers) Restart(_ context.Context, id string, _ time.Duration) error {
	return f.record("restart " + id)
}

func (f *Containers) Remove(_ context.Context, id string, o docker.RemoveOptions) error {
	return f.record(fmt.Sprintf("remove %s force=%v", id, o.Force))
}

func (f *Containers) Shell(_ context.Context, id string) tea.ExecCommand {
	_ = f.record("shell " + id)
	return Exec{Err: f.ShellErr}
}

// Inspect serves Detail of the snapshot's container; a container the snapshot does not have
// is not found, as on an engine.
func (f *Containers) Inspect(_ context.Context, id string) (docker.ContainerDetail, error) {
	_ = f.record("inspect " + id)
	if f.Detail == nil {
		return docker.ContainerDetail{}, errors.New("modeltest: the fake has no inspect")
	}
	c, ok := f.Snapshot().ByID(id)
	if !ok {
		return docker.ContainerDetail{}, fmt.Errorf("inspect container %s: no such container", id)
	}
	return f.Detail(c), nil
}

// Stats delivers StatsSamples at once, then follows until ctx ends, as a running container's
// stream does.
func (f *Containers) Stats(ctx context.Context, id string, sink func(docker.Stats)) error {
	_ = f.record("stats " + id)
	for _, s := range f.StatsSamples {
		sink(s)
	}
	<-ctx.Done()
	return nil
}

// EndExec counts one more exec (a health probe) ended in the container id, waking
// AwaitExecEnd, as the engine's exec_die event does the index.
func (f *Containers) EndExec(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.execs == nil {
		f.execs = map[string]uint64{}
	}
	f.execs[id]++
	if f.execEnded != nil {
		close(f.execEnded)
	}
	f.execEnded = make(chan struct{})
}

// AwaitExecEnd waits until EndExec has counted more than seen execs of id, or ctx ends.
func (f *Containers) AwaitExecEnd(ctx context.Context, id string, seen uint64) (uint64, error) {
	for {
		f.mu.Lock()
		if f.execEnded == nil {
			f.execEnded = make(chan struct{})
		}
		n, ended := f.execs[id], f.execEnded
		f.mu.Unlock()
		if n != seen {
			return n, nil
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return n, ctx.Err()
		case <-f.done:
			return n, errors.New("modeltest: released")
		}
	}
}

// Calls are the actions asked of the fake, in order ("stop <id>", "inspect <id>", ...).
func (f *Containers) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// LogCalls are the Logs calls, in order ("<id> follow=<bool> tail=<n>").
func (f *Containers) LogCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.logCalls...)
}

// Exec is a shell that exits at once with Err.
type Exec struct{ Err error }

func (x Exec) Run() error        { return x.Err }
func (Exec) SetStdin(io.Reader)  {}
func (Exec) SetStdout(io.Writer) {}
func (Exec) SetStderr(io.Writer) {}
