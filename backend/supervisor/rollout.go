package supervisor

import (
	"context"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"time"
)

// rollStep is one step of a rolling deploy (WaitNext): batches of Update.Parallelism
// containers. Start-first starts a batch beside the old containers, waits for it to be
// healthy, then lets as many old ones drain for Deploy.Delay and stops them; stop-first stops
// old ones first, then starts the batch. Update.Delay separates batches. The old containers
// are every live container of another revision (the stable one, or one a newer spec
// superseded): all of them serve until replaced. The counts are recomputed from the
// containers at every step, so a restart anywhere in between resumes.
func (in *instance) rollStep(ctx context.Context, now time.Time) bool {
	t := in.target()
	sp := in.specs[t]
	if t == 0 || sp == nil {
		in.setState(Init, CauseFailure, fmt.Sprintf("revision %d has no known spec: waiting for a spec", t))
		return true
	}
	want, batch := replicasOf(sp), parallelismOf(sp)
	old, fresh := in.others(t), in.alive(t)
	if started, err := in.startPrepared(ctx, t); started || err != nil {
		if err != nil && ctx.Err() == nil {
			in.fail(nil, err)
		}
		return true
	}
	healthyNew := healthyOf(fresh)
	if healthyNew < len(fresh) {
		return false // the batch is still becoming healthy
	}
	if len(fresh) > want {
		gone := surplus(fresh, len(fresh)-want)
		for _, c := range gone {
			in.markStopping(c, false)
		}
		in.note(CauseScale, fmt.Sprintf("%d containers of revision %d beyond %d replicas: removing %s", len(gone), t, want, containerNames(gone)))
		return true
	}
	order := orderOf(sp)
	if order == deployspec.StartFirst {
		if excess := len(old) + healthyNew - want; excess > 0 && len(old) > 0 {
			until := now.Add(sp.Deploy.Delay)
			drained := surplus(old, min(excess, len(old)))
			for _, c := range drained {
				c.Draining, c.DrainUntil = true, until
			}
			in.note(CauseRollout, fmt.Sprintf("batch healthy: %s stop at %s", containerNames(drained), until.Format("15:04:05.000")))
			return true
		}
	}
	for _, c := range in.rec.Containers {
		if c.Draining && !c.Stopping {
			return false // the After delay runs
		}
	}
	need := want - len(fresh)
	if in.rec.BatchOpen {
		in.rec.BatchOpen = false
		if need > 0 && sp.Update.Delay > 0 {
			in.rec.BatchAt = now.Add(sp.Update.Delay)
			in.note(CauseRollout, fmt.Sprintf("batch done: next batch in %s", sp.Update.Delay))
			return true
		}
	}
	if need <= 0 {
		if len(old) > 0 {
			for _, c := range old {
				in.markStopping(c, false)
			}
			in.note(CauseRollout, fmt.Sprintf("revision %d complete: stopping %s", t, containerNames(old)))
			return true
		}
		in.becomeStable()
		return true
	}
	if now.Before(in.rec.BatchAt) {
		return false
	}
	k := min(batch, need)
	if order == deployspec.StopFirst {
		if stop := len(old) + len(fresh) + k - want; stop > 0 && len(old) > 0 {
			gone := surplus(old, min(stop, len(old)))
			for _, c := range gone {
				in.markStopping(c, false)
			}
			in.note(CauseRollout, fmt.Sprintf("stop-first batch: stopping %s", containerNames(gone)))
			return true
		}
	}
	in.rec.BatchOpen = true
	if err := in.create(ctx, t, k); err != nil && ctx.Err() == nil {
		in.fail(nil, err)
	}
	return true
}
