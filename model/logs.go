package model

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/views"
)

const (
	// logTail is how much history a newly followed container shows.
	logTail = 200
	// logMaxLine is the longest line read as one: longer ones come in pieces of this size.
	logMaxLine = 8 << 20
	// logFeedLimit is how many lines a stream buffers for the UI before its readers wait: the
	// engine keeps the rest of the log until they read on, so nothing is dropped.
	logFeedLimit = 2 * logBatch
)

// streamGen numbers log streams across every pane of every tab, so a message names exactly
// one stream even when two panes follow the same container.
var streamGen atomic.Uint64

// logLinesMsg carries the lines a log stream produced since the last one.
type logLinesMsg struct {
	key   string // what the stream shows: a container id, or pod[/service]
	gen   uint64 // which stream: a selection made twice gets two
	lines []views.LogLine
}

// logStreamEndedMsg says one container's log ended: it stopped, or reading failed.
type logStreamEndedMsg struct {
	key         string
	gen         uint64
	containerID string
	err         error
}

// logStream follows the logs of one selection: one container, or several multiplexed (a
// service, a pod) with each line marked with its container's name. The readers (one per
// container, the engine's) push to a handoff, and wait only when the UI is a whole handoff behind.
type logStream struct {
	key     string
	gen     uint64
	resyncs int // the index's resync count when this stream began
	ctx     context.Context
	cancel  context.CancelFunc
	feed    *handoff[views.LogLine]
}

func newLogStream(parent context.Context, key string, resyncs int) *logStream {
	ctx, cancel := context.WithCancel(parent)
	return &logStream{key: key, gen: streamGen.Add(1), resyncs: resyncs, ctx: ctx, cancel: cancel,
		feed: newBatchHandoff[views.LogLine](logFeedLimit, logBatch)}
}

// push is the sink of one container's reader: from is the prefix its lines get ("" for none).
// Lines are kept whole, however long. It waits while the UI is a full feed behind, until the
// stream is cancelled.
func (s *logStream) push(from string, l docker.LogLine) { s.pushCtx(s.ctx, from, l) }

// pushCtx is push for a reader with its own context (a child of the stream's).
func (s *logStream) pushCtx(ctx context.Context, from string, l docker.LogLine) {
	s.feed.pushWait(ctx.Done(), views.LogLine{LogLine: l, From: from})
}

// run reads one container's log until it ends; it is a command so the Program runs it off the
// UI loop. ctx is the source's own (a child of the stream's), so one container can be dropped.
func (s *logStream) run(ctx context.Context, b engine.Backend, src logSource, opts docker.LogOptions) tea.Cmd {
	key, gen, id, from := s.key, s.gen, src.id, src.from
	return func() tea.Msg {
		err := b.Logs(ctx, id, opts, func(l docker.LogLine) { s.pushCtx(ctx, from, l) })
		if ctx.Err() != nil {
			return nil // cancelled: nobody is waiting for this reader any more
		}
		return logStreamEndedMsg{key: key, gen: gen, containerID: id, err: err}
	}
}

// wait blocks until lines are buffered, then delivers them, at most logBatch in a message.
func (s *logStream) wait() tea.Cmd {
	return func() tea.Msg {
		lines, ok := s.feed.next(s.ctx.Done())
		if !ok {
			return nil
		}
		return logLinesMsg{key: s.key, gen: s.gen, lines: lines}
	}
}

// logSource is one container a pane follows, as the UI keeps it.
type logSource struct {
	id        string
	name      string
	from      string    // the prefix of its lines; "" when the pane shows only it
	startedAt time.Time // the container's StartedAt when its reader began
	ended     bool
	err       string
	cancel    context.CancelFunc
}

// logPane is the UI side of a selection's logs: the containers followed, and the log engine
// (logView: the lines, scrolling, search, toggles) they feed.
type logPane struct {
	logView
	stream *logStream // nil when nothing is selected
	name   string     // the title: a container, pod/service, pod
	multi  bool       // lines carry their container's name
	empty  string     // what to say when nothing is selected
	srcs   []logSource
}

// current reports whether a message from stream (key, gen) belongs to this pane.
func (p *logPane) current(key string, gen uint64) bool {
	return p.stream != nil && p.stream.key == key && p.stream.gen == gen
}

// ended says every followed container's log has ended (none when nothing is followed).
func (p *logPane) ended() bool {
	if p.stream == nil || len(p.srcs) == 0 {
		return false
	}
	for _, s := range p.srcs {
		if !s.ended {
			return false
		}
	}
	return true
}

// errText is why reading failed, naming the container when the pane mixes several, or why
// the log could not be kept or read back.
func (p *logPane) errText() string {
	if p.buf != nil && p.buf.err != nil {
		return p.buf.err.Error()
	}
	if p.err != nil {
		return p.err.Error()
	}
	for _, s := range p.srcs {
		if s.err != "" {
			if p.multi {
				return s.name + ": " + s.err
			}
			return s.err
		}
	}
	return ""
}

// close stops every reader of the pane and drops its lines (their spill file with them).
func (p *logPane) close() {
	if p.stream != nil {
		p.stream.cancel()
	}
	p.logView.close()
}

// data is the pane as the view draws it.
func (p *logPane) data(focused bool) views.LogsData {
	d := p.logView.data()
	d.Name, d.Focused, d.Ended, d.Err, d.Multi, d.Empty = p.name, focused, p.ended(), p.errText(), p.multi, p.empty
	return d
}

