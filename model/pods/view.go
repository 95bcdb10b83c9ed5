package pods

import (
	"github.com/podiumdev/podium/model/list"

	"errors"
	"fmt"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// View draws the tab: the pods tree, the selection's logs (or a broken pod's error), and the
// footer; or, without a workspace, what to do about it.
func (m Model) View() string {
	n := &m.list
	if n.Width <= 0 || n.Height <= 0 {
		return ""
	}
	footer := m.footer()
	if m.ws == nil {
		// Only the global keys do anything here.
		footer = views.Footer(m.Theme, m.Keys.Hints(keymap.CtxGlobal), m.status, n.Width)
		return views.TextPane(m.Theme, "Pods", m.noWorkspace(), n.Width, n.Height-1, true) + "\n" + footer
	}
	l := m.layout()
	rows := views.PodList(m.Theme, views.PodListData{
		Rows: n.Rows, Cursor: n.Cursor, Offset: n.Top, Focused: n.Focus == list.FocusList,
		Now: m.Now(), Filter: n.Filter, Total: len(m.ws.Pods), Busy: m.busy(), Marked: n.MarkedRows(),
		Unknown: m.snap.Status.State != docker.Connected,
	}, l.ListWidth, l.ListHeight)
	var lower string
	// A broken pod's own row shows its error; its containers' rows (they still run) their logs.
	if r, ok := m.Selected(); ok && r.Pod.Err != nil && r.Kind == views.PodLevel {
		lower = views.TextPane(m.Theme, "Pod "+r.Pod.Name+m.Theme.G.Sep+"broken", []views.Paragraph{
			{Text: "files: " + pods.RelFiles(m.ws.Root, r.Pod.Files), Dim: true},
			{Text: r.Pod.Err.Error(), Bad: true},
			{Text: m.fixHint(), Dim: true},
		}, l.LogsWidth, l.LogsHeight, n.Focus == list.FocusLogs)
	} else {
		ld := m.logs.Data(n.Focus == list.FocusLogs)
		ld.Reserve = views.LogsTabsReserve(m.Theme, ld, m.detail.tabs.Bar())
		lower = views.LogsPane(m.Theme, ld, l.LogsWidth, l.LogsHeight)
	}
	lower = m.detailView(lower, l.LogsWidth, l.LogsHeight, n.Focus == list.FocusLogs)
	screen := views.Body(m.Theme, l, rows, lower) + "\n" + footer
	if m.confirm != nil {
		box := views.Confirm(m.Theme, m.confirm.question, m.confirm.detail, m.Keys.Hints(keymap.CtxConfirm), n.Width)
		screen = views.Overlay(screen, box, n.Width, n.Height)
	}
	return screen
}

func (m Model) footer() string {
	switch {
	case m.prompt != nil:
		return views.PromptLine(m.Theme, m.prompt.label()+":", m.prompt.text, m.Keys.Hints(keymap.CtxPrompt), m.list.Width)
	case m.list.Editing:
		return views.FilterLine(m.Theme, m.list.Filter, m.Keys.Hints(keymap.CtxFilter), m.list.Width)
	}
	return views.Footer(m.Theme, m.Keys.Hints(m.Context()), m.status, m.list.Width)
}

// noWorkspace explains the empty tab: still loading, no workspace here, or a load that failed.
func (m Model) noWorkspace() []views.Paragraph {
	if m.loading {
		return []views.Paragraph{{Text: "Loading the workspace…", Dim: true}}
	}
	dir := m.where
	if dir == "" {
		dir = "this directory"
	}
	containers := "The Containers tab works without one."
	if ks := m.Keys.Keys(keymap.CtxGlobal, keymap.TabContainers); len(ks) > 0 {
		containers = fmt.Sprintf("The Containers tab (%s) works without one.", keymap.KeyName(ks[0]))
	}
	var none *pods.NoPodsError
	switch {
	case m.pb != nil && m.loadErr != nil && errors.As(m.loadErr, &none):
		dir = none.Dir
	case m.pb != nil && m.loadErr != nil:
		return []views.Paragraph{
			{Text: "Could not load the workspace in " + dir + ":"},
			{Text: m.loadErr.Error(), Bad: true},
			{Text: "Fix it, then " + m.keyName(keymap.Reload) + " reloads the workspace. " + containers, Dim: true},
		}
	}
	return []views.Paragraph{
		{Text: "No Podium workspace in " + dir + ": create one with `podium new NAME`, or start podium with -w DIR"},
		{Text: containers, Dim: true},
	}
}
