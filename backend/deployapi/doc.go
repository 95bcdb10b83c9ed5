// Package deployapi is the supervisor's HTTP API, server and client: GET /v1/state,
// /v1/services/{name}, /v1/wait_for and the /v1/events stream (server-sent events), and the
// POST actions (rollback, restart, pause, resume). server.go serves a Controller (the
// *supervisor.Supervisor, or a fake) and keeps its JSON documents apart from the supervisor's
// types, so the wire stays stable when the core changes; guard.go checks Host, Origin, token
// and body before any routing; mask.go masks env values in every answer; socket.go serves a
// workspace's private unix socket; client.go is what `podium deploy` and the TUI's --remote mode
// use. It imports backend/supervisor and never the other way round; causes and outcomes cross
// the wire typed.
package deployapi
