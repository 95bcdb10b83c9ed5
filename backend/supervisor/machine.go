package supervisor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// This file is condo's state machine (originals.md §2.5), generalized to replicas: the
// transitions, and step, which takes the next action the state calls for.

// apply takes a spec update from the spec directories.
func (in *instance) apply(u specUpdate) {
	if u.removed {
		in.removeAll()
		return
	}
	if in.specGone {
		in.specGone = false
		in.note("spec is back")
	}
	in.rec.File = u.file
	if u.err != "" {
		if in.rec.SpecError != u.err {
			in.rec.SpecError = u.err
			in.note("spec error (the running version is kept): " + u.err)
		}
		return
	}
	sp := u.spec
	if err := checkDeployable(sp); err != nil {
		in.rec.SpecError = err.Error()
		in.note("spec error (the running version is kept): " + err.Error())
		return
	}
	fixed := in.rec.SpecError != ""
	in.rec.SpecError = ""
	if sp.Hash == in.rec.FileHash {
		if fixed {
			in.note("spec error fixed; the spec is unchanged")
		}
		return
	}
	in.rec.FileHash = sp.Hash
	if t := in.target(); t > 0 && in.hashOf(t) == sp.Hash {
		in.specs[t] = sp
		in.note(fmt.Sprintf("spec matches revision %d: nothing to deploy", t))
		return
	}
	reason := "new spec"
	if in.rec.Current > 0 || in.rec.Next > 0 {
		reason = "spec changed"
	}
	in.deploy(sp, reason)
}

// checkDeployable rejects specs the parser accepts but a deploy cannot honour.
func checkDeployable(sp *Spec) error {
	if sp.Create.Config == nil || sp.Create.Config.Image == "" {
		return fmt.Errorf("%s: spec Image is required", sp.File)
	}
	if sp.ContainerName != "" && sp.Replicas > 1 {
		return fmt.Errorf("%s: spec Name %q fixes the container's name, so replicas must be 1, not %d", sp.File, sp.ContainerName, sp.Replicas)
	}
	return nil
}

// deploy makes sp a new revision and starts rolling it out. A revision still being deployed is
// abandoned: its containers are removed (condo: "stop n, start new").
func (in *instance) deploy(sp *Spec, reason string) {
	now := time.Now()
	if n := in.rec.Next; n > 0 && n != in.rec.Current {
		for _, c := range in.containersOf(n) {
			in.markStopping(c, !c.healthy())
		}
		in.setOutcome(n, "replaced")
	}
	in.rec.LastRev++
	n := in.rec.LastRev
	in.rec.History = append(in.rec.History, revisionRecord{
		N: n, Hash: sp.Hash, Image: imageOf(sp), At: now, Outcome: "deploying", Spec: specJSON(sp),
	})
	in.specs[n] = sp
	in.rec.Next = n
	in.rec.Attempts = 0
	in.rec.Restore = false
	in.pruneHistory()
	in.log.Info("deploy", "revision", n, "image", imageOf(sp), "reason", reason)
	in.beginRollout(fmt.Sprintf("%s: deploy revision %d (%s)", reason, n, imageOf(sp)))
}

// beginRollout enters Wait or WaitNext for the target revision: WaitNext while the stable
// revision keeps serving beside it, Wait when nothing else serves (a first deploy, or condo's
// Before, which stops the old container first).
func (in *instance) beginRollout(reason string) {
	in.rec.BatchOpen = false
	in.rec.BatchAt = time.Time{}
	in.rec.RetryAt = time.Time{}
	for _, c := range in.containersOf(in.rec.Current) {
		if c.Draining {
			c.Draining, c.DrainUntil = false, time.Time{}
		}
	}
	next, cur := in.rec.Next, in.rec.Current
	if next == 0 || cur == 0 || next == cur {
		in.setState(Wait, reason)
		return
	}
	serving := len(in.alive(cur))
	sp := in.specs[next]
	if serving == 0 || (orderOf(sp) == StopFirst && parallelismOf(sp) >= serving) {
		in.setState(Wait, reason)
		return
	}
	in.setState(WaitNext, reason)
}

// retry leaves TryAgain or TryAgainNext when the retry time has come.
func (in *instance) retry() {
	in.beginRollout(fmt.Sprintf("retry revision %d (attempt %d)", in.target(), in.rec.Attempts+1))
}

