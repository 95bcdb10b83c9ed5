// Package watch tells Podium which files under its spec, pod and pipeline directories changed,
// in debounced batches.
//
// fsnotify is not recursive and editors save in many ways (rename over the target, backup and
// swap files, lock files, Kubernetes' ..data symlink swap), so events are only hints: the
// watcher watches directories (never files), collects the paths events point at, and when the
// tree has been quiet for the debounce window it re-stats and hashes every collected path and
// reports only those whose content changed or that disappeared.
//
// A process has one fsnotify watcher, a Hub, which every consumer subscribes to with its own
// roots, filter and debounce (Hub.Watch), or for a bare signal of changes in a directory
// (Hub.NotifyDir).
package watch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// DefaultDebounce is the quiet time after the last event before a batch is emitted: long
	// enough to cover an editor's multi-step save, short enough to feel immediate.
	DefaultDebounce = 150 * time.Millisecond

	// maxDelayFactor bounds, in debounce windows, how long a steady stream of events (a file
	// rewritten every few milliseconds) may postpone a batch.
	maxDelayFactor = 10

	// eventBuffer lets fsnotify keep draining the kernel queue while the loop adds watches.
	eventBuffer = 256

	// errorBuffer is how many errors wait for a reader before further ones are dropped.
	errorBuffer = 16

	// vimProbe is the first name vim creates to test whether it may write in a directory; it
	// retries with +vimProbeStep while the name exists.
	vimProbe     = 4913
	vimProbeStep = 123
)

// Options tune a Watcher. The zero value watches every file with the default debounce and
// ignored directories.
type Options struct {
	// Debounce is how long the watched trees must be quiet before a batch is emitted; 0 means
	// DefaultDebounce.
	Debounce time.Duration
	// Include selects the files of interest by absolute path; nil means every file. Files given
	// as roots are always included. It is called from several goroutines.
	Include func(path string) bool
	// IgnoreDirs are base-name patterns (filepath.Match) of directories that are not descended
	// into. nil means DefaultIgnoreDirs(); a non-nil empty slice ignores none. Directories whose
	// name starts with ".." (Kubernetes' ..data and ..<timestamp>) are always skipped.
	IgnoreDirs []string
}

// Change is one file whose content differs from the last time it was reported (or from the
// initial scan).
type Change struct {
	Path    string // absolute and clean
	Removed bool   // the file no longer exists
}

// Batch is the set of changes from one quiet period (or several, merged while the reader was
// busy), sorted by path, one entry per path.
type Batch struct {
	Changes []Change
}

// Watcher watches directory trees and files. Create it with New, then call Run.
type Watcher struct {
	src       *sub // its share of the hub's fsnotify watcher
	debounce  time.Duration
	include   func(string) bool
	ignore    []string
	dirRoots  []string
	fileRoots map[string]struct{}

	// batches has room for one batch: a producer that finds it full merges into the waiting
	// batch instead of blocking, so a slow reader gets fewer, larger batches.
	batches chan Batch
	errs    chan error

	// flushMu serializes flushes and deliveries: a timer reset while a flush runs starts a
	// second callback, and two flushes racing would record hashes out of order.
	flushMu  sync.Mutex
	inflight sync.WaitGroup // flushes in progress, waited for before the channels close

	mu           sync.Mutex
	tree         map[string]struct{} // directories watched as part of a recursive root
	watched      map[string]struct{} // every directory added to fsnotify (tree + file roots' parents)
	hashes       map[string][sha256.Size]byte
	pending      map[string]struct{} // files to re-check at the next flush
	pendingDirs  map[string]bool     // directories to re-check: true = whole subtree, false = direct entries
	firstPending time.Time           // when pending last became non-empty, to bound the delay
	timer        *time.Timer         // the one debounce timer, created on first use
	started      bool                // Run was called (or Close, which forbids it)
	stopped      bool                // no more flushes may start

	errMu      sync.Mutex
	errsClosed bool
}

// DefaultIgnoreDirs returns the directories skipped when Options.IgnoreDirs is nil: version
// control metadata, Podium's private state and dependency trees, none of which hold specs.
func DefaultIgnoreDirs() []string {
	return []string{".git", ".hg", ".svn", ".podium", "node_modules"}
}

