package pods

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// openError opens in full what is wrong where the cursor is: the workspace's load error, or
// the selected pod's (its file does not load) and the workspace's warnings.
func (m Model) openError() (Model, tea.Cmd) {
	var msg common.ShowTextMsg
	switch r, ok := m.Selected(); {
	case m.ws == nil && m.loadErr != nil:
		msg = common.ShowTextMsg{Title: "Error", Origin: "Pods", Text: m.loadErr.Error()}
	case ok && r.Pod != nil && r.Pod.Err != nil:
		msg = common.ShowTextMsg{Title: "Error", Origin: "Pods " + r.Pod.Name, Text: r.Pod.Err.Error()}
	case m.ws != nil && len(m.ws.Warnings) > 0:
		msg = common.ShowTextMsg{Title: "Warnings", Origin: "Pods", Text: strings.Join(m.ws.Warnings, "\n\n")}
	default:
		m.status = views.Status{Text: "no error here"}
		return m, nil
	}
	return m, func() tea.Msg { return msg }
}
