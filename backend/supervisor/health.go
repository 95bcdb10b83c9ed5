package supervisor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Health is Docker's health check when the container has one, else running without a restart
// for Spec.MinHealthy. Waits follow the engine's events through the supervisor's index (Index.AwaitContainer): no
// polling, and no events stream beside the process's one.

const (
	// watchRetryMax bounds the pause before a health watcher retries after an engine error.
	watchRetryMax = 5 * time.Second
)

// healthFailure is a verdict that a container will not become healthy, as opposed to an error
// of the engine, after which the watcher tries again until the deadline.
type healthFailure struct{ msg string }

func (e *healthFailure) Error() string { return e.msg }

// watchHealth follows a container that is not yet healthy until it is, fails, or its health
// deadline passes, and hands the verdict to the loop.
func (in *instance) watchHealth(ctx context.Context, c *containerRecord) {
	if _, ok := in.watchers[c.ID]; ok || c.Stopping || c.Prepared || c.healthy() {
		return
	}
	hctx, cancel := context.WithCancel(ctx)
	in.watchers[c.ID] = cancel
	sp := in.specs[c.Revision]
	deadline := c.HealthDeadline
	if deadline.IsZero() {
		deadline = time.Now().Add(healthDeadlineOf(sp))
		c.HealthDeadline = deadline
	}
	id, name, minHealthy, limit := c.ID, c.Name, minHealthyOf(sp), healthDeadlineOf(sp)
	eng, retryMin := in.s.eng, in.s.opts.MinBackoff
	var wait docker.Awaiter = eng
	if in.s.index != nil {
		wait = in.s.index // the process's one events stream, not one more per container
	}
	in.wg.Go(func() {
		last, err := awaitHealthy(hctx, eng, wait, id, name, deadline, limit, minHealthy, retryMin)
		if hctx.Err() != nil {
			return // stopped watching: the container is on its way out, or the loop ends
		}
		select {
		case in.health <- healthVerdict{id: id, err: err, last: last}:
		case <-hctx.Done():
		}
	})
}

// awaitHealthy returns nil once the container is healthy, a *healthFailure when it exits, is
// unhealthy or misses the deadline, or ctx's error; and the container as last inspected.
func awaitHealthy(ctx context.Context, eng *docker.Engine, wait docker.Awaiter, id, name string, deadline time.Time, limit, minHealthy, retryMin time.Duration) (docker.Container, error) {
	var last docker.Container
	if !time.Now().Before(deadline) {
		// The deadline passed while nobody watched (a supervisor restarted mid-rollout): the
		// container is judged on what it is now, not on having never been looked at.
		c, err := eng.Inspect(ctx, id)
		switch {
		case err == nil:
			last = c
			if c.Health == "healthy" || (c.Health == "" && c.State == "running" && !c.StartedAt.IsZero() && time.Since(c.StartedAt) >= minHealthy) {
				return last, nil
			}
		case docker.IsNotFound(err):
			return last, &healthFailure{fmt.Sprintf("container %s disappeared before it was healthy", name)}
		case ctx.Err() != nil:
			return last, ctx.Err()
		}
	}
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	failures := 0
	for {
		err := awaitHealthyOnce(dctx, eng, wait, id, name, minHealthy, &last)
		var hf *healthFailure
		switch {
		case err == nil:
			return last, nil
		case errors.As(err, &hf):
			return last, hf
		case ctx.Err() != nil:
			return last, ctx.Err()
		case dctx.Err() != nil:
			return last, &healthFailure{fmt.Sprintf("container %s not healthy within %s (%s)", name, limit, describeHealth(last))}
		case docker.IsNotFound(err):
			return last, &healthFailure{fmt.Sprintf("container %s disappeared before it was healthy", name)}
		}
		// The engine went away or the events stream broke: try again while there is time.
		failures++
		t := time.NewTimer(retryDelay(failures, retryMin, watchRetryMax))
		select {
		case <-t.C:
		case <-dctx.Done():
		}
		t.Stop()
	}
}

// awaitHealthyOnce watches the container through wait (the supervisor's index). For a container
// without a health check it also wakes when MinHealthy has passed since it started, since
// nothing else would tell it.
func awaitHealthyOnce(ctx context.Context, eng *docker.Engine, wait docker.Awaiter, id, name string, minHealthy time.Duration, last *docker.Container) error {
	check := func(c docker.Container) (bool, error) {
		*last = c
		switch {
		case c.State == "exited" || c.State == "dead" || c.State == "removing":
			return false, &healthFailure{fmt.Sprintf("container %s exited with code %d before it was healthy", name, c.ExitCode)}
		case c.Health == "healthy":
			return true, nil
		case c.Health == "unhealthy":
			return false, &healthFailure{fmt.Sprintf("container %s is unhealthy: its health check failed", name)}
		case c.Health == "" && c.State == "running" && !c.StartedAt.IsZero() && time.Since(c.StartedAt) >= minHealthy:
			return true, nil
		}
		return false, nil
	}
	c, err := eng.Inspect(ctx, id)
	if err != nil {
		return err
	}
	if done, err := check(c); done || err != nil {
		return err
	}
	for {
		wake, stop := ctx, context.CancelFunc(func() {})
		if last.Health == "" && last.State == "running" && !last.StartedAt.IsZero() {
			at := last.StartedAt.Add(minHealthy)
			if !time.Now().Before(at) {
				// Already due (we woke for it): decide on a fresh inspect. Waiting on a context
				// whose deadline has passed would fail before looking, again and again.
				c, err := eng.Inspect(ctx, id)
				if err != nil {
					return err
				}
				if done, err := check(c); done || err != nil {
					return err
				}
				continue
			}
			wake, stop = context.WithDeadline(ctx, at)
		}
		_, err := wait.AwaitContainer(wake, id, check)
		woke := wake != ctx && wake.Err() != nil && ctx.Err() == nil
		stop()
		if err == nil || !woke {
			return err
		}
		// MinHealthy has passed: the next check (after a fresh inspect) decides.
	}
}

