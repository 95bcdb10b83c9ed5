package pods

import (
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// brokenPods are the errors of a workspace's pods whose files do not load, stamped at.
func brokenPods(ws *pods.Workspace, at time.Time) []common.ErrorMsg {
	var out []common.ErrorMsg
	for _, p := range ws.Pods {
		if p.Err != nil {
			out = append(out, common.ErrorMsg{At: at, Origin: "Pods " + p.Name, Text: p.Err.Error()})
		}
	}
	return out
}

// FileErrors are the last load's errors: the workspace's, or its broken pods'.
func (m Model) FileErrors() []common.ErrorMsg { return m.fileErrs }

// openError opens in full what is wrong where the cursor is: the workspace's load error, or
// the selected pod's (its file does not load) and the workspace's warnings.
func (m Model) openError() (Model, tea.Cmd) {
	var msg common.ShowTextMsg
	switch r, ok := m.Selected(); {
	case m.ws == nil && m.loadErr != nil:
		msg = common.ShowTextMsg{Title: "Error", Origin: "Pods", Text: m.loadErr.Error()}
	case ok && r.Pod != nil && r.Pod.Err != nil:
		msg = common.ShowTextMsg{Title: "Error", Origin: "Pods " + r.Pod.Name, Text: r.Pod.Err.Error()}
	case m.ws != nil && len(allWarnings(m.ws)) > 0:
		msg = common.ShowTextMsg{Title: "Warnings", Origin: "Pods", Text: strings.Join(allWarnings(m.ws), "\n\n")}
	default:
		m.status = views.Status{Text: "no error here"}
		return m, nil
	}
	return m, func() tea.Msg { return msg }
}

// allWarnings are the workspace's warnings, then each pod's (an unset variable, say).
func allWarnings(ws *pods.Workspace) []string {
	out := slices.Clone(ws.Warnings)
	for _, p := range ws.Pods {
		out = append(out, p.Warnings...)
	}
	return out
}
