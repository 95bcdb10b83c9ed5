package deploys

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/views"
)

// The Deploys tab's errors in full: a row, the Status pane and the Timeline only have room
// for the start of an engine's message, so E (and enter on the Timeline) opens the whole of
// it, and every failure the supervisor reports goes to the root's recent errors.

// onTimeline says the Timeline sub-tab has the keys.
func (m Model) onTimeline() bool {
	return m.list.Focus == list.FocusLogs && m.detail.tabs.Is(detail.Timeline)
}

// openError opens the selected service's errors and timeline in full (the timeline alone when
// the Timeline sub-tab has the keys).
func (m Model) openError() (Model, tea.Cmd) {
	s, ok := m.Selected()
	if !ok {
		m.status = views.Status{Text: "no service selected", Err: true}
		return m, nil
	}
	msg := common.ShowTextMsg{Title: "Errors and timeline", Origin: "Deploys " + s.Name, Text: serviceStory(s, m.Now(), true)}
	if m.onTimeline() {
		msg.Title, msg.Text = "Timeline", serviceStory(s, m.Now(), false)
	}
	return m, func() tea.Msg { return msg }
}

// serviceStory is a service's errors (with errs) and its timeline, newest first, every
// message whole.
func serviceStory(s supervisor.ServiceStatus, now time.Time, errs bool) string {
	var b strings.Builder
	if errs {
		fmt.Fprintf(&b, "%s: %s", s.Name, s.State)
		if s.Revision > 0 {
			fmt.Fprintf(&b, " · serving r%d", s.Revision)
		}
		if s.Next > 0 {
			fmt.Fprintf(&b, " · deploying r%d", s.Next)
		}
		b.WriteString("\n\n")
		n := 0
		if s.LastError != "" {
			fmt.Fprintf(&b, "last error: %s\n\n", s.LastError)
			n++
		}
		if s.SpecError != "" {
			fmt.Fprintf(&b, "spec error (the running version is kept): %s\n\n", s.SpecError)
			n++
		}
		for i := len(s.History) - 1; i >= 0; i-- {
			if r := s.History[i]; r.Outcome == supervisor.OutcomeFailed && r.Failure != "" && r.Failure != s.LastError {
				fmt.Fprintf(&b, "revision r%d failed: %s\n\n", r.N, r.Failure)
				n++
			}
		}
		if n == 0 {
			b.WriteString("no error\n\n")
		}
		b.WriteString("Timeline, newest first:\n")
	}
	if len(s.Timeline) == 0 {
		b.WriteString("no transitions yet\n")
	}
	for i := len(s.Timeline) - 1; i >= 0; i-- {
		tr := s.Timeline[i]
		at := tr.At.Format(time.TimeOnly)
		if y, m, d := tr.At.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
			at = tr.At.Format(time.DateTime)
		}
		from := string(tr.From)
		if from == "" {
			from = "—"
		}
		rev := ""
		if tr.Revision > 0 {
			rev = fmt.Sprintf(" r%d", tr.Revision)
		}
		fmt.Fprintf(&b, "%s  %s → %s%s  %s\n", at, from, tr.To, rev, tr.Reason)
	}
	return b.String()
}

// reportErrors hands the failures among events to the root's recent errors.
func reportErrors(events []supervisor.Event) tea.Cmd {
	var msgs []common.ErrorMsg
	for _, e := range events {
		name := e.Status.Name
		if name == "" {
			name = e.Service
		}
		var text string
		switch e.Transition.Cause {
		case supervisor.CauseFailure:
			text = e.Status.LastError
			if text == "" {
				text = e.Transition.Reason
			}
		case supervisor.CauseSpecError:
			text = e.Status.SpecError
		}
		if text != "" && name != "" {
			msgs = append(msgs, common.ErrorMsg{At: e.Transition.At, Origin: "Deploys " + name, Text: text})
		}
	}
	cmds := make([]tea.Cmd, len(msgs))
	for i, msg := range msgs {
		cmds[i] = func() tea.Msg { return msg }
	}
	return tea.Batch(cmds...)
}
