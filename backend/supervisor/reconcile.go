package supervisor

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"slices"
	"strconv"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Reconciliation makes the saved state and Docker agree, at start and whenever the engine
// comes back: Docker is the truth about which containers exist, the record about what they
// are for. Together with saving after every transition, this makes a kill -9 at any instant
// converge to exactly the desired containers.

// reconcile compares the service's record with cs, the containers Docker has with its label.
// first is the service's spec at start (nil on a resync).
func (in *instance) reconcile(ctx context.Context, cs []docker.Container, first *specUpdate) {
	if !in.fresh && first != nil && in.staleRecord(cs) {
		// The record is older than the engine (a state file restored, or saves that failed):
		// none of its containers exists, while containers of ours run. The labels know
		// better; the record keeps only its history.
		in.note(CauseReconcile, fmt.Sprintf("the saved state names none of the %d running containers: adopting them from their labels", len(cs)))
		for _, c := range in.rec.Containers {
			in.markStopping(c, true)
		}
		in.rec.Containers = nil
		in.rec.Current, in.rec.Next, in.rec.FileHash = 0, 0, ""
		in.rec.Restore, in.rec.BatchOpen, in.rec.RolledBack = false, false, false
		in.fresh = true
	}
	if in.fresh {
		in.fresh = false
		in.adoptFromLabels(ctx, cs, first)
		return
	}
	listed := make(map[string]docker.Container, len(cs))
	for _, d := range cs {
		listed[d.ID] = d
	}
	var gone, dead, orphans int
	for _, c := range in.rec.Containers {
		d, ok := listed[c.ID]
		if !ok {
			// Not in the list: gone, unless it was created after the list was taken.
			real, err := in.s.eng.Inspect(ctx, c.ID)
			switch {
			case err == nil:
				d, ok = real, true
			case !docker.IsNotFound(err):
				continue // the engine is in trouble: the next resync decides
			}
		}
		if !ok {
			gone++
			if c.healthy() && !c.Stopping && !c.Draining {
				in.died(c, fmt.Sprintf("container %s is gone", c.Name))
			} else {
				in.markStopping(c, true)
			}
			continue
		}
		c.State, c.Health = d.State, d.Health
		if c.Stopping || c.Draining {
			continue
		}
		switch {
		case d.State == "created" && c.Prepared:
			// Created for a Before deploy, to start once the old containers are gone.
		case d.State == "created":
			in.markStopping(c, true) // never started: the start was interrupted
		case isDown(d.State) && c.healthy():
			dead++
			in.died(c, fmt.Sprintf("container %s found %s (exit code %d)", c.Name, d.State, d.ExitCode))
		case !c.healthy():
			in.watchHealth(ctx, c) // the watcher reports an exit as a failed health check
		}
	}
	known := map[string]bool{}
	for _, c := range in.rec.Containers {
		known[c.ID] = true
	}
	adopted := 0
	for _, d := range cs {
		if known[d.ID] {
			continue
		}
		// Ours, but not in the record: created just before a crash, before it was saved, or the
		// record is older than the engine (a stale state file). A running container of a
		// revision the record knows, or of the spec the file now describes, is adopted as it
		// is; anything else goes.
		rev := labelRevision(d)
		in.rec.LastRev = max(in.rec.LastRev, rev)
		c := &containerRecord{ID: d.ID, Name: d.Name, Revision: rev, Created: d.Created, StartedAt: d.StartedAt, State: d.State, Health: d.Health}
		in.rec.Containers = append(in.rec.Containers, c)
		if !isDown(d.State) && in.adoptable(d, rev, first) {
			adopted++
			in.watchHealth(ctx, c)
			continue
		}
		orphans++
		c.Stopping, c.Kill = true, true
	}
	extra := in.dropDuplicates()
	if first == nil && (in.rec.State == TryAgain || in.rec.State == TryAgainNext) && in.rec.RetryAt.After(time.Now()) {
		// The engine is back: a retry that failed for want of it need not wait out its backoff.
		in.rec.RetryAt = time.Now()
	}
	switch {
	case gone+dead+orphans+extra+adopted > 0:
		in.note(CauseReconcile, fmt.Sprintf("reconciled with Docker: %d containers kept (%d adopted from their labels), %d gone, %d dead, %d orphans and %d duplicates removed",
			len(in.rec.Containers)-gone-dead-orphans-extra, adopted, gone, dead, orphans, extra))
	case first != nil:
		// Docker has exactly what the record says: nothing to record (a row per restart would
		// bury the timeline), but the service's state is now known, not Unknown.
		in.refresh()
	}
}

