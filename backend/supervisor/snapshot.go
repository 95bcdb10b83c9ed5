package supervisor

import (
	"slices"
	"sort"
	"time"
)

// status is the service's snapshot as Status, the API and the TUI show it: built from the
// record after every change, so readers never touch the loop's state.
func (in *instance) status() ServiceStatus {
	r := &in.rec
	st := ServiceStatus{
		Name: in.name, File: r.File, State: r.State, Since: r.Since, StableAt: r.StableAt,
		Revision: r.Current, Next: r.Next, Paused: r.Paused,
		LastError: r.LastError, SpecError: r.SpecError,
	}
	if h := in.revision(r.Current); h != nil {
		st.Image = h.Image
	}
	if sp := in.specs[in.target()]; sp != nil && !in.specGone {
		st.Desired = replicasOf(sp)
		st.Deploy = sp.Deploy
		st.Update = sp.Update
		st.Update.Order = orderOf(sp)
		st.Update.Parallelism = parallelismOf(sp)
		st.Update.HealthyDeadline = healthDeadlineOf(sp)
	}
	if r.State == TryAgain || r.State == TryAgainNext {
		st.RetryAt = r.RetryAt
	}
	if r.State == WaitNext && r.BatchAt.After(time.Now()) {
		st.NextBatch = r.BatchAt
	}
	earliest := func(cur, t time.Time) time.Time {
		if !t.IsZero() && (cur.IsZero() || t.Before(cur)) {
			return t
		}
		return cur
	}
	for _, c := range r.Containers {
		st.Containers = append(st.Containers, ContainerStatus{
			ID: c.ID, Name: c.Name, Revision: c.Revision, Role: in.roleOf(c),
			State: c.State, Health: c.Health, StartedAt: c.StartedAt, Healthy: c.healthy() && !c.Stopping,
		})
		if c.healthy() && !c.Stopping {
			st.Healthy++
		}
		if !c.healthy() && !c.Stopping {
			st.HealthDeadline = earliest(st.HealthDeadline, c.HealthDeadline)
		}
		if c.Draining && !c.Stopping {
			st.DrainUntil = earliest(st.DrainUntil, c.DrainUntil)
		}
	}
	sort.SliceStable(st.Containers, func(i, j int) bool {
		a, b := st.Containers[i], st.Containers[j]
		if a.Revision != b.Revision {
			return a.Revision < b.Revision
		}
		return a.Name < b.Name
	})
	for _, t := range r.Timeline {
		st.Timeline = append(st.Timeline, Transition{At: t.At, From: t.From, To: t.To, Revision: t.Revision, Cause: t.Cause, Reason: t.Reason})
	}
	for _, h := range r.History {
		st.History = append(st.History, Revision{N: h.N, Hash: h.Hash, Image: h.Image, At: h.At, StableAt: h.StableAt, Outcome: h.Outcome, Failure: h.Failure, Spec: slices.Clone([]byte(h.Spec))})
	}
	return st
}

// roleOf says which side of a deploy a container is on.
func (in *instance) roleOf(c *containerRecord) Role {
	switch {
	case c.Stopping || c.Draining:
		return RoleOld
	case c.Revision == in.rec.Next && in.rec.Next != in.rec.Current:
		return RoleNext
	case c.Revision == in.rec.Current:
		return RoleCurrent
	}
	return RoleOld
}
