package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/supervisor"
)

// privSecrets are env values the API must never show.
var privSecrets = []string{"hunter2secret", "u:pass"}

// privSpec is a quick service whose env carries secrets.
func privSpec(h *enginetest.Harness) string {
	return `spec:
  Image: busybox:latest
  Cmd: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
  Env: ["DB_PASSWORD=hunter2secret", "DATABASE_URL=postgres://u:pass@db/x", "PLAIN=visible"]
  Labels: {e2e.podium.test: "` + h.ID + `"}
  Healthcheck: {Test: [CMD-SHELL, "true"], Interval: 200000000, Timeout: 1000000000, Retries: 3}
health-timeout: 20
stop-timeout: 1
`
}

// privWorkspace makes a workspace with one spec, named uniquely for this test run.
func privWorkspace(t *testing.T, h *enginetest.Harness, prefix string) (ws, name string) {
	t.Helper()
	ws = t.TempDir()
	name = prefix + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	if err := os.MkdirAll(filepath.Join(ws, "specs"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ws, "specs", name+".yml"), privSpec(h))
	t.Cleanup(func() { removeSupervised(t, h, ws) })
	return ws, name
}

// superviseProc is a `podium supervise` subprocess.
type superviseProc struct {
	cmd *exec.Cmd
	log string
}

func startSupervise(t *testing.T, bin, ws string, args ...string) *superviseProc {
	t.Helper()
	p := &superviseProc{log: filepath.Join(t.TempDir(), "supervise.log")}
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, append([]string{"supervise", "-w", ws}, args...)...)
	p.cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "PODIUM_TOKEN=")
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start supervise: %v", err)
	}
	t.Cleanup(func() {
		p.stop(t)
		logf.Close()
		if t.Failed() {
			t.Logf("supervise log of %s:\n%s", ws, tail(p.output(), 40))
		}
	})
	return p
}

func (p *superviseProc) output() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

// stop sends SIGTERM and waits, as a user's Ctrl-C would.
func (p *superviseProc) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Errorf("supervise did not stop on SIGTERM")
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// waitSocket waits until the workspace's supervisor answers on its socket.
func waitSocket(t *testing.T, ws string) *deployapi.Client {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c := deployapi.NewClient(deployapi.SocketURL(deployapi.FindSocket(filepath.Join(ws, workspaceStateDir))), "")
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Status(ctx)
		cancel()
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("no supervisor answers on the socket of %s: %v", ws, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitStable waits until the service is known (the API answers before the specs are read)
// and stable.
func waitStable(t *testing.T, ctx context.Context, c *deployapi.Client, name string) {
	t.Helper()
	for {
		err := c.WaitFor(ctx, name, "", 60*time.Second)
		if err == nil {
			return
		}
		var ae *deployapi.StatusError
		if !errors.As(err, &ae) || ae.Code != http.StatusNotFound || ctx.Err() != nil {
			t.Fatalf("%s never became stable: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sockClient is a raw HTTP client of a unix socket, so tests see the very bytes sent.
func sockClient(sock string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
}

func sockGet(t *testing.T, sock, path string) []byte {
	t.Helper()
	resp, err := sockClient(sock).Get("http://podium" + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, b)
	}
	return b
}

// noSecrets fails when b carries a secret value.
func noSecrets(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, s := range privSecrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s carries the secret %q", what, s)
		}
	}
}

// tcpListenInodes are the socket inodes of every TCP socket in LISTEN state on this machine.
func tcpListenInodes(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // no IPv6
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Scan() // the header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) > 9 && fields[3] == "0A" { // TCP_LISTEN
				out[fields[9]] = true
			}
		}
	}
	return out
}

// listeningPorts is how many TCP sockets pid listens on: its fds' socket inodes matched against
// /proc/net/tcp{,6}.
func listeningPorts(t *testing.T, pid int) int {
	t.Helper()
	listen := tcpListenInodes(t)
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("read the fds of %d: %v", pid, err)
	}
	n := 0
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err != nil {
			continue
		}
		if inode, ok := strings.CutPrefix(link, "socket:["); ok && listen[strings.TrimSuffix(inode, "]")] {
			n++
		}
	}
	return n
}

func wantPerm(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}