// staleRecord says whether none of the record's containers is among cs while cs holds a
// running container, so the record cannot describe what runs.
func (in *instance) staleRecord(cs []docker.Container) bool {
	running := false
	for _, d := range cs {
		if in.indexOf(d.ID) >= 0 {
			return false
		}
		running = running || !isDown(d.State)
	}
	return running
}

// adoptable says whether a running container the record does not know is one to keep: its
// labels name a revision whose spec the record holds and match it, or they match the spec the
// file now describes (then the revision is added to the history, so the deploy that follows
// takes it as it is).
func (in *instance) adoptable(d docker.Container, rev int, first *specUpdate) bool {
	hash := d.Labels[docker.LabelSpecHash]
	if rev <= 0 || hash == "" {
		return false
	}
	if sp := in.specs[rev]; sp != nil {
		return labelMatches(hash, sp)
	}
	if first == nil || first.spec == nil || !labelMatches(hash, first.spec) || checkDeployable(first.spec) != nil {
		return false
	}
	if h := in.revision(rev); h != nil && h.Hash != first.spec.Hash {
		return false // the number names another spec in this record: not to be trusted
	}
	in.specs[rev] = first.spec
	if in.revision(rev) == nil {
		in.rec.History = append(in.rec.History, revisionRecord{
			N: rev, Hash: first.spec.Hash, Image: imageOf(first.spec), At: d.Created, Outcome: OutcomeAdopted, Spec: specJSON(first.spec),
		})
		slices.SortFunc(in.rec.History, func(a, b revisionRecord) int { return a.N - b.N })
	}
	return true
}

// dropDuplicates removes containers of a revision beyond its replica count.
func (in *instance) dropDuplicates() int {
	n := 0
	for _, rev := range []int{in.rec.Current, in.rec.Next} {
		sp := in.specs[rev]
		if rev == 0 || sp == nil {
			continue
		}
		cs := in.alive(rev)
		if extra := len(cs) - replicasOf(sp); extra > 0 {
			for _, c := range surplus(cs, extra) {
				in.markStopping(c, false)
				n++
			}
		}
	}
	return n
}

