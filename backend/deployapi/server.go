package deployapi

import (
	"github.com/podiumdev/podium/backend/supervisor"

	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ExampleListen is the TCP address the messages suggest. The API listens on TCP only when
// asked (--listen, podium.yml listen:); by default it is served on the workspace's private unix
// socket (ListenSocket).
const ExampleListen = "127.0.0.1:7070"

const (
	// DefaultWaitTimeout is wait_for's timeout when the request gives none.
	DefaultWaitTimeout = 60 * time.Second
	// MaxWaitTimeout caps wait_for, so a typo cannot hold a connection open for days.
	MaxWaitTimeout = time.Hour

	// keepaliveEvery keeps proxies and idle timeouts from cutting a quiet event stream.
	keepaliveEvery = 15 * time.Second
	// shutdownGrace bounds how long a stopping server waits for requests in flight.
	shutdownGrace = 5 * time.Second
	// readHeaderTimeout stops a client that never finishes its headers from holding a
	// connection.
	readHeaderTimeout = 10 * time.Second
	// laggedReason is the words of `event: lagged`, for people reading the stream.
	laggedReason = "events were dropped: fetch /v1/state again"
)

// Reply statuses, as condo's wait_for spelled them.
const (
	replyOK      = "ok"
	replyError   = "error"
	replyTimeout = "timeout"
)

// Controller is what the HTTP API drives: *Supervisor in the daemon, a fake in tests.
//
// Subscribe's channel carries one Event per transition. An Event with an empty Service says
// the subscriber fell behind and events were dropped; the API turns it into `event: lagged`.
// A closed channel ends the stream the same way, so a client always refetches the state and
// subscribes again rather than trusting a view with holes in it.
type Controller interface {
	Status() []supervisor.ServiceStatus
	Service(name string) (supervisor.ServiceStatus, bool)
	Health() supervisor.Health
	Subscribe() (events <-chan supervisor.Event, cancel func())
	Rollback(ctx context.Context, name string, rev int) error
	Restart(ctx context.Context, name string) error
	Pause(name string) error
	Resume(name string) error
	WaitFor(ctx context.Context, name, image string) error
}

// handler serves the API over a Controller. Every answer, errors included, is JSON, except
// the event stream.
type handler struct {
	c         Controller
	opts      Options
	keepalive time.Duration
	mux       *http.ServeMux
}

// routeRecorder catches what ServeMux's own 404 and 405 handlers would write, so the API can
// say the same thing in JSON.
type routeRecorder struct {
	header http.Header
	code   int
}

// The API's JSON documents. They are kept apart from ServiceStatus so the core's types stay
// free of wire concerns and the wire format stays stable when the core changes. Zero times are
// left out; the others are RFC 3339 in UTC.

// stateDoc is GET /v1/state.
type stateDoc struct {
	Supervisor healthDoc    `json:"supervisor"`
	Services   []serviceDoc `json:"services"`
}

// healthDoc is the supervisor's Health.
type healthDoc struct {
	Engine      supervisor.EngineState `json:"engine"`
	EngineError string                 `json:"engine_error,omitempty"`
	Reconciled  bool                   `json:"reconciled"`
	SaveError   string                 `json:"save_error,omitempty"`
	SaveErrorAt *time.Time             `json:"save_error_at,omitempty"`
}

// serviceDoc is one ServiceStatus.
type serviceDoc struct {
	Name           string           `json:"name"`
	File           string           `json:"file,omitempty"`
	State          supervisor.State `json:"state"`
	Since          *time.Time       `json:"since,omitempty"`
	StableAt       *time.Time       `json:"stable_at,omitempty"`
	Revision       int              `json:"revision"`
	Next           int              `json:"next,omitempty"`
	Image          string           `json:"image,omitempty"`
	Desired        int              `json:"desired"`
	Healthy        int              `json:"healthy"`
	Paused         bool             `json:"paused"`
	Containers     []containerDoc   `json:"containers"`
	HealthDeadline *time.Time       `json:"health_deadline,omitempty"`
	DrainUntil     *time.Time       `json:"drain_until,omitempty"`
	RetryAt        *time.Time       `json:"retry_at,omitempty"`
	LastError      string           `json:"last_error,omitempty"`
	SpecError      string           `json:"spec_error,omitempty"`
	Timeline       []transitionDoc  `json:"timeline"`
	History        []revisionDoc    `json:"history"`
}

// containerDoc is one ContainerStatus.
type containerDoc struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Revision  int             `json:"revision"`
	Role      supervisor.Role `json:"role"`
	State     string          `json:"state"`
	Health    string          `json:"health,omitempty"`
	StartedAt *time.Time      `json:"started_at,omitempty"`
}

