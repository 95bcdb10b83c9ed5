package common

import (
	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// Tab is one of the root's tabs. The root holds them in tab-bar order and talks to each only
// through these methods: it never asks which tab one is. Tabs are values: every method that
// changes one returns the changed Tab, so the root's copies stay independent.
type Tab interface {
	// Init starts the tab's watchers and first reads.
	Init() tea.Cmd
	// Update takes a message: the keys (and pastes) when it is on screen, every other message
	// always; a tab takes what is its own and ignores the rest.
	Update(msg tea.Msg) (Tab, tea.Cmd)
	// View draws the tab in its area.
	View() string
	// Close stops the tab's streams and readers, when the program quits.
	Close()

	// Title is the tab's name in the tab bar; Action the key action that selects it.
	Title() string
	Action() keymap.Action
	// Alerts counts what needs a look (failing containers, failed deploys…), for the tab bar.
	Alerts() int
	// Tasks is the tab's work under way, for the footer.
	Tasks() []views.Task
	// Landing says the TUI should land on the tab when it starts (or its first load ends) and
	// the user has not picked one: the first tab in tab-bar order that says so is shown.
	Landing() bool

	// Context is the key context the tab is in, for the root to resolve global keys against.
	Context() keymap.Context
	// HelpContexts are the key contexts of the tab, its panes and its prompts, in the order the
	// help screen shows them (the root adds the global and help keys around them).
	HelpContexts() []keymap.Context
	// Do performs an action of the tab exactly as its key would (the palette runs them so).
	Do(a keymap.Action) (Tab, tea.Cmd)
	// Mouse applies a click or a wheel notch, in the tab's coordinates.
	Mouse(p Pointer) (Tab, tea.Cmd)

	// SetSize gives the tab its area (the screen below the header).
	SetSize(width, height int) (Tab, tea.Cmd)
	// SetShown tells the tab whether it is on screen: some read only then (countdowns, stats).
	SetShown(shown bool) (Tab, tea.Cmd)
	// SetSplit gives the tab the list/detail split, zoom included; Zoomed is its zoom.
	SetSplit(s views.Split) (Tab, tea.Cmd)
	Zoomed() bool
	// SetTheme switches the tab's colours: the terminal told its background.
	SetTheme(t views.Theme) Tab
	// Status is the footer's message (what the last action did, or why it failed): the root
	// lists its errors among the recent ones and lets it expire.
	Status() views.Status
	// ExpireStatus clears the footer's message if it is still st (its time on screen is over).
	ExpireStatus(st views.Status) Tab
	// Draw is View with busy, the footer's text of the app's background work (the root's
	// tasks and every tab's), for the tab on screen.
	Draw(busy string) string
}

// FileErrorer is a tab that reads files: FileErrors are the errors of the files as last loaded
// (a workspace that does not load, a broken pod file), each stamped with that load's time. The
// root lists those newer than the last it took among the recent errors, so an error a file has
// from the first load is there too, not only one a reload put in the footer.
type FileErrorer interface {
	FileErrors() []ErrorMsg
}

// Targeted is a tab that knows the workspace's target, for the header to show.
type Targeted interface {
	Target() string
}
