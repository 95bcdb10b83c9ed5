package docker_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestContainerRoundTrip: create, start, logs (demuxed, followed, stamped, tailed), exec, stop,
// inspect, remove.
func TestContainerRoundTrip(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	id := h.Run("rt", &container.Config{Cmd: []string{"sh", "-c", "echo hello; echo oops >&2; sleep 300"}}, nil)

	c, err := e.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != id || c.Name != h.Name("rt") || c.State != "running" || !c.Running() || c.StartedAt.IsZero() || c.Image != enginetest.Busybox {
		t.Fatalf("inspect after start = %+v", c)
	}
	if c.Labels[docker.LabelTest] != h.ID {
		t.Fatalf("labels = %v, want the test label", c.Labels)
	}

	// Logs without Follow, once both lines are there.
	var lines []docker.LogLine
	e2eEventually(t, 20*time.Second, "both log lines", func() (bool, string) {
		lines = e2eLogs(t, h, id, docker.LogOptions{})
		return len(lines) >= 2, e2eLogText(lines)
	})
	// The engine copies stdout and stderr apart, so two quick writes to the two may be logged in
	// either order; whichever it is, every read of the log gives the same.
	want := lines
	if !e2eSameLines(lines, []docker.LogLine{{Stream: docker.Stdout, Text: "hello"}, {Stream: docker.Stderr, Text: "oops"}}) {
		t.Fatalf("logs = %q, want stdout hello and stderr oops", e2eLogText(lines))
	}

	// Timestamps: each line has the engine's stamp as its Time, and not in its text.
	stamped := e2eLogs(t, h, id, docker.LogOptions{Timestamps: true})
	if len(stamped) != 2 {
		t.Fatalf("stamped logs = %q", e2eLogText(stamped))
	}
	for i, l := range stamped {
		if l.Time.IsZero() || time.Since(l.Time) > 5*time.Minute || time.Until(l.Time) > time.Minute {
			t.Errorf("stamped line %d has time %v", i, l.Time)
		}
		if l.Text != want[i].Text || l.Stream != want[i].Stream {
			t.Errorf("stamped line %d = %+v, want text %q on %v", i, l, want[i].Text, want[i].Stream)
		}
	}
	// Since after the last line: nothing.
	if got := e2eLogs(t, h, id, docker.LogOptions{Since: stamped[1].Time.Add(time.Second)}); len(got) != 0 {
		t.Errorf("logs since after the last line = %q, want none", e2eLogText(got))
	}

	// Tail: only the last line.
	if tail := e2eLogs(t, h, id, docker.LogOptions{Tail: 1}); !reflect.DeepEqual(tail, want[1:]) {
		t.Errorf("tail 1 = %q, want only %q", e2eLogText(tail), e2eLogText(want[1:]))
	}
	// Until the first line's time: that line (until takes the lines at its time too), not the
	// second. (With Tail, Engine 20.10 counts the tail from the end of the whole log before it
	// applies until, so tail 1 until the first line gives nothing: the logs pane reads the lines
	// before its tail from the first line on, model/logs/older.go.)
	if stamped[1].Time.After(stamped[0].Time) {
		until := e2eLogs(t, h, id, docker.LogOptions{Timestamps: true, Until: stamped[0].Time})
		if len(until) != 1 || until[0].Text != want[0].Text || !until[0].Time.Equal(stamped[0].Time) {
			t.Errorf("until the first line = %q, want only %q", e2eLogText(until), want[0].Text)
		}
	}

	// Follow: both lines arrive, then cancelling the context ends Logs without an error.
	fctx, cancel := context.WithCancel(h.Ctx())
	defer cancel()
	var sink e2eSink
	done := make(chan error, 1)
	go func() { done <- e.Logs(fctx, id, docker.LogOptions{Follow: true}, sink.add) }()
	e2eEventually(t, 20*time.Second, "followed log lines", func() (bool, string) {
		got := sink.snapshot()
		return reflect.DeepEqual(got, want), e2eLogText(got)
	})
	select {
	case err := <-done:
		t.Fatalf("Logs with Follow returned before its context ended: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("followed Logs after cancel: %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("followed Logs did not return within 10s of its context ending")
	}

	// Exec.
	res, err := e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"echo", "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if res != (docker.ExecResult{Stdout: "hi\n", ExitCode: 0}) {
		t.Fatalf("exec echo hi = %+v", res)
	}

	// Stop with a timeout: sleep ignores SIGTERM as PID 1, so the engine kills it after ~1s.
	start := time.Now()
	if err := e.Stop(h.Ctx(), id, time.Second); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("Stop with a 1s timeout took %v", took)
	}
	c, err = e.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != "exited" || c.Running() || c.ExitCode != 137 || c.FinishedAt.IsZero() || c.FinishedAt.Before(c.StartedAt) {
		t.Fatalf("inspect after stop = state %q exit %d started %v finished %v", c.State, c.ExitCode, c.StartedAt, c.FinishedAt)
	}
	// A stopped container's log can still be read, and a followed one ends by itself.
	if got := e2eLogs(t, h, id, docker.LogOptions{Follow: true}); !reflect.DeepEqual(got, want) {
		t.Errorf("followed logs of a stopped container = %q", e2eLogText(got))
	}

	if err := e.Remove(h.Ctx(), id, docker.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Inspect(h.Ctx(), id)
	if !docker.IsNotFound(err) {
		t.Fatalf("inspect after remove: err = %v, want not found", err)
	}
	if !strings.Contains(err.Error(), id) {
		t.Errorf("inspect error %q does not name the container", err)
	}
	if err := e.Remove(h.Ctx(), id, docker.RemoveOptions{Force: true}); err != nil {
		t.Errorf("removing a removed container: %v, want nil", err)
	}
	if err := e.Logs(h.Ctx(), id, docker.LogOptions{}, func(docker.LogLine) {}); !docker.IsNotFound(err) {
		t.Errorf("logs of a removed container: %v, want not found", err)
	}
}

