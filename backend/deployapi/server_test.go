package deployapi

import (
	"bytes"
	"github.com/podiumdev/podium/backend/supervisor"

	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeController stands in for *Supervisor: a fixed set of services, recorded actions, a
// WaitFor that blocks until release closes, and subscriptions the test feeds by hand.
type fakeController struct {
	mu        sync.Mutex
	services  []supervisor.ServiceStatus
	calls     []string
	actionErr error
	waiting   chan string   // receives the name each WaitFor is called with
	release   chan struct{} // closing it makes every WaitFor succeed
	subs      chan chan supervisor.Event
	cancelled chan struct{} // receives once per cancelled subscription
}

// callAnswer is one HTTP exchange as a test sees it.
type callAnswer struct {
	code   int
	header http.Header
	body   string
	reply  replyDoc
}

func newFakeController() *fakeController {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	return &fakeController{
		services: []supervisor.ServiceStatus{
			{Name: "db", File: "/specs/db.yml", State: supervisor.TryAgain, Since: t0.Add(time.Minute), Desired: 1,
				RetryAt: t0.Add(2 * time.Minute), LastError: "pull postgres:oops: not found",
			},
			{Name: "web", File: "/specs/web.edn", State: supervisor.Stable, Since: t0, StableAt: t0, Revision: 3, Image: "nginx:2",
				Desired: 2, Healthy: 2,
				Containers: []supervisor.ContainerStatus{
					{ID: "c1", Name: "web_a", Revision: 3, Role: supervisor.RoleCurrent, State: "running", Health: "healthy", StartedAt: t0},
					{ID: "c2", Name: "web_b", Revision: 3, Role: supervisor.RoleCurrent, State: "running", StartedAt: t0},
				},
				Timeline: []supervisor.Transition{{At: t0, From: supervisor.WaitNext, To: supervisor.Stable, Revision: 3, Reason: "all replicas healthy"}},
				History: []supervisor.Revision{
					{N: 1, Hash: "h1", Image: "nginx:1", At: t0.Add(-2 * time.Hour), Outcome: "replaced", Spec: []byte(`{"spec":{"Image":"nginx:1"}}`)},
					{N: 2, Hash: "h2", Image: "nginx:oops", At: t0.Add(-time.Hour), Outcome: supervisor.OutcomeFailed, Failure: "unhealthy"},
					{N: 3, Hash: "h3", Image: "nginx:2", At: t0, Outcome: "stable"},
				}},
		},
		waiting:   make(chan string, 10),
		release:   make(chan struct{}),
		subs:      make(chan chan supervisor.Event, 10),
		cancelled: make(chan struct{}, 10),
	}
}

func (f *fakeController) Status() []supervisor.ServiceStatus { return f.services }

func (f *fakeController) Health() supervisor.Health {
	return supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true}
}

func (f *fakeController) Service(name string) (supervisor.ServiceStatus, bool) {
	for _, s := range f.services {
		if s.Name == name {
			return s, true
		}
	}
	return supervisor.ServiceStatus{}, false
}

func (f *fakeController) Subscribe() (<-chan supervisor.Event, func()) {
	ch := make(chan supervisor.Event)
	f.subs <- ch
	var once sync.Once
	return ch, func() { once.Do(func() { f.cancelled <- struct{}{} }) }
}

func (f *fakeController) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	return f.actionErr
}

// fail makes every later action fail with err (nil: succeed).
func (f *fakeController) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actionErr = err
}

func (f *fakeController) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeController) Rollback(_ context.Context, name string, rev int) error {
	return f.record(fmt.Sprintf("rollback %s %d", name, rev))
}

func (f *fakeController) Restart(_ context.Context, name string) error {
	return f.record("restart " + name)
}

func (f *fakeController) Pause(name string) error  { return f.record("pause " + name) }
func (f *fakeController) Resume(name string) error { return f.record("resume " + name) }

