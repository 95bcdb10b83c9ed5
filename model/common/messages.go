package common

import (
	"slices"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// ContainersChangedMsg says the container index changed; it carries the new state. The root
// hands it to every tab: Containers follows the index, the others show its containers.
type ContainersChangedMsg struct {
	Snap docker.Snapshot
}

// FilesWatchMsg says how following the workspace's files goes: Watching while the watcher
// runs; Err a problem it met (Watching false: it stopped, or never started).
type FilesWatchMsg struct {
	Watching bool
	Err      error
}

// FilesChangedMsg carries a batch of the workspace's changed files, relative to it, with
// forward slashes; each tab takes those under its own roots.
type FilesChangedMsg struct {
	Paths []string
}

// Settler is a message that settles where the TUI lands (the workspace's first load): on it,
// when the user has not picked a tab, the root shows the first that wants to be landed on.
type Settler interface {
	Settles() bool
}

// Under is the changed files whose first path element is one of tops ("pods", "podium.yml"),
// in the batch's order; nil for none.
func (m FilesChangedMsg) Under(tops ...string) []string {
	var out []string
	for _, p := range m.Paths {
		top, _, _ := strings.Cut(p, "/")
		if slices.Contains(tops, top) {
			out = append(out, p)
		}
	}
	return out
}

// ErrorMsg says a tab met an error worth keeping (a deploy failed, a run failed): the root
// lists it among the recent errors (`!`), whole. Errors a tab shows in its footer are listed
// without one.
type ErrorMsg struct {
	At     time.Time
	Origin string // where: the tab, and what in it ("Deploys api")
	Text   string // all of it
}

// ShowTextMsg asks the root to open a text in full, over the tab: an error, a timeline. It is
// wrapped to the screen, scrolls, and copies to the clipboard.
type ShowTextMsg struct {
	Title  string // "Error", "Timeline"
	Origin string
	At     time.Time // when it happened, if it is one error
	Text   string
}
