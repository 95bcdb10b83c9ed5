package deployspec

import (
	"time"

	"github.com/moby/moby/api/types/container"
)

// Spec is one service's desired state, parsed from one file (EDN, YAML or JSON; the same keys).
type Spec struct {
	// Name is the service's name: the file's base name without its extension.
	Name string
	// File is the path the spec was read from.
	File string
	// Create is the body of Docker's create-container call (`:spec`), decoded into the Engine
	// API's own types, so any field Docker accepts works. ContainerName is `:spec`'s `:Name`.
	Create        container.CreateRequest
	ContainerName string
	// Deploy is condo's `:deploy`: [:Before] (stop the old, then start the new) or [:After n]
	// (start the new beside the old, and stop the old n after the new is healthy).
	Deploy Deploy
	// HealthTimeout bounds how long a new container may take to become healthy (default 10s).
	HealthTimeout time.Duration
	// StopTimeout is the grace period given to a container being stopped (default 10s).
	StopTimeout time.Duration
	// Replicas is how many containers the service runs (default 1).
	Replicas int
	// Update shapes a rolling deploy of replicas.
	Update Update
	// MinHealthy is how long a container without a health check must keep running to count as
	// healthy (default 1s).
	MinHealthy time.Duration
	// Pull is when the image is pulled: missing (default), always or never.
	Pull PullPolicy
	// Hash identifies the spec by value: reformatting or comments leave it unchanged, any change
	// of a value changes it.
	Hash string
	// ContainerHash identifies the container the spec makes: the create body and its name,
	// without the deploy settings. It is what a deployed container's dev.podium.spec-hash holds,
	// so a change of replicas or update settings alone replaces no container.
	ContainerHash string
}

// Deploy is condo's deploy order.
type Deploy struct {
	After bool          // false: Before
	Delay time.Duration // with After: how long the old container stays after the new is healthy
}

// Order is which side of a batch moves first in a rolling update.
type Order string

const (
	StartFirst Order = "start-first"
	StopFirst  Order = "stop-first"
)

// FailureAction is what a failed rolling update does.
type FailureAction string

const (
	// FailureKeep keeps the old revision serving and retries the new one with backoff.
	FailureKeep FailureAction = "keep"
	// FailureRollback goes back to the last revision that was stable.
	FailureRollback FailureAction = "rollback"
)

// Update shapes a rolling deploy (Docker Swarm's update_config, in Podium's words).
type Update struct {
	Parallelism     int           // containers replaced per batch (default 1)
	Delay           time.Duration // pause between batches
	Order           Order         // default: start-first with After, stop-first with Before
	Failure         FailureAction // default keep
	HealthyDeadline time.Duration // a batch not healthy by then has failed (default HealthTimeout)
}

// PullPolicy says when the image is pulled.
type PullPolicy string

const (
	PullMissing PullPolicy = "missing"
	PullAlways  PullPolicy = "always"
	PullNever   PullPolicy = "never"
)
