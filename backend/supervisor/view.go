package supervisor

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Recording and showing: every change goes through note or setState, which append to the
// timeline, save the state file and publish the event; status renders what Status shows.

// setState moves the state machine and records why.
func (in *instance) setState(to State, cause Cause, reason string) {
	from := in.rec.State
	if from != to {
		in.rec.State = to
		in.rec.Since = time.Now()
		in.log.Info("state", "from", from, "to", to, "cause", cause, "reason", reason)
	}
	in.commit(from, cause, reason)
}

// note records a step that keeps the state (a container started, healthy, removed…).
func (in *instance) note(cause Cause, reason string) {
	in.commit(in.rec.State, cause, reason)
}

// commit appends the transition to the timeline, saves the state and publishes it.
func (in *instance) commit(from State, cause Cause, reason string) {
	tr := Transition{At: time.Now(), From: from, To: in.rec.State, Revision: in.target(), Cause: cause, Reason: reason}
	in.rec.Timeline = append(in.rec.Timeline, timelineRecord{At: tr.At, From: tr.From, To: tr.To, Revision: tr.Revision, Cause: tr.Cause, Reason: tr.Reason})
	if n := len(in.rec.Timeline) - maxTimeline; n > 0 {
		in.rec.Timeline = append([]timelineRecord(nil), in.rec.Timeline[n:]...)
	}
	in.s.update(in.name, in.rec.clone(), in.status(), &tr)
}

// refresh publishes live container data without a transition (and without saving).
func (in *instance) refresh() {
	in.s.update(in.name, in.rec.clone(), in.status(), nil)
}

// status renders the service for Status, the API and the TUI.
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

// names lists containers for messages.
func containerNames(cs []*containerRecord) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return strings.Join(out, ", ")
}
