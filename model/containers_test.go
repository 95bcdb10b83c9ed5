package model

import (
	"github.com/podiumdev/podium/model/common"

	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// indexOf is the line number of the first screen line containing s, or -1.
func indexOf(lines []string, s string) int {
	return slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, s) })
}

func TestTreeGroupsProjectsServicesContainers(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
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
	r := newRoot(t, newFake(), 120, 40)
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
	if c, _ := r.containers().Selected(); c.ID == "" || r.containers().list.Rows[r.containers().list.Cursor].Container.ID != c.ID {
		t.Fatal("page up left the cursor off a container")
	}
	// The cursor row is the highlighted one.
	lines := strings.Split(screen(r), "\n")
	if l := lines[indexOf(lines, selectedName(r))]; !strings.HasPrefix(l, "▌") {
		t.Errorf("selected row not marked: %q", l)
	}
}

func TestCursorScrollsAtSmallSize(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
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
	r := newRoot(t, f, 120, 40)
	r, _ = press(t, r, "j", "j", "j") // shop-db-1
	if selectedName(r) != "shop-db-1" {
		t.Fatalf("setup: %q", selectedName(r))
	}
	gen := r.containers().logs.Stream().Gen()
	// A new project sorts first and shop-api-1 is gone: every row index moves.
	cs := fixture()
	cs = slices.DeleteFunc(cs, func(c docker.Container) bool { return c.Name == "shop-api-1" })
	cs = append(cs, docker.Container{ID: "0a0a0a0a", Name: "admin-ui-1", Image: "admin:dev", State: "running", Labels: composeLabels("admin", "ui")})
	docker.SortContainers(cs)
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if got := selectedName(r); got != "shop-db-1" {
		t.Fatalf("selection moved to %q", got)
	}
	if r.containers().logs.Stream().Gen() != gen {
		t.Fatal("the log stream restarted although the selection did not change")
	}
	// When the selected container goes, the selection moves to a neighbour, and its logs follow.
	cs = slices.DeleteFunc(cs, func(c docker.Container) bool { return c.Name == "shop-db-1" })
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if got := selectedName(r); got != "shop-worker-1" {
		t.Fatalf("after removal selected %q, want shop-worker-1", got)
	}
	if s := r.containers().logs.Stream(); s.Key() != "e3e3e3e3e3e3e3e3" || s.Gen() == gen {
		t.Fatalf("logs did not move to the new selection: %+v", s)
	}
}

func TestFilter(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	r, _ = press(t, r, "/")
	if r.containers().Context() != keymap.CtxFilter {
		t.Fatalf("context %q after /", r.containers().Context())
	}
	r = typeText(t, r, "POST") // the image of shop-db-1, case-insensitive
	s := screen(r)
	if !strings.Contains(s, "shop-db-1") || strings.Contains(s, "shop-api-1") || strings.Contains(s, "registry") {
		t.Fatalf("filter POST:\n%s", s)
	}
	if selectedName(r) != "shop-db-1" {
		t.Fatalf("selection not on the only match: %q", selectedName(r))
	}
	if !strings.Contains(s, "/ POST") {
		t.Fatalf("filter line missing:\n%s", s)
	}
	for range 4 {
		r, _ = press(t, r, "backspace")
	}
	r = typeText(t, r, "blog") // a project name
	s = screen(r)
	if !strings.Contains(s, "blog-web-1") || !strings.Contains(s, "blog-cache-1") || strings.Contains(s, "shop-db-1") {
		t.Fatalf("filter blog:\n%s", s)
	}
	r = typeText(t, r, "q") // typing q does not quit
	if r.quitting || r.containers().list.Filter != "blogq" {
		t.Fatalf("q in the filter: quitting=%v filter=%q", r.quitting, r.containers().list.Filter)
	}
	if !strings.Contains(screen(r), `no container matches "blogq"`) {
		t.Fatalf("empty result not explained:\n%s", screen(r))
	}
	r, _ = press(t, r, "backspace", "enter")
	if r.containers().Context() != keymap.CtxContainers || r.containers().list.Filter != "blog" {
		t.Fatalf("enter keeps the filter: ctx=%q filter=%q", r.containers().Context(), r.containers().list.Filter)
	}
	if !strings.Contains(screen(r), "Containers 2 of 8") {
		t.Fatalf("title does not count the filtered containers:\n%s", screen(r))
	}
	r, _ = press(t, r, "j") // navigation works inside the filtered tree
	if selectedName(r) != "blog-web-1" {
		t.Fatalf("j in filtered tree: %q", selectedName(r))
	}
	r, _ = press(t, r, "esc")
	if r.containers().list.Filter != "" || !strings.Contains(screen(r), "registry") {
		t.Fatal("esc did not clear the filter")
	}
	if selectedName(r) != "blog-web-1" {
		t.Fatalf("clearing the filter lost the selection: %q", selectedName(r))
	}
	// A service name matches too.
	r, _ = press(t, r, "/")
	r = typeText(t, r, "worker")
	if s := screen(r); !strings.Contains(s, "shop-worker-2") || strings.Contains(s, "blog-web-1") {
		t.Fatalf("filter worker:\n%s", s)
	}
}

