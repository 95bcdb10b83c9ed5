package watch

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// Hub is a process's one fsnotify watcher. Every Watcher it makes (Watch) and every directory
// signal (NotifyDir) shares its kernel watch, each with its own directories, filter and
// debounce: the TUI's files, the supervisor's spec directories and the pipeline output being
// followed cost one inotify instance, not one each. The zero value is not usable: use NewHub.
type Hub struct {
	// addMu serializes adding and removing kernel watches, so a directory one subscriber adds
	// while another drops it stays watched. The event loop never takes it.
	addMu sync.Mutex

	mu     sync.Mutex
	fsw    *fsnotify.Watcher        // nil until the first directory is added
	dirs   map[string]map[*sub]bool // watched directory → the subscribers that asked for it
	subs   map[*sub]bool            // every open subscriber, for errors
	closed bool                     // Close was called: no more subscribers
	stop   chan struct{}            // closed by Close: every subscriber ends
}

// sub is one subscriber's share of the hub: the events of its directories and the hub's
// errors. A Watcher reads events; a directory signal gets a coalesced signal instead.
type sub struct {
	h      *Hub
	events chan fsnotify.Event // nil for a signal
	errs   chan error          // nil for a signal
	lost   chan struct{}       // events were dropped (its buffer was full, or fsnotify's): rescan
	signal chan struct{}       // one pending signal at most; nil for a Watcher
	done   chan struct{}       // closed by close
	own    bool                // the hub is the subscriber's alone (New): close closes it
	once   sync.Once
}

// NewHub makes a hub. It starts fsnotify only when the first directory is watched.
func NewHub() *Hub {
	return &Hub{dirs: map[string]map[*sub]bool{}, subs: map[*sub]bool{}, stop: make(chan struct{})}
}

// Watch starts watching roots as New does, sharing the hub's fsnotify watcher.
func (h *Hub) Watch(roots []string, opts Options) (*Watcher, error) {
	return newWatcher(h, false, roots, opts)
}

// NotifyDir signals on changed after anything happens in dir (one pending signal at most, so
// a slow reader never holds the hub up) or the hub meets an error, until stop is called.
// It suits a reader that re-reads the directory's files itself, such as a follower of a
// growing output file.
func (h *Hub) NotifyDir(dir string) (changed <-chan struct{}, stop func(), err error) {
	s, err := h.subscribe(false)
	if err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		s.close()
		return nil, nil, fmt.Errorf("watch: %s: %w", dir, err)
	}
	if err := s.add(abs); err != nil {
		s.close()
		return nil, nil, err
	}
	return s.signal, s.close, nil
}

// Close stops the fsnotify watcher; every Watcher and signal of the hub ends. It is safe to
// call more than once.
func (h *Hub) Close() error {
	h.addMu.Lock()
	defer h.addMu.Unlock()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	close(h.stop)
	fsw := h.fsw
	h.mu.Unlock()
	if fsw == nil {
		return nil
	}
	return fsw.Close()
}

// subscribe adds a subscriber: a Watcher's (events) or a signal's.
func (h *Hub) subscribe(events bool) (*sub, error) {
	s := &sub{h: h, done: make(chan struct{})}
	if events {
		s.events, s.errs = make(chan fsnotify.Event, eventBuffer), make(chan error, errorBuffer)
		s.lost = make(chan struct{}, 1)
	} else {
		s.signal = make(chan struct{}, 1)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("watch: the hub is closed")
	}
	h.subs[s] = true
	return s, nil
}

// start makes the fsnotify watcher and its loop. h.addMu must be held.
func (h *Hub) start() (*fsnotify.Watcher, error) {
	h.mu.Lock()
	fsw, closed := h.fsw, h.closed
	h.mu.Unlock()
	if closed {
		return nil, errors.New("watch: the hub is closed")
	}
	if fsw != nil {
		return fsw, nil
	}
	fsw, err := fsnotify.NewBufferedWatcher(eventBuffer)
	if err != nil {
		return nil, fmt.Errorf("watch: start fsnotify: %w", err)
	}
	h.mu.Lock()
	h.fsw = fsw
	h.mu.Unlock()
	go h.loop(fsw)
	return fsw, nil
}

