package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/atomicfile"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/watch"
)

// ownerCheck is how often the TUI checks that the processes of runs other processes are
// running (a `podium pipeline run` in a shell) are still alive: a process killed with SIGKILL
// writes nothing, so only its run lock, dropped by the kernel, tells. The check runs only
// while such a run is shown as running.
const ownerCheck = time.Second

// runKey names a run: its pipeline and id.
type runKey struct{ pipeline, id string }

// followRuns tells the tab of every run saved under the workspace's .podium/runs, by this
// process or another (CLI runs and reruns), through the process's one watcher; and of a run
// whose process died, which then reads as interrupted, sweeping the containers it left. It
// sweeps once as it starts, and returns when ctx ends.
func (b *pipelinesBackend) followRuns(ctx context.Context, hub *watch.Hub, root string) {
	log := slog.Default()
	if n, err := b.pl.Sweep(ctx); err != nil {
		log.Warn("sweep pipeline containers", "err", err)
	} else if n > 0 {
		log.Info("removed the containers of interrupted pipeline runs", "containers", n)
	}
	dir := pipeline.RunsDir(root)
	if err := atomicfile.IgnoredDir(filepath.Dir(dir)); err != nil {
		log.Warn("follow pipeline runs", "err", err)
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Warn("follow pipeline runs", "err", err)
		return
	}
	w, err := hub.Watch([]string{dir}, watch.Options{
		Include:    func(p string) bool { return filepath.Base(p) == "run.json" },
		IgnoreDirs: []string{"out"},
	})
	if err != nil {
		log.Warn("follow pipeline runs", "dir", dir, "err", err)
		return
	}
	go func() { _ = w.Run(ctx) }() // returns when ctx ends, closing its channels

	// Runs another process runs: their owner is checked while there are any.
	others := map[runKey]bool{}
	note := func(k runKey) {
		r, err := b.pl.Store.Load(k.pipeline, k.id)
		if err == nil && r.Status == pipeline.RunRunning && !b.ours(k.id) {
			others[k] = true
		}
	}
	if names, err := b.pl.Store.Pipelines(); err == nil {
		for _, name := range names {
			rs, _ := b.pl.Store.Runs(name)
			for _, r := range rs {
				if r.Status == pipeline.RunRunning {
					others[runKey{r.Pipeline, r.ID}] = true
				}
			}
		}
	}
	var check *time.Timer
	defer func() {
		if check != nil {
			check.Stop()
		}
	}()
	for {
		var tick <-chan time.Time
		if len(others) > 0 {
			if check == nil {
				check = time.NewTimer(ownerCheck)
			}
			tick = check.C
		}
		select {
		case <-ctx.Done():
			return
		case batch, ok := <-w.Batches():
			if !ok {
				return
			}
			for _, c := range batch.Changes {
				rel, err := filepath.Rel(dir, c.Path)
				if err != nil {
					continue
				}
				parts := strings.Split(filepath.ToSlash(rel), "/")
				if len(parts) != 3 || c.Removed {
					continue
				}
				k := runKey{parts[0], parts[1]}
				note(k)
				b.saved(k.id)
			}
		case err, ok := <-w.Errors():
			if ok {
				log.Warn("follow pipeline runs", "err", err)
			}
		case <-tick:
			check = nil
			ended := false
			for k := range others {
				r, err := b.pl.Store.Load(k.pipeline, k.id)
				if err == nil && r.Status == pipeline.RunRunning {
					continue
				}
				delete(others, k)
				b.saved(k.id)
				ended = ended || (err == nil && r.Status == pipeline.RunInterrupted)
			}
			if ended {
				if _, err := b.pl.Sweep(ctx); err != nil {
					log.Warn("sweep pipeline containers", "err", err)
				}
			}
		}
	}
}

// ours says this process's executor runs the run.
func (b *pipelinesBackend) ours(id string) bool {
	select {
	case <-b.pl.Executor().Done(id):
		return false
	default:
		return true
	}
}