func e2eSameLines(a, b []docker.LogLine) bool {
	key := func(l docker.LogLine) string { return l.Stream.String() + ":" + l.Text }
	ka, kb := make([]string, 0, len(a)), make([]string, 0, len(b))
	for _, l := range a {
		ka = append(ka, key(l))
	}
	for _, l := range b {
		kb = append(kb, key(l))
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

// TestLogsOrderAndLongLines: stdout and stderr keep their order, and a long line is cut at MaxLine.
func TestLogsOrderAndLongLines(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	// The engine copies stdout and stderr apart, so only writes some time apart keep their order.
	script := `for i in 1 2 3 4 5; do echo out$i; sleep 0.2; echo err$i >&2; sleep 0.2; done; ` +
		`head -c 5000 /dev/zero | tr '\0' x; echo; echo tail; sleep 300`
	id := h.Run("order", &container.Config{Cmd: []string{"sh", "-c", script}}, nil)
	var lines []docker.LogLine
	e2eEventually(t, 30*time.Second, "all log lines", func() (bool, string) {
		lines = e2eLogs(t, h, id, docker.LogOptions{MaxLine: 2048})
		return len(lines) >= 14, e2eLogText(lines)
	})
	var got []string
	for _, l := range lines[:10] {
		got = append(got, l.Stream.String()+":"+l.Text)
	}
	wantOrder := []string{"stdout:out1", "stderr:err1", "stdout:out2", "stderr:err2", "stdout:out3", "stderr:err3", "stdout:out4", "stderr:err4", "stdout:out5", "stderr:err5"}
	if !reflect.DeepEqual(got, wantOrder) {
		t.Errorf("interleaved lines = %q, want %q", got, wantOrder)
	}
	long := lines[10:13]
	if len(long[0].Text) != 2048 || len(long[1].Text) != 2048 || len(long[2].Text) != 5000-4096 || strings.Trim(long[0].Text+long[1].Text+long[2].Text, "x") != "" {
		t.Errorf("5000-byte line in pieces of %d, %d, %d bytes; want 2048, 2048, 904", len(long[0].Text), len(long[1].Text), len(long[2].Text))
	}
	if lines[13].Text != "tail" {
		t.Errorf("line after the long one = %q", lines[13].Text)
	}
}

// TestLogsLongLineWithTimestamps: the engine logs a line longer than 16 KiB in pieces, each
// with a stamp of its own; the line still reads as it was written.
func TestLogsLongLineWithTimestamps(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	id := h.Run("stamps", &container.Config{Cmd: []string{"sh", "-c",
		`head -c 40000 /dev/zero | tr '\0' x; echo; echo tail; sleep 300`}}, nil)
	var lines []docker.LogLine
	e2eEventually(t, 20*time.Second, "the long line and the next", func() (bool, string) {
		lines = e2eLogs(t, h, id, docker.LogOptions{Timestamps: true})
		return len(lines) >= 2, e2eLogText(lines)
	})
	if got := lines[0].Text; len(got) != 40000 || strings.Trim(got, "x") != "" || lines[0].Time.IsZero() {
		t.Errorf("40000-byte line read as %d bytes (stamps left in it: %t), time %v", len(got), strings.Trim(got, "x") != "", lines[0].Time)
	}
	if lines[1].Text != "tail" {
		t.Errorf("line after the long one = %q", lines[1].Text)
	}
}

// TestLogsTTY: a TTY container's output has one stream, reported as stdout.
func TestLogsTTY(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	id := h.Run("tty", &container.Config{Tty: true, Cmd: []string{"sh", "-c", "echo one; echo two >&2; sleep 300"}}, nil)
	var lines []docker.LogLine
	e2eEventually(t, 20*time.Second, "TTY log lines", func() (bool, string) {
		lines = e2eLogs(t, h, id, docker.LogOptions{Timestamps: true})
		return len(lines) >= 2, e2eLogText(lines)
	})
	for i, w := range []string{"one", "two"} {
		if lines[i].Stream != docker.Stdout || lines[i].Text != w || lines[i].Time.IsZero() {
			t.Errorf("TTY line %d = %+v, want stdout %q with a time (and no \\r)", i, lines[i], w)
		}
	}
}

// TestExec: exit codes, stderr, stdin, environment and working directory.
func TestExec(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	id := h.Run("exec", e2eSleeper(), nil)

	res, err := e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"sh", "-c", "echo e >&2; exit 7"}})
	if err != nil {
		t.Fatalf("a failing command is not a Go error: %v", err)
	}
	if res != (docker.ExecResult{Stderr: "e\n", ExitCode: 7}) {
		t.Fatalf("exec exit 7 = %+v", res)
	}

	res, err = e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"sh", "-c", "read x; echo got:$x"}, Stdin: strings.NewReader("ping\n")})
	if err != nil || res != (docker.ExecResult{Stdout: "got:ping\n"}) {
		t.Fatalf("exec with stdin = %+v, %v", res, err)
	}

	// A large stdin, read to its end: the exec sees EOF when the input is done.
	big := strings.Repeat("0123456789", 20_000)
	res, err = e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"wc", "-c"}, Stdin: strings.NewReader(big)})
	if err != nil || strings.TrimSpace(res.Stdout) != "200000" || res.ExitCode != 0 {
		t.Fatalf("wc -c of 200000 bytes of stdin = %+v, %v", res, err)
	}

	res, err = e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"sh", "-c", "echo $FOO; pwd; id -u"}, Env: []string{"FOO=bar"}, WorkingDir: "/tmp", User: "65534"})
	if err != nil || res.Stdout != "bar\n/tmp\n65534\n" {
		t.Fatalf("exec with env, dir and user = %+v, %v", res, err)
	}

	// Many quick execs in a row: each exit code is the command's own, never a stale 0.
	for i := 1; i <= 10; i++ {
		res, err := e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"sh", "-c", fmt.Sprint("exit ", i%10)}})
		if err != nil || res.ExitCode != i%10 {
			t.Fatalf("exec exit %d = %+v, %v", i%10, res, err)
		}
	}

	// A command that does not exist: a non-zero exit code and the runtime's message, not a Go error.
	res, err = e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"no-such-command"}})
	if err != nil || res.ExitCode == 0 || !strings.Contains(res.Stdout+res.Stderr, "no-such-command") {
		t.Fatalf("exec of a missing command = %+v, %v", res, err)
	}

	// Streaming: the writers get the output.
	var out, errb strings.Builder
	code, err := e.ExecStream(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"sh", "-c", "echo a; echo b >&2; exit 3"}}, &out, &errb)
	if err != nil || code != 3 || out.String() != "a\n" || errb.String() != "b\n" {
		t.Fatalf("ExecStream = %d, %q, %q, %v", code, out.String(), errb.String(), err)
	}

	// A cancelled exec returns the context's error.
	ctx, cancel := context.WithTimeout(h.Ctx(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = e.Exec(ctx, id, docker.ExecOptions{Cmd: []string{"sleep", "30"}})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("exec cancelled after 500ms: err %v after %v", err, time.Since(start))
	}

	// Exec in a container that is not running is an error naming it.
	stopped := h.Create("stopped", e2eSleeper(), nil)
	if _, err := e.Exec(h.Ctx(), stopped, docker.ExecOptions{Cmd: []string{"true"}}); err == nil || !strings.Contains(err.Error(), stopped) {
		t.Fatalf("exec in a created container: err = %v", err)
	}
}

