package containers

import (
	"context"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/engine"
)

// inspectFetch is one Inspect call under way; a new selection or sub-tab cancels it.
type inspectFetch struct {
	stamp  string
	cancel context.CancelFunc
	read   tea.Cmd // the call, run off the UI loop
}

// containerInspectedMsg carries an inspect's result back to the fetch that asked for it.
type containerInspectedMsg struct {
	fetch  *inspectFetch
	detail docker.ContainerDetail
	err    error
}

// probeWatch follows the health probes of the container on Config: one wait at a time for
// the next exec to end in it (engine.Backend.AwaitExecEnd).
type probeWatch struct {
	id     string
	ctx    context.Context
	cancel context.CancelFunc
	b      engine.Backend
	wait   tea.Cmd // the wait for the next probe, run off the UI loop
}

// probeEndedMsg says execs (health probes) have ended in the watched container: n so far.
type probeEndedMsg struct {
	watch *probeWatch
	n     uint64
	err   error
}

// inspectPane holds the selected container's inspect for the Config and Env sub-tabs: the
// last one read, and the fetch of a newer one; and, while Config shows a running container
// with a health check, the watch on its probes, so that "Last check" follows them.
type inspectPane struct {
	fetch  *inspectFetch
	id     string // the container that detail and err are of
	stamp  string // what detail was read for: the container, its run and its probes (inspectStamp)
	detail *docker.ContainerDetail
	err    error

	watch    *probeWatch
	probesOf string // the container that probes counts the ended probes of
	probes   uint64 // how many of its probes (execs) have ended, as far as the watch knows
}

// inspectStamp names what a read is of: a container's run (a restart or a health change
// reads it again) and, when its probes are followed, how many have ended (a new probe's
// result reads it again, even when the health status stays the same).
func (p *inspectPane) inspectStamp(c docker.Container) string {
	s := c.ID + "/" + c.State + "/" + c.Health + "/" + c.StartedAt.String()
	if p.probesOf == c.ID {
		s += "/" + strconv.FormatUint(p.probes, 10)
	}
	return s
}

// sync reads c's inspect while want is true, unless it was read for this run and these
// probes already; what is on screen stays until the new read arrives (a different
// container's is dropped at once). When want is false a fetch under way is cancelled. While
// probes is true too (Config is on screen) and c is running with a health check, it follows
// c's health probes.
func (p *inspectPane) sync(ctx context.Context, b engine.Backend, c docker.Container, want, probes bool) tea.Cmd {
	follow := p.follow(ctx, b, c, want && probes && c.ID != "" && c.Running() && c.Health != "")
	return tea.Batch(follow, p.read(ctx, b, c, want))
}

// follow starts or stops the watch on c's probes.
func (p *inspectPane) follow(ctx context.Context, b engine.Backend, c docker.Container, want bool) tea.Cmd {
	if want && p.watch != nil && p.watch.id == c.ID {
		return nil
	}
	p.stopWatch()
	if !want {
		return nil
	}
	if p.probesOf != c.ID {
		p.probesOf, p.probes = c.ID, 0
	}
	wctx, cancel := context.WithCancel(ctx)
	w := &probeWatch{id: c.ID, ctx: wctx, cancel: cancel, b: b}
	p.watch = w
	w.wait = p.waitCmd(w)
	return w.wait
}

// waitCmd waits for the next probe of w's container after the ones counted.
func (p *inspectPane) waitCmd(w *probeWatch) tea.Cmd {
	seen := p.probes
	return func() tea.Msg {
		n, err := w.b.AwaitExecEnd(w.ctx, w.id, seen)
		if w.ctx.Err() != nil {
			return nil // stopped: the selection or the sub-tab moved on
		}
		return probeEndedMsg{watch: w, n: n, err: err}
	}
}

// stopWatch cancels the watch on probes, if any.
func (p *inspectPane) stopWatch() {
	if p.watch != nil {
		p.watch.cancel()
		p.watch = nil
	}
}

// onProbeEnded takes a probe count from the watch under way and waits for the next; the new
// count makes the next sync read the container again.
func (p *inspectPane) onProbeEnded(msg probeEndedMsg) tea.Cmd {
	w := msg.watch
	if w != p.watch || w == nil {
		return nil
	}
	if msg.err != nil {
		return nil // the watch stays, idle, so sync does not ask again; Config stays as read
	}
	p.probes = msg.n
	w.wait = p.waitCmd(w)
	return w.wait
}

// read fetches c's inspect unless what is on screen was read for the same stamp.
func (p *inspectPane) read(ctx context.Context, b engine.Backend, c docker.Container, want bool) tea.Cmd {
	stamp := ""
	if want && c.ID != "" {
		stamp = p.inspectStamp(c)
	}
	if p.fetch != nil && p.fetch.stamp == stamp {
		return nil
	}
	p.cancel()
	if stamp == "" || stamp == p.stamp {
		return nil
	}
	if p.id != c.ID {
		p.id, p.detail, p.err = c.ID, nil, nil
	}
	fctx, cancel := context.WithCancel(ctx)
	f := &inspectFetch{stamp: stamp, cancel: cancel}
	p.fetch = f
	id := c.ID
	var shown time.Time // the probe on screen, when a new probe is what this read is for
	if p.id == c.ID && p.detail != nil && p.detail.HealthLast != nil && p.probesOf == c.ID && p.probes > 0 {
		shown = p.detail.HealthLast.End
	}
	f.read = func() tea.Msg {
		d, err := b.Inspect(fctx, id)
		// The engine records a probe's result just after its exec ends: a read that comes
		// first still has the one before. Read again, briefly, until the new one is in.
		for try := 0; err == nil && try < probeReadTries && !shown.IsZero() && d.Running() &&
			d.HealthLast != nil && !d.HealthLast.End.After(shown); try++ {
			select {
			case <-fctx.Done():
			case <-time.After(probeReadDelay):
			}
			if fctx.Err() != nil {
				break
			}
			d, err = b.Inspect(fctx, id)
		}
		if fctx.Err() != nil {
			return nil // cancelled: the selection moved on
		}
		return containerInspectedMsg{fetch: f, detail: d, err: err}
	}
	return f.read
}

// How often, and how far apart, a read for a new probe is repeated until the probe's result
// is in the container's inspect.
const (
	probeReadTries = 10
	probeReadDelay = 30 * time.Millisecond
)

// cancel stops the fetch under way, if any.
func (p *inspectPane) cancel() {
	if p.fetch != nil {
		p.fetch.cancel()
		p.fetch = nil
	}
}

// onInspected takes a fetch's result if it is the one under way.
func (p *inspectPane) onInspected(msg containerInspectedMsg) {
	if msg.fetch != p.fetch || p.fetch == nil {
		return
	}
	p.fetch.cancel()
	p.fetch, p.stamp = nil, msg.fetch.stamp
	if msg.err != nil {
		p.detail, p.err = nil, msg.err
		return
	}
	d := msg.detail
	p.detail, p.err = &d, nil
}