// Extensions returns an Include filter accepting files with one of the given extensions
// (".yml"), compared without regard to case.
func Extensions(exts ...string) func(path string) bool {
	exts = slices.Clone(exts)
	return func(path string) bool {
		ext := filepath.Ext(path)
		for _, e := range exts {
			if strings.EqualFold(ext, e) {
				return true
			}
		}
		return false
	}
}

// New starts watching roots: each a directory, watched recursively, or a file, watched through
// its parent directory. Every root must exist. The current content of every file of interest is
// recorded, so the first batch reports only what changes after New returns. Events are queued
// until Run is called; call Close instead if Run will not be. The watcher has an fsnotify
// watcher of its own: where one process has several consumers, they share a Hub's (Hub.Watch).
func New(roots []string, opts Options) (*Watcher, error) {
	return newWatcher(NewHub(), true, roots, opts)
}

// newWatcher makes a Watcher over h; own says h is the watcher's alone, closed with it.
func newWatcher(h *Hub, own bool, roots []string, opts Options) (*Watcher, error) {
	if len(roots) == 0 {
		return nil, errors.New("watch: no roots to watch")
	}
	ignore := opts.IgnoreDirs
	if ignore == nil {
		ignore = DefaultIgnoreDirs()
	}
	for _, p := range ignore {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, fmt.Errorf("watch: ignored directory pattern %q: %w", p, err)
		}
	}
	w := &Watcher{
		debounce:    opts.Debounce,
		include:     opts.Include,
		ignore:      slices.Clone(ignore),
		fileRoots:   map[string]struct{}{},
		batches:     make(chan Batch, 1),
		errs:        make(chan error, errorBuffer),
		tree:        map[string]struct{}{},
		watched:     map[string]struct{}{},
		hashes:      map[string][sha256.Size]byte{},
		pending:     map[string]struct{}{},
		pendingDirs: map[string]bool{},
	}
	if w.debounce <= 0 {
		w.debounce = DefaultDebounce
	}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			return nil, fmt.Errorf("watch: root %s: %w", r, err)
		}
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
			return nil, fmt.Errorf("watch: root %s: %w", r, err)
		case fi.IsDir():
			w.dirRoots = append(w.dirRoots, abs)
		case fi.Mode().IsRegular():
			w.fileRoots[abs] = struct{}{}
		default:
			return nil, fmt.Errorf("watch: root %s: not a directory or regular file", r)
		}
	}
	src, err := h.subscribe(true)
	if err != nil {
		if own {
			_ = h.Close()
		}
		return nil, err
	}
	src.own = own
	w.src = src
	if err := w.initial(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// initial adds every watch and records the hash of every file of interest.
func (w *Watcher) initial() error {
	var files []string
	for _, root := range w.dirRoots {
		if err := w.watchTree(root); err != nil {
			return err
		}
		found, err := w.listFiles(root, true)
		if err != nil {
			return err
		}
		files = append(files, found...)
	}
	for f := range w.fileRoots {
		dir := filepath.Dir(f)
		if err := w.src.add(dir); err != nil {
			return fmt.Errorf("watch: watch directory %s: %w", dir, err)
		}
		w.mu.Lock()
		w.watched[dir] = struct{}{}
		w.mu.Unlock()
		files = append(files, f)
	}
	for _, f := range files {
		sum, ok, err := hashFile(f)
		if err != nil {
			w.report(err) // unreadable now: it will be reported once it can be read
			continue
		}
		if ok {
			w.mu.Lock()
			w.hashes[f] = sum
			w.mu.Unlock()
		}
	}
	return nil
}

// Batches delivers the changes. It is closed when Run returns.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers problems that did not stop the watcher (an unreadable file, a directory that
// could not be watched). Errors nobody reads are dropped once the buffer is full. It is closed
// when Run returns.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Run processes events until ctx is cancelled or Close is called, then releases everything and
// closes Batches and Errors. It returns nil on cancellation; it may be called only once.
func (w *Watcher) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.started {
		w.mu.Unlock()
		return errors.New("watch: Run called twice or after Close")
	}
	w.started = true
	w.mu.Unlock()
	defer w.shutdown()
	done, stop := w.src.ended()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			return nil
		case <-stop:
			return nil
		case ev := <-w.src.events:
			w.handle(ev)
		case err := <-w.src.errs:
			w.handleError(err)
		case <-w.src.lost:
			w.handleError(fsnotify.ErrEventOverflow)
		}
	}
}

