package docker_test

// Helpers for the real-engine tests. Their names start with e2e so they do not collide with
// other test files of this package.

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// e2eSleeper is a container that does nothing for five minutes. Its sleep is PID 1, which the
// kernel shields from SIGTERM, so Stop takes its whole timeout and then kills it.
func e2eSleeper() *container.Config {
	return &container.Config{Cmd: []string{"sleep", "300"}}
}

// e2eEventually polls cond until it holds or timeout passes; on timeout the test fails with
// what and the last state cond described.
func e2eEventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	delay := 10 * time.Millisecond
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s; last: %s", timeout, what, state)
		}
		time.Sleep(delay)
		delay = min(2*delay, 250*time.Millisecond)
	}
}

// e2eLogs reads a container's log (without Follow) and returns its lines.
func e2eLogs(t *testing.T, h *enginetest.Harness, id string, opts docker.LogOptions) []docker.LogLine {
	t.Helper()
	var lines []docker.LogLine
	if err := h.Engine.Logs(h.Ctx(), id, opts, func(l docker.LogLine) { lines = append(lines, l) }); err != nil {
		t.Fatalf("logs of %s: %v", id, err)
	}
	return lines
}

func e2eLogText(lines []docker.LogLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Stream.String() + ":" + l.Text + "\n")
	}
	return b.String()
}

// e2eIndex runs an index over eng until the test ends; cleanup stops it and checks that Run
// returns.
func e2eIndex(t *testing.T, eng *docker.Engine, opts docker.IndexOptions) *docker.Index {
	t.Helper()
	ix := docker.NewIndex(eng, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ix.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("Index.Run did not return within 10s of its context ending")
		}
	})
	return ix
}

// e2eAwait waits up to timeout for cond to hold on the index.
func e2eAwait(t *testing.T, ix *docker.Index, timeout time.Duration, what string, cond func(docker.Snapshot) bool) docker.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := ix.Await(ctx, cond)
	if err != nil {
		t.Fatalf("index: waiting for %s: %v; last snapshot: status %+v, %d events, containers %s", what, err, s.Status, s.Events, e2eDescribe(s))
	}
	return s
}

func e2eDescribe(s docker.Snapshot) string {
	var parts []string
	for _, c := range s.Containers {
		parts = append(parts, c.Name+"("+c.ShortID()+" "+c.State+" "+c.Health+")")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// e2eSink collects lines from a goroutine-safe sink.
type e2eSink struct {
	mu    sync.Mutex
	lines []docker.LogLine
}

func (s *e2eSink) add(l docker.LogLine) {
	s.mu.Lock()
	s.lines = append(s.lines, l)
	s.mu.Unlock()
}

func (s *e2eSink) snapshot() []docker.LogLine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]docker.LogLine(nil), s.lines...)
}