func (f *fakeController) WaitFor(ctx context.Context, name, image string) error {
	if _, ok := f.Service(name); !ok {
		return supervisor.UnknownServiceError{Name: name}
	}
	f.waiting <- name
	select {
	case <-f.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// doCall makes one raw request, so tests see exactly what the API answers.
func doCall(t *testing.T, srv *httptest.Server, method, path, token string) callAnswer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := callAnswer{code: resp.StatusCode, header: resp.Header, body: string(b)}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: Content-Type %q, want JSON; body %s", method, path, ct, b)
	}
	json.Unmarshal(b, &a.reply)
	return a
}

func serveFake(t *testing.T, c Controller, token string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(c, token))
	t.Cleanup(srv.Close)
	return srv
}

func wantCode(t *testing.T, a callAnswer, code int) {
	t.Helper()
	if a.code != code {
		t.Fatalf("status %d, want %d; body %s", a.code, code, a.body)
	}
}

func TestSupervisorIsController(t *testing.T) {
	var _ Controller = (*supervisor.Supervisor)(nil)
}

func TestHandlerState(t *testing.T) {
	f := newFakeController()
	srv := serveFake(t, f, "")
	a := doCall(t, srv, "GET", "/v1/state", "")
	wantCode(t, a, http.StatusOK)
	for _, want := range []string{`"services":[{"name":"db"`, `"state":"TryAgain"`, `"retry_at":"2025-03-01T12:02:00Z"`,
		`"last_error":"pull postgres:oops: not found"`, `"since":"2025-03-01T12:00:00Z"`, `"healthy":2`, `"desired":2`,
		`"containers":[{"id":"c1","name":"web_a","revision":3,"role":"current","state":"running","health":"healthy"`,
		`"history":[{"n":1`, `"outcome":"failed: unhealthy","outcome_kind":"failed","failure":"unhealthy"`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("state lacks %s:\n%s", want, a.body)
		}
	}
	if strings.Contains(a.body, "0001-01-01") {
		t.Errorf("zero times must be left out:\n%s", a.body)
	}
	got, err := NewClient(srv.URL, "").Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f.services) {
		t.Fatalf("Client.Status does not round-trip:\n got %+v\nwant %+v", got, f.services)
	}
}

func TestHandlerService(t *testing.T) {
	f := newFakeController()
	srv := serveFake(t, f, "")
	a := doCall(t, srv, "GET", "/v1/services/web", "")
	wantCode(t, a, http.StatusOK)
	if !strings.HasPrefix(a.body, `{"name":"web"`) {
		t.Fatalf("one service is its document: %s", a.body)
	}
	a = doCall(t, srv, "GET", "/v1/services/nope", "")
	wantCode(t, a, http.StatusNotFound)
	if a.reply.Status != "error" || a.reply.Error != "unknown service nope" {
		t.Fatalf("404 must name the service: %s", a.body)
	}

	c := NewClient(srv.URL+"/", "")
	st, err := c.Service(context.Background(), "web")
	if err != nil || !reflect.DeepEqual(st, f.services[1]) {
		t.Fatalf("Client.Service = %+v, %v", st, err)
	}
	_, err = c.Service(context.Background(), "nope")
	var ae *StatusError
	if !errors.As(err, &ae) || ae.Code != http.StatusNotFound || !strings.Contains(err.Error(), srv.URL+"/v1/services/nope") ||
		!strings.Contains(err.Error(), "unknown service nope") {
		t.Fatalf("want a 404 naming the URL and the server's message, got %v", err)
	}
}