// Close stops watching. It is needed only when Run is never called; Run returns if it is
// running. It is safe to call more than once.
func (w *Watcher) Close() error {
	w.mu.Lock()
	notRun := !w.started
	w.started = true
	w.mu.Unlock()
	if notRun {
		w.shutdown()
		return nil
	}
	w.src.close() // Run sees its share end and shuts down
	return nil
}

// shutdown stops the timer, waits for a flush in progress and closes everything, so that no
// goroutine outlives Run and nothing is sent on a closed channel.
func (w *Watcher) shutdown() {
	w.mu.Lock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	w.inflight.Wait()
	w.src.close()
	close(w.batches)
	w.closeErrors()
}

// handle turns one fsnotify event into paths to re-check. It never reads file contents: that
// waits for the flush, when the editor has finished.
func (w *Watcher) handle(ev fsnotify.Event) {
	if ev.Op&^fsnotify.Chmod == 0 {
		return // permission or timestamp change: the content is the same
	}
	p := filepath.Clean(ev.Name)
	dir, base := filepath.Dir(p), filepath.Base(p)
	if editorTemp(base) {
		return
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if w.dropDir(p) {
			return
		}
	}
	if strings.HasPrefix(base, "..") {
		// A Kubernetes ConfigMap swaps the ..data symlink; no event names the files behind it,
		// so re-check every file of interest in the directory.
		w.mu.Lock()
		if _, ok := w.watched[dir]; ok {
			w.markDirLocked(dir, false)
			w.scheduleLocked()
		}
		w.mu.Unlock()
		return
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			w.addDir(p)
			return
		}
	}
	w.mu.Lock()
	if w.inScopeLocked(p) {
		w.pending[p] = struct{}{}
		w.scheduleLocked()
	}
	w.mu.Unlock()
}

// handleError rescans on overflow, because events were lost; other errors are passed on.
func (w *Watcher) handleError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		w.rescanAll()
		w.mu.Lock()
		w.scheduleLocked()
		w.mu.Unlock()
		return
	}
	w.report(fmt.Errorf("watch: fsnotify: %w", err))
}

// addDir watches a directory created inside a tree, with everything below it. Files written
// before its watch was added raised no event, so the whole subtree is re-checked at the flush.
func (w *Watcher) addDir(p string) {
	w.mu.Lock()
	_, inTree := w.tree[filepath.Dir(p)]
	w.mu.Unlock()
	if !inTree || w.ignoredDir(filepath.Base(p)) {
		return
	}
	if err := w.watchTree(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return // gone again before we got to it
		}
		w.report(err)
	}
	w.mu.Lock()
	w.markDirLocked(p, true)
	w.scheduleLocked()
	w.mu.Unlock()
}

// dropDir forgets a watched directory that was removed or renamed, with every directory below
// it, and re-checks the files known there (they will be reported removed). It reports whether
// p was a watched directory.
func (w *Watcher) dropDir(p string) bool {
	w.mu.Lock()
	if _, ok := w.watched[p]; !ok {
		w.mu.Unlock()
		return false
	}
	var gone []string
	for d := range w.watched {
		if within(d, p) {
			gone = append(gone, d)
			delete(w.watched, d)
			delete(w.tree, d)
		}
	}
	w.markDirLocked(p, true)
	w.scheduleLocked()
	w.mu.Unlock()
	for _, d := range gone {
		// A moved directory keeps its inotify watch under the old name: remove it, or its events
		// would carry stale paths. The kernel may have dropped it already.
		w.src.remove(d)
		if slices.Contains(w.dirRoots, d) {
			w.report(fmt.Errorf("watch: root %s was removed or renamed; no longer watched", d))
		}
		for f := range w.fileRoots {
			if filepath.Dir(f) == d {
				w.report(fmt.Errorf("watch: directory of root %s was removed or renamed; no longer watched", f))
			}
		}
	}
	return true
}

