package pods

import (
	"github.com/podiumdev/podium/model/list"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// Read-only views of the tab's state, for the root's whole-screen tests (goldens, marks,
// the split, log search, the files watcher), which drive the tab through the root and must not
// reach inside it. The tab's own tests (in this package) read its fields.

// LogStream is the log stream the tab's pane follows, nil when none: a test hands it lines.
func (m Model) LogStream() *logs.Stream { return m.logs.Stream() }

// Split is the tab's list/detail split, zoom included, as the root last gave it.
func (m Model) Split() views.Split { return m.list.Split }

// ListFocused says the keys go to the tree (not to the detail beside it).
func (m Model) ListFocused() bool { return m.list.Focus == list.FocusList }

// MarkCount is the number of marked rows.
func (m Model) MarkCount() int { return m.list.MarkCount() }

// DetailTitle is the title of the detail pane's sub-tab on screen (Logs, Diff, Config, Env).
func (m Model) DetailTitle() string { return m.detail.tabs.Current().Title() }

// Watching says the workspace's files are followed (the root's watcher told the tab so).
func (m Model) Watching() bool { return m.watching }
