package deploys

import (
	"github.com/podiumdev/podium/model/list"

	"fmt"
	"strings"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// View draws the tab: the services, the selected one's detail and logs, the footer, and the
// confirm dialog over them when one is open; or, without a supervisor, what to do about it.
func (m Model) View() string {
	n := &m.list
	if n.Width <= 0 || n.Height <= 0 {
		return ""
	}
	if m.db == nil {
		// Only the global keys do anything here.
		footer := views.Footer(m.Theme, m.Keys.Hints(keymap.CtxGlobal), m.status, n.Width)
		return views.TextPane(m.Theme, "Deploys", m.noSupervisor(), n.Width, n.Height-1, true) + "\n" + footer
	}
	p := m.panes()
	rows := views.DeployList(m.Theme, views.DeployListData{
		Services: n.Rows, Cursor: n.Cursor, Offset: n.Top, Focused: n.Focus == list.FocusList,
		Now: m.Now(), Filter: n.Filter, Total: len(m.services), Busy: m.busy, Marked: n.MarkedRows(),
		Unconfirmed: !m.trusted(),
	}, p.ListWidth, p.ListHeight)
	var lower []string
	if p.detail > 0 {
		lower = append(lower, views.DeployDetail(m.Theme, m.detailData(), p.LogsWidth, p.detail))
	}
	if p.logs > 0 {
		ld := m.logs.Data(n.Focus == list.FocusLogs)
		if len(lower) == 0 { // the sub-tab bar goes in the logs' rule
			ld.Reserve = views.LogsTabsReserve(m.Theme, ld, m.detail.tabs.Bar())
		}
		lower = append(lower, views.LogsPane(m.Theme, ld, p.LogsWidth, p.logs))
	}
	below := m.detailView(strings.Join(lower, "\n"), p.LogsWidth, p.LogsHeight, n.Focus == list.FocusLogs)
	var footer string
	if n.Editing {
		footer = views.FilterLine(m.Theme, n.Filter, m.Keys.Hints(keymap.CtxFilter), n.Width)
	} else {
		footer = views.Footer(m.Theme, m.Keys.Hints(m.Context()), m.status, n.Width)
	}
	screen := views.Body(m.Theme, p.Layout, rows, below) + "\n" + footer
	if m.confirm != nil {
		q, detail := m.confirm.question()
		box := views.Confirm(m.Theme, q, detail, m.Keys.Hints(keymap.CtxConfirm), n.Width)
		screen = views.Overlay(screen, box, n.Width, n.Height)
	}
	if m.bannerLines() > 0 {
		screen = views.DeployBanner(m.Theme, m.banner(), n.Width) + "\n" + screen
	}
	return screen
}

// noSupervisor explains the empty tab.
func (m Model) noSupervisor() []views.Paragraph {
	containers := "The Containers tab works without one."
	if ks := m.Keys.Keys(keymap.CtxGlobal, keymap.TabContainers); len(ks) > 0 {
		containers = fmt.Sprintf("The Containers tab (%s) works without one.", keymap.KeyName(ks[0]))
	}
	return []views.Paragraph{
		{Text: "No supervisor: add spec files under specs/ in the workspace, or run `podium --remote URL`"},
		{Text: containers, Dim: true},
	}
}