// rescanAll rebuilds the watches from the disk and re-checks every file, for when events were
// lost. It does not start the timer.
func (w *Watcher) rescanAll() {
	for _, root := range w.dirRoots {
		if err := w.watchTree(root); err != nil {
			w.report(err)
		}
	}
	w.mu.Lock()
	var stale []string
	for d := range w.watched {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			stale = append(stale, d)
			delete(w.watched, d)
			delete(w.tree, d)
		}
	}
	for _, root := range w.dirRoots {
		w.markDirLocked(root, true)
	}
	for f := range w.fileRoots {
		w.pending[f] = struct{}{}
	}
	for f := range w.hashes {
		w.pending[f] = struct{}{} // also files under a directory that vanished unseen
	}
	w.mu.Unlock()
	for _, d := range stale {
		w.src.remove(d)
	}
}

// watchTree adds dir and every directory below it, each before it is listed, so that nothing
// created meanwhile falls between the listing and the watch.
func (w *Watcher) watchTree(dir string) error {
	if err := w.src.add(dir); err != nil {
		return fmt.Errorf("watch: watch directory %s: %w", dir, err)
	}
	w.mu.Lock()
	w.tree[dir] = struct{}{}
	w.watched[dir] = struct{}{}
	w.mu.Unlock()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("watch: read directory %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || w.ignoredDir(e.Name()) {
			continue // symlinked directories are not followed: they could loop
		}
		if err := w.watchTree(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// listFiles returns the files of interest in dir, and below it when deep. Symlinks to files
// are included (a ConfigMap's files are symlinks); symlinked directories are not followed.
func (w *Watcher) listFiles(dir string, deep bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("watch: read directory %s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if !deep || w.ignoredDir(e.Name()) {
				continue
			}
			sub, err := w.listFiles(p, true)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				w.report(err)
			}
			files = append(files, sub...)
			continue
		}
		if w.interesting(p) {
			files = append(files, p)
		}
	}
	return files, nil
}

// scheduleLocked (re)starts the debounce timer. w.mu must be held.
func (w *Watcher) scheduleLocked() {
	if w.stopped {
		return
	}
	now := time.Now()
	if w.firstPending.IsZero() {
		w.firstPending = now
	}
	d := w.debounce
	if left := w.firstPending.Add(maxDelayFactor * w.debounce).Sub(now); left < d {
		d = max(left, 0)
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(d, w.fire)
		return
	}
	w.timer.Reset(d)
}

// fire runs when the trees have been quiet: it flushes and delivers.
func (w *Watcher) fire() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	w.inflight.Add(1)
	w.mu.Unlock()
	defer w.inflight.Done()
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	if changes := w.flush(); len(changes) > 0 {
		w.deliver(Batch{Changes: changes})
	}
}

// deliver hands b to the reader without ever blocking: if the previous batch is still unread,
// it takes it back and merges. w.flushMu must be held, which makes this the only sender.
func (w *Watcher) deliver(b Batch) {
	select {
	case old := <-w.batches:
		b = merge(old, b)
	default:
	}
	w.batches <- b // cannot block: the buffer is empty and no one else sends
}

// flush re-checks every pending path and returns, sorted, the files whose content changed
// since it was last recorded or that no longer exist. A file deleted and recreated with the
// same content, or saved unchanged, is not a change. Callers serialize flushes (w.flushMu).
func (w *Watcher) flush() []Change {
	w.mu.Lock()
	cands := w.pending
	dirs := w.pendingDirs
	w.pending = map[string]struct{}{}
	w.pendingDirs = map[string]bool{}
	w.firstPending = time.Time{}
	var lists []string
	deep := map[string]bool{}
	for d, subtree := range dirs {
		for f := range w.hashes {
			if filepath.Dir(f) == d || (subtree && within(f, d)) {
				cands[f] = struct{}{}
			}
		}
		for f := range w.fileRoots {
			if filepath.Dir(f) == d || (subtree && within(f, d)) {
				cands[f] = struct{}{}
			}
		}
		if _, ok := w.tree[d]; ok {
			lists = append(lists, d)
			deep[d] = subtree
		}
	}
	w.mu.Unlock()

	for _, d := range lists {
		found, err := w.listFiles(d, deep[d])
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			w.report(err)
		}
		for _, f := range found {
			cands[f] = struct{}{}
		}
	}

	type state struct {
		sum    [sha256.Size]byte
		exists bool
	}
	now := make(map[string]state, len(cands))
	for p := range cands {
		sum, ok, err := hashFile(p)
		if err != nil {
			w.report(err) // keep the old hash: it is re-checked on its next event
			continue
		}
		now[p] = state{sum, ok}
	}

	var changes []Change
	w.mu.Lock()
	for p, s := range now {
		old, known := w.hashes[p]
		switch {
		case s.exists && (!known || old != s.sum):
			w.hashes[p] = s.sum
			changes = append(changes, Change{Path: p})
		case !s.exists && known:
			delete(w.hashes, p)
			changes = append(changes, Change{Path: p, Removed: true})
		}
	}
	w.mu.Unlock()
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return changes
}

