// Package logs is the log engine every log pane draws from (the logs of the Containers, Pods
// and Deploys tabs, the output of the Pipelines tab) and the pane that feeds it a selection's
// containers: View keeps the lines (the newest in memory, the older in a spill file, none
// dropped), scrolling, search, the toggles and saving; Pane follows the containers through a
// Stream, whose lines reach Update as LinesMsg and EndedMsg.
package logs

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/handoff"
	"github.com/podiumdev/podium/views"
)

const (
	// Tail is how much history a newly followed container shows.
	Tail = 200
	// maxLine is the longest line read as one: longer ones come in pieces of this size.
	maxLine = 8 << 20
	// feedLimit is how many lines a stream buffers for the UI before its readers wait: the
	// engine keeps the rest of the log until they read on, so nothing is dropped.
	feedLimit = 2 * Batch
	// Frame is the shortest time between two messages of one stream, the renderer's frame
	// (model.FrameRate is 30 a second): Bubble Tea draws the screen after every Update, so
	// a fast producer's lines come in one message per frame, not one per read.
	Frame = time.Second / 30
)

// streamGen numbers log streams across every pane of every tab, so a message names exactly
// one stream even when two panes follow the same container.
var streamGen atomic.Uint64

// LinesMsg carries the lines a log stream produced since the last one. Tests build their own
// for a pane's stream with Stream.LinesMsg.
type LinesMsg struct {
	Key   string // what the stream shows: a container id, or pod[/service]
	Gen   uint64 // which stream: a selection made twice gets two
	Lines []views.LogLine
}

// EndedMsg says one container's log ended: it stopped, or reading failed.
type EndedMsg struct {
	Key         string
	Gen         uint64
	ContainerID string
	Err         error
}

// Backend is what a pane needs of the engine: one container's log, sent to sink in batches
// (each the sink's to keep) until it ends or ctx is cancelled.
type Backend interface {
	LogBatches(ctx context.Context, id string, opts docker.LogOptions, sink func([]docker.LogLine)) error
}

// Stream follows the logs of one selection: one container, or several multiplexed (a
// service, a pod) with each line marked with its container's name. The readers (one per
// container, the engine's) push to a handoff, and wait only when the UI is a whole handoff behind.
type Stream struct {
	key     string
	gen     uint64
	resyncs int // the index's resync count when this stream began
	ctx     context.Context
	cancel  context.CancelFunc
	feed    *handoff.Queue[views.LogLine]
	last    atomic.Int64 // when the last message was taken (Unix ns); one waiter at a time
}

func newStream(parent context.Context, key string, resyncs int) *Stream {
	ctx, cancel := context.WithCancel(parent)
	return &Stream{key: key, gen: streamGen.Add(1), resyncs: resyncs, ctx: ctx, cancel: cancel,
		feed: handoff.NewBatch[views.LogLine](feedLimit, Batch)}
}

// push is the sink of one container's reader: from is the prefix its lines get ("" for none).
// Lines are kept whole, however long. It waits while the UI is a full feed behind, until the
// stream is cancelled.
func (s *Stream) push(from string, l docker.LogLine) { s.pushCtx(s.ctx, from, l) }

// pushCtx is push for a reader with its own context (a child of the stream's).
func (s *Stream) pushCtx(ctx context.Context, from string, l docker.LogLine) {
	s.feed.PushWait(ctx.Done(), views.LogLine{LogLine: l, From: from})
}

// pushBatch is the sink of one container's reader: the lines of one read, prefixed with from,
// go to the handoff at once.
func (s *Stream) pushBatch(ctx context.Context, from string, ls []docker.LogLine) {
	lines := make([]views.LogLine, len(ls))
	for i, l := range ls {
		lines[i] = views.LogLine{LogLine: l, From: from}
	}
	s.feed.PushAllWait(ctx.Done(), lines)
}

// run reads one container's log until it ends; it is a command so the Program runs it off the
// UI loop. ctx is the source's own (a child of the stream's), so one container can be dropped.
func (s *Stream) run(ctx context.Context, b Backend, id, from string, opts docker.LogOptions) tea.Cmd {
	key, gen := s.key, s.gen
	return func() tea.Msg {
		err := b.LogBatches(ctx, id, opts, func(ls []docker.LogLine) { s.pushBatch(ctx, from, ls) })
		if ctx.Err() != nil {
			return nil // cancelled: nobody is waiting for this reader any more
		}
		return EndedMsg{Key: key, Gen: gen, ContainerID: id, Err: err}
	}
}