// onLines takes a stream's lines if they are this pane's, and waits for more.
func (p *logPane) onLines(msg logLinesMsg) tea.Cmd {
	if !p.current(msg.key, msg.gen) {
		return nil // a stream that is no longer shown, or another pane's; its waiter stops here
	}
	p.add(msg.lines)
	return p.stream.wait()
}

// onEnded marks a container's log ended; false when the message is not this pane's. The
// caller syncs the pane afterwards: a restart may have been seen before the end.
func (p *logPane) onEnded(msg logStreamEndedMsg) bool {
	if !p.current(msg.key, msg.gen) {
		return false
	}
	lines, _ := p.stream.feed.drain()
	p.add(lines)
	for i := range p.srcs {
		if s := &p.srcs[i]; s.id == msg.containerID {
			s.ended = true
			if msg.err != nil && !errors.Is(msg.err, context.Canceled) {
				s.err = msg.err.Error()
			}
		}
	}
	return true
}

// logWant is what a pane should follow now: its selection's key and title, the containers,
// whether their lines get prefixes, and what to say when nothing is selected (key "").
type logWant struct {
	key   string
	title string
	cs    []docker.Container
	multi bool
	empty string
}

// sync makes the pane follow want. A new selection cancels the old readers and starts one per
// container with the last logTail lines. For the same selection: a container that joined (a
// service scaled or recreated) gets a reader; one that left loses it; a reader that ended
// because its container stopped resumes, from the new start, once the container runs again;
// readers that failed because the engine went away start afresh once the index has resynced.
func (p *logPane) sync(ctx context.Context, b engine.Backend, want logWant, st docker.Status) tea.Cmd {
	reconnected := false
	if p.stream != nil && st.State == docker.Connected && st.Resyncs > p.stream.resyncs {
		for _, c := range want.cs {
			if i := p.source(c.ID); i >= 0 && p.srcs[i].ended && p.srcs[i].err != "" && c.Running() {
				reconnected = true
			}
		}
	}
	if p.stream == nil || want.key == "" || p.stream.key != want.key || reconnected {
		p.close()
		*p = logPane{logView: p.logView, name: want.title, multi: want.multi, empty: want.empty}
		p.reset(want.title) // a new log, shown as the user had the last one (timestamps, wrap)
		if want.key == "" {
			return nil
		}
		p.stream = newLogStream(ctx, want.key, st.Resyncs)
		cmds := []tea.Cmd{p.stream.wait()}
		for _, c := range want.cs {
			cmds = append(cmds, p.follow(b, c, docker.LogOptions{Follow: true, Tail: logTail}))
		}
		return tea.Batch(cmds...)
	}
	p.name = want.title
	var cmds []tea.Cmd
	keep := p.srcs[:0:0]
	for _, s := range p.srcs {
		if !containsID(want.cs, s.id) {
			s.cancel()
			continue
		}
		keep = append(keep, s)
	}
	p.srcs = keep
	for _, c := range want.cs {
		i := p.source(c.ID)
		if i < 0 {
			cmds = append(cmds, p.follow(b, c, docker.LogOptions{Follow: true, Tail: logTail}))
			continue
		}
		s := &p.srcs[i]
		s.name = c.Name
		// The index re-inspects a container on its start event, so a restart shows as a later
		// StartedAt; list-only data (zero StartedAt) never looks restarted.
		if !c.Running() || !s.ended || !c.StartedAt.After(s.startedAt) {
			continue
		}
		s.cancel()
		p.srcs = append(slices.Clone(p.srcs[:i]), p.srcs[i+1:]...)
		cmds = append(cmds, p.follow(b, c, docker.LogOptions{Follow: true, Since: resumeFrom(c)}))
	}
	return tea.Batch(cmds...)
}

// follow starts a reader of c's log in the pane's stream. Lines come with the engine's time
// (shown with timestamps on), whole up to logMaxLine.
func (p *logPane) follow(b engine.Backend, c docker.Container, opts docker.LogOptions) tea.Cmd {
	opts.Timestamps, opts.MaxLine = true, logMaxLine
	ctx, cancel := context.WithCancel(p.stream.ctx)
	src := logSource{id: c.ID, name: c.Name, startedAt: c.StartedAt, cancel: cancel}
	if p.multi {
		src.from = c.Name
	}
	p.srcs = append(p.srcs, src)
	return p.stream.run(ctx, b, src, opts)
}

func (p *logPane) source(id string) int {
	for i, s := range p.srcs {
		if s.id == id {
			return i
		}
	}
	return -1
}

func containsID(cs []docker.Container, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// Scroll applies a Scroll's action to the pane while it has focus, in a pane of rows lines; false
// leaves the Scroll to the tab. It is do without the status, for callers that have none.
func (p *logPane) Scroll(a keymap.Action, rows int) bool {
	ok, _ := p.Do(a, rows)
	return ok
}

// resumeFrom is where a restarted container's log picks up. The engine records StartedAt after
// the process may already have written, so it starts just after the previous run finished
// (inspect keeps that FinishedAt), else a second before StartedAt.
func resumeFrom(c docker.Container) time.Time {
	if !c.FinishedAt.IsZero() && c.FinishedAt.Before(c.StartedAt) {
		return c.FinishedAt.Add(time.Nanosecond)
	}
	return c.StartedAt.Add(-time.Second)
}
