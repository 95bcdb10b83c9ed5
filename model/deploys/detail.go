package deploys

import (
	"github.com/podiumdev/podium/model/list"

	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/deployspec"
	"github.com/podiumdev/podium/backend/readlimit"
	"github.com/podiumdev/podium/backend/secret"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/views"
)

// maxSpecBytes bounds what the Spec sub-tab reads of a file: a spec is one small map, and the
// path comes from the supervisor, which may be remote.
const maxSpecBytes = readlimit.MaxSize

// deployDetail is the Deploys tab's detail pane: its sub-tabs (Status, the detail and logs as
// they always were; Timeline; Spec; Logs alone) and the selected service's spec file.
type deployDetail struct {
	tabs detail.Tabs
	spec specPane
}

// specFetch is one read of a spec file under way; a new selection or sub-tab cancels it.
type specFetch struct {
	stamp  string
	ctx    context.Context
	cancel context.CancelFunc
	read   tea.Cmd // the read, run off the UI loop
}

// specReadMsg carries a spec file's text back to the read that asked for it.
type specReadMsg struct {
	fetch *specFetch
	text  string
	err   error
}

// specPane is the text of the selected service's spec file, read while the Spec sub-tab is on
// screen and read again when the service's revision or spec error moves (a saved file).
type specPane struct {
	fetch *specFetch
	name  string // the service whose text and err these are
	stamp string
	text  string
	err   error
}

// specStamp names what a spec read is good for: the file and the revisions made from it.
func specStamp(s supervisor.ServiceStatus) string {
	return fmt.Sprintf("%s %s r%d→r%d %s", s.Name, s.File, s.Revision, s.Next, s.SpecError)
}

// sync reads s's spec file while want is true, unless it was read for this stamp already;
// leaving the sub-tab forgets the stamp, so coming back reads the file anew.
func (p *specPane) sync(ctx context.Context, s supervisor.ServiceStatus, want bool) tea.Cmd {
	stamp := ""
	if want && s.Name != "" {
		stamp = specStamp(s)
	}
	if p.fetch != nil && p.fetch.stamp == stamp {
		return nil
	}
	if p.fetch != nil {
		p.fetch.cancel()
		p.fetch = nil
	}
	if stamp == "" {
		p.stamp = ""
		return nil
	}
	if stamp == p.stamp {
		return nil
	}
	if p.name != s.Name {
		p.name, p.text, p.err = s.Name, "", nil
	}
	f := &specFetch{stamp: stamp}
	f.ctx, f.cancel = context.WithCancel(ctx)
	name, file := s.Name, s.File
	f.read = func() tea.Msg {
		text, err := readSpec(name, file)
		if f.ctx.Err() != nil {
			return nil // the selection moved on
		}
		return specReadMsg{fetch: f, text: text, err: err}
	}
	p.fetch = f
	return f.read
}

// readSpec reads a spec file as written, up to maxSpecBytes, with its secret env values masked
// (secret.Masker.MaskText, by the entries the file parses to; a file that does not parse is
// shown as written).
func readSpec(name, file string) (string, error) {
	if file == "" {
		return "", errors.New("the supervisor names no spec file")
	}
	data, err := readlimit.ReadFileLimit(file, maxSpecBytes)
	if err != nil {
		return "", fmt.Errorf("read spec: %w", err) // the error names the file
	}
	spec, err := deployspec.Parse(name, file, data)
	if err != nil {
		return string(data), nil // the Status pane says what is wrong with the file
	}
	return secret.Masker{}.MaskText(string(data), spec.Create.Env), nil
}

// onRead takes a read's result if it is the one under way.
func (p *specPane) onRead(msg specReadMsg) {
	if msg.fetch != p.fetch || p.fetch == nil {
		return
	}
	p.fetch.cancel()
	p.fetch, p.stamp, p.text, p.err = nil, msg.fetch.stamp, msg.text, msg.err
}

// syncDetail reads the selected service's spec while the Spec sub-tab is on screen.
func (m *Model) syncDetail() tea.Cmd {
	s, _ := m.Selected()
	return m.detail.spec.sync(m.Ctx, s, m.detail.tabs.Is(detail.Spec))
}

// detailPanes is how the sub-tabs other than Status use the area under the list: all of it,
// for the logs alone or for a text; false for Status, which divides it as panes says.
func (m Model) detailPanes(l views.Layout) (deployPanes, bool) {
	switch m.detail.tabs.Current() {
	case detail.Logs:
		return deployPanes{Layout: l, logs: l.LogsHeight}, true
	case detail.Timeline, detail.Spec:
		return deployPanes{Layout: l, detail: l.LogsHeight}, true
	}
	return deployPanes{}, false
}

// detailKey switches sub-tabs (from anywhere in the tab) and scrolls Timeline and Spec while
// the detail pane has focus; false leaves the key to the list, the detail and the logs.
func (m *Model) detailKey(a keymap.Action) (tea.Cmd, bool) {
	if m.detail.tabs.SwitchKey(a) {
		return tea.Batch(m.syncLogs(), m.syncDetail()), true
	}
	if m.list.Focus != list.FocusLogs || !m.detail.tabs.Is(detail.Timeline, detail.Spec) {
		return nil, false
	}
	p := m.panes()
	if m.detail.tabs.ScrollKey(a, len(m.detailText(p.LogsWidth, true).Lines), max(p.detail-1, 0)) {
		return nil, true
	}
	return nil, detail.LogOnly(a)
}

// detailView is the pane under the list: what the tab drew for Status and Logs, or the text
// of Timeline and Spec, with the sub-tab bar in the first title rule.
func (m Model) detailView(lower string, width, height int, focused bool) string {
	pane := lower
	if m.detail.tabs.Is(detail.Timeline, detail.Spec) {
		pane = views.DetailPane(m.Theme, m.detailText(width, focused), width, height)
	}
	return views.WithTabs(m.Theme, pane, m.detail.tabs.Bar(), width)
}

// detailText is the Timeline or the Spec of the selected service.
func (m Model) detailText(width int, focused bool) views.DetailText {
	d := views.DetailText{Top: m.detail.tabs.Top(), Focused: focused}
	s, ok := m.Selected()
	if !ok {
		d.Empty = "no service selected"
		return d
	}
	d.Title = s.Name
	if m.detail.tabs.Is(detail.Timeline) {
		d.Lines = views.DeployTimelineLines(m.Theme, s, m.Now(), width)
		d.Note = m.Theme.Dim.Render(views.Plural(len(s.Timeline), "transition"))
		d.Empty = s.Name + " has no transitions yet"
		return d
	}
	d.Note = m.Theme.Dim.Render(views.Clean(s.File, 200))
	sp := m.detail.spec
	switch {
	case sp.name != s.Name:
		d.Empty = "reading " + s.File + "…"
	case sp.err != nil:
		d.Err = sp.err.Error()
	default:
		d.Lines = views.FileLines(m.Theme, sp.text)
		d.Empty = s.File + " is empty"
		if sp.fetch != nil && sp.text == "" {
			d.Empty = "reading " + s.File + "…"
		}
	}
	return d
}
