package supervisor

import (
	"encoding/json"
	"github.com/podiumdev/podium/backend/deployspec"
	"time"
)

// Questions about an instance's record and specs, and the spec settings with their defaults
// (a Spec built by hand, not by Parse, may leave them zero).

const (
	fallbackHealthTimeout = 10 * time.Second
	fallbackStopTimeout   = 10 * time.Second
)

// healthy says whether the container has passed its health check.
func (c *containerRecord) healthy() bool { return !c.HealthyAt.IsZero() }

// target is the revision being worked towards: the next one during a deploy, else the current.
func (in *instance) target() int {
	if in.rec.Next > 0 {
		return in.rec.Next
	}
	return in.rec.Current
}

// containersOf lists the containers of revision rev, whatever their condition.
func (in *instance) containersOf(rev int) []*containerRecord {
	var out []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision == rev {
			out = append(out, c)
		}
	}
	return out
}

// alive lists the containers of rev that are neither draining nor being stopped.
func (in *instance) alive(rev int) []*containerRecord {
	var out []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision == rev && !c.Stopping && !c.Draining {
			out = append(out, c)
		}
	}
	return out
}

// others lists the live containers (neither draining nor being stopped) of every revision but
// rev: during a deploy, the ones that serve until rev's containers take over, whatever revision
// they belong to (the stable one, or one a newer spec superseded).
func (in *instance) others(rev int) []*containerRecord {
	var out []*containerRecord
	for _, c := range in.rec.Containers {
		if c.Revision != rev && !c.Stopping && !c.Draining {
			out = append(out, c)
		}
	}
	return out
}

// healthyOf counts the healthy containers among cs.
func healthyOf(cs []*containerRecord) int {
	n := 0
	for _, c := range cs {
		if c.healthy() {
			n++
		}
	}
	return n
}

// containerHashOf is what a container of sp carries in dev.podium.spec-hash.
func containerHashOf(sp *deployspec.Spec) string {
	if sp == nil {
		return ""
	}
	if sp.ContainerHash != "" {
		return sp.ContainerHash
	}
	return sp.Hash
}

// labelMatches says whether a container's dev.podium.spec-hash says sp made it (older Podiums
// labelled containers with the whole spec's hash).
func labelMatches(hash string, sp *deployspec.Spec) bool {
	return sp != nil && hash != "" && (hash == containerHashOf(sp) || hash == sp.Hash)
}

// allHealthy says whether rev has exactly want live containers, all healthy.
func (in *instance) allHealthy(rev, want int) bool {
	cs := in.alive(rev)
	if len(cs) != want {
		return false
	}
	for _, c := range cs {
		if !c.healthy() {
			return false
		}
	}
	return true
}

// restoring says whether containers of the stable revision are still becoming healthy (after
// a failed batch): the retry waits for them, or it would stop them again at once.
func (in *instance) restoring() bool {
	for _, c := range in.alive(in.rec.Current) {
		if !c.healthy() && !c.Prepared {
			return true
		}
	}
	return false
}

// healthyCount counts the healthy containers still serving.
func (in *instance) healthyCount() int {
	n := 0
	for _, c := range in.rec.Containers {
		if c.healthy() && !c.Stopping {
			n++
		}
	}
	return n
}

// hasStopping says whether a container is on its way out.
func (in *instance) hasStopping() bool {
	for _, c := range in.rec.Containers {
		if c.Stopping {
			return true
		}
	}
	return false
}