func TestActionsCallTheBackend(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 120, 40)
	r, _ = press(t, r, "j", "j") // shop-api-1
	api := "a1a1a1a1a1a1a1a1"

	r, cmd := press(t, r, "s")
	if !strings.Contains(screen(r), "stopping shop-api-1…") {
		t.Fatalf("no progress shown:\n%s", screen(r))
	}
	r = follow(t, r, cmd)
	if !strings.Contains(screen(r), "stopped shop-api-1") {
		t.Fatalf("no result shown:\n%s", screen(r))
	}
	r, cmd = press(t, r, "r")
	r = follow(t, r, cmd)
	if !strings.Contains(screen(r), "restarted shop-api-1") {
		t.Fatal("restart result not shown")
	}

	// Remove asks first; n keeps the container.
	r, cmd = press(t, r, "d")
	if cmd != nil || !strings.Contains(screen(r), "Remove container shop-api-1?") || !strings.Contains(screen(r), "it will be killed first") {
		t.Fatalf("no confirm dialog:\n%s", screen(r))
	}
	if r.containers().Context() != keymap.CtxConfirm {
		t.Fatalf("context %q", r.containers().Context())
	}
	r, cmd = press(t, r, "s") // other keys do nothing while the dialog is up
	if cmd != nil || r.containers().confirm == nil {
		t.Fatal("s acted under the confirm dialog")
	}
	r, cmd = press(t, r, "n")
	if cmd != nil || r.containers().confirm != nil {
		t.Fatal("n did not dismiss the dialog")
	}
	if got := f.Calls(); !slices.Equal(got, []string{"stop " + api, "restart " + api}) {
		t.Fatalf("calls before y: %v", got)
	}
	r, _ = press(t, r, "d")
	r, cmd = press(t, r, "y")
	r = follow(t, r, cmd)
	want := []string{"stop " + api, "restart " + api, "remove " + api + " force=true"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if !strings.Contains(screen(r), "removed shop-api-1") {
		t.Fatal("remove result not shown")
	}

	// An exited container is removed without force, and cannot be stopped.
	r, _ = press(t, r, "g", "j") // blog-web-1
	r, cmd = press(t, r, "s")
	if cmd != nil || !strings.Contains(screen(r), "blog-web-1 is not running") {
		t.Fatal("stop of an exited container was attempted")
	}
	r, _ = press(t, r, "d")
	if !strings.Contains(screen(r), "Remove container blog-web-1?") {
		t.Fatalf("dialog:\n%s", screen(r))
	}
	r, cmd = press(t, r, "y")
	follow(t, r, cmd)
	if got := f.Calls(); got[len(got)-1] != "remove b5b5b5b5b5b5b5b5 force=false" {
		t.Fatalf("last call %q", got[len(got)-1])
	}
}

