package supervisor

import (
	"context"
	"errors"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
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
		in.note(CauseNewSpec, "spec is back")
	}
	in.rec.File = u.file
	if u.err != "" {
		if in.rec.SpecError != u.err {
			in.rec.SpecError = u.err
			in.note(CauseSpecError, "spec error (the running version is kept): "+u.err)
		}
		return
	}
	sp := u.spec
	if err := checkDeployable(sp); err != nil {
		in.rec.SpecError = err.Error()
		in.note(CauseSpecError, "spec error (the running version is kept): "+err.Error())
		return
	}
	fixed := in.rec.SpecError != ""
	in.rec.SpecError = ""
	if sp.Hash == in.rec.FileHash {
		if fixed {
			in.note(CauseSpecError, "spec error fixed; the spec is unchanged")
		}
		return
	}
	in.rec.FileHash = sp.Hash
	cause, reason := CauseNewSpec, "new spec"
	if in.rec.Current > 0 || in.rec.Next > 0 {
		cause, reason = CauseSpecChanged, "spec changed"
	}
	in.deploy(sp, cause, reason, false)
}

// checkDeployable rejects specs the parser accepts but a deploy cannot honour.
func checkDeployable(sp *deployspec.Spec) error {
	if sp.Create.Config == nil || sp.Create.Config.Image == "" {
		return fmt.Errorf("%s: spec Image is required", sp.File)
	}
	if sp.ContainerName != "" && sp.Replicas > 1 {
		return fmt.Errorf("%s: spec Name %q fixes the container's name, so replicas must be 1, not %d", sp.File, sp.ContainerName, sp.Replicas)
	}
	return nil
}

// deploy makes sp the revision to work towards. A spec whose containers are those of a
// revision still in use (the one being deployed, the stable one, or one a newer spec
// superseded while it served) takes that revision back with no container replaced; force (a
// restart) always makes a new revision. A revision still being deployed is superseded: its
// containers that never became healthy go, its healthy ones keep serving until the new
// revision replaces them like any old container.
func (in *instance) deploy(sp *deployspec.Spec, cause Cause, reason string, force bool) {
	if !force {
		if rev := in.revisionFor(sp); rev > 0 {
			in.retarget(rev, sp, cause, reason)
			return
		}
	}
	outcome := OutcomeReplaced
	if cause == CauseRollback {
		outcome = OutcomeRolledBack
	}
	in.supersede(outcome)
	in.rec.LastRev++
	n := in.rec.LastRev
	in.rec.History = append(in.rec.History, revisionRecord{
		N: n, Hash: sp.Hash, Image: imageOf(sp), At: time.Now(), Outcome: OutcomeDeploying, Spec: specJSON(sp),
	})
	in.specs[n] = sp
	in.rec.Next = n
	in.rec.Attempts = 0
	in.rec.Restore = false
	in.dropError()
	in.pruneHistory()
	in.log.Info("deploy", "revision", n, "image", imageOf(sp), "cause", cause, "reason", reason)
	in.beginRollout(cause, fmt.Sprintf("%s: deploy revision %d (%s)", reason, n, imageOf(sp)))
}

// revisionFor finds a revision in use whose containers are the ones sp makes: the target
// first, then the stable revision, then the newest other revision with live containers.
func (in *instance) revisionFor(sp *deployspec.Spec) int {
	h := containerHashOf(sp)
	same := func(rev int) bool { return rev > 0 && in.specs[rev] != nil && containerHashOf(in.specs[rev]) == h }
	if t := in.target(); same(t) {
		return t
	}
	if same(in.rec.Current) {
		return in.rec.Current
	}
	best := 0
	for _, c := range in.rec.Containers {
		if !c.Stopping && c.Revision > best && same(c.Revision) {
			best = c.Revision
		}
	}
	return best
}

// retarget works towards revision rev again with sp's deploy settings (replicas, update, …),
// which replace the revision's own: no container is replaced, only added or removed.
func (in *instance) retarget(rev int, sp *deployspec.Spec, cause Cause, reason string) {
	before := replicasOf(in.specs[rev])
	in.specs[rev] = sp
	if h := in.revision(rev); h != nil {
		h.Hash, h.Image, h.Spec = sp.Hash, imageOf(sp), specJSON(sp)
	}
	t := in.target()
	switch {
	case rev == t:
		if want := replicasOf(sp); want != before {
			msg := fmt.Sprintf("%s: revision %d scales from %d to %d replicas (no container replaced)", reason, rev, before, want)
			if in.rec.State == Stable {
				in.beginRollout(CauseScale, msg)
			} else {
				in.note(CauseScale, msg)
			}
			return
		}
		in.note(cause, fmt.Sprintf("%s: the spec makes revision %d's containers: nothing to replace", reason, rev))
	case rev == in.rec.Current:
		abandoned := in.rec.Next
		outcome := OutcomeReplaced
		if cause == CauseRollback {
			outcome = OutcomeRolledBack
		}
		in.supersede(outcome)
		in.rec.Next = 0
		in.rec.Attempts, in.rec.RetryAt, in.rec.Restore = 0, time.Time{}, false
		in.dropError()
		in.beginRollout(cause, fmt.Sprintf("%s: revision %d keeps serving, revision %d is abandoned", reason, rev, abandoned))
	default:
		in.supersede(OutcomeReplaced)
		in.rec.Next = rev
		if h := in.revision(rev); h != nil {
			h.Outcome, h.Failure = OutcomeDeploying, ""
		}
		in.rec.Attempts, in.rec.RetryAt, in.rec.Restore = 0, time.Time{}, false
		in.dropError()
		in.beginRollout(cause, fmt.Sprintf("%s: revision %d, whose containers still serve, is deployed again", reason, rev))
	}
}