// indexOf finds a container by id; -1 if it is not the service's.
func (in *instance) indexOf(id string) int {
	for i, c := range in.rec.Containers {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// revision finds rev in the history.
func (in *instance) revision(rev int) *revisionRecord {
	for i := range in.rec.History {
		if in.rec.History[i].N == rev {
			return &in.rec.History[i]
		}
	}
	return nil
}

// hashOf is revision rev's spec hash ("" if unknown).
func (in *instance) hashOf(rev int) string {
	if h := in.revision(rev); h != nil {
		return h.Hash
	}
	return ""
}

// setOutcome records how a revision ended.
func (in *instance) setOutcome(rev int, outcome Outcome) {
	if h := in.revision(rev); h != nil {
		h.Outcome, h.Failure = outcome, ""
	}
}

// setFailed records that revision rev failed, and why.
func (in *instance) setFailed(rev int, err error) {
	if h := in.revision(rev); h != nil {
		h.Outcome, h.Failure = OutcomeFailed, err.Error()
	}
}

// pruneHistory keeps the last maxHistory revisions, and always the current and the next.
func (in *instance) pruneHistory() {
	for len(in.rec.History) > maxHistory {
		drop := -1
		for i, h := range in.rec.History {
			if h.N != in.rec.Current && h.N != in.rec.Next {
				drop = i
				break
			}
		}
		if drop < 0 {
			return
		}
		in.rec.History = append(in.rec.History[:drop], in.rec.History[drop+1:]...)
	}
	in.pruneSpecs()
}

// pruneSpecs forgets parsed specs no container or pending revision needs.
func (in *instance) pruneSpecs() {
	for rev := range in.specs {
		if rev == in.rec.Current || rev == in.rec.Next || len(in.containersOf(rev)) > 0 {
			continue
		}
		delete(in.specs, rev)
	}
}

// loadSpecs parses the saved specs of the revisions the record still uses.
func (in *instance) loadSpecs() {
	for _, h := range in.rec.History {
		if len(h.Spec) == 0 || (h.N != in.rec.Current && h.N != in.rec.Next && len(in.containersOf(h.N)) == 0) {
			continue
		}
		sp, err := deployspec.ParseCanonical(in.name, h.Spec)
		if err != nil {
			in.log.Warn("saved revision does not parse", "revision", h.N, "err", err)
			continue
		}
		sp.File = in.rec.File
		in.specs[h.N] = &sp
	}
}

// specJSON is a spec's canonical form for the state file; nil if it has none.
func specJSON(sp *deployspec.Spec) json.RawMessage {
	b := sp.Canonical()
	if !json.Valid(b) {
		return nil
	}
	return b
}

func imageOf(sp *deployspec.Spec) string {
	if sp == nil || sp.Create.Config == nil {
		return ""
	}
	return sp.Create.Config.Image
}

func replicasOf(sp *deployspec.Spec) int {
	if sp == nil {
		return 0
	}
	return max(sp.Replicas, 0)
}

func parallelismOf(sp *deployspec.Spec) int {
	if sp == nil || sp.Update.Parallelism < 1 {
		return 1
	}
	return sp.Update.Parallelism
}

// orderOf is the batch order: as given, else start-first with After and stop-first with Before.
func orderOf(sp *deployspec.Spec) deployspec.Order {
	switch {
	case sp == nil:
		return deployspec.StopFirst
	case sp.Update.Order != "":
		return sp.Update.Order
	case sp.Deploy.After:
		return deployspec.StartFirst
	}
	return deployspec.StopFirst
}

func healthTimeoutOf(sp *deployspec.Spec) time.Duration {
	if sp == nil || sp.HealthTimeout <= 0 {
		return fallbackHealthTimeout
	}
	return sp.HealthTimeout
}

// healthDeadlineOf is how long a new container has to become healthy.
func healthDeadlineOf(sp *deployspec.Spec) time.Duration {
	if sp != nil && sp.Update.HealthyDeadline > 0 {
		return sp.Update.HealthyDeadline
	}
	return healthTimeoutOf(sp)
}

func minHealthyOf(sp *deployspec.Spec) time.Duration {
	if sp == nil {
		return time.Second
	}
	return max(sp.MinHealthy, 0)
}

func stopTimeoutOf(sp *deployspec.Spec) time.Duration {
	if sp == nil {
		return fallbackStopTimeout
	}
	return max(sp.StopTimeout, 0)
}