// markDirLocked asks the next flush to re-check a directory; a subtree request wins over a
// shallow one. w.mu must be held.
func (w *Watcher) markDirLocked(d string, subtree bool) {
	w.pendingDirs[d] = w.pendingDirs[d] || subtree
}

// inScopeLocked reports whether an event on path p may concern a file of interest. w.mu must
// be held.
func (w *Watcher) inScopeLocked(p string) bool {
	if _, ok := w.fileRoots[p]; ok {
		return true
	}
	_, inTree := w.tree[filepath.Dir(p)]
	return inTree && w.interesting(p)
}

// interesting reports whether a file in a watched tree is of interest: not an editor's scratch
// file, not Kubernetes' internals, and accepted by the caller's filter.
func (w *Watcher) interesting(p string) bool {
	base := filepath.Base(p)
	if editorTemp(base) || strings.HasPrefix(base, "..") {
		return false
	}
	return w.include == nil || w.include(p)
}

// ignoredDir reports whether a directory named name is left out of the trees.
func (w *Watcher) ignoredDir(name string) bool {
	if strings.HasPrefix(name, "..") {
		return true
	}
	for _, pat := range w.ignore {
		if ok, _ := filepath.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// report passes err to the Errors channel without blocking; it is dropped if nobody reads.
func (w *Watcher) report(err error) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if w.errsClosed {
		return
	}
	select {
	case w.errs <- err:
	default:
	}
}

// closeErrors closes the Errors channel once no report can race with it.
func (w *Watcher) closeErrors() {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if !w.errsClosed {
		w.errsClosed = true
		close(w.errs)
	}
}

// merge combines an unread batch with a newer one; the newer state of a path wins.
func merge(old, b Batch) Batch {
	byPath := make(map[string]Change, len(old.Changes)+len(b.Changes))
	for _, c := range old.Changes {
		byPath[c.Path] = c
	}
	for _, c := range b.Changes {
		byPath[c.Path] = c
	}
	out := Batch{Changes: make([]Change, 0, len(byPath))}
	for _, c := range byPath {
		out.Changes = append(out.Changes, c)
	}
	slices.SortFunc(out.Changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// hashFile returns the sha256 of the file at path, following symlinks. ok is false when no
// regular file is there (missing, a dangling symlink, a directory): for the watcher all mean
// "not a file any more". Anything else is not opened, so a FIFO cannot block the watcher.
func hashFile(path string) (sum [sha256.Size]byte, ok bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sum, false, nil
		}
		return sum, false, fmt.Errorf("watch: stat %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return sum, false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sum, false, nil
		}
		return sum, false, fmt.Errorf("watch: open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, false, fmt.Errorf("watch: read %s: %w", path, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, true, nil
}

// editorTemp reports whether a base name is an editor's scratch file rather than a save:
// vim's write probe (4913, 5036, ...), backups (name~), swap files (.name.swp, .swo, ...,
// .swx), emacs' lock files (.#name) and autosaves (#name#).
func editorTemp(base string) bool {
	switch {
	case strings.HasSuffix(base, "~"),
		strings.HasPrefix(base, ".#"),
		len(base) > 1 && strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"):
		return true
	case strings.HasPrefix(base, ".") && vimSwap(filepath.Ext(base)):
		return true
	}
	n, err := strconv.Atoi(base)
	return err == nil && base[0] != '0' && base[0] != '+' && base[0] != '-' &&
		n >= vimProbe && (n-vimProbe)%vimProbeStep == 0
}

// vimSwap reports whether ext is one of vim's swap extensions: .swp, then .swo down to .swa as
// older swap files exist, and .swx from its directory probe.
func vimSwap(ext string) bool {
	return ext == ".swx" || (len(ext) == 4 && strings.HasPrefix(ext, ".sw") && ext[3] >= 'a' && ext[3] <= 'p')
}

// within reports whether p is dir or lies below it.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}