// TestCreateNetworksAndPorts: several networks at create time (API 1.41 takes one), aliases,
// and a port published on 127.0.0.1.
func TestCreateNetworksAndPorts(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	netA, netB := h.Name("neta"), h.Name("netb")
	idA, err := e.CreateNetwork(h.Ctx(), netA, docker.NetworkOptions{Labels: h.Labels(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateNetwork(h.Ctx(), netB, docker.NetworkOptions{Labels: h.Labels(nil), Internal: true}); err != nil {
		t.Fatal(err)
	}
	// Creating it again gives the same network.
	if again, err := e.CreateNetwork(h.Ctx(), netA, docker.NetworkOptions{Labels: h.Labels(nil)}); err != nil || again != idA {
		t.Fatalf("CreateNetwork again = %s, %v; want %s", again, err, idA)
	}
	nets, err := e.Networks(h.Ctx(), h.Label())
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 2 || nets[0].Name != netA || nets[1].Name != netB || nets[0].Driver != "bridge" {
		t.Fatalf("networks = %+v", nets)
	}

	port := network.MustParsePort("80/tcp")
	spec := docker.CreateSpec{
		Name: h.Name("multi"),
		Config: &container.Config{
			Image: enginetest.Busybox, Cmd: []string{"sleep", "300"}, Labels: h.Labels(nil),
			ExposedPorts: network.PortSet{port: {}},
		},
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{
			port: {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "0"}},
		}},
		Networks: map[string]*network.EndpointSettings{netA: nil, netB: {Aliases: []string{"web"}}},
	}
	id, err := e.Create(h.Ctx(), spec)
	if err != nil {
		t.Fatalf("create with two networks: %v", err)
	}
	if err := e.Start(h.Ctx(), id); err != nil {
		t.Fatal(err)
	}
	c, err := e.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Networks, []string{netA, netB}) {
		t.Fatalf("networks = %v, want %s and %s", c.Networks, netA, netB)
	}
	raw, err := e.InspectRaw(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if ep := raw.NetworkSettings.Networks[netB]; ep == nil || !slices.Contains(ep.Aliases, "web") {
		t.Errorf("endpoint on %s = %+v, want alias web", netB, ep)
	}
	checkPort := func(from string, ports []docker.Port) {
		t.Helper()
		for _, p := range ports {
			if p.ContainerPort == 80 && p.Proto == "tcp" && p.HostIP == "127.0.0.1" && p.HostPort != 0 {
				if s := p.String(); !strings.HasPrefix(s, "127.0.0.1:") || !strings.HasSuffix(s, "->80/tcp") {
					t.Errorf("%s: port renders as %q", from, s)
				}
				return
			}
		}
		t.Errorf("%s: ports %v, want 80/tcp published on 127.0.0.1", from, ports)
	}
	checkPort("inspect", c.Ports)
	list, err := e.List(h.Ctx(), docker.ListOptions{Labels: []string{h.Label()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id {
		t.Fatalf("list = %+v", list)
	}
	checkPort("list", list[0].Ports)
	if !reflect.DeepEqual(list[0].Networks, []string{netA, netB}) {
		t.Errorf("list networks = %v", list[0].Networks)
	}

	// NetworkMode names a network outside Networks: the container is on it and on the others.
	id2, err := e.Create(h.Ctx(), docker.CreateSpec{
		Config:     &container.Config{Image: enginetest.Busybox, Cmd: []string{"sleep", "300"}, Labels: h.Labels(nil)},
		HostConfig: &container.HostConfig{NetworkMode: "bridge"},
		Networks:   map[string]*network.EndpointSettings{netA: {Aliases: []string{"second"}}},
	})
	if err != nil {
		t.Fatalf("create on bridge plus %s: %v", netA, err)
	}
	if c, err := e.Inspect(h.Ctx(), id2); err != nil || !reflect.DeepEqual(c.Networks, []string{"bridge", netA}) {
		t.Errorf("networks of a bridge-mode container with one more network = %v, %v", c.Networks, err)
	}

	// NetworkOrder picks the network joined at create time; the rest follow.
	id3, err := e.Create(h.Ctx(), docker.CreateSpec{
		Config:       &container.Config{Image: enginetest.Busybox, Cmd: []string{"sleep", "300"}, Labels: h.Labels(nil)},
		Networks:     map[string]*network.EndpointSettings{netA: nil, netB: nil},
		NetworkOrder: []string{netB},
	})
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := e.InspectRaw(h.Ctx(), id3); err != nil || string(raw.HostConfig.NetworkMode) != netB || len(raw.NetworkSettings.Networks) != 2 {
		t.Errorf("NetworkOrder [%s]: mode %q, networks %d, err %v", netB, raw.HostConfig.NetworkMode, len(raw.NetworkSettings.Networks), err)
	}

	// A network that cannot be joined after creation: Create fails, names it, and leaves no
	// container behind.
	_, err = e.Create(h.Ctx(), docker.CreateSpec{
		Name:         h.Name("orphan"),
		Config:       &container.Config{Image: enginetest.Busybox, Cmd: []string{"true"}, Labels: h.Labels(map[string]string{"orphan": "1"})},
		Networks:     map[string]*network.EndpointSettings{netA: nil, "host": nil},
		NetworkOrder: []string{netA, "host"},
	})
	if err == nil || !strings.Contains(err.Error(), "network host") || !strings.Contains(err.Error(), h.Name("orphan")) {
		t.Fatalf("create joining %s and host: err = %v, want one naming the container and network host", netA, err)
	}
	if left, err := e.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{h.Label(), "orphan=1"}}); err != nil || len(left) != 0 {
		t.Fatalf("a failed create left %d containers (%v)", len(left), err)
	}
	// A network that does not exist: API 1.41 only notices at start, and says which.
	missing := h.Name("nonet")
	id4, err := e.Create(h.Ctx(), docker.CreateSpec{
		Config:   &container.Config{Image: enginetest.Busybox, Cmd: []string{"true"}, Labels: h.Labels(nil)},
		Networks: map[string]*network.EndpointSettings{netA: nil, missing: nil},
	})
	if err == nil {
		err = e.Start(h.Ctx(), id4)
	}
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("create and start with a missing network: err = %v, want one naming it", err)
	}

	if err := e.RemoveNetwork(h.Ctx(), h.Name("never-made")); err != nil {
		t.Errorf("removing a missing network: %v", err)
	}
}

// TestLifecycle: Wait, Rename, Restart, Kill.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine

	// Wait before start catches even an instant exit.
	id := h.Create("exit5", &container.Config{Cmd: []string{"sh", "-c", "exit 5"}}, nil)
	waited := make(chan int, 1)
	waitErr := make(chan error, 1)
	go func() {
		code, err := e.Wait(h.Ctx(), id)
		waited <- code
		waitErr <- err
	}()
	// Wait returns only when the container stops, so it must not return before Start.
	select {
	case code := <-waited:
		t.Fatalf("Wait returned %d (%v) before the container started", code, <-waitErr)
	case <-time.After(200 * time.Millisecond):
	}
	if err := e.Start(h.Ctx(), id); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-waited:
		if err := <-waitErr; err != nil || code != 5 {
			t.Fatalf("Wait = %d, %v; want 5", code, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Wait did not return within 30s")
	}
	if c, err := e.Inspect(h.Ctx(), id); err != nil || c.State != "exited" || c.ExitCode != 5 {
		t.Fatalf("after exit 5: %+v, %v", c, err)
	}

	// Rename.
	id = h.Run("old", e2eSleeper(), nil)
	newName := h.Name("new")
	if err := e.Rename(h.Ctx(), id, newName); err != nil {
		t.Fatal(err)
	}
	if c, err := e.Inspect(h.Ctx(), newName); err != nil || c.ID != id || c.Name != newName {
		t.Fatalf("inspect by the new name = %+v, %v", c, err)
	}
	if _, err := e.Inspect(h.Ctx(), h.Name("old")); !docker.IsNotFound(err) {
		t.Fatalf("inspect by the old name: %v, want not found", err)
	}
	if l, err := e.List(h.Ctx(), docker.ListOptions{Name: newName}); err != nil || len(l) != 1 || l[0].Name != newName {
		t.Fatalf("list by name = %+v, %v", l, err)
	}

	// Restart: a new start time, running again.
	before, err := e.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Restart(h.Ctx(), id, 0); err != nil {
		t.Fatal(err)
	}
	after, err := e.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if after.State != "running" || !after.StartedAt.After(before.StartedAt) {
		t.Fatalf("after restart: state %s, started %v (before %v)", after.State, after.StartedAt, before.StartedAt)
	}

	// Kill: default signal KILL, exit code 137; killing it again is an error naming it.
	if err := e.Kill(h.Ctx(), id, ""); err != nil {
		t.Fatal(err)
	}
	if code, err := e.Wait(h.Ctx(), id); err != nil || code != 137 {
		t.Fatalf("Wait after kill = %d, %v; want 137", code, err)
	}
	if c, err := e.Inspect(h.Ctx(), id); err != nil || c.State != "exited" || c.ExitCode != 137 {
		t.Fatalf("after kill: %+v, %v", c, err)
	}
	if err := e.Kill(h.Ctx(), id, ""); err == nil || !strings.Contains(err.Error(), id) {
		t.Fatalf("kill of a stopped container: %v, want an error naming it", err)
	}

	// Kill with a signal the process handles.
	id = h.Run("trap", &container.Config{Cmd: []string{"sh", "-c", "trap 'exit 42' USR1; touch /tmp/ready; while true; do sleep 0.1; done"}}, nil)
	e2eEventually(t, 20*time.Second, "the trap to be set", func() (bool, string) {
		res, err := e.Exec(h.Ctx(), id, docker.ExecOptions{Cmd: []string{"test", "-f", "/tmp/ready"}})
		return err == nil && res.ExitCode == 0, fmt.Sprintf("%+v %v", res, err)
	})
	if err := e.Kill(h.Ctx(), id, "USR1"); err != nil {
		t.Fatal(err)
	}
	if code, err := e.Wait(h.Ctx(), id); err != nil || code != 42 {
		t.Fatalf("exit after USR1 = %d, %v; want 42", code, err)
	}

	// Wait ends with the context.
	id = h.Run("forever", e2eSleeper(), nil)
	ctx, cancel := context.WithTimeout(h.Ctx(), 300*time.Millisecond)
	defer cancel()
	if _, err := e.Wait(ctx, id); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with an expiring context: %v", err)
	}
}

