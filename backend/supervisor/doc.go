// Package supervisor keeps a directory of container specs running: one spec file (read by
// backend/deployspec) is one service, run by condo's state machine (Init, Wait, TryAgain,
// Stable, WaitNext, TryAgainNext) with replicas, rolling updates, rollback and revision history
// on top. Its whole state is persisted after every transition and reconciled against Docker's
// labels on start, so killing the process at any instant loses nothing; stopping it never
// stops the services. It also serves and reads its HTTP API (api*.go).
package supervisor
