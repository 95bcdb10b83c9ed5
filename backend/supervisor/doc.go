// Package supervisor keeps a directory of container specs running: one spec file (read by
// backend/deployspec) is one service, run by condo's state machine (Init, Wait, TryAgain,
// Stable, WaitNext, TryAgainNext) with replicas, rolling updates, rollback and revision history
// on top. Its whole state is persisted after every transition and reconciled against Docker's
// labels on start, so killing the process at any instant loses nothing; stopping it never
// stops the services.
//
// What it exposes is plain data: a ServiceStatus snapshot per service, Health, and a stream of
// Events whose Transitions carry a typed Cause and whose revisions a typed Outcome, so readers
// test values, never words. The files: supervisor.go (the Supervisor and its public calls),
// run.go (Run: the spec directories and the engine), instance.go (one service's loop),
// machine.go, rollout.go, actions.go, health.go and reconcile.go (the state machine and what it
// does on Docker), record.go and settings.go (what it asks of a service's record and spec),
// transition.go and snapshot.go (how a change is recorded and shown), events.go (the event
// stream), store.go and lock.go (the state file and its lock), status.go (the public types).
// Its HTTP API, server and client, is backend/deployapi, which imports this package.
package supervisor
