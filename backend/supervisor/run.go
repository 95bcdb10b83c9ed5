package supervisor

import (
	"context"
	"errors"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"maps"
	"path/filepath"
	"slices"
	"sync"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/watch"
)

// runLoop is Run's own state: what the spec directories said last, per service.
type runLoop struct {
	s          *Supervisor
	ctx        context.Context
	last       map[string]specUpdate // the update last handed to each service
	finished   chan *instance
	reconciled chan struct{} // one per service started at first, after its first reconcile
	wg         sync.WaitGroup
}

// scanResult is what the spec directories hold now.
type scanResult struct {
	updates map[string]specUpdate // by service: a spec, or why there is none
	broken  []string              // directories that could not be read
}

// Run loads the saved state, reconciles it with Docker, then keeps every service of the spec
// directories deployed, following their changes, until ctx ends. It returns nil then, leaving
// every container running (condo stopped them all on SIGTERM). An error means it could not
// start (a spec directory cannot be watched, or Run is already running).
func (s *Supervisor) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return errors.New("supervisor: Run is already running")
	}
	s.running = true
	s.mu.Unlock()

	lock, err := lockState(s.opts.StateFile)
	if err != nil {
		s.stopped()
		return err
	}
	defer lock.release()

	recs, err := loadState(s.opts.StateFile)
	if err != nil {
		s.log.Error("state file unusable: starting empty, containers will be adopted from their labels", "err", err)
	}
	s.mu.Lock()
	s.records = maps.Clone(recs)
	s.statuses = map[string]ServiceStatus{}
	s.health = Health{Engine: EngineConnecting}
	for name, rec := range recs {
		// What the file says is memory, not truth: until the engine confirms it, the service's
		// state is unknown (a Stable from the file would promise what may not run).
		st := newInstance(s, name, &rec).status()
		st.State, st.Healthy = Unknown, 0
		for i := range st.Containers {
			st.Containers[i].Healthy = false
		}
		s.statuses[name] = st
	}
	s.mu.Unlock()

	newWatcher := watch.New
	if s.opts.Watcher != nil {
		newWatcher = s.opts.Watcher.Watch
	}
	w, err := newWatcher(s.dirs, watch.Options{Include: deployspec.IsSpecFile})
	if err != nil {
		s.stopped()
		return fmt.Errorf("supervisor: watch spec directories: %w", err)
	}
	ictx, cancel := context.WithCancel(ctx)
	index := s.opts.Index
	var bg sync.WaitGroup
	if index == nil {
		index = docker.NewIndex(s.eng, docker.IndexOptions{Labels: s.ownLabels, MinBackoff: s.opts.MinBackoff, MaxBackoff: s.opts.MaxBackoff})
		bg.Go(func() { index.Run(ictx) })
	}
	s.mu.Lock()
	s.index = index
	s.mu.Unlock()
	bg.Go(func() {
		if err := w.Run(ictx); err != nil {
			s.log.Error("watch spec directories", "err", err)
		}
	})
	l := &runLoop{s: s, ctx: ictx, last: map[string]specUpdate{}, finished: make(chan *instance), reconciled: make(chan struct{})}
	l.loop(w, index, recs)
	cancel()
	l.wg.Wait()
	bg.Wait()
	s.persist()
	s.stopped()
	if ctx.Err() == nil {
		return errors.New("supervisor: the spec directory watcher stopped")
	}
	return nil
}

// stopped marks Run as returned and ends every event stream.
func (s *Supervisor) stopped() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = false
	s.instances = map[string]*instance{}
	s.closeSubscribersLocked()
}

// loop waits for the engine, starts every service, then follows the spec directories and the
// engine's reconnections until ctx ends.
func (l *runLoop) loop(w *watch.Watcher, index *docker.Index, recs map[string]serviceRecord) {
	s := l.s
	sub := index.Subscribe()
	defer sub.Close()
	var snap docker.Snapshot
	for {
		snap = index.Snapshot()
		l.noteEngine(snap.Status)
		if snap.Status.State == docker.Connected {
			break
		}
		select {
		case <-l.ctx.Done():
			return
		case <-sub.C:
		}
	}
	scan := scanSpecs(s.dirs, s)
	byService := s.groupOwn(snap.Containers)
	names := map[string]bool{}
	for n := range recs {
		names[n] = true
	}
	for n := range scan.updates {
		names[n] = true
	}
	for n := range byService {
		names[n] = true
	}
	for _, name := range runSortedKeys(names) {
		u, ok := scan.updates[name]
		if !ok {
			u = specUpdate{removed: true}
			if rec, has := recs[name]; has && inBrokenDir(rec.File, scan.broken) {
				u = specUpdate{file: rec.File, err: "the spec directory cannot be read: keeping what runs"}
			}
		}
		var rec *serviceRecord
		if r, has := recs[name]; has {
			rec = &r
		}
		l.start(name, rec, byService[name], u, true)
		if !u.removed {
			l.last[name] = u
		}
	}
	go func() {
		// Reported reconciled once every service has compared its state with the engine.
		for range len(names) {
			select {
			case <-l.reconciled:
			case <-l.ctx.Done():
				return
			}
		}
		s.setReconciled()
	}()
	resyncs := snap.Status.Resyncs
	for {
		select {
		case <-l.ctx.Done():
			return
		case b, ok := <-w.Batches():
			if !ok {
				return
			}
			if l.relevant(b) {
				l.sync(scanSpecs(s.dirs, s))
			}
		case err, ok := <-w.Errors():
			if ok {
				s.log.Warn("watch spec directories", "err", err)
			}
		case in := <-l.finished:
			s.mu.Lock()
			if s.instances[in.name] == in {
				delete(s.instances, in.name)
			}
			s.mu.Unlock()
		case <-sub.C:
			sn := index.Snapshot()
			l.noteEngine(sn.Status)
			if sn.Status.State == docker.Connected && sn.Status.Resyncs != resyncs {
				resyncs = sn.Status.Resyncs
				l.resync(sn)
			}
		}
	}
}

