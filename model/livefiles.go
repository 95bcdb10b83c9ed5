package model

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/watch"
)

// liveFiles follows the workspace's files while the TUI runs: pods/, config/ and podium.yml
// for the Pods tab, pipelines/ for the Pipelines tab (the supervisor follows specs/ through the
// same hub).
// The watcher runs with the root's context, so quitting stops it; the root reads one batch per
// command and issues the next, so nothing runs while nothing changes.
type liveFiles struct {
	root string         // the workspace; "" watches nothing
	hub  *watch.Hub     // the process's watcher; nil: one of its own
	w    *watch.Watcher // nil until it started
}

// liveFilesMsg is what the watcher's messages have in common, so the root routes them in one
// place.
type liveFilesMsg interface{ fromLiveFiles() }

// filesWatchingMsg says the watcher started over the workspace at root (absolute), or why it
// could not (err).
type filesWatchingMsg struct {
	w    *watch.Watcher
	root string
	err  error
}

// filesChangedMsg carries a batch of changed files, relative to the workspace, by the tab
// they matter to.
type filesChangedMsg struct {
	pods      []string // under pods/ or config/, or podium.yml
	pipelines []string // under pipelines/
}

// filesWatchErrorMsg is a problem the watcher met and went on after (an unreadable file), or,
// stopped, the end of the watcher before the TUI's.
type filesWatchErrorMsg struct {
	err     error
	stopped bool
}

func (filesWatchingMsg) fromLiveFiles()   {}
func (filesChangedMsg) fromLiveFiles()    {}
func (filesWatchErrorMsg) fromLiveFiles() {}

// liveRoots are the workspace's paths the TUI follows, relative to it.
func liveRoots() []string { return []string{"pods", "config", "podium.yml", "pipelines"} }

// start creates the watcher over the roots that exist and runs it until ctx ends.
func (f liveFiles) start(ctx context.Context) tea.Cmd {
	if f.root == "" {
		return nil
	}
	return func() tea.Msg {
		root, err := filepath.Abs(f.root) // the watcher reports absolute paths
		if err != nil {
			return filesWatchingMsg{err: fmt.Errorf("workspace %s: %w", f.root, err)}
		}
		var roots []string
		for _, r := range liveRoots() {
			if _, err := os.Stat(filepath.Join(root, r)); err == nil {
				roots = append(roots, filepath.Join(root, r))
			}
		}
		if len(roots) == 0 {
			return nil
		}
		newWatcher := watch.New
		if f.hub != nil {
			newWatcher = f.hub.Watch
		}
		w, err := newWatcher(roots, watch.Options{})
		if err != nil {
			return filesWatchingMsg{err: fmt.Errorf("watch %s: %w", root, err)}
		}
		go func() { _ = w.Run(ctx) }() // returns when ctx ends, closing its channels
		return filesWatchingMsg{w: w, root: root}
	}
}

// next waits for the watcher's next batch or error. When the watcher ends with the TUI's
// context it says nothing; ending before, it says so.
func (f liveFiles) next(ctx context.Context) tea.Cmd {
	if f.w == nil {
		return nil
	}
	w, root := f.w, f.root
	return func() tea.Msg {
		select {
		case b, ok := <-w.Batches():
			if ok {
				return classify(root, b)
			}
		case err, ok := <-w.Errors():
			if ok {
				return filesWatchErrorMsg{err: err}
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		return filesWatchErrorMsg{err: errors.New("the watcher stopped; ctrl+r still reloads"), stopped: true}
	}
}

// classify sorts a batch's files by the tab they matter to.
func classify(root string, b watch.Batch) filesChangedMsg {
	var msg filesChangedMsg
	for _, c := range b.Changes {
		rel, err := filepath.Rel(root, c.Path)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		switch top, _, _ := strings.Cut(rel, "/"); top {
		case "pods", "config", "podium.yml":
			msg.pods = append(msg.pods, rel)
		case "pipelines":
			msg.pipelines = append(msg.pipelines, rel)
		}
	}
	return msg
}

// onFiles takes the watcher's messages: it keeps the watcher, tells the tabs how following
// the files goes and which changed (each takes its own), and reads on.
func (r Root) onFiles(msg liveFilesMsg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case filesWatchingMsg:
		if msg.err != nil {
			return r, r.broadcast(common.FilesWatchMsg{Err: msg.err})
		}
		r.files.w, r.files.root = msg.w, msg.root
		cmd := r.broadcast(common.FilesWatchMsg{Watching: true})
		return r, tea.Batch(r.files.next(r.ctx), cmd)
	case filesWatchErrorMsg:
		if msg.stopped {
			r.files.w = nil
			return r, r.broadcast(common.FilesWatchMsg{Err: msg.err})
		}
		cmd := r.broadcast(common.FilesWatchMsg{Watching: r.files.w != nil, Err: msg.err})
		return r, tea.Batch(r.files.next(r.ctx), cmd)
	case filesChangedMsg:
		cmd := r.broadcast(common.FilesChangedMsg{Paths: append(slices.Clip(msg.pods), msg.pipelines...)})
		return r, tea.Batch(r.files.next(r.ctx), cmd)
	}
	return r, nil
}
