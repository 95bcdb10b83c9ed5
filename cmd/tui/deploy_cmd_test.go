package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/supervisor"
)

// fakeSupervisor is the supervisor the CLI talks to in these tests: two services, recorded
// actions, and a WaitFor that succeeds at once for web on nginx:2 and otherwise waits out its
// context.
type fakeSupervisor struct {
	mu       sync.Mutex
	services []supervisor.ServiceStatus
	calls    []string
}

func newFakeSupervisor() *fakeSupervisor {
	t0 := time.Now().Add(-5 * time.Minute)
	return &fakeSupervisor{services: []supervisor.ServiceStatus{
		{Name: "web", State: supervisor.WaitNext, Since: t0, Revision: 3, Next: 4, Image: "nginx:2", Desired: 2, Healthy: 2,
			History: []supervisor.Revision{
				{N: 1, Image: "nginx:1", Outcome: "replaced"},
				{N: 2, Image: "nginx:oops", Outcome: supervisor.OutcomeFailed, Failure: "unhealthy"},
				{N: 3, Image: "nginx:2", Outcome: "stable"},
			}},
		{Name: "db", State: supervisor.TryAgain, Since: t0, Desired: 1, Paused: true,
			LastError: "pull postgres:oops:\nmanifest unknown"},
	}}
}

func (f *fakeSupervisor) Health() supervisor.Health {
	return supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true}
}

func (f *fakeSupervisor) Status() []supervisor.ServiceStatus { return f.services }

func (f *fakeSupervisor) Service(name string) (supervisor.ServiceStatus, bool) {
	for _, s := range f.services {
		if s.Name == name {
			return s, true
		}
	}
	return supervisor.ServiceStatus{}, false
}

func (f *fakeSupervisor) Subscribe() (<-chan supervisor.Event, func()) {
	return make(chan supervisor.Event), func() {}
}

func (f *fakeSupervisor) record(format string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	return nil
}

func (f *fakeSupervisor) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeSupervisor) Rollback(_ context.Context, name string, rev int) error {
	return f.record("rollback %s %d", name, rev)
}

func (f *fakeSupervisor) Restart(_ context.Context, name string) error {
	return f.record("restart %s", name)
}
func (f *fakeSupervisor) Pause(name string) error  { return f.record("pause %s", name) }
func (f *fakeSupervisor) Resume(name string) error { return f.record("resume %s", name) }

