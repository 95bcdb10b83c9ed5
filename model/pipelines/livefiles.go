package pipelines

import (
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/views"
)

// filesChanged reads the pipeline files again after some changed on disk (paths relative to
// the workspace): the list, each file's parse error, and the run on screen. Runs in progress
// go on with the definition they started with; only what is shown is read again.
func (m Model) filesChanged(paths []string) (Model, tea.Cmd) {
	if m.pb == nil || len(paths) == 0 {
		return m, nil
	}
	m.reloadAll()
	m.status = views.Status{Text: views.ChangedPrefix(paths) + "reloaded the pipeline files"}
	for _, f := range m.files {
		if f.Err != nil && changedFile(paths, f.Path) {
			m.status = views.Status{Text: views.ChangedPrefix(paths) + f.Err.Error(), Err: true}
			break
		}
	}
	if m.run == nil {
		return m, nil
	}
	run, err := m.pb.Load(m.run.Pipeline, m.run.ID)
	if err != nil {
		m.status = views.Status{Text: "load " + m.run.ID + ": " + err.Error(), Err: true}
		return m, nil
	}
	path := m.selectedNode()
	m.run = run
	m.node = max(orderIndex(run.Order, path), 0)
	m.clampTree()
	return m, m.syncOutput()
}

// changedFile says the absolute path is one of the changed workspace-relative paths.
func changedFile(changed []string, path string) bool {
	for _, c := range changed {
		if strings.HasSuffix(filepath.ToSlash(path), "/"+c) {
			return true
		}
	}
	return false
}