// loop hands every event to the subscribers of its directory (an event names an entry of a
// watched directory, or the watched directory itself), and every error to all, until fsw
// closes.
func (h *Hub) loop(fsw *fsnotify.Watcher) {
	for {
		select {
		case ev, ok := <-fsw.Events:
			if !ok {
				return
			}
			p := filepath.Clean(ev.Name)
			h.mu.Lock()
			var to []*sub
			for s := range h.dirs[filepath.Dir(p)] {
				to = append(to, s)
			}
			for s := range h.dirs[p] {
				if !h.dirs[filepath.Dir(p)][s] {
					to = append(to, s)
				}
			}
			h.mu.Unlock()
			for _, s := range to {
				s.event(ev)
			}
		case err, ok := <-fsw.Errors:
			if !ok {
				return
			}
			h.mu.Lock()
			to := make([]*sub, 0, len(h.subs))
			for s := range h.subs {
				to = append(to, s)
			}
			h.mu.Unlock()
			for _, s := range to {
				s.error(err)
			}
		}
	}
}

// event passes an event on without waiting: a subscriber that falls behind is told it lost
// events, and rescans, rather than holding up the hub and every other subscriber.
func (s *sub) event(ev fsnotify.Event) {
	if s.signal != nil {
		s.notify()
		return
	}
	select {
	case s.events <- ev:
	default:
		s.dropped()
	}
}

// error passes an error on. An overflow matters to all: events were lost. Other errors nobody
// reads are dropped once the buffer is full.
func (s *sub) error(err error) {
	if s.signal != nil {
		s.notify()
		return
	}
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		s.dropped()
		return
	}
	select {
	case s.errs <- err:
	default:
	}
}

// dropped notes that events were lost, once until the subscriber has seen it.
func (s *sub) dropped() {
	select {
	case s.lost <- struct{}{}:
	default:
	}
}

func (s *sub) notify() {
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

// ended is closed once the subscriber or its hub closed.
func (s *sub) ended() (done, stop <-chan struct{}) { return s.done, s.h.stop }

// add watches dir for the subscriber. Adding a directory already watched is harmless: the
// kernel watch is shared, and added again in case the directory was replaced.
func (s *sub) add(dir string) error {
	h := s.h
	h.addMu.Lock()
	defer h.addMu.Unlock()
	fsw, err := h.start()
	if err != nil {
		return err
	}
	h.mu.Lock()
	if h.dirs[dir] == nil {
		h.dirs[dir] = map[*sub]bool{}
	}
	had := h.dirs[dir][s]
	h.dirs[dir][s] = true
	h.mu.Unlock()
	if err := fsw.Add(dir); err != nil {
		if !had {
			s.drop(dir)
		}
		return err
	}
	return nil
}

// remove stops watching dir for the subscriber; the kernel watch goes with its last one.
func (s *sub) remove(dir string) {
	h := s.h
	h.addMu.Lock()
	defer h.addMu.Unlock()
	if s.drop(dir) {
		h.mu.Lock()
		fsw := h.fsw
		h.mu.Unlock()
		_ = fsw.Remove(dir) // the kernel may have dropped it with the directory
	}
}

// drop forgets the subscriber's interest in dir and says whether nobody else has any.
func (s *sub) drop(dir string) (last bool) {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	ss, ok := h.dirs[dir]
	if !ok || !ss[s] {
		return false
	}
	delete(ss, s)
	if len(ss) > 0 {
		return false
	}
	delete(h.dirs, dir)
	return true
}

// close ends the subscriber: its directories are dropped (the kernel watches nobody else
// needs removed), its readers see done. A hub of its own closes with it.
func (s *sub) close() {
	s.once.Do(func() {
		h := s.h
		h.addMu.Lock()
		h.mu.Lock()
		var last []string
		for dir, ss := range h.dirs {
			if !ss[s] {
				continue
			}
			delete(ss, s)
			if len(ss) == 0 {
				delete(h.dirs, dir)
				last = append(last, dir)
			}
		}
		delete(h.subs, s)
		close(s.done)
		fsw := h.fsw
		h.mu.Unlock()
		if fsw != nil {
			for _, dir := range last {
				_ = fsw.Remove(dir)
			}
		}
		h.addMu.Unlock()
		if s.own {
			_ = h.Close()
		}
	})
}