// dropError forgets the last failure when the service works towards another revision: the
// failure belongs to the revision that had it (its history entry keeps it), not to the next.
func (in *instance) dropError() {
	in.rec.LastError, in.rec.RolledBack = "", false
}

// supersede abandons the revision being deployed, if any. Its containers that never became
// healthy go at once, unless nothing healthy serves at all (a first deploy still in its
// health window): they may yet serve, and they are replaced like any old container.
func (in *instance) supersede(outcome Outcome) {
	n := in.rec.Next
	if n == 0 || n == in.rec.Current {
		return
	}
	keepStarting := in.healthyCount() == 0
	for _, c := range in.containersOf(n) {
		if !c.healthy() && (!keepStarting || c.Prepared) {
			in.markStopping(c, true)
		}
	}
	in.setOutcome(n, outcome)
}

// beginRollout enters Wait or WaitNext for the target revision: WaitNext while containers of
// other revisions keep serving beside it, Wait when nothing else serves (a first deploy, a
// scale) or under condo's Before, which stops the old containers (once the new ones are
// created) and then starts the new.
func (in *instance) beginRollout(cause Cause, reason string) {
	in.rec.BatchOpen = false
	in.rec.BatchAt = time.Time{}
	in.rec.RetryAt = time.Time{}
	t := in.target()
	serving := len(in.others(t))
	sp := in.specs[t]
	if serving == 0 || (orderOf(sp) == deployspec.StopFirst && parallelismOf(sp) >= serving) {
		in.setState(Wait, cause, reason)
		return
	}
	in.setState(WaitNext, cause, reason)
}

// retry leaves TryAgain or TryAgainNext when the retry time has come.
func (in *instance) retry() {
	in.beginRollout(CauseRetry, fmt.Sprintf("retry revision %d (attempt %d)", in.target(), in.rec.Attempts+1))
}

// becomeStable ends a deploy: the target revision is the stable one, every replica healthy.
func (in *instance) becomeStable() {
	now := time.Now()
	if n := in.rec.Next; n > 0 && n != in.rec.Current {
		if in.rec.Current > 0 {
			in.setOutcome(in.rec.Current, OutcomeReplaced)
		}
		in.rec.Current = n
	}
	in.rec.Next = 0
	if h := in.revision(in.rec.Current); h != nil {
		h.Outcome, h.Failure = OutcomeStable, ""
		if h.StableAt.IsZero() {
			h.StableAt = now
		}
	}
	in.rec.StableAt = now
	in.rec.Attempts = 0
	if !in.rec.RolledBack {
		in.rec.LastError = "" // after a rollback on failure, the failure stays shown
	}
	in.rec.RolledBack = false
	in.rec.RetryAt = time.Time{}
	in.rec.Restore = false
	in.pruneSpecs()
	in.log.Info("stable", "revision", in.rec.Current)
	in.setState(Stable, CauseStable, fmt.Sprintf("revision %d stable: %d/%d healthy", in.rec.Current, in.healthyCount(), replicasOf(in.specs[in.rec.Current])))
}

// fail handles a failed deploy of the target revision: a container that did not start or
// become healthy (c, which is stopped at once and removed), or an error before any container
// (c nil, e.g. a failed pull). Only the target's containers that never became healthy go:
// healthy ones of any revision keep serving.
func (in *instance) fail(c *containerRecord, err error) {
	if c != nil {
		in.markStopping(c, true)
	}
	in.setError(err.Error())
	in.log.Warn("deploy failed", "revision", in.target(), "err", in.masked(err.Error()))
	if in.rec.State == TryAgain || in.rec.State == TryAgainNext {
		// A sibling of a batch that already failed: the retry is scheduled.
		in.note(CauseFailure, err.Error())
		return
	}
	in.rec.Attempts++
	t := in.target()
	for _, nc := range in.alive(t) {
		if !nc.healthy() {
			in.markStopping(nc, true)
		}
	}
	next, cur := in.rec.Next, in.rec.Current
	if next == 0 || cur == 0 || next == cur {
		in.tryAgainLater(TryAgain, err)
		return
	}
	sp, stable := in.specs[next], in.specs[cur]
	if sp != nil && sp.Update.Failure == deployspec.FailureRollback && stable != nil {
		in.setOutcome(next, OutcomeRolledBack)
		in.rec.Next = 0
		in.rec.Attempts = 0
		in.rec.RolledBack = true
		in.beginRollout(CauseRollback, fmt.Sprintf("revision %d failed, rolled back to revision %d: %v", next, cur, err))
		return
	}
	in.setFailed(next, err)
	in.rec.Restore = stable != nil
	in.tryAgainLater(TryAgainNext, err)
}

