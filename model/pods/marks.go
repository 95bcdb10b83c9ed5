package pods

import (
	"github.com/podiumdev/podium/model/list"

	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// markKey handles marking, and up, stop and restart while rows are marked: they then apply to
// the marked pods and services instead of the selection. ok is false for any other action.
func (m Model) markKey(a keymap.Action) (Model, tea.Cmd, bool) {
	if st, ok := m.list.MarkOrClear(a, m.Keys, m.Context(), keymap.BringUp, keymap.Stop, keymap.Restart); ok {
		m.status = st
		return m, m.syncLogs(), true
	}
	switch {
	case m.list.Marking() && (a == keymap.BringUp || a == keymap.Stop || a == keymap.Restart):
		m, cmd := m.bulkLifecycle(a)
		return m, cmd, true
	}
	return m, nil, false
}

// bulkLifecycle starts up, stop or restart on every marked pod and service, one operation
// each, through lifecycle on its row: the same checks and calls as the key there. Those it
// refuses (a broken pod, one busy) are skipped and said why.
func (m Model) bulkLifecycle(a keymap.Action) (Model, tea.Cmd) {
	cursor := m.list.Cursor
	var cmds []tea.Cmd
	var started, refused []string
	for _, i := range m.markedTargets() {
		// lifecycle acts on the row under the cursor; the selection itself (by key) stays.
		m.list.Cursor = i
		var cmd tea.Cmd
		m, cmd = m.lifecycle(a)
		if cmd == nil {
			refused = append(refused, m.status.Text)
			continue
		}
		cmds = append(cmds, cmd)
		started = append(started, podTarget(m.list.Rows[i]))
	}
	m.list.Cursor = cursor
	verb := string(a)
	if a == keymap.BringUp {
		verb = "up"
	}
	switch {
	case len(started) == 0:
		m.status = views.Status{Text: strings.Join(refused, "; "), Err: true}
		return m, nil
	case len(refused) > 0:
		m.status = views.Status{Text: fmt.Sprintf("%s %s… (skipped %d: %s)", verb, list.SomeNames(started), len(refused), strings.Join(refused, "; ")), Err: true}
	default:
		m.status = views.Status{Text: fmt.Sprintf("%s %s…", verb, list.SomeNames(started))}
	}
	m.list.ClearMarks()
	return m, tea.Batch(cmds...)
}

// markedTargets are the rows to act on for the marks, one per pod or service: a marked
// container stands for its service, and a service whose pod is marked too goes with its pod.
func (m Model) markedTargets() []int {
	pods := map[string]bool{}
	for _, r := range m.list.Marked() {
		if r.Kind == views.PodLevel {
			pods[r.Pod.Name] = true
		}
	}
	seen := map[string]bool{}
	var out []int
	for i, r := range m.list.Rows {
		t := podTarget(r)
		if !m.list.IsMarked(r.Key()) || seen[t] || (r.Kind != views.PodLevel && pods[r.Pod.Name]) {
			continue
		}
		seen[t] = true
		out = append(out, i)
	}
	return out
}

// podTarget is what up, stop and restart on a row act on: its pod, or its service.
func podTarget(r views.PodTreeRow) string {
	if r.Kind == views.PodLevel {
		return r.Pod.Name
	}
	return r.Pod.Name + "/" + r.Service.Service
}
