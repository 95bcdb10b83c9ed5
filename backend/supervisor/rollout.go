package supervisor

import (
	"context"
	"fmt"
	"time"
)

// rollStep is one step of a rolling deploy (WaitNext): batches of Update.Parallelism
// containers. Start-first starts a batch beside the old containers, waits for it to be
// healthy, then lets as many old ones drain for Deploy.Delay and stops them; stop-first stops
// old ones first, then starts the batch. Update.Delay separates batches. The counts are
// recomputed from the containers at every step, so a restart anywhere in between resumes.
func (in *instance) rollStep(ctx context.Context, now time.Time) bool {
	next, cur := in.rec.Next, in.rec.Current
	sp := in.specs[next]
	if next == 0 || sp == nil {
		in.setState(Init, fmt.Sprintf("revision %d has no known spec: waiting for a spec", next))
		return true
	}
	var strays []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision != next && c.Revision != cur && !c.Stopping {
			strays = append(strays, c)
		}
	}
	if len(strays) > 0 {
		for _, c := range strays {
			in.markStopping(c, false)
		}
		in.note(fmt.Sprintf("removing %s of other revisions", containerNames(strays)))
		return true
	}
	want, batch := replicasOf(sp), parallelismOf(sp)
	old, fresh := in.alive(cur), in.alive(next)
	healthyNew := 0
	for _, c := range fresh {
		if c.healthy() {
			healthyNew++
		}
	}
	if healthyNew < len(fresh) {
		return false // the batch is still becoming healthy
	}
	order := orderOf(sp)
	if order == StartFirst {
		if excess := len(old) + healthyNew - want; excess > 0 {
			until := now.Add(sp.Deploy.Delay)
			drained := surplus(old, excess)
			for _, c := range drained {
				c.Draining, c.DrainUntil = true, until
			}
			in.note(fmt.Sprintf("batch healthy: %s stop at %s", containerNames(drained), until.Format("15:04:05.000")))
			return true
		}
	}
	for _, c := range in.containersOf(cur) {
		if c.Draining && !c.Stopping {
			return false // the After delay runs
		}
	}
	need := want - len(fresh)
	if in.rec.BatchOpen {
		in.rec.BatchOpen = false
		if need > 0 && sp.Update.Delay > 0 {
			in.rec.BatchAt = now.Add(sp.Update.Delay)
			in.note(fmt.Sprintf("batch done: next batch in %s", sp.Update.Delay))
			return true
		}
	}
	if need <= 0 {
		if len(old) > 0 {
			for _, c := range old {
				in.markStopping(c, false)
			}
			in.note(fmt.Sprintf("revision %d complete: stopping %s", next, containerNames(old)))
			return true
		}
		in.becomeStable()
		return true
	}
	if now.Before(in.rec.BatchAt) {
		return false
	}
	k := min(batch, need)
	if order == StopFirst {
		if stop := len(old) + len(fresh) + k - want; stop > 0 && len(old) > 0 {
			gone := surplus(old, stop)
			for _, c := range gone {
				in.markStopping(c, false)
			}
			in.note(fmt.Sprintf("stop-first batch: stopping %s", containerNames(gone)))
			return true
		}
	}
	in.rec.BatchOpen = true
	if err := in.create(ctx, next, k); err != nil && ctx.Err() == nil {
		in.fail(nil, err)
	}
	return true
}
