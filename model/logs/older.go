package logs

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

// A pane follows a container from its last Tail lines. The lines before them are the older
// ones: a probe finds whether there are any, and scrolling up past the oldest line held (or
// going to the top) reads them from the engine. The engine's log API (1.41, json-file) counts
// tail from the end of the whole log before it applies until, so tail with until cannot page
// backwards: the older lines are read in one stream, from the first line to the oldest held
// (until its time), into a buffer of their own that spills to disk like the log's, and are put
// before the log's lines when the stream ends. Lines of the oldest held line's time that the
// pane holds already are left out of what is read.

// Msg is a message of a pane's own work (a probe, older lines, a save): a tab hands it to its
// pane's Update.
type Msg interface{ paneMsg() }

// probeMsg says whether container id's log has lines before the oldest the pane holds of it.
type probeMsg struct {
	key    string
	gen    uint64
	id     string
	before bool // a line older than the oldest held
	atOld  int  // lines of the oldest held line's time, when none is older
	err    error
}

// olderMsg carries older lines read from the engine, oldest first; done ends the reading.
type olderMsg struct {
	key   string
	gen   uint64
	lines []views.LogLine
	done  bool
	err   error
}

func (probeMsg) paneMsg() {}
func (olderMsg) paneMsg() {}
func (SavedMsg) paneMsg() {}

// moreState is what a pane knows of a source's older lines.
type moreState uint8

const (
	moreUnknown moreState = iota
	moreNone
	moreSome
)

// oldest is what a pane knows of the oldest lines it holds of one source.
type oldest struct {
	at    time.Time // the time of the first line received; zero before, or with no time
	n     int       // how many lines of that time were received
	final bool      // a later line came: n is the count
	more  moreState
}

// see counts a line of the source; true when it is the first (the probe can start).
func (o *oldest) see(l views.LogLine) bool {
	switch {
	case o.final:
	case o.at.IsZero() && o.n == 0:
		o.at, o.n = l.Time, 1
		if l.Time.IsZero() {
			o.final, o.more = true, moreNone // no time: nothing to read older lines by
			return false
		}
		return true
	case l.Time.Equal(o.at):
		o.n++
	default:
		o.final = true
	}
	return false
}

// olderLoad is the reading of a pane's older lines.
type olderLoad struct {
	buf    *buffer
	ch     chan olderMsg
	cancel context.CancelFunc
	top    bool // go to the first line once they are in
	up     int  // else move up this many lines from where the view is
}

// olderSource is one container whose older lines are read.
type olderSource struct {
	id, from string
	until    time.Time
	skip     int // lines of time until at the end of what is read that the pane holds
}

// seeLines counts the first lines of each source, and returns the probes to start.
func (p *Pane) seeLines(lines []views.LogLine) tea.Cmd {
	var cmds []tea.Cmd
	for i := range p.srcs {
		s := &p.srcs[i]
		if s.old.final || !s.tail {
			continue
		}
		for _, l := range lines {
			if l.From != s.From || s.old.final {
				continue
			}
			if s.old.see(l) {
				cmds = append(cmds, p.probe(s.ID, s.old.at))
			}
		}
	}
	return tea.Batch(cmds...)
}

// probe reads container id's log from its first line up to time t until it knows whether a
// line before t exists, and how many lines of time t there are if none does.
func (p *Pane) probe(id string, t time.Time) tea.Cmd {
	b, ctx, key, gen := p.b, p.stream.ctx, p.stream.key, p.stream.gen
	return func() tea.Msg {
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		msg := probeMsg{key: key, gen: gen, id: id}
		msg.err = b.LogBatches(pctx, id, docker.LogOptions{Timestamps: true, Until: t, MaxLine: maxLine},
			func(ls []docker.LogLine) {
				for _, l := range ls {
					if l.Time.Before(t) {
						msg.before = true
						cancel()
						return
					}
					msg.atOld++
				}
			})
		if ctx.Err() != nil {
			return nil
		}
		if msg.before {
			msg.err = nil
		}
		return msg
	}
}

