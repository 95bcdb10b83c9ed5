package containers

import (
	"github.com/podiumdev/podium/model/list"

	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/secret"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/views"
)

// containerDetail is the Containers tab's detail pane beyond its logs: the sub-tabs, and the
// selected container's inspect (Config, Env) and stats, each read only while it is on screen.
type containerDetail struct {
	tabs    detail.Tabs
	shown   bool // the tab is on screen
	inspect inspectPane
	stats   statsPane
}

// setShown tells the tab whether it is on screen: its stats stream only then.
func (m *Model) setShown(shown bool) tea.Cmd {
	m.detail.shown = shown
	return m.syncDetail()
}

// syncDetail reads what the sub-tab on screen shows of the selection (its inspect, its stats),
// and stops reading what it no longer shows. It runs after every message, so a new selection,
// a sub-tab change or a restart is followed at once; it does nothing when nothing changed.
func (m *Model) syncDetail() tea.Cmd {
	c, _ := m.Selected()
	d := &m.detail
	return tea.Batch(
		d.inspect.sync(m.Ctx, m.b, c, d.shown && d.tabs.Is(detail.Config, detail.Env), d.tabs.Is(detail.Config)),
		d.stats.sync(m.Ctx, m.b, c, d.shown && d.tabs.Is(detail.Stats)),
	)
}

// detailMsg takes the detail pane's own messages; false for any other.
func (m *Model) detailMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case containerInspectedMsg:
		m.detail.inspect.onInspected(msg)
		return nil, true
	case probeEndedMsg:
		return m.detail.inspect.onProbeEnded(msg), true
	case statsSampledMsg:
		return m.detail.stats.onSampled(msg), true
	case statsEndedMsg:
		m.detail.stats.onEnded(msg)
		return nil, true
	}
	return nil, false
}

// detailKey switches sub-tabs (from anywhere in the tab) and scrolls a text sub-tab while the
// detail pane has focus; false leaves the key to the list and the logs.
func (m *Model) detailKey(a keymap.Action) (tea.Cmd, bool) {
	if m.detail.tabs.SwitchKey(a) {
		return m.syncDetail(), true
	}
	if m.list.Focus != list.FocusLogs || m.detail.tabs.Is(detail.Logs) {
		return nil, false
	}
	l := m.layout()
	if m.detail.tabs.ScrollKey(a, len(m.detailText(l.LogsWidth, true).Lines), l.LogLines()) {
		return nil, true
	}
	return nil, detail.LogOnly(a)
}

// detailView is the detail pane: logs (the logs pane as drawn) or the text sub-tab on screen,
// with the sub-tab bar in its title rule.
func (m Model) detailView(logs string, width, height int, focused bool) string {
	pane := logs
	if !m.detail.tabs.Is(detail.Logs) {
		pane = views.DetailPane(m.Theme, m.detailText(width, focused), width, height)
	}
	return views.WithTabs(m.Theme, pane, m.detail.tabs.Bar(), width)
}

// detailText is the text sub-tab on screen (Config, Env, Stats) of the selected container.
func (m Model) detailText(width int, focused bool) views.DetailText {
	d := views.DetailText{Top: m.detail.tabs.Top(), Focused: focused}
	c, ok := m.Selected()
	if !ok {
		d.Empty = "no container selected"
		return d
	}
	d.Title = c.Name
	if m.detail.tabs.Is(detail.Stats) {
		return m.statsText(d, c, width)
	}
	in := m.detail.inspect
	switch {
	case in.id == c.ID && in.detail != nil:
		if m.detail.tabs.Is(detail.Env) {
			d.Lines = views.EnvLines(m.Theme, secret.Masker{}, views.EnvFromList(in.detail.Env))
			d.Note = m.Theme.Dim.Render(views.Plural(len(in.detail.Env), "variable"))
			d.Empty = c.Name + " has no environment"
		} else {
			d.Lines = views.ContainerConfigLines(m.Theme, *in.detail, m.Now())
			d.Note = m.Theme.Dim.Render(c.ShortID())
		}
	case in.id == c.ID && in.err != nil:
		d.Err = "inspect: " + in.err.Error()
	default:
		d.Empty = "reading " + c.Name + "…"
	}
	return d
}

// statsText is the Stats sub-tab: the samples so far, and whether more are coming.
func (m Model) statsText(d views.DetailText, c docker.Container, width int) views.DetailText {
	st := m.detail.stats
	if st.id == c.ID {
		d.Lines = views.StatsLines(m.Theme, st.samples, width)
	}
	switch {
	case st.id == c.ID && st.err != "":
		d.Err = "stats: " + st.err
	case st.id == c.ID && st.stream != nil:
		d.Note = m.Theme.OK.Render(m.Theme.G.Running + " live")
		d.Empty = "waiting for the first sample…"
	case !c.Running():
		d.Note = m.Theme.Muted.Render(m.Theme.G.Stopped + " " + c.State)
		d.Empty = fmt.Sprintf("%s is %s: no stats", c.Name, c.State)
	default:
		d.Note = m.Theme.Muted.Render(m.Theme.G.Stopped + " ended")
		d.Empty = "no samples"
	}
	return d
}