func TestActionErrorShown(t *testing.T) {
	r := newRoot(t, newFake(), 100, 30)
	r = update(t, r, actionDoneMsg{action: keymap.Stop, containerID: "x", name: "shop-api-1", err: errors.New("stop container x: permission denied")})
	if !strings.Contains(screen(r), "stop shop-api-1: stop container x: permission denied") {
		t.Fatalf("error not shown:\n%s", screen(r))
	}
}

func TestShell(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 100, 30)
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
	if !strings.Contains(screen(r), "shell in blog-cache-1: exec in blog-cache-1: no shell found") {
		t.Fatalf("error not shown:\n%s", screen(r))
	}
	r, _ = press(t, r, "j") // blog-web-1 exited
	_, cmd = press(t, r, "x")
	if cmd != nil {
		t.Fatal("a shell was opened in an exited container")
	}
}

func TestHelpOverlayListsKeymap(t *testing.T) {
	f := newFake()
	km := keymap.Default().With(keymap.CtxContainers, keymap.Stop, "S")
	r := New(Config{Backend: f, Now: testNow, Keymap: km})
	t.Cleanup(func() { r.containers().Close() })
	r = update(t, r, tea.WindowSizeMsg{Width: 120, Height: 50})
	r, _ = press(t, r, "?")
	s := screen(r)
	for _, sec := range km.Help(keymap.CtxGlobal, keymap.CtxContainers, keymap.CtxLogs, keymap.CtxFilter, keymap.CtxConfirm, keymap.CtxHelp) {
		if !strings.Contains(s, sec.Title) {
			t.Errorf("help lacks section %q", sec.Title)
		}
	}
	if strings.Contains(s, "Command line") || strings.Contains(s, "up: create, start") {
		t.Errorf("the Containers tab's help shows the Pods tab's keys:\n%s", s)
	}
	for _, want := range []string{"pgdown/ctrl+d", "open a shell in the container", "⏎/x", "S              stop the container", "esc/?"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q:\n%s", want, s)
		}
	}
	// The help scrolls when it does not fit, and closes with esc.
	r = update(t, r, tea.WindowSizeMsg{Width: 80, Height: 24})
	before := screen(r)
	r, _ = press(t, r, "j", "j")
	if screen(r) == before || r.helpScroll != 2 {
		t.Fatal("help did not scroll")
	}
	r, _ = press(t, r, "G") // not a help key: nothing happens
	r, _ = press(t, r, "esc")
	if r.help || !strings.Contains(screen(r), "shop-api-1") {
		t.Fatal("esc did not close the help")
	}
	r, _ = press(t, r, "?", "?")
	if r.help {
		t.Fatal("? did not toggle the help off")
	}
}

func TestDisconnectedHeader(t *testing.T) {
	f := newFake()
	f.Snap.Status = docker.Status{
		State: docker.Disconnected, Attempts: 3, Since: testNow().Add(-45 * time.Second),
		Err: errors.New("follow docker events: dial unix /var/run/docker.sock: connect: connection refused"),
	}
	r := newRoot(t, f, 160, 40)
	s := screen(r)
	for _, want := range []string{"✖ disconnected", "disconnected: follow docker events: dial unix /var/run/docker.sock: connect: connection refused, retrying (attempt 3, down 45s)"} {
		if !strings.Contains(s, want) {
			t.Errorf("header lacks %q:\n%s", want, strings.Join(strings.Split(s, "\n")[:2], "\n"))
		}
	}
	// Back to connected when the index says so.
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(fixture())})
	if s := screen(r); strings.Contains(s, "disconnected") || !strings.Contains(s, "● connected") {
		t.Fatal("header still disconnected")
	}
	// At 80 columns the message is cut, not wrapped.
	r = update(t, r, common.ContainersChangedMsg{Snap: f.Snap})
	r = update(t, r, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFits(t, screen(r), 80, 24)
}