// transitionDoc is one Transition.
type transitionDoc struct {
	At       *time.Time       `json:"at,omitempty"`
	From     supervisor.State `json:"from"`
	To       supervisor.State `json:"to"`
	Revision int              `json:"revision"`
	Cause    supervisor.Cause `json:"cause,omitempty"`
	Reason   string           `json:"reason,omitempty"`
}

// revisionDoc is one Revision; Spec is the canonical spec text, so a remote UI can diff it,
// with every env value masked (maskSpec): the spec files stay the only place they are.
type revisionDoc struct {
	N     int        `json:"n"`
	Hash  string     `json:"hash"`
	Image string     `json:"image,omitempty"`
	At    *time.Time `json:"at,omitempty"`
	// Outcome is in words ("failed: why"), as v1 has always sent it, for people and older
	// clients; programs read OutcomeKind (and Failure), which newer servers send beside it.
	Outcome     string             `json:"outcome,omitempty"`
	OutcomeKind supervisor.Outcome `json:"outcome_kind,omitempty"`
	Failure     string             `json:"failure,omitempty"`
	Spec        string             `json:"spec,omitempty"`
}

// eventDoc is the data of one `event: transition`.
type eventDoc struct {
	Service    string        `json:"service"`
	Transition transitionDoc `json:"transition"`
	Status     serviceDoc    `json:"status"`
}

// laggedDoc is the data of one `event: lagged`: the cause, typed as a Transition's, so clients
// test it rather than the words (servers before the cause sent only the reason).
type laggedDoc struct {
	Cause  supervisor.Cause `json:"cause"`
	Reason string           `json:"reason"`
}

// replyDoc answers wait_for and the actions, and carries every error.
type replyDoc struct {
	Status   string      `json:"status"`
	Error    string      `json:"error,omitempty"`
	Revision int         `json:"revision,omitempty"` // the revision a rollback went back to
	Service  *serviceDoc `json:"service,omitempty"`
}

func (r *routeRecorder) Header() http.Header         { return r.header }
func (r *routeRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *routeRecorder) WriteHeader(code int)        { r.code = code }

// NewHandler serves the supervisor's HTTP API over c with the default guards of a loopback TCP
// listener (NewGuardedHandler with only the token). With a token, every request must carry
// `Authorization: Bearer <token>`.
func NewHandler(c Controller, token string) http.Handler {
	return newHandler(c, Options{Token: token}, keepaliveEvery)
}

// NewGuardedHandler serves the supervisor's HTTP API over c behind the guards opts describe.
func NewGuardedHandler(c Controller, opts Options) http.Handler {
	return newHandler(c, opts, keepaliveEvery)
}

// newHandler is NewGuardedHandler with the keepalive period as a parameter, so tests need
// not wait 15s for one.
func newHandler(c Controller, opts Options, keepalive time.Duration) *handler {
	h := &handler{c: c, opts: opts, keepalive: keepalive, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /v1/state", h.state)
	h.mux.HandleFunc("GET /v1/services/{name}", h.service)
	h.mux.HandleFunc("GET /v1/wait_for", h.waitFor)
	h.mux.HandleFunc("GET /v1/events", h.events)
	h.mux.HandleFunc("POST /v1/services/{name}/rollback", h.rollback)
	h.mux.HandleFunc("POST /v1/services/{name}/restart", h.action("restart", func(ctx context.Context, name string) error {
		return h.c.Restart(ctx, name)
	}))
	h.mux.HandleFunc("POST /v1/services/{name}/pause", h.action("pause", func(_ context.Context, name string) error {
		return h.c.Pause(name)
	}))
	h.mux.HandleFunc("POST /v1/services/{name}/resume", h.action("resume", func(_ context.Context, name string) error {
		return h.c.Resume(name)
	}))
	return h
}

// ServeHTTP runs the guards (Host, Origin, token, body) before anything else, so a refused
// caller learns nothing, not even which paths exist.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.guard(w, r) {
		return
	}
	if _, pattern := h.mux.Handler(r); pattern == "" {
		h.notRouted(w, r)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// authorized compares in constant time, so the token cannot be guessed byte by byte.
func (h *handler) authorized(r *http.Request) bool {
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(h.opts.Token)) == 1
}