// becomeStable ends a deploy: the target revision is the stable one, every replica healthy.
func (in *instance) becomeStable() {
	now := time.Now()
	if n := in.rec.Next; n > 0 && n != in.rec.Current {
		if in.rec.Current > 0 {
			in.setOutcome(in.rec.Current, "replaced")
		}
		in.rec.Current = n
	}
	in.rec.Next = 0
	if h := in.revision(in.rec.Current); h != nil {
		h.Outcome = "stable"
		if h.StableAt.IsZero() {
			h.StableAt = now
		}
	}
	in.rec.StableAt = now
	in.rec.Attempts = 0
	in.rec.LastError = ""
	in.rec.RetryAt = time.Time{}
	in.rec.Restore = false
	in.pruneSpecs()
	in.log.Info("stable", "revision", in.rec.Current)
	in.setState(Stable, fmt.Sprintf("revision %d stable: %d/%d healthy", in.rec.Current, in.healthyCount(), replicasOf(in.specs[in.rec.Current])))
}

// fail handles a failed deploy of the target revision: a container that did not start or
// become healthy (c, which is stopped at once and removed), or an error before any container
// (c nil, e.g. a failed pull).
func (in *instance) fail(c *containerRecord, err error) {
	if c != nil {
		in.markStopping(c, true)
	}
	in.rec.LastError = err.Error()
	in.log.Warn("deploy failed", "revision", in.target(), "err", err)
	if in.rec.State == TryAgain || in.rec.State == TryAgainNext {
		// A sibling of a batch that already failed: the retry is scheduled.
		in.note(err.Error())
		return
	}
	in.rec.Attempts++
	next, cur := in.rec.Next, in.rec.Current
	rollout := next > 0 && cur > 0 && next != cur
	if !rollout {
		in.tryAgainLater(TryAgain, err)
		return
	}
	sp, stable := in.specs[next], in.specs[cur]
	// The new revision's containers go, healthy or not; the old ones stop draining.
	for _, nc := range in.containersOf(next) {
		in.markStopping(nc, !nc.healthy())
	}
	for _, oc := range in.containersOf(cur) {
		oc.Draining, oc.DrainUntil = false, time.Time{}
	}
	if sp != nil && sp.Update.Failure == FailureRollback && stable != nil {
		in.setOutcome(next, "rolled back")
		in.rec.Next = 0
		in.rec.Attempts = 0
		in.rec.RetryAt = time.Time{}
		reason := fmt.Sprintf("revision %d failed, rolled back to revision %d: %v", next, cur, err)
		if in.allHealthy(cur, replicasOf(stable)) {
			in.setState(Stable, reason)
		} else {
			in.setState(Wait, reason)
		}
		return
	}
	in.setOutcome(next, "failed: "+err.Error())
	if replicasOf(stable) > 1 || len(in.alive(cur)) > 0 {
		in.rec.Restore = stable != nil
		in.tryAgainLater(TryAgainNext, err)
		return
	}
	in.tryAgainLater(TryAgain, err)
}

// tryAgainLater enters TryAgain or TryAgainNext with the retry backed off.
func (in *instance) tryAgainLater(to State, err error) {
	d := retryDelay(in.rec.Attempts, in.s.opts.MinBackoff, in.s.opts.MaxBackoff)
	in.rec.RetryAt = time.Now().Add(d)
	in.rec.BatchOpen = false
	in.setState(to, fmt.Sprintf("%v; retry in %s", err, d.Round(10*time.Millisecond)))
}

// died handles a container that stopped on its own after it was healthy.
func (in *instance) died(c *containerRecord, why string) {
	err := errors.New(why)
	t := in.target()
	switch {
	case c.Revision == t && (in.rec.State == Wait || in.rec.State == WaitNext):
		in.fail(c, err)
	case in.rec.State == Stable:
		in.markStopping(c, true)
		in.rec.LastError = why
		in.rec.Attempts++
		in.tryAgainLater(TryAgain, err)
	default:
		in.markStopping(c, true)
		in.rec.LastError = why
		in.note(why)
	}
}

// removeAll handles a removed spec file: every container is stopped and removed, then the
// service is forgotten (condo kept an Init entry forever and never removed containers).
func (in *instance) removeAll() {
	if in.specGone {
		return
	}
	in.specGone = true
	for _, c := range in.rec.Containers {
		in.markStopping(c, false)
	}
	if in.rec.Next > 0 && in.rec.Next != in.rec.Current {
		in.setOutcome(in.rec.Next, "replaced")
	}
	// Nothing will run: should the file come back, it is a new deploy.
	in.rec.Current, in.rec.Next = 0, 0
	in.rec.StableAt = time.Time{}
	in.rec.FileHash = ""
	in.rec.SpecError = ""
	in.setState(Init, fmt.Sprintf("spec removed: removing %d containers", len(in.rec.Containers)))
}