func TestHandlerWaitFor(t *testing.T) {
	f := newFakeController()
	srv := serveFake(t, f, "")
	for _, tc := range []struct {
		path, msg string
	}{
		{"/v1/wait_for", "name param is required"},
		{"/v1/wait_for?image=x", "name param is required"},
		{"/v1/wait_for?name=web&timeout=soon", `timeout "soon"`},
		{"/v1/wait_for?name=web&timeout=0", "must be positive"},
		{"/v1/wait_for?name=web&timeout=-5s", "must be positive"},
	} {
		a := doCall(t, srv, "GET", tc.path, "")
		wantCode(t, a, http.StatusBadRequest)
		if a.reply.Status != "error" || !strings.Contains(a.reply.Error, tc.msg) {
			t.Errorf("%s: want an error saying %q, got %s", tc.path, tc.msg, a.body)
		}
	}

	a := doCall(t, srv, "GET", "/v1/wait_for?name=x&image=i&timeout=5", "")
	wantCode(t, a, http.StatusNotFound)
	if strings.TrimSpace(a.body) != `{"status":"error","error":"unknown service x"}` {
		t.Fatalf("unknown service: %s", a.body)
	}

	a = doCall(t, srv, "GET", "/v1/wait_for?name=web&image=nginx:3&timeout=50ms", "")
	wantCode(t, a, http.StatusRequestTimeout)
	if a.reply.Status != "timeout" || !strings.Contains(a.reply.Error, "web with image nginx:3 is not stable after 50ms") {
		t.Fatalf("timeout: %s", a.body)
	}
	<-f.waiting

	// A wait blocks until the service is stable, then answers ok.
	done := make(chan callAnswer, 1)
	go func() { done <- doCall(t, srv, "GET", "/v1/wait_for?name=web&image=nginx:2&timeout=30", "") }()
	if got := <-f.waiting; got != "web" {
		t.Fatalf("WaitFor called for %q", got)
	}
	select {
	case a := <-done:
		t.Fatalf("wait_for answered before the service was stable: %s", a.body)
	case <-time.After(50 * time.Millisecond):
	}
	close(f.release)
	a = <-done
	wantCode(t, a, http.StatusOK)
	if strings.TrimSpace(a.body) != `{"status":"ok"}` {
		t.Fatalf("ok: %s", a.body)
	}
}

