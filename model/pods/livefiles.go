package pods

import (
	"path/filepath"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// filesChanged reloads the workspace after files under pods/, config/ or podium.yml changed
// (paths relative to the workspace). A load under way finishes first, and another follows it,
// so the last state of the files is always the one loaded.
func (m Model) filesChanged(paths []string) (Model, tea.Cmd) {
	if m.pb == nil || len(paths) == 0 {
		return m, nil
	}
	m.changed = mergePaths(m.changed, paths)
	if m.loading {
		m.reloadDue = true
		return m, nil
	}
	return m.reloadChanged()
}

// reloadChanged loads the workspace again for the files changed so far.
func (m Model) reloadChanged() (Model, tea.Cmd) {
	m.loading, m.reloadDue = true, false
	m.status = views.Status{Text: views.ChangedPrefix(m.changed) + "reloading the workspace…"}
	cmd := m.load(true)
	m.changed = nil
	return m, cmd
}

// afterLoad follows a load: with files changed during it, the next load; else, after a reload
// that files caused, what changed, and with --watch the apply. A failed reload or a broken pod
// changes nothing that runs.
func (m Model) afterLoad(msg workspaceLoadedMsg, cmd tea.Cmd) (Model, tea.Cmd) {
	if m.reloadDue {
		var next tea.Cmd
		m, next = m.reloadChanged()
		return m, tea.Batch(cmd, next)
	}
	if len(msg.changed) == 0 || msg.err != nil {
		return m, cmd
	}
	m.status = m.changedStatus(msg.changed)
	m.showDiff()
	if !m.autoApply {
		return m, cmd
	}
	var apply tea.Cmd
	m, apply = m.apply(true)
	return m, tea.Batch(cmd, apply)
}

// changedStatus says what a reload after a file change found: a pod whose file broke (its
// containers are kept), else the workspace and how many services drifted.
func (m Model) changedStatus(changed []string) views.Status {
	prefix := views.ChangedPrefix(changed)
	for _, p := range m.ws.Pods {
		if p.Err == nil {
			continue
		}
		for _, f := range p.Files {
			if rel, err := filepath.Rel(m.ws.Root, f); err == nil && slices.Contains(changed, filepath.ToSlash(rel)) {
				return views.Status{Text: prefix + "pod " + p.Name + " is broken, its containers are kept: " + views.PodError(p), Err: true}
			}
		}
	}
	text := prefix + reloadedText(m.ws)
	if n := len(pods.ApplyTargets(m.states)); n > 0 && !m.autoApply {
		text += "; " + views.Plural(n, "drifted service") + ": " + m.keyName(keymap.Apply) + " applies"
	}
	return views.Status{Text: text}
}

// mergePaths adds paths to a sorted set, in a new slice.
func mergePaths(set, paths []string) []string {
	out := slices.Clone(set)
	for _, p := range paths {
		if i, found := slices.BinarySearch(out, p); !found {
			out = slices.Insert(out, i, p)
		}
	}
	return out
}

// fixHint says how a fixed pod file gets loaded: by saving it while the files are followed.
func (m Model) fixHint() string {
	if m.watching {
		return "Fix the file: saving it reloads the workspace; its containers are kept until then."
	}
	return "Fix the file, then " + m.keyName(keymap.Reload) + " reloads the workspace."
}

// podsRoots are the workspace's paths the Pods tab follows, relative to it.
func podsRoots() []string { return []string{"pods", "config", "podium.yml"} }

// watchFailed is the Pods tab's note that edits may not be followed.
func watchFailed(err error) views.Status {
	return views.Status{Text: "watching the workspace's files: " + err.Error(), Err: true}
}