// serviceIDs are the ids of the service's containers on the engine.
func serviceIDs(t *testing.T, h *enginetest.Harness, name string) []string {
	t.Helper()
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelDeploy + "=" + name, "e2e.podium.test=" + h.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// TestSuperviseServesAPrivateSocket is issue 18 against the real engine: a default `podium
// supervise` opens no TCP port, serves its workspace's socket (0600 in a 0700 .podium, files
// an older version left open tightened), `podium deploy restart` over that socket replaces the
// container, no answer and no event carries an env value, and a second workspace supervises
// at the same time, on TCP when asked, with a token made at start.
func TestSuperviseServesAPrivateSocket(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	t.Setenv(tokenEnv, "")

	// Workspace A, as an older podium left it: .podium 0755 and the state file 0644.
	wsA, nameA := privWorkspace(t, h, "priva")
	privA := filepath.Join(wsA, workspaceStateDir)
	if err := os.Mkdir(privA, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(privA, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	stateA := filepath.Join(privA, supervisorStateFile)
	writeFile(t, stateA, `{"version":1,"services":{}}`+"\n")
	if err := os.Chmod(stateA, 0o644); err != nil {
		t.Fatal(err)
	}
	supA := startSupervise(t, bin, wsA, "--label", h.Label())
	cA := waitSocket(t, wsA)
	ctx, cancel := context.WithTimeout(h.Ctx(), 90*time.Second)
	defer cancel()
	waitStable(t, ctx, cA, nameA)

	// Workspace B at the same time, also on 127.0.0.1 TCP: a second supervisor is no clash.
	wsB, nameB := privWorkspace(t, h, "privb")
	addr := freeLoopbackAddr(t)
	supB := startSupervise(t, bin, wsB, "--label", h.Label(), "--listen", addr)
	cB := waitSocket(t, wsB)
	waitStable(t, ctx, cB, nameB)

	// A opened no TCP port; B opened one (which shows the check sees ports).
	if n := listeningPorts(t, supA.cmd.Process.Pid); n != 0 {
		t.Errorf("a default supervise listens on %d TCP sockets, want none", n)
	}
	if n := listeningPorts(t, supB.cmd.Process.Pid); n != 1 {
		t.Errorf("supervise --listen %s listens on %d TCP sockets, want 1", addr, n)
	}

	// Modes after start, the old open files tightened, and said so once.
	sockA := deployapi.FindSocket(privA)
	wantPerm(t, privA, 0o700)
	wantPerm(t, stateA, 0o600)
	wantPerm(t, sockA, 0o600)
	wantPerm(t, stateA+".lock", 0o600)
	wantPerm(t, filepath.Join(wsB, workspaceStateDir, deployapi.TokenFile), 0o600)
	if logA := supA.output(); strings.Count(logA, "made podium's files private") != 1 || !strings.Contains(logA, "socket=unix://"+sockA) {
		t.Errorf("supervise must say once that it tightened files, and where it serves:\n%s", logA)
	}
	token, err := os.ReadFile(filepath.Join(wsB, workspaceStateDir, deployapi.TokenFile))
	if err != nil || len(strings.TrimSpace(string(token))) != 64 {
		t.Fatalf("the token made at start: %q, %v", token, err)
	}
	if logB := supB.output(); strings.Contains(logB, strings.TrimSpace(string(token))) || !strings.Contains(logB, filepath.Join(wsB, workspaceStateDir, deployapi.TokenFile)) || !strings.Contains(logB, "url=http://"+addr) {
		t.Errorf("supervise --listen must name the token's file, never print the token, and name its URL:\n%s", logB)
	}

	// B's TCP listener: the token is needed, a foreign Host is refused, the CLI finds the token.
	resp, err := http.Get("http://" + addr + "/v1/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("TCP GET without the token: %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/v1/state", nil)
	req.Host = "attacker.example"
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("TCP GET with a foreign Host: %d, want 403", resp.StatusCode)
	}
	if out, err := runCLI(t, "-w", wsB, "deploy", "status", "--remote", "http://"+addr); err != nil || !strings.Contains(out, nameB) {
		t.Errorf("deploy status over TCP with the workspace's token file: %v\n%s", err, out)
	}

	// Events over A's socket while the CLI restarts the service over it.
	ectx, ecancel := context.WithCancel(h.Ctx())
	defer ecancel()
	ereq, _ := http.NewRequestWithContext(ectx, "GET", "http://podium/v1/events", nil)
	eresp, err := sockClient(sockA).Do(ereq)
	if err != nil {
		t.Fatal(err)
	}
	defer eresp.Body.Close()
	var events bytes.Buffer
	evDone := make(chan struct{})
	go func() {
		defer close(evDone)
		_, _ = io.Copy(&events, eresp.Body)
	}()

	before := serviceIDs(t, h, nameA)
	out, err := runCLI(t, "-w", wsA, "deploy", "restart", nameA)
	if err != nil {
		t.Fatalf("deploy restart over the socket: %v\n%s", err, out)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := cA.Service(ctx, nameA)
		after := serviceIDs(t, h, nameA)
		replaced := len(after) == 1 && !slices.Contains(before, after[0])
		if err == nil && st.State == supervisor.Stable && replaced {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("restart did not replace the container: before %v after %v state %s %v", before, after, st.State, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	ecancel()
	<-evDone
	if !bytes.Contains(events.Bytes(), []byte("event: transition")) {
		t.Errorf("no transition event during the restart:\n%s", events.String())
	}
	noSecrets(t, "/v1/events", events.Bytes())

	// No answer carries a value; the masked entries are there.
	for _, path := range []string{"/v1/state", "/v1/services/" + nameA} {
		b := sockGet(t, sockA, path)
		noSecrets(t, path, b)
		if !bytes.Contains(b, []byte("DB_PASSWORD=•••sha256:")) {
			t.Errorf("%s lacks the masked DB_PASSWORD:\n%s", path, b)
		}
	}
	out, err = runCLI(t, "-w", wsA, "deploy", "status", "--json")
	if err != nil || !strings.HasPrefix(out, "{") {
		t.Fatalf("deploy status --json: %v\n%s", err, out)
	}
	noSecrets(t, "deploy status --json", []byte(out))
	out, err = runCLI(t, "-w", wsA, "deploy", "status")
	if err != nil || !strings.HasPrefix(out, "supervisor: unix://"+sockA+"\n") || !strings.Contains(out, nameA) {
		t.Fatalf("deploy status must name the socket first:\n%s (%v)", out, err)
	}

	// A second supervise of A is refused, naming the reason.
	out2, err := exec.Command(bin, "supervise", "-w", wsA, "--label", h.Label()).CombinedOutput()
	if err == nil || !strings.Contains(string(out2), "another supervisor serves this workspace") {
		t.Errorf("a second supervise of one workspace: %v\n%s", err, out2)
	}

	// Stopped: the socket and the made token are gone; the modes held.
	supA.stop(t)
	supB.stop(t)
	for _, p := range []string{sockA, filepath.Join(wsB, workspaceStateDir, deployapi.TokenFile)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s outlived its supervisor: %v", p, err)
		}
	}
	wantPerm(t, privA, 0o700)
	wantPerm(t, stateA, 0o600)
}

// TestTUISupervisorIsReachableOverTheSocket opens the TUI on a workspace with a spec: its
// in-process supervisor serves the workspace's socket, so `podium deploy status` lists its
// service and masks its env.
func TestTUISupervisorIsReachableOverTheSocket(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	t.Setenv(tokenEnv, "")
	ws, name := privWorkspace(t, h, "privtui")
	env := []string{"XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	s := startTmux(t, 120, 40, env, bin, "-w", ws)
	c := waitSocket(t, ws)
	ctx, cancel := context.WithTimeout(h.Ctx(), 90*time.Second)
	defer cancel()
	waitStable(t, ctx, c, name)
	sock := deployapi.FindSocket(filepath.Join(ws, workspaceStateDir))
	out, err := runCLI(t, "-w", ws, "deploy", "status")
	if err != nil || !strings.HasPrefix(out, "supervisor: unix://"+sock+"\n") || !strings.Contains(out, name) {
		t.Fatalf("deploy status of the TUI's supervisor: %v\n%s", err, out)
	}
	out, err = runCLI(t, "-w", ws, "deploy", "status", "--json")
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "deploy status --json", []byte(out))
	wantPerm(t, sock, 0o600)
	wantPerm(t, filepath.Join(ws, workspaceStateDir), 0o700)
	s.keys("q")
	deadline := time.Now().Add(15 * time.Second)
	for s.alive() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the TUI's socket outlived it: %v", err)
	}
}
