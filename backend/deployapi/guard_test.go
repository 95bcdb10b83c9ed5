package deployapi

import (
	"github.com/podiumdev/podium/backend/supervisor"

	"bytes"
	"context"
	"encoding/json"
	"github.com/podiumdev/podium/backend/deployspec"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// guardCall is one request with the headers a test chooses, served straight by the handler
// (httptest.NewRecorder), so Host and RemoteAddr are whatever the test says.
type guardCall struct {
	method, path, host, origin, token, ctype, remote string
	body                                             []byte
	chunked                                          bool
}

func guardDo(t *testing.T, h http.Handler, c guardCall) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req := httptest.NewRequest(c.method, "http://127.0.0.1:7070"+c.path, body)
	if c.chunked {
		req.ContentLength = -1
	}
	req.Host = "127.0.0.1:7070"
	if c.host != "" {
		req.Host = c.host
	}
	req.RemoteAddr = "127.0.0.1:50000"
	if c.remote != "" {
		req.RemoteAddr = c.remote
	}
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func guardWant(t *testing.T, what string, rec *httptest.ResponseRecorder, code int) {
	t.Helper()
	if rec.Code != code {
		t.Errorf("%s: %d, want %d; body %s", what, rec.Code, code, rec.Body)
	}
}

func TestGuardHost(t *testing.T) {
	f := newFakeController()
	h := NewGuardedHandler(f, Options{Token: "tok", ListenHost: "10.1.2.3", Hosts: []string{"box.lan"}})
	for _, host := range []string{"attacker.example:7070", "attacker.example", "127.0.0.1.nip.io:7070", "10.1.2.4:7070"} {
		rec := guardDo(t, h, guardCall{method: "GET", path: "/v1/state", host: host, token: "tok"})
		guardWant(t, "GET with Host "+host, rec, http.StatusForbidden)
		rec = guardDo(t, h, guardCall{method: "POST", path: "/v1/services/web/restart", host: host, token: "tok"})
		guardWant(t, "POST with Host "+host, rec, http.StatusForbidden)
		var reply replyDoc
		if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil || reply.Error == "" || strings.Count(strings.TrimSpace(rec.Body.String()), "\n") != 0 {
			t.Errorf("403 must be one line of JSON with a reason: %q", rec.Body)
		}
	}
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("a refused request reached the supervisor: %v", got)
	}
	for _, host := range []string{"127.0.0.1:7070", "127.9.9.9", "[::1]:7070", "localhost:7070", "LOCALHOST", "10.1.2.3:7070", "box.lan:7070"} {
		guardWant(t, "GET with Host "+host, guardDo(t, h, guardCall{method: "GET", path: "/v1/state", host: host, token: "tok"}), http.StatusOK)
	}
	// Over the private socket the Host means nothing (clients send http://podium/…).
	sock := NewGuardedHandler(f, Options{Socket: true})
	guardWant(t, "socket GET", guardDo(t, sock, guardCall{method: "GET", path: "/v1/state", host: "podium", remote: "@"}), http.StatusOK)
}

func TestGuardOrigin(t *testing.T) {
	f := newFakeController()
	for _, h := range []http.Handler{
		NewGuardedHandler(f, Options{Token: "tok", Origins: []string{"https://ui.example"}}),
		NewGuardedHandler(f, Options{Socket: true, Origins: []string{"https://ui.example"}}),
	} {
		// The reproduced attack: a cross-origin "simple" POST.
		rec := guardDo(t, h, guardCall{method: "POST", path: "/v1/services/web/restart", origin: "https://attacker.example", ctype: "text/plain", token: "tok"})
		guardWant(t, "foreign-origin POST", rec, http.StatusForbidden)
		rec = guardDo(t, h, guardCall{method: "GET", path: "/v1/state", origin: "https://attacker.example", token: "tok"})
		guardWant(t, "foreign-origin GET", rec, http.StatusForbidden)
		rec = guardDo(t, h, guardCall{method: "GET", path: "/v1/state", origin: "null", token: "tok"})
		guardWant(t, "null-origin GET", rec, http.StatusForbidden)
		rec = guardDo(t, h, guardCall{method: "OPTIONS", path: "/v1/services/web/restart", origin: "https://attacker.example"})
		guardWant(t, "foreign preflight", rec, http.StatusForbidden)
		for k := range rec.Header() {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("a foreign preflight got %s: %v", k, rec.Header())
			}
		}
		// A listed origin gets its CORS headers, the preflight included.
		rec = guardDo(t, h, guardCall{method: "GET", path: "/v1/state", origin: "https://ui.example", token: "tok"})
		guardWant(t, "listed-origin GET", rec, http.StatusOK)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://ui.example" {
			t.Errorf("listed origin: ACAO %q", got)
		}
		rec = guardDo(t, h, guardCall{method: "OPTIONS", path: "/v1/services/web/restart", origin: "https://ui.example"})
		guardWant(t, "listed preflight", rec, http.StatusNoContent)
		if rec.Header().Get("Access-Control-Allow-Origin") != "https://ui.example" || !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("listed preflight headers: %v", rec.Header())
		}
		// No Origin (curl, the CLI): no CORS header at all.
		rec = guardDo(t, h, guardCall{method: "GET", path: "/v1/state", token: "tok"})
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("no Origin, yet ACAO %q", got)
		}
	}
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("a refused request reached the supervisor: %v", got)
	}
}