// notRouted answers what ServeMux would have answered (404, or 405 with Allow), in JSON.
func (h *handler) notRouted(w http.ResponseWriter, r *http.Request) {
	rec := &routeRecorder{header: http.Header{}}
	mh, _ := h.mux.Handler(r)
	mh.ServeHTTP(rec, r)
	if rec.code == http.StatusMethodNotAllowed {
		allow := rec.header.Get("Allow")
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s %s: method not allowed (allowed: %s)", r.Method, r.URL.Path, allow))
		return
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("no endpoint %s %s: the API has /v1/state, /v1/services/{name}[/rollback|/restart|/pause|/resume], /v1/wait_for and /v1/events", r.Method, r.URL.Path))
}

func (h *handler) state(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, toStateDoc(h.c.Health(), h.c.Status()))
}

func (h *handler) service(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	st, ok := h.c.Service(name)
	if !ok {
		writeError(w, http.StatusNotFound, unknownService(name))
		return
	}
	writeJSON(w, http.StatusOK, toServiceDoc(st))
}

// waitFor is condo's wait_for, answered by this supervisor alone: 200 once the service is
// stable (with the image, when one is given), 408 at the timeout, 404 for an unknown service.
func (h *handler) waitFor(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name, image := q.Get("name"), q.Get("image")
	if name == "" {
		writeError(w, http.StatusBadRequest, "name param is required: /v1/wait_for?name=SERVICE[&image=IMAGE][&timeout=60s]")
		return
	}
	timeout, err := ParseTimeout(q.Get("timeout"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	err = h.c.WaitFor(ctx, name, image)
	var unknown supervisor.UnknownServiceError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, replyDoc{Status: replyOK})
	case errors.As(err, &unknown):
		writeError(w, http.StatusNotFound, unknownService(name))
	case r.Context().Err() != nil:
		// The client left (nobody reads this) or the server is shutting down (someone does).
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("stopped waiting for %s: the supervisor is shutting down or the request was cancelled", name))
	case ctx.Err() != nil && !trusted(h.c.Health()):
		hl := h.c.Health()
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%s: the supervisor has not reached its engine (engine %s%s): nothing it reports is confirmed", name, hl.Engine, colonSuffix(hl.EngineError)))
	case ctx.Err() != nil:
		what := name
		if image != "" {
			what += " with image " + image
		}
		writeJSON(w, http.StatusRequestTimeout, replyDoc{Status: replyTimeout, Error: fmt.Sprintf("%s is not stable after %s", what, timeout)})
	default:
		writeError(w, http.StatusConflict, err.Error()) // the supervisor's error names the wait
	}
}

// rollback redeploys a revision from the history: ?rev=N, or without it the one
// PreviousRevision picks. The answer names the revision.
func (h *handler) rollback(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	rev := 0
	if s := r.URL.Query().Get("rev"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("rev %q: want a revision number such as 3", s))
			return
		}
		rev = n
	}
	st, ok := h.c.Service(name)
	if !ok {
		writeError(w, http.StatusNotFound, unknownService(name))
		return
	}
	if rev == 0 {
		if rev, ok = supervisor.PreviousRevision(st); !ok {
			writeError(w, http.StatusConflict, fmt.Sprintf("%s has no earlier stable revision to roll back to", name))
			return
		}
	}
	if !h.done(w, name, "roll back", h.c.Rollback(r.Context(), name, rev)) {
		return
	}
	h.reply(w, name, rev)
}

// action serves the POST endpoints, which differ only in the call they make. The answer carries
// the service's status as it is right after the call.
func (h *handler) action(verb string, call func(ctx context.Context, name string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if _, ok := h.c.Service(name); !ok {
			writeError(w, http.StatusNotFound, unknownService(name))
			return
		}
		if !h.done(w, name, verb, call(r.Context(), name)) {
			return
		}
		h.reply(w, name, 0)
	}
}

// reply answers a successful action with the service's status as it is right after it.
func (h *handler) reply(w http.ResponseWriter, name string, rev int) {
	reply := replyDoc{Status: replyOK, Revision: rev}
	if st, ok := h.c.Service(name); ok {
		doc := toServiceDoc(st)
		reply.Service = &doc
	}
	writeJSON(w, http.StatusOK, reply)
}

// done writes the error answer for a failed action (404 when the service vanished meanwhile,
// else 409: the request was fine but the service's state refused it) and says whether it
// succeeded.
func (h *handler) done(w http.ResponseWriter, name, verb string, err error) bool {
	if err == nil {
		return true
	}
	var unknown supervisor.UnknownServiceError
	if errors.As(err, &unknown) {
		writeError(w, http.StatusNotFound, unknownService(name))
		return false
	}
	writeError(w, http.StatusConflict, fmt.Sprintf("%s %s: %v", verb, name, err))
	return false
}