func TestClientWaitFor(t *testing.T) {
	f := newFakeController()
	srv := serveFake(t, f, "")
	c := NewClient(srv.URL, "")
	err := c.WaitFor(context.Background(), "web", "nginx:2", 20*time.Millisecond)
	var ae *StatusError
	if !errors.As(err, &ae) || ae.Code != http.StatusRequestTimeout || !strings.Contains(err.Error(), "not stable after 20ms") {
		t.Fatalf("want a 408 saying why, got %v", err)
	}
	if err := c.WaitFor(context.Background(), "ghost", "", 0); !errors.As(err, &ae) || ae.Code != http.StatusNotFound {
		t.Fatalf("want a 404, got %v", err)
	}
	close(f.release)
	if err := c.WaitFor(context.Background(), "web", "", time.Second); err != nil {
		t.Fatalf("WaitFor: %v", err)
	}
}

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": DefaultWaitTimeout, "30s": 30 * time.Second, "30": 30 * time.Second, "1m30s": 90 * time.Second,
		"2h": time.Hour, "3601": time.Hour, "99999999999999999": time.Hour,
	} {
		if got, err := ParseTimeout(in); err != nil || got != want {
			t.Errorf("ParseTimeout(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"soon", "0", "-1", "0s", "-3m", "1.5"} {
		if _, err := ParseTimeout(in); err == nil {
			t.Errorf("ParseTimeout(%q) accepted", in)
		}
	}
}

func TestHandlerActions(t *testing.T) {
	f := newFakeController()
	srv := serveFake(t, f, "")
	for _, tc := range []struct {
		path string
		code int
		call string
	}{
		{"/v1/services/web/rollback?rev=2", http.StatusOK, "rollback web 2"},
		{"/v1/services/web/rollback", http.StatusOK, "rollback web 1"}, // 2 failed, so the previous is 1
		{"/v1/services/db/rollback", http.StatusConflict, ""},          // nothing stable before
		{"/v1/services/web/restart", http.StatusOK, "restart web"},
		{"/v1/services/web/pause", http.StatusOK, "pause web"},
		{"/v1/services/web/resume", http.StatusOK, "resume web"},
		{"/v1/services/web/rollback?rev=two", http.StatusBadRequest, ""},
		{"/v1/services/web/rollback?rev=0", http.StatusBadRequest, ""},
		{"/v1/services/nope/rollback?rev=1", http.StatusNotFound, ""},
		{"/v1/services/nope/restart", http.StatusNotFound, ""},
		{"/v1/services/nope/pause", http.StatusNotFound, ""},
		{"/v1/services/nope/resume", http.StatusNotFound, ""},
	} {
		before := len(f.recorded())
		a := doCall(t, srv, "POST", tc.path, "")
		if a.code != tc.code {
			t.Errorf("POST %s: %d, want %d; %s", tc.path, a.code, tc.code, a.body)
			continue
		}
		calls := f.recorded()[before:]
		switch {
		case tc.call != "" && (len(calls) != 1 || calls[0] != tc.call):
			t.Errorf("POST %s called %q, want %q", tc.path, calls, tc.call)
		case tc.call == "" && len(calls) != 0:
			t.Errorf("POST %s must not act, called %q", tc.path, calls)
		case tc.code == http.StatusOK && (a.reply.Status != "ok" || a.reply.Service == nil || a.reply.Service.Name != "web"):
			t.Errorf("POST %s: %s", tc.path, a.body)
		case tc.code != http.StatusOK && (a.reply.Status != "error" || a.reply.Error == ""):
			t.Errorf("POST %s: an error needs a message: %s", tc.path, a.body)
		}
	}

	if a := doCall(t, srv, "POST", "/v1/services/web/rollback", ""); a.reply.Revision != 1 {
		t.Fatalf("the answer names the revision: %s", a.body)
	}
	f.fail(errors.New("already paused"))
	a := doCall(t, srv, "POST", "/v1/services/web/pause", "")
	wantCode(t, a, http.StatusConflict)
	if a.reply.Error != "pause web: already paused" {
		t.Fatalf("409 must say why: %s", a.body)
	}
	f.fail(supervisor.UnknownServiceError{Name: "web"})
	wantCode(t, doCall(t, srv, "POST", "/v1/services/web/restart", ""), http.StatusNotFound)
	f.fail(nil)

	c := NewClient(srv.URL, "")
	ctx := context.Background()
	if err := c.Rollback(ctx, "web", 0); err != nil {
		t.Fatal(err)
	}
	if err := c.Rollback(ctx, "web", 3); err != nil {
		t.Fatal(err)
	}
	for _, fn := range []func(context.Context, string) error{c.Restart, c.Pause, c.Resume} {
		if err := fn(ctx, "web"); err != nil {
			t.Fatal(err)
		}
		var ae *StatusError
		if err := fn(ctx, "nope"); !errors.As(err, &ae) || ae.Code != http.StatusNotFound {
			t.Fatalf("want a 404, got %v", err)
		}
	}
	want := []string{"rollback web 1", "rollback web 3", "restart web", "pause web", "resume web"}
	if got := f.recorded(); !reflect.DeepEqual(got[len(got)-len(want):], want) {
		t.Fatalf("client calls: %q", got)
	}
}

func TestHandlerRoutes(t *testing.T) {
	srv := serveFake(t, newFakeController(), "")
	for _, tc := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{"POST", "/v1/state", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET", "/v1/services/web/restart", http.StatusMethodNotAllowed, "POST"},
		{"DELETE", "/v1/services/web", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET", "/", http.StatusNotFound, ""},
		{"GET", "/v1/nothing", http.StatusNotFound, ""},
		{"POST", "/v1/services/web/explode", http.StatusNotFound, ""},
	} {
		a := doCall(t, srv, tc.method, tc.path, "")
		if a.code != tc.code || a.reply.Status != "error" || !strings.Contains(a.reply.Error, tc.path) {
			t.Errorf("%s %s: %d %s; want %d with a JSON error naming the path", tc.method, tc.path, a.code, a.body, tc.code)
		}
		if got := a.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

func TestHandlerAuth(t *testing.T) {
	srv := serveFake(t, newFakeController(), "s3cret")
	for _, tc := range []struct {
		method, path, token string
		code                int
	}{
		{"GET", "/v1/state", "", http.StatusUnauthorized},
		{"GET", "/v1/state", "wrong", http.StatusUnauthorized},
		{"GET", "/v1/state", "s3cret", http.StatusOK},
		{"GET", "/v1/nothing", "", http.StatusUnauthorized},
		{"GET", "/v1/nothing", "s3cret", http.StatusNotFound},
		{"POST", "/v1/services/web/pause", "", http.StatusUnauthorized},
		{"POST", "/v1/services/web/pause", "s3cret", http.StatusOK},
		{"GET", "/v1/wait_for", "s3cret", http.StatusBadRequest},
	} {
		a := doCall(t, srv, tc.method, tc.path, tc.token)
		if a.code != tc.code {
			t.Errorf("%s %s with token %q: %d, want %d; %s", tc.method, tc.path, tc.token, a.code, tc.code, a.body)
		}
		if tc.code == http.StatusUnauthorized && (a.header.Get("WWW-Authenticate") == "" || !strings.Contains(a.reply.Error, "Bearer")) {
			t.Errorf("401 must say how to authenticate: %v %s", a.header, a.body)
		}
	}
	if _, err := NewClient(srv.URL, "s3cret").Status(context.Background()); err != nil {
		t.Fatalf("client with the token: %v", err)
	}
	var ae *StatusError
	if _, err := NewClient(srv.URL, "").Status(context.Background()); !errors.As(err, &ae) || ae.Code != http.StatusUnauthorized {
		t.Fatalf("client without the token: want a 401, got %v", err)
	}
	if _, _, err := receiveAll(NewClient(srv.URL, "nope").Events(context.Background())); !errors.As(err, &ae) || ae.Code != http.StatusUnauthorized {
		t.Fatalf("event stream without the token: want a 401, got %v", err)
	}

	open := serveFake(t, newFakeController(), "")
	wantCode(t, doCall(t, open, "GET", "/v1/state", ""), http.StatusOK)
	wantCode(t, doCall(t, open, "GET", "/v1/state", "anything"), http.StatusOK)
}

// receiveAll drains an Events pair: the events, and the error that ended them.
func receiveAll(events <-chan supervisor.Event, errs <-chan error) ([]supervisor.Event, bool, error) {
	var got []supervisor.Event
	for ev := range events {
		got = append(got, ev)
	}
	err, ok := <-errs
	return got, ok, err
}

func TestSSEThroughClient(t *testing.T) {
	f := newFakeController()
	srv := serveFake(t, f, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, errs := NewClient(srv.URL, "").Events(ctx)
	sub := <-f.subs

	web := f.services[1]
	first := supervisor.Event{Service: "web", Transition: web.Timeline[0], Status: web}
	second := supervisor.Event{Service: "db", Transition: supervisor.Transition{At: web.Since, From: supervisor.Wait, To: supervisor.TryAgain, Reason: "unhealthy after 10s"}, Status: f.services[0]}
	sub <- first
	sub <- second
	sub <- supervisor.Event{} // the supervisor dropped events for this subscriber
	for i, want := range []supervisor.Event{first, second, {Transition: supervisor.Transition{Cause: supervisor.CauseLagged, Reason: laggedReason}}} {
		select {
		case got := <-events:
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("event %d:\n got %+v\nwant %+v", i, got, want)
			}
		case err := <-errs:
			t.Fatalf("stream ended early: %v", err)
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d never arrived", i)
		}
	}

	cancel()
	got, hasErr, err := receiveAll(events, errs)
	if len(got) != 0 || hasErr {
		t.Fatalf("a cancelled stream ends quietly, got %v, %v", got, err)
	}
	select {
	case <-f.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the subscription outlived its client")
	}
}

func TestSSEKeepaliveAndLagged(t *testing.T) {
	f := newFakeController()
	srv := httptest.NewServer(newHandler(f, Options{}, 10*time.Millisecond))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sub := <-f.subs
	br := bufio.NewReader(resp.Body)
	line := func() string {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("read the stream: %v", err)
		}
		return strings.TrimSuffix(l, "\n")
	}
	if l := line(); l != ": keepalive" {
		t.Fatalf("want a keepalive comment first, got %q", l)
	}
	close(sub) // the supervisor gave up on this subscriber
	var frames []string
	for {
		l, err := br.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if l != ": keepalive\n" && l != "\n" {
			frames = append(frames, strings.TrimSuffix(l, "\n"))
		}
	}
	if len(frames) != 2 || frames[0] != "event: lagged" || !strings.HasPrefix(frames[1], "data: {") {
		t.Fatalf("a closed subscription ends the stream with event: lagged, got %q", frames)
	}

	// The client reports the same as a lag, then the end of the stream as an error to reconnect on.
	events, errs := NewClient(srv.URL, "").Events(context.Background())
	close(<-f.subs)
	got, _, err := receiveAll(events, errs)
	if len(got) != 1 || got[0].Service != "" || got[0].Transition.Cause != supervisor.CauseLagged || err == nil || !strings.Contains(err.Error(), srv.URL+"/v1/events ended") {
		t.Fatalf("want one lagged event then an error naming the stream, got %v, %v", got, err)
	}
}

func TestClientUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close()
	c := NewClient(addr, "")
	var ue *UnreachableError
	if _, err := c.Status(context.Background()); !errors.As(err, &ue) || ue.URL != addr || !strings.Contains(err.Error(), "no supervisor at "+addr) {
		t.Fatalf("want an UnreachableError naming %s, got %v", addr, err)
	}
	if _, _, err := receiveAll(c.Events(context.Background())); !errors.As(err, &ue) {
		t.Fatalf("events: want an UnreachableError, got %v", err)
	}

	// Something that is not the API answers: the error says so and names the URL.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello"))
	}))
	defer other.Close()
	if _, err := NewClient(other.URL, "").Status(context.Background()); err == nil || !strings.Contains(err.Error(), other.URL+"/v1/state") {
		t.Fatalf("want an error naming the URL, got %v", err)
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr       string
		tls, plain bool
		err        string
	}{
		{"127.0.0.1:7070", false, false, ""},
		{"localhost:7070", false, false, ""},
		{"[::1]:7070", false, false, ""},
		{"127.0.0.2:80", false, false, ""},
		{"127.0.0.1:0", false, false, ""},
		{"0.0.0.0:7070", false, false, "--listen 0.0.0.0:7070 is not a loopback address: give --tls-cert and --tls-key"},
		{":7070", false, false, "not a loopback address"},
		{"192.168.1.5:7070", false, false, "not a loopback address"},
		{"example.com:7070", false, false, "not a loopback address"},
		{"0.0.0.0:7070", true, false, ""},
		{"0.0.0.0:7070", false, true, ""},
		{"7070", false, false, "--listen 7070: want HOST:PORT"},
		{"127.0.0.1", false, false, "--listen 127.0.0.1: want HOST:PORT"},
		{"127.0.0.1:", false, false, "want HOST:PORT"},
		{"127.0.0.1:http-nope", false, false, "bad port"},
	} {
		err := CheckListen(tc.addr, "--listen", tc.tls, tc.plain)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("CheckListen(%q, %v, %v) = %v, want %q", tc.addr, tc.tls, tc.plain, err, tc.err)
		}
	}
}

