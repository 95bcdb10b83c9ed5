package deploys

import (
	"github.com/podiumdev/podium/model/list"

	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// markKey handles marking, and restart and pause-resume while services are marked: they then
// apply to the marked services instead of the selection. ok is false for any other action.
func (m Model) markKey(a keymap.Action) (Model, tea.Cmd, bool) {
	if st, ok := m.list.MarkOrClear(a, m.Keys, m.Context(), keymap.Restart, keymap.PauseResume); ok {
		m.status = st
		return m, m.syncLogs(), true
	}
	switch {
	case m.list.Marking() && a == keymap.Restart:
		names := m.markedIdle()
		if len(names) == 0 {
			m.status = views.Status{Text: "every marked service is busy", Err: true}
			return m, nil, true
		}
		m.confirm = &deployConfirm{action: a, name: views.Plural(len(names), "service"), names: names,
			detail: "Each one's containers are replaced as in a deploy, in its deploy order."}
		return m, nil, true
	case m.list.Marking() && a == keymap.PauseResume:
		m, cmd := m.pauseMarked()
		return m, cmd, true
	}
	return m, nil, false
}

// markedIdle is the names of the marked services with no call running on them.
func (m Model) markedIdle() []string {
	var names []string
	for _, s := range m.list.Marked() {
		if m.busy[s.Name] == "" {
			names = append(names, s.Name)
		}
	}
	return names
}

// restartMarked redeploys the services the user said yes to, each as its own call, and
// clears the marks.
func (m Model) restartMarked(names []string) (Model, tea.Cmd) {
	var cmds []tea.Cmd
	var started []string
	for _, name := range names {
		if m.busy[name] != "" {
			continue // it became busy while the dialog was up
		}
		var cmd tea.Cmd
		m, cmd = m.call(keymap.Restart, name, false, 0)
		cmds = append(cmds, cmd)
		started = append(started, name)
	}
	if len(started) == 0 {
		m.status = views.Status{Text: "every marked service is busy", Err: true}
		return m, nil
	}
	m.list.ClearMarks()
	m.status = views.Status{Text: fmt.Sprintf("restarting %s (%s)…", views.Plural(len(started), "service"), list.SomeNames(started))}
	return m, tea.Batch(cmds...)
}

// pauseMarked pauses every marked service, or, when all of them are paused, resumes them: one
// press never pauses some and resumes others.
func (m Model) pauseMarked() (Model, tea.Cmd) {
	marked := m.list.Marked()
	pause := false
	for _, s := range marked {
		pause = pause || !s.Paused
	}
	var cmds []tea.Cmd
	var names []string
	for _, s := range marked {
		if s.Paused == pause || m.busy[s.Name] != "" {
			continue
		}
		var cmd tea.Cmd
		m, cmd = m.call(keymap.PauseResume, s.Name, pause, 0)
		cmds = append(cmds, cmd)
		names = append(names, s.Name)
	}
	if len(cmds) == 0 {
		m.status = views.Status{Text: "every marked service is busy", Err: true}
		return m, nil
	}
	verb := "resuming"
	if pause {
		verb = "pausing"
	}
	m.list.ClearMarks()
	m.status = views.Status{Text: fmt.Sprintf("%s %s (%s)…", verb, views.Plural(len(names), "service"), list.SomeNames(names))}
	return m, tea.Batch(cmds...)
}