// wait blocks until lines are buffered, then delivers them, at most Batch in a message and at
// most one message a Frame: lines that come within a frame of the last message wait in the
// handoff for the frame's end (where a Drain takes them in order) and go with the others that
// came by then.
func (s *Stream) wait() tea.Cmd {
	return func() tea.Msg {
		for {
			if !s.feed.Ready(s.ctx.Done()) {
				return nil
			}
			if wait := time.Until(time.Unix(0, s.last.Load()).Add(Frame)); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-s.ctx.Done():
					t.Stop()
					return nil
				}
			}
			if lines := s.feed.TakeUpTo(Batch); len(lines) > 0 {
				s.last.Store(time.Now().UnixNano())
				return s.LinesMsg(lines)
			}
		}
	}
}

// Key is what the stream shows: a container id, or pod[/service].
func (s *Stream) Key() string { return s.key }

// Gen tells this stream from an earlier one of the same key.
func (s *Stream) Gen() uint64 { return s.gen }

// LinesMsg is lines as this stream delivers them, for tests that feed a pane.
func (s *Stream) LinesMsg(lines []views.LogLine) LinesMsg {
	return LinesMsg{Key: s.key, Gen: s.gen, Lines: lines}
}

// Err is non-nil once the stream was cancelled: its pane no longer follows it.
func (s *Stream) Err() error { return s.ctx.Err() }

// Cancel stops every reader of the stream and releases its waiter.
func (s *Stream) Cancel() { s.cancel() }

// Push is the sink of a reader of the stream's own, for tests: see push.
func (s *Stream) Push(from string, l docker.LogLine) { s.push(from, l) }

// Wait is a command that delivers the next lines (a LinesMsg), nil once the stream is cancelled.
func (s *Stream) Wait() tea.Cmd { return s.wait() }

// Drain takes the lines buffered and not delivered yet.
func (s *Stream) Drain() []views.LogLine {
	lines, _ := s.feed.Drain()
	return lines
}

// Read is a command that reads container id's log into the stream, its lines prefixed with
// from, until it ends (an EndedMsg) or the stream is cancelled. The pane starts its readers
// itself (Sync); tests drive one with it.
func (s *Stream) Read(b Backend, id, from string, opts docker.LogOptions) tea.Cmd {
	return s.run(s.ctx, b, id, from, opts)
}

// Source is one container a pane follows, as the UI keeps it.
type Source struct {
	ID        string
	Name      string
	From      string    // the prefix of its lines; "" when the pane shows only it
	StartedAt time.Time // the container's StartedAt when its reader began
	Ended     bool
	Err       string
}

// source is a Source with the means to stop its reader, and what the pane knows of its lines
// older than the ones it holds.
type source struct {
	Source
	cancel  context.CancelFunc
	tail    bool // its reader began with the last Tail lines: there may be older ones
	old     oldest
	probing bool
}

// Pane is the UI side of a selection's logs: the containers followed, and the log engine
// (View: the lines, scrolling, search, toggles) they feed.
type Pane struct {
	View
	stream *Stream // nil when nothing is selected
	name   string  // the title: a container, pod/service, pod
	multi  bool    // lines carry their container's name
	empty  string  // what to say when nothing is selected
	srcs   []source
	b      Backend         // the engine, as the last Sync gave it
	ctx    context.Context // the tab's, as the last Sync gave it: a save outlives the selection
	older  *olderLoad      // the older lines being read; nil when none are
	ask    ask             // what the last action asked to run: TakeCmd starts it
	askTop bool            // the older lines asked for: go to the first line once they are in
	askUp  int             // else move up this many lines
	// olderWanted: the older lines were asked for; they are read once every probe is back.
	olderWanted bool
	saves       []uint64 // the streams whose whole log is being saved: their SavedMsg is this pane's
}

// ask is work a key asked of the pane that takes a command: the tab's TakeCmd starts it.
type ask uint8

const (
	askNone ask = iota
	askOlder
	askSave
)

// Stream is the stream the pane follows; nil when nothing is selected.
func (p *Pane) Stream() *Stream { return p.stream }

// Title is whose log the pane shows: a container, pod/service, pod.
func (p *Pane) Title() string { return p.name }

// Multi says the pane mixes several containers, each line marked with its container's name.
func (p *Pane) Multi() bool { return p.multi }

// Sources are the containers the pane follows, in the order their readers began.
func (p *Pane) Sources() []Source {
	out := make([]Source, len(p.srcs))
	for i, s := range p.srcs {
		out[i] = s.Source
	}
	return out
}

// current reports whether a message from stream (key, gen) belongs to this pane.
func (p *Pane) current(key string, gen uint64) bool {
	return p.stream != nil && p.stream.key == key && p.stream.gen == gen
}