// events streams transitions as server-sent events until the client goes away.
func (h *handler) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// Subscribe before answering, so nothing that happens after the client sees 200 is lost.
	events, cancel := h.c.Subscribe()
	defer cancel()
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(h.keepalive)
	defer tick.Stop()
	for {
		var frame string
		last := false
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			frame = ": keepalive\n\n"
		case ev, ok := <-events:
			frame, last = laggedFrame(ev, ok), !ok
			if ok && ev.Service != "" {
				// Marshal cannot fail on these types; if it did, the client hears of a gap.
				if b, err := json.Marshal(toEventDoc(ev)); err == nil {
					frame = "event: transition\ndata: " + string(b) + "\n\n"
				}
			}
		}
		if _, err := io.WriteString(w, frame); err != nil {
			return
		}
		if err := rc.Flush(); err != nil || last {
			return
		}
	}
}

// laggedFrame tells a stream's client that events were dropped, or that the supervisor's own
// health changed (an Event without a Service), or that the stream ends (!ok): in each case the
// client fetches /v1/state again. It carries data because browsers drop SSE events without any.
func laggedFrame(ev supervisor.Event, ok bool) string {
	d := laggedDoc{Cause: supervisor.CauseLagged, Reason: laggedReason}
	if ok && ev.Transition.Cause != "" {
		d.Cause = ev.Transition.Cause
	}
	b, _ := json.Marshal(d) // cannot fail on two strings
	return "event: lagged\ndata: " + string(b) + "\n\n"
}

// ParseTimeout reads a wait timeout as the API and the CLI both accept it: a Go duration ("30s",
// "2m") or plain seconds ("30", as condo took it). Empty means DefaultWaitTimeout; anything above
// MaxWaitTimeout is MaxWaitTimeout.
func ParseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultWaitTimeout, nil
	}
	var d time.Duration
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > int64(MaxWaitTimeout/time.Second) {
			return MaxWaitTimeout, nil
		}
		d = time.Duration(n) * time.Second
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("timeout %q: want a duration such as 30s or a number of seconds", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("timeout %q: must be positive", s)
	}
	return min(d, MaxWaitTimeout), nil
}

// EncodeState writes the supervisor's health and services as GET /v1/state answers them, so
// `--json` output and the API never drift apart.
func EncodeState(w io.Writer, h supervisor.Health, services []supervisor.ServiceStatus) error {
	return json.NewEncoder(w).Encode(toStateDoc(h, services))
}

// trusted says whether what the supervisor reports has been checked against a reachable engine.
func trusted(h supervisor.Health) bool {
	return h.Reconciled && h.Engine == supervisor.EngineConnected
}

func colonSuffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// Serve serves h on addr until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve the supervisor API: listen on %s: %w", addr, err)
	}
	return ServeListener(ctx, ln, h)
}

// ServeListener is Serve on a listener the caller opened, so a daemon can fail on a busy port
// before it starts supervising. Requests see ctx's end too, so event streams and waits return
// at shutdown instead of holding it up.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve the supervisor API on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		srv.Close()
	}
	<-errc
	if err != nil {
		return fmt.Errorf("shut down the supervisor API on %s: %w", ln.Addr(), err)
	}
	return nil
}

// CheckListen checks a TCP address for the API; from names where it came from (--listen,
// podium.yml listen:) for the message. It needs a port, and beyond loopback it needs TLS or an
// explicit choice of plain HTTP, since the token would cross the network. (A TCP listener
// always has a token: the one given, else one made at start.)
func CheckListen(addr, from string, tls, plainHTTP bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("%s %s: want HOST:PORT such as %s", from, addr, ExampleListen)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("%s %s: bad port %q", from, addr, port)
	}
	if tls || plainHTTP || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("%s %s is not a loopback address: give --tls-cert and --tls-key (or podium.yml api: tls:), or --plain-http to send the token in clear", from, addr)
}

// IsLoopback says whether host (of a listen address) names only this machine.
func IsLoopback(host string) bool { return isLoopback(host) }