// onProbe takes a probe's answer, and starts reading the older lines if they were asked for
// while it was out.
func (p *Pane) onProbe(msg probeMsg) tea.Cmd {
	i := p.source(msg.id)
	if i < 0 {
		return nil
	}
	s := &p.srcs[i]
	s.probing = false
	switch {
	case msg.err != nil:
		s.old.more = moreUnknown
	case msg.before || msg.atOld > s.old.n:
		s.old.more = moreSome
	default:
		s.old.more = moreNone
	}
	p.showOlder()
	return p.startOlder()
}

// probing says a probe is out: whether older lines exist is not known yet.
func (p *Pane) probing() bool {
	for _, s := range p.srcs {
		if s.probing {
			return true
		}
	}
	return false
}

// startOlder reads the older lines if they were asked for, once every probe is back, so the
// lines of every container are read together and merged in time.
func (p *Pane) startOlder() tea.Cmd {
	if !p.olderWanted || p.older != nil || p.probing() {
		return nil
	}
	p.olderWanted = false
	return p.readOlder()
}

// showOlder tells the view what the title says of the older lines.
func (p *Pane) showOlder() {
	switch {
	case p.older != nil:
		p.View.olderNote = fmt.Sprintf("↑ loading older lines: %s", views.Plural(p.older.buf.len(), "line"))
	case p.hasOlder():
		p.View.olderNote = "↑ more"
	default:
		p.View.olderNote = ""
	}
}

// hasOlder says a source has older lines not read yet.
func (p *Pane) hasOlder() bool {
	for _, s := range p.srcs {
		if s.old.more == moreSome {
			return true
		}
	}
	return false
}

// wantOlder notes that the user went past the oldest line held: up lines up, or to the first
// line; the tab's next TakeCmd starts reading the older lines.
func (p *Pane) wantOlder(top bool, up int) {
	if !p.hasOlder() && !p.probing() {
		return
	}
	if p.older != nil {
		p.older.top = p.older.top || top
		p.older.up += up
		return
	}
	p.ask = askOlder
	p.askTop, p.askUp = p.askTop || top, p.askUp+up
}