func TestLogsRoutedBySelection(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	r = update(t, r, linesFor(r,
		docker.LogLine{Stream: docker.Stdout, Text: "Ready to accept connections tcp"},
		docker.LogLine{Stream: docker.Stderr, Text: "WARNING overcommit_memory is set to 0"}))
	s := screen(r)
	if !strings.Contains(s, "  Ready to accept connections tcp") || !strings.Contains(s, "▌ WARNING overcommit_memory") {
		t.Fatalf("lines of the selected container missing or unmarked:\n%s", s)
	}
	// A message from another container's stream, or from an old stream of this one, is dropped.
	cur := r.containers().logs.Stream()
	var cmd tea.Cmd
	m, cmd := r.Update(logs.LinesMsg{Key: "d2d2d2d2d2d2d2d2", Gen: cur.Gen(), Lines: viewLines("", docker.LogLine{Text: "from the db"})})
	r = m.(Root)
	if cmd != nil || strings.Contains(screen(r), "from the db") {
		t.Fatal("lines of another container shown")
	}
	r = update(t, r, logs.LinesMsg{Key: cur.Key(), Gen: cur.Gen() - 1, Lines: viewLines("", docker.LogLine{Text: "stale stream"})})
	if strings.Contains(screen(r), "stale stream") {
		t.Fatal("lines of an old stream shown")
	}
	// Moving the selection starts a new stream and clears the pane.
	r, _ = press(t, r, "j")
	if r.containers().logs.Stream() == cur || r.containers().logs.Lines() != 0 {
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
	r := newRoot(t, f, 120, 40)
	s := r.containers().logs.Stream()
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
	r := newRoot(t, f, 120, 40)
	r, _ = press(t, r, "j", "j") // shop-api-1
	s := r.containers().logs.Stream()
	s.Push("", docker.LogLine{Text: "shutting down"})
	r = update(t, r, logs.EndedMsg{Key: s.Key(), Gen: s.Gen(), ContainerID: s.Key()})
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
	m, cmd := r.Update(common.ContainersChangedMsg{Snap: connected(cs)})
	r = m.(Root)
	p := r.containers().logs
	if cmd == nil || p.Ended() || !p.Sources()[0].StartedAt.Equal(testNow()) || !strings.Contains(screen(r), "shutting down") {
		t.Fatal("the log did not resume after a restart, or lost its lines")
	}
	if p.Stream().Err() != nil {
		t.Fatal("the stream is cancelled")
	}
}

func TestHugeLogLineStaysInWidth(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 80, 24)
	s := r.containers().logs.Stream()
	huge := strings.Repeat("0123456789abcdefghij\t", 90000/21) + "END"
	if len(huge) < 90000 {
		huge += strings.Repeat("x", 90000-len(huge))
	}
	s.Push("", docker.LogLine{Stream: docker.Stderr, Text: huge}) // through the sink: kept whole
	lines := s.Drain()
	if lines[0].Text != huge {
		t.Fatalf("sink kept %d of %d bytes", len(lines[0].Text), len(huge))
	}
	r = update(t, r, s.LinesMsg(lines))
	// And straight into the pane, uncapped, with escape sequences in it.
	r = update(t, r, linesFor(r, docker.LogLine{Text: "\x1b[31m" + huge + "\x1b[0m\r"}))
	checkFits(t, screen(r), 80, 24)
	if !strings.Contains(screen(r), "0123456789abcdefghij") || !strings.Contains(screen(r), "…") {
		t.Fatalf("long line not shown truncated:\n%s", screen(r))
	}
}