func (f *fakeSupervisor) WaitFor(ctx context.Context, name, image string) error {
	if _, ok := f.Service(name); !ok {
		return supervisor.UnknownServiceError{Name: name}
	}
	if name == "web" && (image == "" || image == "nginx:2") {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

// deployServer serves the API over a fake supervisor, as `podium supervise` would.
func deployServer(t *testing.T, token string) (*fakeSupervisor, *httptest.Server) {
	t.Helper()
	t.Setenv(tokenEnv, "")
	f := newFakeSupervisor()
	srv := httptest.NewServer(deployapi.NewHandler(f, token))
	t.Cleanup(srv.Close)
	return f, srv
}

func TestDeployStatus(t *testing.T) {
	_, srv := deployServer(t, "")
	out, err := runCLI(t, "deploy", "status", "--remote", srv.URL)
	if err != nil {
		t.Fatalf("deploy status: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || lines[0] != "supervisor: "+srv.URL {
		t.Fatalf("the first line must name the supervisor:\n%s", out)
	}
	lines = lines[1:]
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "NAME STATE REV IMAGE HEALTHY/DESIRED SINCE LAST-ERROR" {
		t.Fatalf("want a header and two rows:\n%s", out)
	}
	if got := strings.Join(strings.Fields(lines[1]), " "); got != "db TryAgain (paused) - - 0/1 5m ago pull postgres:oops: manifest unknown" {
		t.Errorf("db row: %q", got)
	}
	if got := strings.Join(strings.Fields(lines[2]), " "); got != "web WaitNext 3→4 nginx:2 2/2 5m ago -" {
		t.Errorf("web row: %q", got)
	}

	out, err = runCLI(t, "deploy", "status", "--json", "--remote", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatalf("deploy status --json: %v\n%s", err, out)
	}
	var doc struct {
		Services []struct {
			Name     string `json:"name"`
			State    string `json:"state"`
			Revision int    `json:"revision"`
			Since    string `json:"since"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--json is not the API's JSON: %v\n%s", err, out)
	}
	if len(doc.Services) != 2 || doc.Services[0].Name != "web" || doc.Services[0].Revision != 3 || doc.Services[1].State != "TryAgain" {
		t.Fatalf("--json: %+v", doc)
	}
	if _, err := time.Parse(time.RFC3339, doc.Services[0].Since); err != nil {
		t.Fatalf("since is not RFC 3339: %v", err)
	}
}

func TestDeployStatusFindsTheDaemonFromPodiumYML(t *testing.T) {
	_, srv := deployServer(t, "")
	ws := t.TempDir()
	writeFile(t, filepath.Join(ws, "podium.yml"), "listen: "+srv.Listener.Addr().String()+"\n")
	out, err := runCLI(t, "-w", ws, "deploy", "status")
	if err != nil || !strings.Contains(out, "nginx:2") {
		t.Fatalf("deploy status with podium.yml's listen: %v\n%s", err, out)
	}

	// Nothing listens there any more: say so, and say how to start one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	writeFile(t, filepath.Join(ws, "podium.yml"), "listen: "+addr+"\n")
	_, err = runCLI(t, "-w", ws, "deploy", "status")
	want := "no supervisor at http://" + addr + ": start one with `podium supervise` (or open the TUI in the workspace)"
	if err == nil || err.Error() != want {
		t.Fatalf("want %q, got %v", want, err)
	}
	// With --remote the user named the URL: the error is about that URL, without the hint.
	_, err = runCLI(t, "deploy", "status", "--remote", "http://"+addr)
	if err == nil || !strings.Contains(err.Error(), "no supervisor at http://"+addr) || strings.Contains(err.Error(), "podium supervise") {
		t.Fatalf("--remote to nothing: %v", err)
	}
}

func TestDeployWait(t *testing.T) {
	_, srv := deployServer(t, "")
	out, err := runCLI(t, "deploy", "wait", "web", "--image", "nginx:2", "--remote", srv.URL)
	if err != nil || strings.TrimSpace(out) != "web is stable with image nginx:2" {
		t.Fatalf("deploy wait: %v\n%s", err, out)
	}
	out, err = runCLI(t, "deploy", "wait", "web", "--image", "nginx:3", "--timeout", "100ms", "--remote", srv.URL)
	want := "supervisor at " + srv.URL + ": web with image nginx:3 is not stable after 100ms"
	if err == nil || err.Error() != want {
		t.Fatalf("want %q, got %v\n%s", want, err, out)
	}
	if _, err = runCLI(t, "deploy", "wait", "ghost", "--timeout", "1", "--remote", srv.URL); err == nil || !strings.Contains(err.Error(), "unknown service ghost") {
		t.Fatalf("unknown service: %v", err)
	}
	if _, err = runCLI(t, "deploy", "wait", "web", "--timeout", "soon", "--remote", srv.URL); err == nil || !strings.Contains(err.Error(), `timeout "soon"`) {
		t.Fatalf("bad timeout: %v", err)
	}
}

func TestDeployRollbackRestartPauseResume(t *testing.T) {
	f, srv := deployServer(t, "")
	for _, tc := range []struct {
		args []string
		out  string
	}{
		{[]string{"rollback", "web", "2"}, "web: rolling back to revision 2"},
		{[]string{"rollback", "web"}, "web: rolling back to revision 3"}, // mid-rollout: back to the serving one
		{[]string{"restart", "web"}, "web: restarting"},
		{[]string{"pause", "web"}, "web: paused; its containers keep running"},
		{[]string{"resume", "web"}, "web: resumed"},
	} {
		out, err := runCLI(t, append(append([]string{"deploy"}, tc.args...), "--remote", srv.URL)...)
		if err != nil || strings.TrimSpace(out) != tc.out {
			t.Errorf("deploy %v: %v\n%s", tc.args, err, out)
		}
	}
	want := []string{"rollback web 2", "rollback web 3", "restart web", "pause web", "resume web"}
	if got := f.recorded(); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"rollback", "web", "two"}, `revision "two"`},
		{[]string{"rollback", "ghost", "1"}, "unknown service ghost"},
		{[]string{"rollback", "db"}, "db has no earlier stable revision"},
		{[]string{"rollback", "ghost"}, "unknown service ghost"},
		{[]string{"restart", "ghost"}, "unknown service ghost"},
		{[]string{"pause"}, "accepts 1 arg"},
	} {
		_, err := runCLI(t, append(append([]string{"deploy"}, tc.args...), "--remote", srv.URL)...)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("deploy %v: want an error saying %q, got %v", tc.args, tc.msg, err)
		}
	}
	if len(f.recorded()) != len(want) {
		t.Fatalf("a refused command must not act: %q", f.recorded())
	}
}

func TestDeployToken(t *testing.T) {
	_, srv := deployServer(t, "s3cret")
	if _, err := runCLI(t, "deploy", "status", "--remote", srv.URL); err == nil || !strings.Contains(err.Error(), "--token or $PODIUM_TOKEN") {
		t.Fatalf("without a token: want the 401's message, got %v", err)
	}
	if out, err := runCLI(t, "deploy", "status", "--remote", srv.URL, "--token", "s3cret"); err != nil {
		t.Fatalf("--token: %v\n%s", err, out)
	}
	t.Setenv(tokenEnv, "s3cret")
	if out, err := runCLI(t, "deploy", "status", "--remote", srv.URL); err != nil {
		t.Fatalf("$%s: %v\n%s", tokenEnv, err, out)
	}
}

func TestDeploySuperviseRefusesAnOpenAddressWithoutTLS(t *testing.T) {
	t.Setenv(tokenEnv, "s3cret")
	specs := t.TempDir()
	_, err := runCLI(t, "supervise", "--specs", specs, "--listen", "0.0.0.0:7070")
	if err == nil || err.Error() != "--listen 0.0.0.0:7070 is not a loopback address: give --tls-cert and --tls-key (or podium.yml api: tls:), or --plain-http to send the token in clear" {
		t.Fatalf("want the loopback refusal, got %v", err)
	}
	// A host without a port is an error naming the flag, not a default port.
	if _, err := runCLI(t, "supervise", "--specs", specs, "--listen", "127.0.0.1"); err == nil || !strings.HasPrefix(err.Error(), "--listen 127.0.0.1: want HOST:PORT") {
		t.Fatalf("--listen without a port: %v", err)
	}
	ws := t.TempDir()
	writeFile(t, filepath.Join(ws, "podium.yml"), "listen: localhost\nspecs: ["+specs+"]\n")
	if _, err := runCLI(t, "-w", ws, "supervise"); err == nil || !strings.HasPrefix(err.Error(), "podium.yml listen: localhost: want HOST:PORT") {
		t.Fatalf("podium.yml listen: without a port: %v", err)
	}
	if _, err := runCLI(t, "supervise", "--specs", specs, "--plain-http"); err == nil || !strings.Contains(err.Error(), "give --listen") {
		t.Fatalf("--plain-http without --listen: %v", err)
	}
	if _, err := runCLI(t, "supervise", "--specs", specs, "--listen", "127.0.0.1:0", "--tls-cert", "c.pem"); err == nil || !strings.Contains(err.Error(), "give both") {
		t.Fatalf("--tls-cert without --tls-key: %v", err)
	}
	if _, err := runCLI(t, "supervise", "--specs", filepath.Join(specs, "missing")); err == nil || !strings.Contains(err.Error(), "missing (--specs): not a directory") {
		t.Fatalf("a missing --specs directory: %v", err)
	}
}

func TestDeploySuperviseSetup(t *testing.T) {
	ws := t.TempDir()
	for _, d := range []string{"specs", "ops/specs", "extra"} {
		if err := os.MkdirAll(filepath.Join(ws, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(ws, "podium.yml"), "specs: [ops/specs, specs]\nlisten: 127.0.0.1:7171\n")
	g := &globalFlags{workspace: ws}
	s, err := resolveSupervise(g, superviseFlags{specs: []string{filepath.Join(ws, "extra")}})
	if err != nil {
		t.Fatal(err)
	}
	want := superviseSetup{
		specDirs:   []string{filepath.Join(ws, "specs"), filepath.Join(ws, "ops/specs"), filepath.Join(ws, "extra")},
		state:      filepath.Join(ws, ".podium", "supervisor.json"),
		priv:       filepath.Join(ws, ".podium"),
		listen:     "127.0.0.1:7171",
		listenFrom: "podium.yml listen:",
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("setup %+v, want %+v", s, want)
	}
	s, err = resolveSupervise(g, superviseFlags{listen: "127.0.0.1:9", state: "st.json"})
	if err != nil || s.listen != "127.0.0.1:9" || s.listenFrom != "--listen" || !filepath.IsAbs(s.state) || filepath.Base(s.state) != "st.json" {
		t.Fatalf("flags win: %+v, %v", s, err)
	}

	writeFile(t, filepath.Join(ws, "podium.yml"), "specs: [nowhere]\n")
	if _, err := resolveSupervise(g, superviseFlags{}); err == nil || !strings.Contains(err.Error(), "podium.yml specs:") {
		t.Fatalf("a missing podium.yml spec dir: %v", err)
	}

	// Outside any workspace: only --specs, and the state goes to the user's state directory.
	outside := t.TempDir()
	t.Chdir(outside)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	if _, err := resolveSupervise(&globalFlags{}, superviseFlags{}); err == nil || !strings.Contains(err.Error(), "give --specs DIR") {
		t.Fatalf("no spec directories: %v", err)
	}
	s, err = resolveSupervise(&globalFlags{}, superviseFlags{specs: []string{outside}})
	if err != nil || s.state != filepath.Join(state, "podium", "supervisor.json") || s.listen != "" || s.priv != filepath.Join(state, "podium") {
		t.Fatalf("no workspace: %+v, %v", s, err)
	}
}

func TestDeployListenURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:7070": "http://127.0.0.1:7070", "0.0.0.0:80": "http://127.0.0.1:80", ":7070": "http://127.0.0.1:7070",
		"[::]:7070": "http://[::1]:7070", "box.lan:7070": "http://box.lan:7070",
	} {
		if got, err := listenURL(in, "podium.yml listen:"); err != nil || got != want {
			t.Errorf("listenURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := listenURL("7070", "podium.yml listen:"); err == nil {
		t.Error("listenURL accepted a bare port")
	}
}

func TestDeployAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s ago", 42 * time.Second: "42s ago", 5 * time.Minute: "5m ago", 3 * time.Hour: "3h ago", 72 * time.Hour: "3d ago",
	} {
		if got := ago(d); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDeploySuperviseAPIConfig(t *testing.T) {
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, "specs"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ws, "podium.yml"), "listen: 0.0.0.0:7443\napi:\n  hosts: [box.lan]\n  origins: [\"https://ui.example\"]\n  read: open\n  tls: {cert: tls/c.pem, key: tls/k.pem}\n")
	g := &globalFlags{workspace: ws}
	s, err := resolveSupervise(g, superviseFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.api.Hosts, []string{"box.lan"}) || !reflect.DeepEqual(s.api.Origins, []string{"https://ui.example"}) || !s.api.ReadOpen() ||
		s.tlsCert != filepath.Join(ws, "tls/c.pem") || s.tlsKey != filepath.Join(ws, "tls/k.pem") || s.tlsFrom != "podium.yml api: tls:" {
		t.Fatalf("setup from podium.yml api: %+v", s)
	}
	for body, want := range map[string]string{
		"api: {read: maybe}\n":                                `api: read: "maybe": want open or token`,
		"api: {origins: ['*']}\n":                             "no wildcard",
		"api: {tls: {cert: c.pem}}\n":                         "give both cert and key",
		"api: {hots: [x]}\n":                                  "unknown key",
		"listen: 0.0.0.0:7070\n":                              "podium.yml listen: 0.0.0.0:7070 is not a loopback address",
		"listen: '[::1]'\n":                                   "podium.yml listen: [::1]: want HOST:PORT",
		"listen: 127.0.0.1:7070\napi: {}\n":                   "",
		"api: {tls: {cert: c, key: k}}\n":                     "",
		"listen: 10.0.0.1:1\napi: {tls: {cert: c, key: k}}\n": "",
	} {
		writeFile(t, filepath.Join(ws, "podium.yml"), body)
		_, err := resolveSupervise(g, superviseFlags{})
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("podium.yml %q: got %v, want %q", body, err, want)
		}
	}
}

func TestDeployRemoteURL(t *testing.T) {
	for in, want := range map[string]string{
		"unix:///run/x.sock": "unix:///run/x.sock", "unix:///a/../b.sock/": "unix:///b.sock",
		"127.0.0.1:7070": "http://127.0.0.1:7070", "https://box.lan:7443/": "https://box.lan:7443",
	} {
		if got, err := remoteURL(in); err != nil || got != want {
			t.Errorf("remoteURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"unix://relative.sock", "ftp://x", "unix://"} {
		if _, err := remoteURL(bad); err == nil || !strings.Contains(err.Error(), "--remote") {
			t.Errorf("remoteURL(%q): want an error naming --remote, got %v", bad, err)
		}
	}
}

// TestDeployFindsTheSocket: with no flag, `deploy` talks to the workspace's socket, and says so.
func TestDeployFindsTheSocket(t *testing.T) {
	f := newFakeSupervisor()
	ws := t.TempDir()
	priv := filepath.Join(ws, workspaceStateDir)
	ln, err := deployapi.ListenSocket(context.Background(), priv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- deployapi.ServeListener(ctx, ln, deployapi.NewGuardedHandler(f, deployapi.Options{Socket: true}))
	}()
	t.Cleanup(func() { cancel(); <-done })
	writeFile(t, filepath.Join(ws, "podium.yml"), "name: x\n")
	out, err := runCLI(t, "-w", ws, "deploy", "status")
	if err != nil || !strings.HasPrefix(out, "supervisor: unix://"+ln.Path()+"\n") || !strings.Contains(out, "nginx:2") {
		t.Fatalf("deploy status on the socket: %v\n%s", err, out)
	}
	out, err = runCLI(t, "deploy", "status", "--json", "--remote", "unix://"+ln.Path())
	if err != nil || !strings.HasPrefix(out, "{") {
		t.Fatalf("deploy status --json --remote unix://: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "-w", ws, "deploy", "pause", "web"); err != nil {
		t.Fatalf("deploy pause on the socket: %v", err)
	}
	cancel()
	<-done
	done <- nil
	_, err = runCLI(t, "-w", ws, "deploy", "status")
	if err == nil || !strings.Contains(err.Error(), "no supervisor at unix://") || !strings.Contains(err.Error(), "podium supervise") {
		t.Fatalf("no supervisor on the socket: want the hint, got %v", err)
	}
}