// isLoopback says whether host names only this machine; an empty host means every interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	host, _, _ = strings.Cut(host, "%") // an IPv6 zone
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func unknownService(name string) string { return "unknown service " + name }

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, replyDoc{Status: replyError, Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"status":"error","error":"encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// wireTime leaves zero times out of the JSON.
func wireTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func wireTimeVal(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func toStateDoc(h supervisor.Health, services []supervisor.ServiceStatus) stateDoc {
	doc := stateDoc{Supervisor: toHealthDoc(h), Services: make([]serviceDoc, len(services))}
	for i, s := range services {
		doc.Services[i] = toServiceDoc(s)
	}
	return doc
}

func toServiceDoc(s supervisor.ServiceStatus) serviceDoc {
	d := serviceDoc{
		Name: s.Name, File: s.File, State: s.State, Since: wireTime(s.Since), StableAt: wireTime(s.StableAt),
		Revision: s.Revision, Next: s.Next, Image: s.Image, Desired: s.Desired, Healthy: s.Healthy, Paused: s.Paused,
		Containers:     make([]containerDoc, len(s.Containers)),
		HealthDeadline: wireTime(s.HealthDeadline), DrainUntil: wireTime(s.DrainUntil), RetryAt: wireTime(s.RetryAt),
		LastError: s.LastError, SpecError: s.SpecError,
		Timeline: make([]transitionDoc, len(s.Timeline)),
		History:  make([]revisionDoc, len(s.History)),
	}
	for i, c := range s.Containers {
		d.Containers[i] = containerDoc{ID: c.ID, Name: c.Name, Revision: c.Revision, Role: c.Role, State: c.State,
			Health: c.Health, StartedAt: wireTime(c.StartedAt)}
	}
	for i, t := range s.Timeline {
		d.Timeline[i] = toTransitionDoc(t)
	}
	for i, r := range s.History {
		d.History[i] = revisionDoc{N: r.N, Hash: r.Hash, Image: r.Image, At: wireTime(r.At), Outcome: r.OutcomeText(), OutcomeKind: r.Outcome, Failure: r.Failure, Spec: maskSpec(r.Spec)}
	}
	return d
}

func toTransitionDoc(t supervisor.Transition) transitionDoc {
	return transitionDoc{At: wireTime(t.At), From: t.From, To: t.To, Revision: t.Revision, Cause: t.Cause, Reason: t.Reason}
}

func toHealthDoc(h supervisor.Health) healthDoc {
	return healthDoc{Engine: h.Engine, EngineError: h.EngineError, Reconciled: h.Reconciled, SaveError: h.SaveError, SaveErrorAt: wireTime(h.SaveErrorAt)}
}

func fromHealthDoc(d healthDoc) supervisor.Health {
	return supervisor.Health{Engine: d.Engine, EngineError: d.EngineError, Reconciled: d.Reconciled, SaveError: d.SaveError, SaveErrorAt: wireTimeVal(d.SaveErrorAt)}
}

func toEventDoc(e supervisor.Event) eventDoc {
	return eventDoc{Service: e.Service, Transition: toTransitionDoc(e.Transition), Status: toServiceDoc(e.Status)}
}

func fromServiceDoc(d serviceDoc) supervisor.ServiceStatus {
	s := supervisor.ServiceStatus{
		Name: d.Name, File: d.File, State: d.State, Since: wireTimeVal(d.Since), StableAt: wireTimeVal(d.StableAt),
		Revision: d.Revision, Next: d.Next, Image: d.Image, Desired: d.Desired, Healthy: d.Healthy, Paused: d.Paused,
		HealthDeadline: wireTimeVal(d.HealthDeadline), DrainUntil: wireTimeVal(d.DrainUntil), RetryAt: wireTimeVal(d.RetryAt),
		LastError: d.LastError, SpecError: d.SpecError,
	}
	for _, c := range d.Containers {
		s.Containers = append(s.Containers, supervisor.ContainerStatus{ID: c.ID, Name: c.Name, Revision: c.Revision, Role: c.Role,
			State: c.State, Health: c.Health, StartedAt: wireTimeVal(c.StartedAt)})
	}
	for _, t := range d.Timeline {
		s.Timeline = append(s.Timeline, fromTransitionDoc(t))
	}
	for _, r := range d.History {
		rev := supervisor.Revision{N: r.N, Hash: r.Hash, Image: r.Image, At: wireTimeVal(r.At), Outcome: r.OutcomeKind, Failure: r.Failure}
		if r.OutcomeKind == "" {
			// An older server sent the outcome in words only.
			rev.Outcome, rev.Failure = supervisor.ParseOutcome(r.Outcome)
		}
		if r.Spec != "" {
			rev.Spec = []byte(r.Spec)
		}
		s.History = append(s.History, rev)
	}
	return s
}

func fromTransitionDoc(t transitionDoc) supervisor.Transition {
	return supervisor.Transition{At: wireTimeVal(t.At), From: t.From, To: t.To, Revision: t.Revision, Cause: t.Cause, Reason: t.Reason}
}

func fromEventDoc(d eventDoc) supervisor.Event {
	return supervisor.Event{Service: d.Service, Transition: fromTransitionDoc(d.Transition), Status: fromServiceDoc(d.Status)}
}
