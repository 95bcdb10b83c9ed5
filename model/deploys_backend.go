package model

import (
	"context"

	"github.com/podiumdev/podium/backend/supervisor"
)

// DeploysBackend is everything the Deploys tab asks of the supervisor: the services' status,
// their transitions as they happen, and the controls. It is a part of the supervisor's own
// Controller, so the supervisor serves it as it is; tests use a fake.
type DeploysBackend interface {
	// Status is every service, sorted by name.
	Status() []supervisor.ServiceStatus
	// Subscribe delivers every transition. An Event with Service "" (its Transition.Reason is
	// "lagged") says events were dropped, and so does a closed channel: re-read Status (and,
	// after a close, subscribe again).
	Subscribe() (events <-chan supervisor.Event, cancel func())
	// Rollback redeploys revision rev of a service; rev 0 means the previous stable one.
	Rollback(ctx context.Context, name string, rev int) error
	// Restart redeploys a service's current revision.
	Restart(ctx context.Context, name string) error
	// Pause stops a service's deploys (its containers keep running); Resume lets it deploy again.
	Pause(name string) error
	Resume(name string) error
}