// Ended says every followed container's log has ended (none when nothing is followed).
func (p *Pane) Ended() bool {
	if p.stream == nil || len(p.srcs) == 0 {
		return false
	}
	for _, s := range p.srcs {
		if !s.Ended {
			return false
		}
	}
	return true
}

// ErrText is why reading failed, naming the container when the pane mixes several, or why
// the log could not be kept or read back.
func (p *Pane) ErrText() string {
	if err := p.View.Err(); err != nil {
		return err.Error()
	}
	for _, s := range p.srcs {
		if s.Err != "" {
			if p.multi {
				return s.Name + ": " + s.Err
			}
			return s.Err
		}
	}
	return ""
}

// Close stops every reader of the pane and drops its lines (their spill file with them).
func (p *Pane) Close() {
	if p.stream != nil {
		p.stream.cancel()
	}
	if p.older != nil {
		_ = p.older.buf.close()
		p.older = nil
	}
	p.View.Close()
}

// Data is the pane as the view draws it.
func (p *Pane) Data(focused bool) views.LogsData {
	d := p.View.Data()
	d.Name, d.Focused, d.Ended, d.Err, d.Multi, d.Empty = p.name, focused, p.Ended(), p.ErrText(), p.multi, p.empty
	return d
}

// OnLines takes a stream's lines if they are this pane's, and waits for more.
func (p *Pane) OnLines(msg LinesMsg) tea.Cmd {
	if !p.current(msg.Key, msg.Gen) {
		return nil // a stream that is no longer shown, or another pane's; its waiter stops here
	}
	p.Add(msg.Lines)
	p.seeLines(msg.Lines)
	return tea.Batch(p.stream.wait(), p.probes())
}

// OnEnded marks a container's log ended; false when the message is not this pane's. The
// caller syncs the pane afterwards: a restart may have been seen before the end. The log's last
// lines still in the handoff come through the stream's waiter like the others: taking them
// here would put them before the ones a waiter has taken and not delivered yet.
func (p *Pane) OnEnded(msg EndedMsg) bool {
	if !p.current(msg.Key, msg.Gen) {
		return false
	}
	for i := range p.srcs {
		if s := &p.srcs[i]; s.ID == msg.ContainerID {
			s.Ended = true
			if msg.Err != nil && !errors.Is(msg.Err, context.Canceled) {
				s.Err = msg.Err.Error()
			}
		}
	}
	return true
}

// Want is what a pane should follow now: its selection's key and title, the containers,
// whether their lines get prefixes, and what to say when nothing is selected (key "").
type Want struct {
	Key        string
	Title      string
	Containers []docker.Container
	Multi      bool
	Empty      string
}

// Sync makes the pane follow want. A new selection cancels the old readers and starts one per
// container with the last Tail lines. For the same selection: a container that joined (a
// service scaled or recreated) gets a reader; one that left loses it; a reader that ended
// because its container stopped resumes, from the new start, once the container runs again;
// readers that failed because the engine went away start afresh once the index has resynced.
func (p *Pane) Sync(ctx context.Context, b Backend, want Want, st docker.Status) tea.Cmd {
	reconnected := false
	if p.stream != nil && st.State == docker.Connected && st.Resyncs > p.stream.resyncs {
		for _, c := range want.Containers {
			if i := p.source(c.ID); i >= 0 && p.srcs[i].Ended && p.srcs[i].Err != "" && c.Running() {
				reconnected = true
			}
		}
	}
	p.b, p.ctx = b, ctx
	if p.stream == nil || want.Key == "" || p.stream.key != want.Key || reconnected {
		p.Close()
		*p = Pane{View: p.View, name: want.Title, multi: want.Multi, empty: want.Empty, b: b, ctx: ctx, saves: p.saves}
		p.Reset(want.Title) // a new log, shown as the user had the last one (timestamps, wrap)
		if want.Key == "" {
			return nil
		}
		p.stream = newStream(ctx, want.Key, st.Resyncs)
		cmds := []tea.Cmd{p.stream.wait()}
		for _, c := range want.Containers {
			cmds = append(cmds, p.follow(b, c, docker.LogOptions{Follow: true, Tail: Tail}))
		}
		return tea.Batch(cmds...)
	}
	p.name = want.Title
	cmds := []tea.Cmd{p.probes()}
	keep := p.srcs[:0:0]
	for _, s := range p.srcs {
		if !containsID(want.Containers, s.ID) {
			s.cancel()
			continue
		}
		keep = append(keep, s)
	}
	p.srcs = keep
	for _, c := range want.Containers {
		i := p.source(c.ID)
		if i < 0 {
			cmds = append(cmds, p.follow(b, c, docker.LogOptions{Follow: true, Tail: Tail}))
			continue
		}
		s := &p.srcs[i]
		s.Name = c.Name
		// The index re-inspects a container on its start event, so a restart shows as a later
		// StartedAt; list-only data (zero StartedAt) never looks restarted.
		if !c.Running() || !s.Ended || !c.StartedAt.After(s.StartedAt) {
			continue
		}
		s.cancel()
		tail, old := s.tail, s.old // the older lines are still the first run's
		p.srcs = append(slices.Clone(p.srcs[:i]), p.srcs[i+1:]...)
		cmds = append(cmds, p.follow(b, c, docker.LogOptions{Follow: true, Since: resumeFrom(c)}))
		p.srcs[len(p.srcs)-1].tail, p.srcs[len(p.srcs)-1].old = tail, old
	}
	return tea.Batch(cmds...)
}