// rollbackTo redeploys revision rev (0: the last one before the current that was stable).
func (in *instance) rollbackTo(rev int) error {
	if rev == 0 {
		prev, ok := PreviousRevision(in.status())
		if !ok {
			return fmt.Errorf("rollback %s: no earlier revision to go back to", in.name)
		}
		rev = prev
	}
	h := in.revision(rev)
	if h == nil {
		return fmt.Errorf("rollback %s: no revision %d in its history (it keeps the last %d)", in.name, rev, maxHistory)
	}
	if len(h.Spec) == 0 {
		return fmt.Errorf("rollback %s to revision %d: its spec is unknown (it was adopted from running containers)", in.name, rev)
	}
	sp, err := ParseCanonical(in.name, h.Spec)
	if err != nil {
		return fmt.Errorf("rollback %s to revision %d: %w", in.name, rev, err)
	}
	sp.File = in.rec.File
	in.deploy(&sp, fmt.Sprintf("rollback to revision %d", rev))
	return nil
}

// advance takes actions until the state has to wait for something.
func (in *instance) advance(ctx context.Context) {
	for range maxStepsPerWake {
		in.takePause()
		if ctx.Err() != nil || !in.step(ctx) {
			return
		}
	}
}

// step takes the next action the state calls for and reports whether it did anything.
func (in *instance) step(ctx context.Context) bool {
	now := time.Now()
	in.startRemovals(ctx, now)
	if in.specGone || in.rec.Paused {
		return false
	}
	if in.drainDue(now) {
		return true
	}
	if in.hasStopping() {
		return false // stop-first, and a failed batch, wait for the removals
	}
	if in.restoreNames(ctx) {
		return true
	}
	switch in.rec.State {
	case TryAgain:
		if !now.Before(in.rec.RetryAt) {
			in.retry()
			return true
		}
	case TryAgainNext:
		if in.rec.Restore {
			in.rec.Restore = false
			in.restoreStable(ctx)
			return true
		}
		if !now.Before(in.rec.RetryAt) && !in.restoring() {
			in.retry()
			return true
		}
	case Wait:
		return in.waitStep(ctx)
	case WaitNext:
		return in.rollStep(ctx, now)
	}
	return false
}

// waitStep brings the target revision up to its replica count, all at once, with nothing else
// serving: anything of another revision is stopped first (condo's Before).
func (in *instance) waitStep(ctx context.Context) bool {
	t := in.target()
	sp := in.specs[t]
	if t == 0 || sp == nil {
		in.setState(Init, fmt.Sprintf("revision %d has no known spec: waiting for a spec", t))
		return true
	}
	var others []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision != t && !c.Stopping {
			others = append(others, c)
		}
	}
	if len(others) > 0 {
		for _, c := range others {
			in.markStopping(c, false)
		}
		in.note(fmt.Sprintf("stop-first: stopping %d containers before revision %d starts", len(others), t))
		return true
	}
	want := replicasOf(sp)
	cs := in.alive(t)
	if len(cs) > want {
		for _, c := range surplus(cs, len(cs)-want) {
			in.markStopping(c, false)
		}
		in.note(fmt.Sprintf("%d containers of revision %d beyond %d replicas: removing", len(cs)-want, t, want))
		return true
	}
	if len(cs) < want {
		if err := in.create(ctx, t, want-len(cs)); err != nil && ctx.Err() == nil {
			in.fail(nil, err)
		}
		return true
	}
	if in.allHealthy(t, want) {
		in.becomeStable()
		return true
	}
	return false
}

// restoreStable brings the stable revision back to its replica count after a failed batch.
func (in *instance) restoreStable(ctx context.Context) {
	cur := in.rec.Current
	sp := in.specs[cur]
	if sp == nil {
		return
	}
	missing := replicasOf(sp) - len(in.alive(cur))
	if missing <= 0 {
		return
	}
	in.note(fmt.Sprintf("restoring revision %d to %d replicas", cur, replicasOf(sp)))
	if err := in.create(ctx, cur, missing); err != nil && ctx.Err() == nil {
		in.rec.LastError = err.Error()
		in.note("restore failed: " + err.Error())
	}
}

// drainDue stops the replaced containers whose After delay has passed.
func (in *instance) drainDue(now time.Time) bool {
	var due []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Draining && !c.Stopping && !now.Before(c.DrainUntil) {
			due = append(due, c)
		}
	}
	for _, c := range due {
		in.markStopping(c, false)
	}
	if len(due) > 0 {
		in.note(fmt.Sprintf("delay over: stopping %s", containerNames(due)))
	}
	return len(due) > 0
}

// surplus picks n containers to let go: unhealthy ones first, then the newest.
func surplus(cs []*containerRecord, n int) []*containerRecord {
	sorted := slices.Clone(cs)
	slices.SortStableFunc(sorted, func(a, b *containerRecord) int {
		if a.healthy() != b.healthy() {
			if a.healthy() {
				return 1
			}
			return -1
		}
		return b.Created.Compare(a.Created)
	})
	return sorted[:min(n, len(sorted))]
}