func TestGuardToken(t *testing.T) {
	f := newFakeController()
	h := NewGuardedHandler(f, Options{Token: "tok"})
	guardWant(t, "POST without token", guardDo(t, h, guardCall{method: "POST", path: "/v1/services/web/restart"}), http.StatusUnauthorized)
	guardWant(t, "POST with a wrong token", guardDo(t, h, guardCall{method: "POST", path: "/v1/services/web/restart", token: "tok2"}), http.StatusUnauthorized)
	guardWant(t, "GET without token", guardDo(t, h, guardCall{method: "GET", path: "/v1/state"}), http.StatusUnauthorized)
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("an unauthorised POST reached the supervisor: %v", got)
	}
	guardWant(t, "POST with the token", guardDo(t, h, guardCall{method: "POST", path: "/v1/services/web/restart", token: "tok"}), http.StatusOK)

	// api: {read: open}: a loopback GET without the token passes, never a POST, and never a
	// GET from elsewhere or with a foreign Host.
	open := NewGuardedHandler(f, Options{Token: "tok", ReadOpen: true, ListenHost: "0.0.0.0"})
	guardWant(t, "open read, loopback GET", guardDo(t, open, guardCall{method: "GET", path: "/v1/state"}), http.StatusOK)
	guardWant(t, "open read, loopback GET over IPv6", guardDo(t, open, guardCall{method: "GET", path: "/v1/state", remote: "[::1]:5000"}), http.StatusOK)
	guardWant(t, "open read, remote GET", guardDo(t, open, guardCall{method: "GET", path: "/v1/state", remote: "192.168.1.9:5000"}), http.StatusUnauthorized)
	guardWant(t, "open read, POST", guardDo(t, open, guardCall{method: "POST", path: "/v1/services/web/pause"}), http.StatusUnauthorized)
	guardWant(t, "open read, foreign Host", guardDo(t, open, guardCall{method: "GET", path: "/v1/state", host: "evil.example"}), http.StatusForbidden)
	if got := f.recorded(); len(got) != 1 {
		t.Fatalf("calls: %v, want only the authorised restart", got)
	}
}

func TestGuardBody(t *testing.T) {
	f := newFakeController()
	h := NewGuardedHandler(f, Options{Token: "tok"})
	post := func(ctype string, body []byte, chunked bool) *httptest.ResponseRecorder {
		return guardDo(t, h, guardCall{method: "POST", path: "/v1/services/web/pause", token: "tok", ctype: ctype, body: body, chunked: chunked})
	}
	guardWant(t, "text/plain POST with no body", post("text/plain", nil, false), http.StatusUnsupportedMediaType)
	guardWant(t, "text/plain POST", post("text/plain", []byte("x"), false), http.StatusUnsupportedMediaType)
	guardWant(t, "form POST", post("application/x-www-form-urlencoded", []byte("a=b"), false), http.StatusUnsupportedMediaType)
	guardWant(t, "multipart POST", post("multipart/form-data; boundary=x", []byte("--x--"), false), http.StatusUnsupportedMediaType)
	guardWant(t, "a body without Content-Type", post("", []byte("{}"), false), http.StatusUnsupportedMediaType)
	big := bytes.Repeat([]byte("a"), MaxBody+1)
	guardWant(t, "oversized body", post("application/json", big, false), http.StatusRequestEntityTooLarge)
	guardWant(t, "oversized chunked body", post("application/json", big, true), http.StatusRequestEntityTooLarge)
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("a refused POST reached the supervisor: %v", got)
	}
	guardWant(t, "empty POST", post("", nil, false), http.StatusOK)
	guardWant(t, "JSON POST", post("application/json; charset=utf-8", []byte("{}"), false), http.StatusOK)
	guardWant(t, "JSON POST at the limit", post("application/json", bytes.Repeat([]byte(" "), MaxBody), true), http.StatusOK)
}

// TestGuardOverTCP is the reproduced attack end to end, through a real listener and client.
func TestGuardOverTCP(t *testing.T) {
	f := newFakeController()
	srv := httptest.NewServer(NewGuardedHandler(f, Options{Token: "tok"}))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("POST", srv.URL+"/v1/services/web/restart", strings.NewReader("x"))
	req.Header.Set("Origin", "https://attacker.example")
	req.Header.Set("Content-Type", "text/plain")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin simple POST: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/v1/state", nil)
	req.Host = "attacker.example:7070"
	req.Header.Set("Authorization", "Bearer tok")
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("DNS-rebound GET: %d", resp.StatusCode)
	}
	if err := NewClient(srv.URL, "tok").Restart(context.Background(), "web"); err != nil {
		t.Fatalf("the CLI's client with the token: %v", err)
	}
	if got := f.recorded(); len(got) != 1 {
		t.Fatalf("calls %v, want only the client's restart", got)
	}
}