// follow starts a reader of c's log in the pane's stream. Lines come with the engine's time
// (shown with timestamps on), whole up to maxLine.
func (p *Pane) follow(b Backend, c docker.Container, opts docker.LogOptions) tea.Cmd {
	opts.Timestamps, opts.MaxLine = true, maxLine
	ctx, cancel := context.WithCancel(p.stream.ctx)
	src := source{Source: Source{ID: c.ID, Name: c.Name, StartedAt: c.StartedAt}, cancel: cancel,
		tail: opts.Tail > 0 && opts.Since.IsZero()}
	if p.multi {
		src.From = c.Name
	}
	p.srcs = append(p.srcs, src)
	return p.stream.run(ctx, b, src.ID, src.From, opts)
}

func (p *Pane) source(id string) int {
	for i, s := range p.srcs {
		if s.ID == id {
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
// leaves the Scroll to the tab. It is Do without the status, for callers that have none.
func (p *Pane) Scroll(a keymap.Action, rows int) bool {
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

// probes starts the probes of the sources whose oldest line is known and not probed yet.
func (p *Pane) probes() tea.Cmd {
	if p.stream == nil || p.b == nil {
		return nil
	}
	var cmds []tea.Cmd
	for i := range p.srcs {
		s := &p.srcs[i]
		if s.tail && !s.probing && s.old.more == moreUnknown && !s.old.at.IsZero() {
			s.probing = true
			cmds = append(cmds, p.probe(s.ID, s.old.at))
		}
	}
	return tea.Batch(cmds...)
}

// Do is View.Do with what needs the engine: going up past the oldest line held (or to the
// first line) reads the older lines, and saving saves the whole log as the engine has it. The
// tab starts that work with TakeCmd.
func (p *Pane) Do(a keymap.Action, rows int) (bool, views.Status) {
	if p.stream == nil {
		return p.View.Do(a, rows)
	}
	if rows > 0 {
		p.rows = rows
	}
	atTop := p.total() == 0 || p.start(p.rows) == 0
	switch a {
	case keymap.Save:
		if len(p.srcs) == 0 || p.b == nil {
			break // nothing to read from the engine: the lines held are the whole log
		}
		p.ask = askSave
		return true, views.Status{Text: "saving the whole log of " + p.name + "…"}
	case keymap.Top:
		p.wantOlder(true, 0)
	case keymap.Up:
		if atTop {
			p.wantOlder(false, 1)
		}
	case keymap.PageUp:
		if atTop || p.start(p.rows) < max(rows-1, 1) {
			p.wantOlder(false, max(max(rows-1, 1)-p.start(p.rows), 0))
		}
	}
	return p.View.Do(a, rows)
}

// TakeCmd starts what the last action asked for (reading the older lines, saving the whole
// log), nil for nothing. A tab calls it after handing the pane a key.
func (p *Pane) TakeCmd() tea.Cmd {
	a := p.ask
	p.ask = askNone
	switch {
	case p.stream == nil || p.b == nil:
		return nil
	case a == askOlder:
		p.olderWanted = true
		return p.startOlder()
	case a == askSave:
		return p.saveWhole()
	}
	return nil
}

// Update takes a message of the pane's own work; status is what the tab's status line should
// say ("" for nothing).
func (p *Pane) Update(msg Msg) (tea.Cmd, views.Status) {
	switch msg := msg.(type) {
	case probeMsg:
		if p.current(msg.key, msg.gen) {
			return p.onProbe(msg), views.Status{}
		}
	case olderMsg:
		if p.current(msg.key, msg.gen) {
			return p.onOlder(msg)
		}
	case SavedMsg:
		if i := slices.Index(p.saves, msg.Gen); i >= 0 {
			p.saves = slices.Delete(p.saves, i, i+1)
			return nil, msg.status()
		}
	}
	return nil, views.Status{}
}
