package containers

import (
	"github.com/podiumdev/podium/model/common"

	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

func TestTreeGroupsProjectsServicesContainers(t *testing.T) {
	r := newTab(t, newFake(), 120, 40)
	lines := strings.Split(screen(r), "\n")
	order := []string{
		"  blog ", "    cache ", "blog-cache-1", "    web ", "blog-web-1",
		"  shop ", "    api ", "shop-api-1", "    db ", "shop-db-1", "    worker ", "shop-worker-1", "shop-worker-2",
		"  standalone ", "registry", "scratch",
	}
	prev := -1
	for _, s := range order {
		i := indexOf(lines, s)
		if i <= prev {
			t.Fatalf("%q at line %d, want after line %d\n%s", s, i, prev, screen(r))
		}
		prev = i
	}
	// Containers sit two levels under their project, standalone ones one level.
	if l := lines[indexOf(lines, "shop-api-1")]; !strings.Contains(l, "      shop-api-1") {
		t.Errorf("container not indented under its service: %q", l)
	}
	if l := lines[indexOf(lines, "registry")]; !strings.HasPrefix(l, "    registry ") {
		t.Errorf("standalone container indent: %q", l)
	}
	for _, want := range []string{"● 2/2 up", "◐ 1/2 up", "✖ exited", "unhealthy", "exited (1) 5m ago", "up 2d", "created 1h ago", "127.0.0.1:8080->80", "5000->5000"} {
		if !strings.Contains(screen(r), want) {
			t.Errorf("screen lacks %q", want)
		}
	}
	if strings.Count(screen(r), "5000->5000") != 1 {
		t.Error("IPv4/IPv6 twins of a port are shown twice")
	}
}

func TestCursorSkipsHeaders(t *testing.T) {
	r := newTab(t, newFake(), 120, 40)
	if got := selectedName(r); got != "blog-cache-1" {
		t.Fatalf("initial selection %q", got)
	}
	want := []string{"blog-web-1", "shop-api-1", "shop-db-1", "shop-worker-1", "shop-worker-2", "registry", "scratch", "scratch"}
	for _, w := range want {
		r, _ = press(t, r, "j")
		if got := selectedName(r); got != w {
			t.Fatalf("after j: %q, want %q", got, w)
		}
	}
	r, _ = press(t, r, "k", "up")
	if got := selectedName(r); got != "shop-worker-2" {
		t.Fatalf("after k up: %q", got)
	}
	r, _ = press(t, r, "g")
	if got := selectedName(r); got != "blog-cache-1" {
		t.Fatalf("after g: %q", got)
	}
	r, _ = press(t, r, "k")
	if got := selectedName(r); got != "blog-cache-1" {
		t.Fatalf("k at the top moved to %q", got)
	}
	r, _ = press(t, r, "G")
	if got := selectedName(r); got != "scratch" {
		t.Fatalf("after G: %q", got)
	}
	r, _ = press(t, r, "ctrl+u")
	if c, _ := r.Selected(); c.ID == "" || r.list.Rows[r.list.Cursor].Container.ID != c.ID {
		t.Fatal("page up left the cursor off a container")
	}
	// The cursor row is the highlighted one.
	lines := strings.Split(screen(r), "\n")
	if l := lines[indexOf(lines, selectedName(r))]; !strings.HasPrefix(l, "▌") {
		t.Errorf("selected row not marked: %q", l)
	}
}

func TestCursorScrollsAtSmallSize(t *testing.T) {
	r := newTab(t, newFake(), 80, 24)
	r, _ = press(t, r, "G")
	if !strings.Contains(screen(r), "scratch") {
		t.Fatalf("the last container is off screen after G:\n%s", screen(r))
	}
	r, _ = press(t, r, "g")
	if !strings.Contains(screen(r), "  blog ") {
		t.Fatalf("the first project header is off screen after g:\n%s", screen(r))
	}
}

func TestSelectionKeptByIDAcrossSnapshots(t *testing.T) {
	f := newFake()
	r := newTab(t, f, 120, 40)
	r, _ = press(t, r, "j", "j", "j") // shop-db-1
	if selectedName(r) != "shop-db-1" {
		t.Fatalf("setup: %q", selectedName(r))
	}
	gen := r.logs.Stream().Gen()
	// A new project sorts first and shop-api-1 is gone: every row index moves.
	cs := fixture()
	cs = slices.DeleteFunc(cs, func(c docker.Container) bool { return c.Name == "shop-api-1" })
	cs = append(cs, docker.Container{ID: "0a0a0a0a", Name: "admin-ui-1", Image: "admin:dev", State: "running", Labels: composeLabels("admin", "ui")})
	docker.SortContainers(cs)
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if got := selectedName(r); got != "shop-db-1" {
		t.Fatalf("selection moved to %q", got)
	}
	if r.logs.Stream().Gen() != gen {
		t.Fatal("the log stream restarted although the selection did not change")
	}
	// When the selected container goes, the selection moves to a neighbour, and its logs follow.
	cs = slices.DeleteFunc(cs, func(c docker.Container) bool { return c.Name == "shop-db-1" })
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if got := selectedName(r); got != "shop-worker-1" {
		t.Fatalf("after removal selected %q, want shop-worker-1", got)
	}
	if s := r.logs.Stream(); s.Key() != "e3e3e3e3e3e3e3e3" || s.Gen() == gen {
		t.Fatalf("logs did not move to the new selection: %+v", s)
	}
}

func TestActionErrorShown(t *testing.T) {
	r := newTab(t, newFake(), 100, 30)
	r = update(t, r, ActionDoneMsg{Action: keymap.Stop, ContainerID: "x", Name: "shop-api-1", Err: errors.New("stop container x: permission denied")})
	// The footer shows its start beside the hints; the whole error is the status (and `!`).
	if !strings.Contains(screen(r), "stop shop-api-1: stop container x: permission") || r.Status().Text != "stop shop-api-1: stop container x: permission denied" {
		t.Fatalf("error not shown (%q):\n%s", r.Status().Text, screen(r))
	}
}

func TestShell(t *testing.T) {
	f := newFake()
	r := newTab(t, f, 100, 30)
	r, cmd := press(t, r, "enter") // blog-cache-1 is running
	if cmd == nil {
		t.Fatal("no exec command")
	}
	if got := f.Calls(); !slices.Equal(got, []string{"shell b6b6b6b6b6b6b6b6"}) {
		t.Fatalf("calls %v", got)
	}
	r = update(t, r, engine.ShellExitedMsg{ContainerID: "b6b6b6b6b6b6b6b6", Name: "blog-cache-1", Err: docker.ExitError{Code: 3}})
	if !strings.Contains(screen(r), "shell in blog-cache-1 exited (code 3)") {
		t.Fatalf("exit code not shown:\n%s", screen(r))
	}
	r = update(t, r, engine.ShellExitedMsg{Name: "blog-cache-1", Err: fmt.Errorf("exec in blog-cache-1: %w", errors.New("no shell found"))})
	if !strings.Contains(screen(r), "shell in blog-cache-1: exec in blog-cache-1: no") || r.Status().Text != "shell in blog-cache-1: exec in blog-cache-1: no shell found" {
		t.Fatalf("error not shown (%q):\n%s", r.Status().Text, screen(r))
	}
	r, _ = press(t, r, "j") // blog-web-1 exited
	_, cmd = press(t, r, "x")
	if cmd != nil {
		t.Fatal("a shell was opened in an exited container")
	}
}

func TestLogsRoutedBySelection(t *testing.T) {
	r := newTab(t, newFake(), 120, 40)
	r = update(t, r, linesFor(r,
		docker.LogLine{Stream: docker.Stdout, Text: "Ready to accept connections tcp"},
		docker.LogLine{Stream: docker.Stderr, Text: "WARNING overcommit_memory is set to 0"}))
	s := screen(r)
	if !strings.Contains(s, "  Ready to accept connections tcp") || !strings.Contains(s, "▌ WARNING overcommit_memory") {
		t.Fatalf("lines of the selected container missing or unmarked:\n%s", s)
	}
	// A message from another container's stream, or from an old stream of this one, is dropped.
	cur := r.logs.Stream()
	var cmd tea.Cmd
	tab, cmd := r.Update(logs.LinesMsg{Key: "d2d2d2d2d2d2d2d2", Gen: cur.Gen(), Lines: viewLines("", docker.LogLine{Text: "from the db"})})
	r = tab.(Model)
	if cmd != nil || strings.Contains(screen(r), "from the db") {
		t.Fatal("lines of another container shown")
	}
	r = update(t, r, logs.LinesMsg{Key: cur.Key(), Gen: cur.Gen() - 1, Lines: viewLines("", docker.LogLine{Text: "stale stream"})})
	if strings.Contains(screen(r), "stale stream") {
		t.Fatal("lines of an old stream shown")
	}
	// Moving the selection starts a new stream and clears the pane.
	r, _ = press(t, r, "j")
	if r.logs.Stream() == cur || r.logs.Lines() != 0 {
		t.Fatal("selection change kept the old stream")
	}
	if cur.Err() == nil {
		t.Fatal("the old stream was not cancelled")
	}
	r = update(t, r, cur.LinesMsg(viewLines("", docker.LogLine{Text: "late line"})))
	if strings.Contains(screen(r), "late line") {
		t.Fatal("late lines of the previous selection shown")
	}
}

func TestLogStreamDeliversThroughCommands(t *testing.T) {
	f := newFake()
	f.Lines["b6b6b6b6b6b6b6b6"] = []docker.LogLine{{Stream: docker.Stdout, Text: "one"}, {Stream: docker.Stderr, Text: "two"}}
	r := newTab(t, f, 120, 40)
	s := r.logs.Stream()
	go func() { s.Read(f, s.Key(), "", docker.LogOptions{Follow: true, Tail: logs.Tail})() }()
	var got []views.LogLine
	for len(got) < 2 {
		msg := runCmd(t, s.Wait())
		lm, ok := msg.(logs.LinesMsg)
		if !ok {
			t.Fatalf("wait returned %T", msg)
		}
		got = append(got, lm.Lines...)
		r = update(t, r, lm)
	}
	if got[0].Text != "one" || got[1].Stream != docker.Stderr {
		t.Fatalf("lines %+v", got)
	}
	if !strings.Contains(screen(r), "two") || !strings.Contains(screen(r), "● following") {
		t.Fatalf("pane:\n%s", screen(r))
	}
	// Cancelling releases a waiter: the goroutine returns nil instead of leaking.
	s.Cancel()
	if msg := runCmd(t, s.Wait()); msg != nil {
		t.Fatalf("cancelled wait returned %T", msg)
	}
}

func TestLogStreamEndAndResume(t *testing.T) {
	f := newFake()
	r := newTab(t, f, 120, 40)
	r, _ = press(t, r, "j", "j") // shop-api-1
	s := r.logs.Stream()
	s.Push("", docker.LogLine{Text: "shutting down"})
	r = update(t, r, logs.EndedMsg{Key: s.Key(), Gen: s.Gen(), ContainerID: s.Key()})
	r = update(t, r, runCmd(t, s.Wait())) // the last lines come through the stream's waiter
	if !strings.Contains(screen(r), "shutting down") || !strings.Contains(screen(r), "end of log") {
		t.Fatalf("end of stream:\n%s", screen(r))
	}
	// The container restarts: the index shows a later StartedAt, and the log resumes.
	cs := fixture()
	for i := range cs {
		if cs[i].ID == s.Key() {
			cs[i].StartedAt = testNow()
		}
	}
	tab, cmd := r.Update(common.ContainersChangedMsg{Snap: connected(cs)})
	r = tab.(Model)
	p := r.logs
	if cmd == nil || p.Ended() || !p.Sources()[0].StartedAt.Equal(testNow()) || !strings.Contains(screen(r), "shutting down") {
		t.Fatal("the log did not resume after a restart, or lost its lines")
	}
	if p.Stream().Err() != nil {
		t.Fatal("the stream is cancelled")
	}
}

func TestLogsPaneFollowAndScroll(t *testing.T) {
	r := newTab(t, newFake(), 80, 24)
	var ls []docker.LogLine
	for i := range 100 {
		ls = append(ls, docker.LogLine{Text: fmt.Sprintf("line %03d", i)})
	}
	r = update(t, r, linesFor(r, ls...))
	if !strings.Contains(screen(r), "line 099") || strings.Contains(screen(r), "line 050") {
		t.Fatal("following does not show the newest lines")
	}
	r, _ = press(t, r, "f")
	if !strings.Contains(screen(r), "‖ paused") {
		t.Fatal("f did not pause")
	}
	r = update(t, r, linesFor(r, docker.LogLine{Text: "line 100"}))
	if strings.Contains(screen(r), "line 100") || !strings.Contains(screen(r), "line 099") {
		t.Fatal("paused pane moved with new output")
	}
	r, _ = press(t, r, "tab")
	if r.Context() != keymap.CtxLogs {
		t.Fatal("tab did not focus the logs")
	}
	sel := selectedName(r)
	r, _ = press(t, r, "g")
	if !strings.Contains(screen(r), "line 000") || selectedName(r) != sel {
		t.Fatal("g in the logs pane did not go to the oldest line (or moved the list)")
	}
	r, _ = press(t, r, "G")
	if !strings.Contains(screen(r), "line 100") || !strings.Contains(screen(r), "● following") {
		t.Fatal("G did not resume following")
	}
	r, _ = press(t, r, "k")
	if !strings.Contains(screen(r), "‖ paused") {
		t.Fatal("scrolling up did not pause")
	}
	r, _ = press(t, r, "j")
	if !strings.Contains(screen(r), "● following") {
		t.Fatal("scrolling to the end did not resume following")
	}
	r, _ = press(t, r, "tab", "j")
	if selectedName(r) == sel {
		t.Fatal("tab did not give the keys back to the list")
	}
}

func TestWatchIndexDeliversSnapshot(t *testing.T) {
	f := newFake()
	c := make(chan struct{}, 1)
	sub := &docker.Subscription{C: c}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c <- struct{}{}
	msg := runCmd(t, watchIndex(ctx, f, sub))
	if cm, ok := msg.(common.ContainersChangedMsg); !ok || len(cm.Snap.Containers) != 8 {
		t.Fatalf("got %T %+v", msg, msg)
	}
	cancel()
	if msg := runCmd(t, watchIndex(ctx, f, sub)); msg != nil {
		t.Fatalf("cancelled watch returned %T", msg)
	}
	// Every change message re-arms the watch.
	r := newTab(t, f, 80, 24)
	if _, cmd := r.Update(common.ContainersChangedMsg{Snap: f.Snap}); cmd == nil {
		t.Fatal("no watch after a change")
	}
}

func TestLogStreamRestartsAfterReconnect(t *testing.T) {
	r := newTab(t, newFake(), 120, 40)
	s := r.logs.Stream()
	r = update(t, r, logs.EndedMsg{Key: s.Key(), Gen: s.Gen(), ContainerID: s.Key(), Err: errors.New("logs of container x: unexpected EOF")})
	if !strings.Contains(screen(r), "logs: logs of container x: unexpected EOF") {
		t.Fatalf("stream error not shown:\n%s", screen(r))
	}
	snap := connected(fixture())
	snap.Status.Resyncs = 1 // the index lost the engine and listed it again
	tab, cmd := r.Update(common.ContainersChangedMsg{Snap: snap})
	r = tab.(Model)
	if r.logs.Stream() == s || cmd == nil || r.logs.ErrText() != "" {
		t.Fatal("the log stream did not restart after the engine came back")
	}
}
