package model

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
)

const (
	// maxLogLines bounds the logs pane and the hand-off buffer behind it.
	maxLogLines = 5000
	// logTail is how much history a newly selected container shows.
	logTail = 200
	// maxLogLineBytes caps what is kept of one line: the pane shows one screen width of it,
	// and 5000 lines of docker's 1 MiB maximum would be 5 GiB.
	maxLogLineBytes = 4096
)

// logLinesMsg carries the lines a log stream produced since the last one.
type logLinesMsg struct {
	containerID string
	gen         uint64 // which stream: a container selected twice gets two
	lines       []docker.LogLine
}

// logStreamEndedMsg says a log stream finished: the container stopped, or reading failed.
type logStreamEndedMsg struct {
	containerID string
	gen         uint64
	err         error
}

// logStream follows one container's log. The producer (the engine's reader) appends to a
// bounded buffer under a mutex and signals a channel of capacity one, so it never blocks on
// the UI; the UI drains everything buffered at once.
type logStream struct {
	id        string
	gen       uint64
	startedAt time.Time // the container's StartedAt when this stream began
	resyncs   int       // the index's resync count when this stream began
	ctx       context.Context
	cancel    context.CancelFunc
	sig       chan struct{}

	mu      sync.Mutex
	buf     []docker.LogLine
	dropped int
}

func newLogStream(parent context.Context, id string, gen uint64, startedAt time.Time, resyncs int) *logStream {
	ctx, cancel := context.WithCancel(parent)
	return &logStream{id: id, gen: gen, startedAt: startedAt, resyncs: resyncs, ctx: ctx, cancel: cancel, sig: make(chan struct{}, 1)}
}

// push is the sink handed to Backend.Logs.
func (s *logStream) push(l docker.LogLine) {
	if len(l.Text) > maxLogLineBytes {
		cut := maxLogLineBytes
		for cut > 0 && !utf8.RuneStart(l.Text[cut]) {
			cut--
		}
		// Clone, so the kept prefix does not pin the whole line in memory.
		l.Text = strings.Clone(l.Text[:cut])
	}
	s.mu.Lock()
	s.buf = append(s.buf, l)
	if over := len(s.buf) - maxLogLines; over > 0 {
		s.buf = append(s.buf[:0], s.buf[over:]...)
		s.dropped += over
	}
	s.mu.Unlock()
	select {
	case s.sig <- struct{}{}:
	default:
	}
}

// drain takes everything buffered.
func (s *logStream) drain() ([]docker.LogLine, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines, dropped := s.buf, s.dropped
	s.buf, s.dropped = nil, 0
	return lines, dropped
}

// run reads the log until it ends; it is a command so the Program runs it off the UI loop.
func (s *logStream) run(b Backend, opts docker.LogOptions) tea.Cmd {
	return func() tea.Msg {
		err := b.Logs(s.ctx, s.id, opts, s.push)
		if s.ctx.Err() != nil {
			return nil // cancelled: nobody is waiting for this stream any more
		}
		return logStreamEndedMsg{containerID: s.id, gen: s.gen, err: err}
	}
}

// wait blocks until lines are buffered, then delivers all of them.
func (s *logStream) wait() tea.Cmd {
	return func() tea.Msg {
		for {
			select {
			case <-s.sig:
			case <-s.ctx.Done():
				return nil
			}
			if s.ctx.Err() != nil {
				return nil
			}
			// A signal can outlive the lines it announced (an earlier drain took them). Lines
			// dropped while the UI was behind need no mention: the pane keeps no more anyway.
			if lines, _ := s.drain(); len(lines) > 0 {
				return logLinesMsg{containerID: s.id, gen: s.gen, lines: lines}
			}
		}
	}
}

// logPane is the UI side of the logs: the lines shown and how they scroll.
type logPane struct {
	stream    *logStream // nil when no container is selected
	name      string
	lines     []docker.LogLine
	following bool
	top       int // first line shown while paused
	ended     bool
	err       string
}

// add appends lines, keeping at most maxLogLines. While paused the view stays on the same
// lines, so top moves with what is dropped from the front.
func (p *logPane) add(lines []docker.LogLine) {
	p.lines = append(p.lines, lines...)
	if over := len(p.lines) - maxLogLines; over > 0 {
		p.lines = append(p.lines[:0], p.lines[over:]...)
		p.top = max(p.top-over, 0)
	}
}

// current reports whether a message from stream (id, gen) belongs to this pane.
func (p *logPane) current(id string, gen uint64) bool {
	return p.stream != nil && p.stream.id == id && p.stream.gen == gen
}
