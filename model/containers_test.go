package model

import (
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/containers"

	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
)

// indexOf is the line number of the first screen line containing s, or -1.
func indexOf(lines []string, s string) int {
	return slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, s) })
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
	if r.quitting || containersFilter(r) != "blogq" {
		t.Fatalf("q in the filter: quitting=%v filter=%q", r.quitting, containersFilter(r))
	}
	if !strings.Contains(screen(r), `no container matches "blogq"`) {
		t.Fatalf("empty result not explained:\n%s", screen(r))
	}
	r, _ = press(t, r, "backspace", "enter")
	if r.containers().Context() != keymap.CtxContainers || containersFilter(r) != "blog" {
		t.Fatalf("enter keeps the filter: ctx=%q filter=%q", r.containers().Context(), containersFilter(r))
	}
	if !strings.Contains(screen(r), "Containers 2 of 8") {
		t.Fatalf("title does not count the filtered containers:\n%s", screen(r))
	}
	r, _ = press(t, r, "j") // navigation works inside the filtered tree
	if selectedName(r) != "blog-web-1" {
		t.Fatalf("j in filtered tree: %q", selectedName(r))
	}
	r, _ = press(t, r, "esc")
	if containersFilter(r) != "" || !strings.Contains(screen(r), "registry") {
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
	if cmd != nil || r.containers().Context() != keymap.CtxConfirm {
		t.Fatal("s acted under the confirm dialog")
	}
	r, cmd = press(t, r, "n")
	if cmd != nil || r.containers().Context() == keymap.CtxConfirm {
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

func TestHugeLogLineStaysInWidth(t *testing.T) {
	f := newFake()
	r := newRoot(t, f, 80, 24)
	s := r.containers().LogStream()
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

func TestQuitCancelsEverything(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
	s := r.containers().LogStream()
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
		r = update(t, r, containers.ActionDoneMsg{Action: keymap.Stop, Name: long.Name, Err: errors.New(strings.Repeat("bad ", 100))})
		r, _ = press(t, r, "esc")
		checkFits(t, screen(r), w, h)
	}
}

// containersFilter is the Containers tab's filter text.
func containersFilter(r Root) string {
	f, _ := r.containers().Filter()
	return f
}

// inspected runs the inspect the Containers tab has under way and hands its result back.
func inspected(t *testing.T, r Root) Root {
	t.Helper()
	read := r.containers().Inspecting()
	if read == nil {
		t.Fatal("no inspect under way")
	}
	return update(t, r, runCmd(t, read))
}

// statsArrive starts the Stats sub-tab's stream as the Program would (its reader off the UI
// loop) and hands its samples back until all of fixtureStats are in, however the reader's
// pushes and the waits interleave.
func statsArrive(t *testing.T, r Root) Root {
	t.Helper()
	run, wait := r.containers().StatsFeed()
	if run == nil {
		t.Fatal("no stats stream")
	}
	go run()
	for r.containers().StatsSamples() < len(fixtureStats()) {
		r = update(t, r, runCmd(t, wait))
	}
	return r
}