// readOlder starts reading the older lines of every source that has some.
func (p *Pane) readOlder() tea.Cmd {
	var srcs []olderSource
	for i := range p.srcs {
		s := &p.srcs[i]
		if s.old.more == moreSome {
			srcs = append(srcs, olderSource{id: s.ID, from: s.From, until: s.old.at, skip: s.old.n})
			s.old.more = moreNone // what is read now is all there is before
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(p.stream.ctx)
	ch := make(chan olderMsg, 2)
	p.older = &olderLoad{buf: newBuffer(p.label+" (older)", p.View.lim()), ch: ch, cancel: cancel,
		top: p.askTop, up: p.askUp}
	p.askTop, p.askUp = false, 0
	p.showOlder()
	b, key, gen := p.b, p.stream.key, p.stream.gen
	read := func() tea.Msg {
		var chunk []views.LogLine
		send := func(m olderMsg) bool {
			m.key, m.gen = key, gen
			select {
			case ch <- m:
				return true
			case <-ctx.Done():
				return false
			}
		}
		err := readMerged(ctx, b, srcs, func(ls []views.LogLine) bool {
			chunk = append(chunk, ls...)
			if len(chunk) < Batch {
				return true
			}
			ok := send(olderMsg{lines: chunk})
			chunk = nil
			return ok
		})
		if ctx.Err() == nil {
			send(olderMsg{lines: chunk, done: true, err: err})
		}
		return nil
	}
	return tea.Batch(read, p.waitOlder())
}

// waitOlder delivers the next older lines.
func (p *Pane) waitOlder() tea.Cmd {
	ch, done := p.older.ch, p.stream.ctx.Done()
	return func() tea.Msg {
		select {
		case m := <-ch:
			return m
		case <-done:
			return nil
		}
	}
}

// onOlder keeps older lines; at their end it puts them before the log's.
func (p *Pane) onOlder(msg olderMsg) (tea.Cmd, views.Status) {
	o := p.older
	if o == nil {
		return nil, views.Status{}
	}
	o.buf.append(msg.lines)
	if !msg.done {
		p.showOlder()
		return p.waitOlder(), views.Status{}
	}
	o.cancel()
	p.older = nil
	var st views.Status
	if msg.err != nil {
		st = views.Status{Text: "older lines of " + p.name + ": " + msg.err.Error(), Err: true}
		_ = o.buf.close()
	} else {
		p.View.prepend(o.buf, o.top, o.up)
	}
	p.showOlder()
	return nil, st
}

// readMerged reads the logs of srcs (up to each one's until, when set) and hands out their
// lines, oldest first across them, with each source's prefix; out returning false stops it.
func readMerged(ctx context.Context, b Backend, srcs []olderSource, out func([]views.LogLine) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type part struct {
		lines []views.LogLine
		err   error
		end   bool
	}
	chans := make([]chan part, len(srcs))
	for i, s := range srcs {
		ch := make(chan part, 2)
		chans[i] = ch
		go func() {
			put := func(pt part) bool {
				select {
				case ch <- pt:
					return true
				case <-ctx.Done():
					return false
				}
			}
			drop := tailDrop{until: s.until, skip: s.skip}
			opts := docker.LogOptions{Timestamps: true, Until: s.until, MaxLine: maxLine}
			err := b.LogBatches(ctx, s.id, opts, func(ls []docker.LogLine) {
				if lines := drop.feed(s.from, ls); len(lines) > 0 {
					put(part{lines: lines})
				}
			})
			put(part{lines: drop.end(), err: err, end: true})
		}()
	}
	if len(srcs) == 1 { // nothing to merge
		for {
			var pt part
			select {
			case pt = <-chans[0]:
			case <-ctx.Done():
				return ctx.Err()
			}
			if len(pt.lines) > 0 && !out(pt.lines) {
				return ctx.Err()
			}
			if pt.end {
				return pt.err
			}
		}
	}
	heads := make([][]views.LogLine, len(srcs))
	ended := make([]bool, len(srcs))
	var errs error
	next := func(i int) bool { // refills heads[i]; false once that source is done
		for len(heads[i]) == 0 && !ended[i] {
			select {
			case pt := <-chans[i]:
				heads[i], ended[i] = pt.lines, pt.end
				if pt.err != nil && errs == nil {
					errs = fmt.Errorf("%s: %w", srcs[i].id, pt.err)
				}
			case <-ctx.Done():
				return false
			}
		}
		return len(heads[i]) > 0
	}
	var batch []views.LogLine
	for {
		best := -1
		for i := range srcs {
			if next(i) && (best < 0 || heads[i][0].Time.Before(heads[best][0].Time)) {
				best = i
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if best < 0 {
			if len(batch) > 0 && !out(batch) {
				return ctx.Err()
			}
			return errs
		}
		batch = append(batch, heads[best][0])
		heads[best] = heads[best][1:]
		if len(batch) >= 1000 {
			if !out(batch) {
				return ctx.Err()
			}
			batch = nil
		}
	}
}

// tailDrop leaves out the last skip lines of time until of what a source's reader reads: the
// pane holds them already.
type tailDrop struct {
	until time.Time
	skip  int
	held  []views.LogLine
}

// feed takes a batch and hands back the lines that are surely not held.
func (d *tailDrop) feed(from string, ls []docker.LogLine) []views.LogLine {
	out := make([]views.LogLine, 0, len(ls))
	for _, l := range ls {
		vl := views.LogLine{LogLine: l, From: from}
		if !d.until.IsZero() && l.Time.Equal(d.until) {
			d.held = append(d.held, vl)
			continue
		}
		out = append(out, d.held...)
		d.held = d.held[:0]
		out = append(out, vl)
	}
	return out
}

// end hands back the held lines that the pane does not hold.
func (d *tailDrop) end() []views.LogLine {
	return d.held[:max(len(d.held)-d.skip, 0)]
}