// relevant says whether a batch touches a spec file directly in a spec directory.
func (l *runLoop) relevant(b watch.Batch) bool {
	for _, c := range b.Changes {
		if slices.Contains(l.s.dirs, filepath.Dir(c.Path)) {
			return true
		}
	}
	return false
}

// sync hands every service whose spec changed its update, starts new services and removes
// the ones whose file is gone (but not those of a directory that cannot be read).
func (l *runLoop) sync(scan scanResult) {
	for _, name := range runSortedKeys(scan.updates) {
		u := scan.updates[name]
		if prev, ok := l.last[name]; ok && sameUpdate(prev, u) {
			continue
		}
		l.last[name] = u
		l.deliver(name, u)
	}
	for _, name := range runSortedKeys(l.last) {
		if _, ok := scan.updates[name]; ok || inBrokenDir(l.last[name].file, scan.broken) {
			continue
		}
		delete(l.last, name)
		l.deliver(name, specUpdate{removed: true})
	}
}

// deliver gives a service its update, starting an instance for a new service.
func (l *runLoop) deliver(name string, u specUpdate) {
	l.s.mu.Lock()
	in := l.s.instances[name]
	l.s.mu.Unlock()
	if in != nil && in.post(u) {
		return
	}
	if u.removed {
		return
	}
	var cs []docker.Container
	if ix := l.s.index; ix != nil {
		cs = l.s.groupOwn(ix.Snapshot().Containers)[name]
	}
	l.start(name, nil, cs, u, false)
}

// noteEngine passes the index's connection state on to Health.
func (l *runLoop) noteEngine(st docker.Status) {
	switch st.State {
	case docker.Connected:
		l.s.setEngine(EngineConnected, nil)
	case docker.Disconnected:
		l.s.setEngine(EngineUnreachable, st.Err)
	default:
		l.s.setEngine(EngineConnecting, nil)
	}
}

// start runs a service's instance. initial says it is one of the services known at start,
// which reports on l.reconciled once its first reconcile is done.
func (l *runLoop) start(name string, rec *serviceRecord, cs []docker.Container, first specUpdate, initial bool) {
	in := newInstance(l.s, name, rec)
	if initial {
		in.onReconciled = func() {
			select {
			case l.reconciled <- struct{}{}:
			case <-l.ctx.Done():
			}
		}
	}
	l.s.mu.Lock()
	l.s.instances[name] = in
	l.s.mu.Unlock()
	l.wg.Go(func() {
		in.run(l.ctx, cs, first)
		select {
		case l.finished <- in:
		case <-l.ctx.Done():
		}
	})
}

// resync reconciles every service again after the engine came back; containers of services
// nobody runs any more are removed by an instance that adopts nothing.
func (l *runLoop) resync(sn docker.Snapshot) {
	l.s.log.Info("engine reconnected: reconciling")
	byService := l.s.groupOwn(sn.Containers)
	l.s.mu.Lock()
	running := make(map[string]*instance, len(l.s.instances))
	for n, in := range l.s.instances {
		running[n] = in
	}
	l.s.mu.Unlock()
	for name, in := range running {
		in.postResync(byService[name])
	}
	for _, name := range runSortedKeys(byService) {
		if _, ok := running[name]; !ok {
			l.start(name, nil, byService[name], specUpdate{removed: true}, false)
		}
	}
}

// scanSpecs reads the spec directories.
func scanSpecs(dirs []string, s *Supervisor) scanResult {
	specs, problems := deployspec.ScanDirs(dirs)
	out := scanResult{updates: map[string]specUpdate{}}
	for i := range specs {
		sp := specs[i]
		out.updates[sp.Name] = specUpdate{spec: &sp, file: sp.File}
	}
	for _, p := range problems {
		var pe *deployspec.ParseError
		if !errors.As(p, &pe) {
			s.log.Warn("spec directories", "err", p)
			continue
		}
		if pe.Service == "" {
			out.broken = append(out.broken, pe.File)
			s.log.Warn("spec directory unreadable: its services keep running", "err", p)
			continue
		}
		s.log.Warn("bad spec: the running version is kept", "service", pe.Service, "err", p)
		out.updates[pe.Service] = specUpdate{file: pe.File, err: p.Error()}
	}
	return out
}

// sameUpdate says two updates would change nothing.
func sameUpdate(a, b specUpdate) bool {
	if a.removed != b.removed || a.err != b.err || a.file != b.file || (a.spec == nil) != (b.spec == nil) {
		return false
	}
	return a.spec == nil || a.spec.Hash == b.spec.Hash
}

// inBrokenDir says whether file is in one of the unreadable directories.
func inBrokenDir(file string, broken []string) bool {
	if file == "" {
		return false
	}
	dir := filepath.Dir(file)
	for _, b := range broken {
		if abs, err := filepath.Abs(b); err == nil && abs == dir || b == dir {
			return true
		}
	}
	return false
}

// groupOwn sorts this supervisor's containers by their dev.podium.deploy label; the index may
// be shared, and hold every container of the engine.
func (s *Supervisor) groupOwn(cs []docker.Container) map[string][]docker.Container {
	out := map[string][]docker.Container{}
	for _, c := range cs {
		if !docker.HasLabels(c, s.ownLabels) {
			continue
		}
		if n := c.Labels[docker.LabelDeploy]; n != "" {
			out[n] = append(out[n], c)
		}
	}
	return out
}

func runSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