// adoptFromLabels rebuilds a service's state from its containers' labels when the state file
// knows nothing of it (first run, lost or corrupt file). Running containers of the spec's hash
// are adopted as they are, with no restart; with no such container, the newest revision still
// running is adopted as the stable one, for the spec to roll over. Everything else of ours goes.
// A service whose file is gone keeps nothing.
func (in *instance) adoptFromLabels(ctx context.Context, cs []docker.Container, first *specUpdate) {
	keep := first != nil && !first.removed
	var sp *deployspec.Spec
	if keep && first.spec != nil && checkDeployable(first.spec) == nil {
		sp = first.spec
	}
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b docker.Container) int { return a.Created.Compare(b.Created) })
	adoptRev, adoptHash := 0, ""
	for _, d := range cs {
		rev := labelRevision(d)
		in.rec.LastRev = max(in.rec.LastRev, rev)
		if !keep || isDown(d.State) {
			continue
		}
		hash := d.Labels[docker.LabelSpecHash]
		matches := labelMatches(hash, sp)
		best := labelMatches(adoptHash, sp)
		if (matches && (!best || rev > adoptRev)) || (!matches && !best && rev > adoptRev) {
			adoptRev, adoptHash = rev, hash
		}
	}
	known := labelMatches(adoptHash, sp)
	var adopted []*containerRecord
	image := ""
	var serving []*containerRecord // running containers of other revisions, kept while the spec's replace them
	for _, d := range cs {
		c := &containerRecord{ID: d.ID, Name: d.Name, Revision: labelRevision(d), Created: d.Created, State: d.State, Health: d.Health}
		in.rec.Containers = append(in.rec.Containers, c)
		if known && !isDown(d.State) && c.Revision != adoptRev && in.healthyNow(ctx, c, nil) {
			c.HealthyAt = time.Now()
			serving = append(serving, c)
			continue
		}
		if adoptRev == 0 || c.Revision != adoptRev || d.Labels[docker.LabelSpecHash] != adoptHash || isDown(d.State) {
			in.markStopping(c, isDown(d.State))
			continue
		}
		adopted = append(adopted, c)
		image = d.Image
	}
	if adoptRev == 0 {
		if len(cs) > 0 {
			in.note(CauseReconcile, fmt.Sprintf("no saved state: removing %d containers no spec wants", len(cs)))
		}
		return
	}
	var specText json.RawMessage
	revHash := adoptHash
	if known {
		revHash = sp.Hash
		in.specs[adoptRev] = sp
		in.rec.FileHash = sp.Hash
		specText = specJSON(sp)
		image = imageOf(sp)
	}
	want := len(adopted)
	if known {
		want = replicasOf(sp)
	}
	if extra := len(adopted) - want; extra > 0 {
		for _, c := range surplus(adopted, extra) {
			in.markStopping(c, false)
		}
		adopted = slices.DeleteFunc(adopted, func(c *containerRecord) bool { return c.Stopping })
	}
	now := time.Now()
	for i, c := range adopted {
		c.Replica = i + 1
		if !known || in.healthyNow(ctx, c, sp) {
			c.HealthyAt = now
		} else {
			c.HealthDeadline = now.Add(healthDeadlineOf(sp))
		}
	}
	in.rec.Current = adoptRev
	in.rec.History = slices.DeleteFunc(in.rec.History, func(h revisionRecord) bool { return h.N == adoptRev })
	in.rec.History = append(in.rec.History, revisionRecord{
		N: adoptRev, Hash: revHash, Image: image, At: adopted[0].Created, Outcome: OutcomeStable, Spec: specText,
	})
	reason := fmt.Sprintf("no saved state: adopted %d running containers of revision %d from their labels", len(adopted), adoptRev)
	if !known {
		reason += " (not the spec's hash: it will be rolled out over them)"
	}
	if len(serving) > 0 {
		for _, c := range adopted {
			in.watchHealth(ctx, c)
		}
		in.setState(WaitNext, CauseReconcile, reason+fmt.Sprintf("; %s of other revisions keep serving until replaced", containerNames(serving)))
		return
	}
	if !known || in.allHealthy(adoptRev, want) {
		in.rec.StableAt = now
		in.rec.History[len(in.rec.History)-1].StableAt = now
		in.setState(Stable, CauseReconcile, reason)
		return
	}
	for _, c := range adopted {
		in.watchHealth(ctx, c)
	}
	in.setState(Wait, CauseReconcile, reason)
}

// healthyNow says whether an adopted container is healthy right now.
func (in *instance) healthyNow(ctx context.Context, c *containerRecord, sp *deployspec.Spec) bool {
	d, err := in.s.eng.Inspect(ctx, c.ID)
	if err != nil {
		return false
	}
	c.State, c.Health, c.StartedAt = d.State, d.Health, d.StartedAt
	if d.Health != "" {
		return d.Health == "healthy"
	}
	return d.State == "running" && time.Since(d.StartedAt) >= minHealthyOf(sp)
}

// labelRevision is the revision a container's label names (0 if none).
func labelRevision(d docker.Container) int {
	n, _ := strconv.Atoi(d.Labels[docker.LabelRevision])
	return n
}
