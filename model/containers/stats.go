package containers

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/handoff"
)

// statsKept is how many samples the Stats sub-tab keeps: about a minute's worth, the width of
// its sparklines.
const statsKept = 60

// statsStream follows one container's stats. Its reader pushes to a handoff, so the engine's
// stream never waits for the UI.
type statsStream struct {
	id     string
	ctx    context.Context
	cancel context.CancelFunc
	feed   *handoff.Queue[docker.Stats]
}

// statsSampledMsg carries the samples a stats stream read since the last one.
type statsSampledMsg struct {
	stream  *statsStream
	samples []docker.Stats
}

// statsEndedMsg says a stats stream ended: the container stopped, or reading failed.
type statsEndedMsg struct {
	stream *statsStream
	err    error
}

// statsPane is the UI side of the Stats sub-tab: the samples of the container shown and the
// stream that adds to them, which runs only while the sub-tab is on screen.
type statsPane struct {
	stream    *statsStream
	id        string    // whose samples these are
	startedAt time.Time // the container's start when its stream began, to see a restart
	samples   []docker.Stats
	ended     bool // the stream ended: the container stopped
	err       string
}

// sync makes the pane follow c while want is true, and stops its stream when it is not. A new
// container starts with no samples; the same one keeps them across a pause. A stream that
// ended (the container stopped, or reading failed) is not started again until the container
// is seen to start again, or the sub-tab is shown anew.
func (p *statsPane) sync(ctx context.Context, b engine.Backend, c docker.Container, want bool) tea.Cmd {
	if !want || c.ID == "" {
		p.stop()
		p.ended, p.err = false, ""
		return nil
	}
	if c.ID != p.id {
		p.stop()
		*p = statsPane{id: c.ID}
	}
	if p.ended && c.StartedAt.After(p.startedAt) {
		p.ended, p.err = false, ""
	}
	if p.stream != nil || p.ended || !c.Running() {
		return nil
	}
	s := &statsStream{id: c.ID, feed: handoff.New[docker.Stats](statsKept)}
	s.ctx, s.cancel = context.WithCancel(ctx)
	p.stream, p.startedAt = s, c.StartedAt
	return tea.Batch(s.run(b), s.wait())
}

// stop ends the stream, if one runs; the samples stay.
func (p *statsPane) stop() {
	if p.stream != nil {
		p.stream.cancel()
		p.stream = nil
	}
}

// onSampled takes a stream's samples if they are this pane's, and waits for more.
func (p *statsPane) onSampled(msg statsSampledMsg) tea.Cmd {
	if msg.stream != p.stream || p.stream == nil {
		return nil
	}
	p.add(msg.samples)
	return p.stream.wait()
}

// onEnded marks the stream ended if it is this pane's.
func (p *statsPane) onEnded(msg statsEndedMsg) {
	if msg.stream != p.stream || p.stream == nil {
		return
	}
	samples, _ := p.stream.feed.Drain()
	p.add(samples)
	p.stream.cancel()
	p.stream, p.ended = nil, true
	if msg.err != nil && !errors.Is(msg.err, context.Canceled) {
		p.err = msg.err.Error()
	}
}

// add appends samples, keeping the newest statsKept.
func (p *statsPane) add(samples []docker.Stats) {
	p.samples = append(p.samples, samples...)
	if over := len(p.samples) - statsKept; over > 0 {
		p.samples = append(p.samples[:0:0], p.samples[over:]...)
	}
}

// run reads the container's stats until the stream's context ends or the container stops; it
// is a command, so the Program runs it off the UI loop.
func (s *statsStream) run(b engine.Backend) tea.Cmd {
	return func() tea.Msg {
		err := b.Stats(s.ctx, s.id, s.feed.Push)
		if s.ctx.Err() != nil {
			return nil // stopped: nobody waits for this stream any more
		}
		return statsEndedMsg{stream: s, err: err}
	}
}

// wait blocks until samples are buffered, then delivers all of them.
func (s *statsStream) wait() tea.Cmd {
	return func() tea.Msg {
		samples, ok := s.feed.Next(s.ctx.Done())
		if !ok {
			return nil
		}
		return statsSampledMsg{stream: s, samples: samples}
	}
}
