package deploys

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// Read-only views of the tab's state, for the root's whole-screen tests (goldens, marks,
// the split, log search), which drive the tab through the root and must not reach inside it.

// LogStream is the log stream the tab's pane follows, nil when none: a test hands it lines.
func (m Model) LogStream() *logs.Stream { return m.logs.Stream() }

// Split is the tab's list/detail split, zoom included, as the root last gave it.
func (m Model) Split() views.Split { return m.list.Split }

// MarkCount is the number of marked services.
func (m Model) MarkCount() int { return m.list.MarkCount() }

// DetailTitle is the title of the detail pane's sub-tab on screen (Status, Timeline, …).
func (m Model) DetailTitle() string { return m.detail.tabs.Current().Title() }

// SpecRead is the read of the selected service's spec file under way (the Spec sub-tab),
// nil when none: run off the UI loop, its message goes back to the tab.
func (m Model) SpecRead() tea.Cmd {
	if f := m.detail.spec.fetch; f != nil {
		return f.read
	}
	return nil
}