// maskFake is a service whose history spec carries secrets in its env.
func maskFake() *fakeController {
	f := newFakeController()
	spec := []byte(`{"deploy":["Before"],"health-timeout":30,"spec":{"Env":["DB_PASSWORD=hunter2secret","DATABASE_URL=postgres://u:pass@db/x","PLAIN","EMPTY="],"Image":"nginx:1","Labels":{"a":"b"}},"stop-timeout":10}`)
	web := &f.services[1]
	web.History[0].Spec = spec
	web.History[2].Spec = []byte(strings.Replace(string(spec), "hunter2secret", "hunter3secret", 1))
	return f
}

func TestMaskSpec(t *testing.T) {
	f := maskFake()
	got := maskSpec(f.services[1].History[0].Spec)
	for _, want := range []string{`"DB_PASSWORD=•••sha256:`, `"DATABASE_URL=•••sha256:`, `"PLAIN"`, `"EMPTY=•••sha256:`, `"health-timeout":30`, `"Image":"nginx:1"`} {
		if !strings.Contains(got, want) {
			t.Errorf("masked spec lacks %s: %s", want, got)
		}
	}
	if strings.Contains(got, "hunter2") || strings.Contains(got, "u:pass") {
		t.Fatalf("a value survived: %s", got)
	}
	// A change of value still shows.
	if got == maskSpec(f.services[1].History[2].Spec) {
		t.Error("two different passwords mask the same")
	}
	if MaskEnvEntry("A=x") != MaskEnvEntry("A=x") || MaskEnvEntry("A=x") == MaskEnvEntry("A=y") {
		t.Error("the digest must be stable and tell values apart")
	}
	// What cannot be parsed is not sent at all.
	for _, bad := range []string{`DB_PASSWORD=hunter2secret`, `{"spec":{"Env":"DB_PASSWORD=hunter2secret"}}`, `{"spec":{"Env":[1,"DB_PASSWORD=hunter2secret"]}}`} {
		if got := maskSpec([]byte(bad)); got != "" {
			t.Errorf("maskSpec(%s) = %s, want nothing", bad, got)
		}
	}
}

func TestMaskEveryAnswer(t *testing.T) {
	f := maskFake()
	srv := httptest.NewServer(newHandler(f, Options{}, 10*time.Millisecond))
	t.Cleanup(srv.Close)
	secrets := []string{"hunter2secret", "hunter3secret", "u:pass"}
	check := func(what string, b []byte) {
		t.Helper()
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s carries %q: %s", what, s, b)
			}
		}
		if !bytes.Contains(b, []byte("DB_PASSWORD=•••sha256:")) {
			t.Errorf("%s lacks the masked entry: %s", what, b)
		}
	}
	for _, path := range []string{"/v1/state", "/v1/services/web"} {
		check(path, []byte(doCall(t, srv, "GET", path, "").body))
	}
	a := doCall(t, srv, "POST", "/v1/services/web/restart", "")
	check("POST restart", []byte(a.body))
	var buf bytes.Buffer
	if err := EncodeState(&buf, f.Health(), f.Status()); err != nil {
		t.Fatal(err)
	}
	check("EncodeState", buf.Bytes())

	// The event stream: read the raw bytes of one transition.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/events", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sub := <-f.subs
	sub <- supervisor.Event{Service: "web", Transition: supervisor.Transition{From: supervisor.WaitNext, To: supervisor.Stable, Revision: 3}, Status: f.services[1]}
	var got []byte
	buf2 := make([]byte, 4096)
	for !bytes.Contains(got, []byte("event: transition")) || !bytes.Contains(got, []byte("\n\n")) {
		n, err := resp.Body.Read(buf2)
		got = append(got, buf2[:n]...)
		if err != nil {
			t.Fatalf("read the stream: %v (%s)", err, got)
		}
	}
	check("/v1/events", got)
}

// TestMaskSpecErrors: a spec error about Env names the kind of value, never its text, since
// /v1/state shows spec errors.
func TestMaskSpecErrors(t *testing.T) {
	for _, body := range []string{
		"spec:\n  Image: busybox\n  Env: \"DB_PASSWORD=hunter2secret\"\n",
		"spec:\n  Image: busybox\n  Env: {DB_PASSWORD: hunter2secret}\n",
		"spec:\n  Image: busybox\n  Env: [[\"DB_PASSWORD=hunter2secret\"]]\n",
	} {
		_, err := deployspec.Parse("web", "web.yml", []byte(body))
		if err == nil {
			t.Fatalf("%q: want a spec error", body)
		}
		if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "Env") {
			t.Errorf("the error shows the env value or misses the key: %v", err)
		}
	}
}
