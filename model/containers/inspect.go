package containers

import (
	"context"

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

// inspectPane holds the selected container's inspect for the Config and Env sub-tabs: the
// last one read, and the fetch of a newer one.
type inspectPane struct {
	fetch  *inspectFetch
	id     string // the container that detail and err are of
	stamp  string // what detail was read for: the container and its run (inspectStamp)
	detail *docker.ContainerDetail
	err    error
}

// inspectStamp names a container's run: a restart or a health change reads it again.
func inspectStamp(c docker.Container) string {
	return c.ID + "/" + c.State + "/" + c.Health + "/" + c.StartedAt.String()
}

// sync reads c's inspect while want is true, unless it was read for this run already; what
// is on screen stays until the new read arrives (a different container's is dropped at once).
// When want is false a fetch under way is cancelled.
func (p *inspectPane) sync(ctx context.Context, b engine.Backend, c docker.Container, want bool) tea.Cmd {
	stamp := ""
	if want && c.ID != "" {
		stamp = inspectStamp(c)
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
	f.read = func() tea.Msg {
		d, err := b.Inspect(fctx, id)
		if fctx.Err() != nil {
			return nil // cancelled: the selection moved on
		}
		return containerInspectedMsg{fetch: f, detail: d, err: err}
	}
	return f.read
}

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