func TestServeShutsDown(t *testing.T) {
	f := newFakeController()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, ln, NewHandler(f, "")) }()
	c := NewClient("http://"+ln.Addr().String(), "")
	if _, err := c.Status(context.Background()); err != nil {
		t.Fatal(err)
	}
	// An open event stream and a pending wait must not hold up the shutdown.
	events, errs := c.Events(context.Background())
	<-f.subs
	waitErr := make(chan error, 1)
	go func() { waitErr <- c.WaitFor(context.Background(), "web", "", time.Minute) }()
	<-f.waiting
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeListener: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("ServeListener did not return after its context ended")
	}
	if _, _, err := receiveAll(events, errs); err == nil {
		t.Fatal("the event stream must end with the server")
	}
	if err := <-waitErr; err == nil {
		t.Fatal("a wait cut short by shutdown is not a success")
	}

	if err := Serve(context.Background(), "256.0.0.1:1", NewHandler(f, "")); err == nil || !strings.Contains(err.Error(), "256.0.0.1:1") {
		t.Fatalf("Serve on a bad address: want an error naming it, got %v", err)
	}
}

// The stream's lagged frame carries the cause as a typed field, and a frame of an older server,
// with only the reason, still reads as a gap with its cause.
func TestSSELaggedCause(t *testing.T) {
	frame := laggedFrame(supervisor.Event{Transition: supervisor.Transition{Cause: supervisor.CauseLagged, Reason: "engine unreachable"}}, true)
	if !strings.Contains(frame, `"cause":"lagged"`) {
		t.Fatalf("the lagged frame carries no cause: %q", frame)
	}
	for _, data := range []string{
		`{"cause":"lagged","reason":"events were dropped: fetch /v1/state again"}`,
		`{"reason":"events were dropped: fetch /v1/state again"}`, // a server before the cause
	} {
		ev, ok, err := decodeEvent("lagged", data)
		if err != nil || !ok || ev.Service != "" || ev.Transition.Cause != supervisor.CauseLagged || ev.Transition.Reason == "" {
			t.Errorf("%s reads as %+v, %v, %v", data, ev, ok, err)
		}
	}
}

