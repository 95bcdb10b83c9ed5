package common

import (
	"slices"
	"strings"

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