// describeHealth says where a container was when its deadline passed.
func describeHealth(c docker.Container) string {
	switch {
	case c.State == "":
		return "never inspected"
	case c.Health != "":
		return c.State + ", health " + c.Health
	}
	return c.State + ", no health check"
}

// onHealth takes a health verdict.
func (in *instance) onHealth(ctx context.Context, v healthVerdict) {
	if cancel, ok := in.watchers[v.id]; ok {
		cancel()
		delete(in.watchers, v.id)
	}
	i := in.indexOf(v.id)
	if i < 0 || ctx.Err() != nil {
		return
	}
	c := in.rec.Containers[i]
	if c.Stopping || c.healthy() {
		return
	}
	if v.last.ID != "" {
		c.State, c.Health = v.last.State, v.last.Health
		if !v.last.StartedAt.IsZero() {
			c.StartedAt = v.last.StartedAt
		}
	}
	if v.err == nil {
		c.HealthyAt, c.HealthDeadline = time.Now(), time.Time{}
		n := 0
		for _, o := range in.alive(c.Revision) {
			if o.healthy() {
				n++
			}
		}
		in.note(CauseHealthy, fmt.Sprintf("%s healthy (%d/%d of revision %d)", c.Name, n, replicasOf(in.specs[c.Revision]), c.Revision))
		return
	}
	err := fmt.Errorf("deploy %s revision %d: %w", in.name, c.Revision, v.err)
	if c.Revision == in.target() {
		in.fail(c, err)
		return
	}
	in.markStopping(c, true)
	in.setError(err.Error())
	in.note(CauseFailure, err.Error())
}

// onIndex looks at the live container index: it refreshes what Status shows, and notices a
// healthy container that died (condo never looked again once Stable).
func (in *instance) onIndex(ctx context.Context) {
	snap := in.s.index.Snapshot()
	if snap.Status.State != docker.Connected {
		return
	}
	known := make(map[string]bool, len(in.rec.Containers))
	for _, c := range in.rec.Containers {
		known[c.ID] = true
	}
	live := make(map[string]docker.Container, len(snap.Containers))
	var strays []docker.Container
	for _, d := range snap.Containers {
		live[d.ID] = d
		if in.stray(d, known) {
			strays = append(strays, d)
		}
	}
	changed := false
	var dead []*containerRecord
	var why []string
	for _, c := range in.rec.Containers {
		d, ok := live[c.ID]
		if ok && (d.State != c.State || d.Health != c.Health || (!d.StartedAt.IsZero() && !d.StartedAt.Equal(c.StartedAt))) {
			c.State, c.Health = d.State, d.Health
			if !d.StartedAt.IsZero() {
				c.StartedAt = d.StartedAt
			}
			changed = true
		}
		if c.Stopping || c.Draining || !c.healthy() || (ok && !isDown(d.State)) {
			continue
		}
		// The index can lag behind a container created a moment ago: ask the engine itself.
		real, err := in.s.eng.Inspect(ctx, c.ID)
		switch {
		case err == nil && !isDown(real.State):
			continue
		case err == nil:
			why = append(why, fmt.Sprintf("container %s %s with code %d", c.Name, real.State, real.ExitCode))
		case docker.IsNotFound(err):
			why = append(why, fmt.Sprintf("container %s disappeared", c.Name))
		default:
			continue
		}
		dead = append(dead, c)
	}
	for i, c := range dead {
		in.died(c, why[i])
	}
	in.takeStrays(strays)
	changed = changed || len(strays) > 0
	if changed && len(dead) == 0 {
		in.refresh()
	}
}

// stray says d is a container of this service that the record does not know and that was
// created but never started: a create a killed supervisor had asked for, which the engine
// finished after this one listed its containers at start. The loop makes its own containers
// synchronously and records each at once, so none of them is ever a stray here.
func (in *instance) stray(d docker.Container, known map[string]bool) bool {
	return d.State == "created" && !known[d.ID] && d.Labels[docker.LabelDeploy] == in.name && docker.HasLabels(d, in.s.ownLabels)
}

// takeStrays sends the strays away: recorded as stopping, so the loop removes them.
func (in *instance) takeStrays(strays []docker.Container) {
	for _, d := range strays {
		c := &containerRecord{ID: d.ID, Name: d.Name, Revision: labelRevision(d), Created: d.Created, State: d.State}
		in.rec.Containers = append(in.rec.Containers, c)
		in.markStopping(c, true)
		in.note(CauseReconcile, fmt.Sprintf("removing %s: created but never started, and not this supervisor's (an interrupted start left it)", d.Name))
	}
}

// isDown says a container's process is gone for good (a restart policy's "restarting" is not).
func isDown(state string) bool {
	return state == "exited" || state == "dead" || state == "removing" || state == "created"
}