// A revision's outcome crosses the wire typed, and an answer of an older server, with the
// outcome in words only, reads as the same typed outcome.
func TestRevisionOutcomeOnTheWire(t *testing.T) {
	want := supervisor.Revision{N: 2, Hash: "h2", Outcome: supervisor.OutcomeFailed, Failure: "unhealthy"}
	doc := toServiceDoc(supervisor.ServiceStatus{Name: "web", History: []supervisor.Revision{want}})
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var back serviceDoc
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := fromServiceDoc(back).History; len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("through the wire: %+v, want %+v", got, want)
	}
	var old serviceDoc
	if err := json.Unmarshal([]byte(`{"name":"web","history":[{"n":2,"hash":"h2","outcome":"failed: unhealthy"},{"n":3,"hash":"h3","outcome":"rolled back"}]}`), &old); err != nil {
		t.Fatal(err)
	}
	got := fromServiceDoc(old).History
	if len(got) != 2 || !reflect.DeepEqual(got[0], want) || got[1].Outcome != supervisor.OutcomeRolledBack {
		t.Fatalf("an older server's outcomes read as %+v", got)
	}
}

// /v1/state (and so `podium deploy status --json`) carries the supervisor's save error.
func TestStateCarriesSaveError(t *testing.T) {
	var buf bytes.Buffer
	h := supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true, SaveError: "save state file x: read-only", SaveErrorAt: time.Now()}
	if err := EncodeState(&buf, h, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"save_error":"save state file x: read-only"`) || !strings.Contains(buf.String(), `"save_error_at":`) {
		t.Errorf("the API's state does not carry the save error: %s", buf.String())
	}
}