func TestLogsPaneFollowAndScroll(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
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
	if r.containers().Context() != keymap.CtxLogs {
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
	r := newRoot(t, f, 80, 24)
	if _, cmd := r.Update(common.ContainersChangedMsg{Snap: f.Snap}); cmd == nil {
		t.Fatal("no watch after a change")
	}
}

func TestQuitCancelsEverything(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
	s := r.containers().logs.Stream()
	r, cmd := press(t, r, "q")
	if !r.quitting || cmd == nil {
		t.Fatal("q did not quit")
	}
	if _, ok := runCmd(t, cmd).(tea.QuitMsg); !ok {
		t.Fatal("q did not return tea.Quit")
	}
	if s.Err() == nil || r.ctx.Err() == nil {
		t.Fatal("streams still running after quit")
	}
	r2 := newRoot(t, newFake(), 80, 24)
	r2, _ = press(t, r2, "d", "ctrl+c")
	if !r2.quitting {
		t.Fatal("ctrl+c did not quit from the confirm dialog")
	}
}

func TestNilBackendDoesNotPanic(t *testing.T) {
	r := New(Config{Now: testNow})
	r = update(t, r, tea.WindowSizeMsg{Width: 80, Height: 24})
	r, _ = press(t, r, "j", "s", "d", "enter", "/", "x", "esc", "tab", "f", "?")
	if !strings.Contains(screen(r), "Help") {
		t.Fatal("help did not open")
	}
	r, _ = press(t, r, "esc")
	if !strings.Contains(screen(r), "no docker backend configured") {
		t.Fatalf("header:\n%s", screen(r))
	}
}

// checkFits fails when the screen has another number of lines than h, or a line wider than w.
func checkFits(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, l)
		}
	}
}

func TestNothingOverflows(t *testing.T) {
	long := docker.Container{
		ID: "9999999999999999", Name: strings.Repeat("very-long-container-name-", 6), State: "running", Health: "starting",
		Image: strings.Repeat("registry.example.com/deeply/nested/", 5) + "image:tag", Labels: composeLabels(strings.Repeat("p", 90), strings.Repeat("s", 90)),
		Ports:     []docker.Port{{HostIP: "127.0.0.1", HostPort: 1, ContainerPort: 2, Proto: "udp"}, {HostIP: "127.0.0.1", HostPort: 3, ContainerPort: 4, Proto: "tcp"}},
		StartedAt: testNow().Add(-time.Minute),
	}
	sizes := [][2]int{{80, 24}, {120, 40}, {160, 40}, {200, 60}, {60, 15}, {40, 10}, {20, 5}, {1, 1}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		f := newFake()
		f.Snap.Containers = append(f.Snap.Containers, long)
		f.Snap.Status = docker.Status{State: docker.Disconnected, Err: errors.New(strings.Repeat("engine gone ", 30)), Attempts: 9}
		r := newRoot(t, f, w, h)
		r = update(t, r, linesFor(r, docker.LogLine{Text: strings.Repeat("wide 界 ", 5000)}, docker.LogLine{Stream: docker.Stderr, Text: "\ttabbed\x07bell"}))
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "G", "d") // the long one, with the dialog
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc", "/")
		r = typeText(t, r, strings.Repeat("filter ", 30))
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc", "?")
		checkFits(t, screen(r), w, h)
		r = update(t, r, actionDoneMsg{action: keymap.Stop, name: long.Name, err: errors.New(strings.Repeat("bad ", 100))})
		r, _ = press(t, r, "esc")
		checkFits(t, screen(r), w, h)
	}
}

func TestLogStreamRestartsAfterReconnect(t *testing.T) {
	r := newRoot(t, newFake(), 120, 40)
	s := r.containers().logs.Stream()
	r = update(t, r, logs.EndedMsg{Key: s.Key(), Gen: s.Gen(), ContainerID: s.Key(), Err: errors.New("logs of container x: unexpected EOF")})
	if !strings.Contains(screen(r), "logs: logs of container x: unexpected EOF") {
		t.Fatalf("stream error not shown:\n%s", screen(r))
	}
	snap := connected(fixture())
	snap.Status.Resyncs = 1 // the index lost the engine and listed it again
	m, cmd := r.Update(common.ContainersChangedMsg{Snap: snap})
	r = m.(Root)
	if r.containers().logs.Stream() == s || cmd == nil || r.containers().logs.ErrText() != "" {
		t.Fatal("the log stream did not restart after the engine came back")
	}
}