// TestList: label filters, All, newest first.
func TestList(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	first := h.Create("first", &container.Config{Cmd: []string{"true"}, Labels: map[string]string{"role": "a"}}, nil)
	time.Sleep(1100 * time.Millisecond) // list's Created has one-second resolution
	second := h.Run("second", &container.Config{Cmd: []string{"sleep", "300"}, Labels: map[string]string{"role": "b"}}, nil)

	all, err := e.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{h.Label()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != second || all[1].ID != first {
		t.Fatalf("all = %+v, want second then first", all)
	}
	if all[1].State != "created" || all[0].State != "running" || !strings.HasPrefix(all[0].Status, "Up") {
		t.Errorf("states %q/%q, status %q", all[0].State, all[1].State, all[0].Status)
	}
	running, err := e.List(h.Ctx(), docker.ListOptions{Labels: []string{h.Label()}})
	if err != nil || len(running) != 1 || running[0].ID != second {
		t.Fatalf("running = %+v, %v", running, err)
	}
	byRole, err := e.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{h.Label(), "role=a"}})
	if err != nil || len(byRole) != 1 || byRole[0].ID != first {
		t.Fatalf("role=a = %+v, %v", byRole, err)
	}
}

// TestVersions: the client negotiated down to what the engine speaks.
func TestVersions(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	v, err := h.Engine.Versions(h.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	if v.ServerVersion == "" || v.ServerAPI == "" || v.ClientAPI == "" || v.OS == "" || v.Arch == "" {
		t.Fatalf("versions = %+v", v)
	}
	if apiLess(v.ServerAPI, v.ClientAPI) {
		t.Fatalf("client speaks %s, above the server's %s", v.ClientAPI, v.ServerAPI)
	}
	if v.ServerMinAPI != "" && apiLess(v.ClientAPI, v.ServerMinAPI) {
		t.Fatalf("client speaks %s, below the server's minimum %s", v.ClientAPI, v.ServerMinAPI)
	}
	if got := h.Engine.APIVersion(); got != v.ClientAPI {
		t.Errorf("APIVersion() = %s, Versions().ClientAPI = %s", got, v.ClientAPI)
	}
	t.Logf("engine %s, API %s (min %s), client negotiated %s", v.ServerVersion, v.ServerAPI, v.ServerMinAPI, v.ClientAPI)
}

// apiLess compares API versions such as "1.41" and "1.9" numerically.
func apiLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x = atoiOr0(pa[i])
		}
		if i < len(pb) {
			y = atoiOr0(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func atoiOr0(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return n
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestStreamStats: a running container gives samples with memory use; the stream ends with its
// context, and when the container stops.
func TestStreamStats(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	id := h.Run("stats", e2eSleeper(), nil)

	ctx, cancel := context.WithTimeout(h.Ctx(), 30*time.Second)
	defer cancel()
	samples := make(chan docker.Stats, 16)
	done := make(chan error, 1)
	go func() {
		done <- e.StreamStats(ctx, id, func(s docker.Stats) {
			select {
			case samples <- s:
			default:
			}
		})
	}()
	select {
	case s := <-samples:
		if s.MemUsage == 0 || s.MemLimit == 0 || s.Time.IsZero() || s.CPUPercent < 0 || s.PIDs == 0 {
			t.Errorf("first sample = %+v", s)
		}
		if p := s.MemPercent(); p <= 0 || p > 100 {
			t.Errorf("MemPercent = %v", p)
		}
	case err := <-done:
		t.Fatalf("StreamStats returned before a sample: %v", err)
	case <-time.After(15 * time.Second):
		t.Fatal("no stats sample within 15s")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("StreamStats after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("StreamStats did not return within 10s of its context ending")
	}

	// The stream ends by itself when the container stops.
	done2 := make(chan error, 1)
	got := make(chan struct{}, 1)
	go func() {
		done2 <- e.StreamStats(h.Ctx(), id, func(docker.Stats) {
			select {
			case got <- struct{}{}:
			default:
			}
		})
	}()
	select {
	case <-got:
	case <-time.After(15 * time.Second):
		t.Fatal("no stats sample within 15s")
	}
	if err := e.Kill(h.Ctx(), id, ""); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done2:
		if err != nil {
			t.Errorf("StreamStats when the container stopped: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("StreamStats did not return within 15s of the container stopping")
	}

	// Stats of a missing container: an error.
	if err := e.StreamStats(h.Ctx(), h.Name("missing"), func(docker.Stats) {}); !docker.IsNotFound(err) {
		t.Errorf("stats of a missing container: %v, want not found", err)
	}
}
