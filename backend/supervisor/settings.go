package supervisor

import (
	"encoding/json"
	"time"

	"github.com/podiumdev/podium/backend/deployspec"
)

// A spec's settings as the state machine reads them, with their defaults (a Spec built by
// hand, not by Parse, may leave them zero), and its hashes and canonical form.

const (
	fallbackHealthTimeout = 10 * time.Second
	fallbackStopTimeout   = 10 * time.Second
)

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