// tryAgainLater enters TryAgain or TryAgainNext with the retry backed off.
func (in *instance) tryAgainLater(to State, err error) {
	d := retryDelay(in.rec.Attempts, in.s.opts.MinBackoff, in.s.opts.MaxBackoff)
	in.rec.RetryAt = time.Now().Add(d)
	in.rec.BatchOpen = false
	in.setState(to, CauseFailure, fmt.Sprintf("%v; retry in %s", err, d.Round(10*time.Millisecond)))
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
		in.setError(why)
		in.rec.Attempts++
		in.tryAgainLater(TryAgain, err)
	default:
		in.markStopping(c, true)
		in.setError(why)
		in.note(CauseFailure, why)
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
		in.setOutcome(in.rec.Next, OutcomeReplaced)
	}
	// Nothing will run: should the file come back, it is a new deploy.
	in.rec.Current, in.rec.Next = 0, 0
	in.rec.StableAt = time.Time{}
	in.rec.FileHash = ""
	in.rec.SpecError = ""
	in.setState(Init, CauseSpecRemoved, fmt.Sprintf("spec removed: removing %d containers", len(in.rec.Containers)))
}

// rollbackTo redeploys revision rev (0: the last one before the current that was stable). A
// revision whose containers still serve takes them back as they are.
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
		if rev == in.rec.Current && in.specs[rev] != nil {
			in.deploy(in.specs[rev], CauseRollback, fmt.Sprintf("rollback to revision %d", rev), false)
			return nil
		}
		return fmt.Errorf("rollback %s to revision %d: its spec is unknown (it was adopted from running containers)", in.name, rev)
	}
	sp, err := deployspec.ParseCanonical(in.name, h.Spec)
	if err != nil {
		return fmt.Errorf("rollback %s to revision %d: %w", in.name, rev, err)
	}
	sp.File = in.rec.File
	in.deploy(&sp, CauseRollback, fmt.Sprintf("rollback to revision %d", rev), false)
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
// serving. Under condo's Before the containers of other revisions are stopped first, but
// nothing is stopped before the new version is known to be startable: its image is present
// and its containers are created (which the engine validates); they start once the old ones
// are gone.
func (in *instance) waitStep(ctx context.Context) bool {
	t := in.target()
	sp := in.specs[t]
	if t == 0 || sp == nil {
		in.setState(Init, CauseFailure, fmt.Sprintf("revision %d has no known spec: waiting for a spec", t))
		return true
	}
	want := replicasOf(sp)
	cs := in.alive(t)
	if others := in.others(t); len(others) > 0 {
		if len(cs) < want {
			if err := in.prepare(ctx, t, want-len(cs)); err != nil && ctx.Err() == nil {
				in.fail(nil, err)
			}
			return true
		}
		for _, c := range others {
			in.markStopping(c, false)
		}
		in.note(CauseRollout, fmt.Sprintf("stop-first: revision %d is created; stopping %s", t, containerNames(others)))
		return true
	}
	if len(cs) > want {
		for _, c := range surplus(cs, len(cs)-want) {
			in.markStopping(c, false)
		}
		in.note(CauseScale, fmt.Sprintf("%d containers of revision %d beyond %d replicas: removing", len(cs)-want, t, want))
		return true
	}
	if started, err := in.startPrepared(ctx, t); started || err != nil {
		if err != nil && ctx.Err() == nil {
			in.fail(nil, err)
		}
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

// restoreStable brings the service back to the stable revision's replica count after a failed
// batch: healthy containers of any revision count, so only what was lost is made again.
func (in *instance) restoreStable(ctx context.Context) {
	cur := in.rec.Current
	sp := in.specs[cur]
	if sp == nil {
		return
	}
	serving := len(in.alive(cur))
	for _, c := range in.others(cur) {
		if c.healthy() {
			serving++
		}
	}
	missing := replicasOf(sp) - serving
	if missing <= 0 {
		return
	}
	in.note(CauseRollout, fmt.Sprintf("restoring revision %d to %d serving containers", cur, replicasOf(sp)))
	if err := in.create(ctx, cur, missing); err != nil && ctx.Err() == nil {
		in.setError(err.Error())
		in.note(CauseFailure, "restore failed: "+err.Error())
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
		in.note(CauseRollout, fmt.Sprintf("delay over: stopping %s", containerNames(due)))
	}
	return len(due) > 0
}

// surplus picks n containers to let go: unhealthy ones first, then those of the oldest
// revision, then the newest.
func surplus(cs []*containerRecord, n int) []*containerRecord {
	sorted := slices.Clone(cs)
	slices.SortStableFunc(sorted, func(a, b *containerRecord) int {
		if a.healthy() != b.healthy() {
			if a.healthy() {
				return 1
			}
			return -1
		}
		if a.Revision != b.Revision {
			return a.Revision - b.Revision
		}
		return b.Created.Compare(a.Created)
	})
	return sorted[:min(n, len(sorted))]
}
