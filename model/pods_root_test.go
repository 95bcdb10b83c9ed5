package model

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	podtab "github.com/podiumdev/podium/model/pods"
)

// The Pods tab's tests that need the whole root: the tab bar and switching tabs, landing,
// the help screen, and the screens with the header (the tab's own tests are in model/pods).

func TestTabs(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 100, 30)
	r, _ = press(t, r, "4")
	if r.tab != tabContainers || !strings.Contains(screen(r), "Containers 5") || !strings.Contains(screen(r), "[4 Containers]") {
		t.Fatalf("4 did not show the Containers tab:\n%s", screen(r))
	}
	r, _ = press(t, r, "j") // keys go to the tab on screen
	if row, _ := r.pods().Selected(); row.Key() != "db" {
		t.Fatal("a key on the Containers tab moved the Pods cursor")
	}
	r, _ = press(t, r, "1")
	if r.tab != tabPods || !strings.Contains(screen(r), "Pods 5") || !strings.Contains(screen(r), "[1 Pods]") {
		t.Fatalf("1 did not show the Pods tab:\n%s", screen(r))
	}
	// Digits typed in a filter are text, not tabs.
	r, _ = press(t, r, "/", "4")
	if r.tab != tabPods || r.pods().Context() != keymap.CtxFilter || !strings.Contains(screen(r), "/4") {
		t.Fatalf("4 in the filter: tab %v:\n%s", r.tab, screen(r))
	}
	r, _ = press(t, r, "esc")

	// Without a pods backend the TUI starts on Containers; with a failed load or no pods, it
	// moves there once the load is in.
	r = newRoot(t, newFake(), 80, 24)
	if r.tab != tabContainers {
		t.Fatal("no workspace, but not on Containers")
	}
	r = newPodsRoot(t, &fakePods{LoadErr: &pods.NoPodsError{Dir: "/home/dev/elsewhere"}}, newFake(), 80, 24)
	if r.tab != tabContainers {
		t.Fatal("failed load, but not on Containers")
	}
	empty := *fp.WS
	empty.Pods = nil
	r = newPodsRoot(t, &fakePods{WS: &empty}, newFake(), 80, 24)
	if r.tab != tabContainers {
		t.Fatal("no pods, but not on Containers")
	}
	r, _ = press(t, r, "1")
	if !strings.Contains(screen(r), "the workspace has no pods") {
		t.Fatalf("empty workspace:\n%s", screen(r))
	}
	// A tab the user picked while the workspace loaded stays.
	r = New(Config{Backend: fb, Pods: fp, Now: testNow})
	t.Cleanup(func() { r.containers().Close(); r.cancel() })
	r = update(t, r, tea.WindowSizeMsg{Width: 80, Height: 24})
	if r.tab != tabPods || !strings.Contains(screen(r), "Loading the workspace") {
		t.Fatalf("while loading:\n%s", screen(r))
	}
	r, _ = press(t, r, "4")
	r = update(t, r, runCmd(t, r.pods().Init()))
	if r.tab != tabContainers {
		t.Fatal("the load took the user off the tab they chose")
	}
}

func TestNoWorkspace(t *testing.T) {
	r := newRoot(t, newFake(), 80, 24)
	r, _ = press(t, r, "1")
	s := strings.Join(strings.Fields(screen(r)), " ")
	if !strings.Contains(s, "No Podium workspace in ~/src/shop: create one with `podium new NAME`, or start podium with -w DIR") {
		t.Fatalf("no-workspace message:\n%s", screen(r))
	}
	checkFits(t, screen(r), 80, 24)
	r, _ = press(t, r, "u", "ctrl+r", "j", "x")
	if !strings.Contains(screen(r), "no workspace to reload") {
		t.Fatalf("ctrl+r without a workspace:\n%s", screen(r))
	}
	// Containers still works.
	r, _ = press(t, r, "4", "j")
	if selectedName(r) != "blog-web-1" {
		t.Fatalf("Containers tab: selected %q", selectedName(r))
	}
	// A directory without pods/ names the directory the loader looked in.
	r = newPodsRoot(t, &fakePods{LoadErr: &pods.NoPodsError{Dir: "/home/dev/elsewhere"}}, newFake(), 100, 24)
	r, _ = press(t, r, "1")
	if s := strings.Join(strings.Fields(screen(r)), " "); !strings.Contains(s, "No Podium workspace in /home/dev/elsewhere: create one") {
		t.Fatalf("NoPodsError:\n%s", screen(r))
	}
	// Another load error is shown as such, with how to retry.
	fp := &fakePods{LoadErr: errors.New("podium.yml: unknown key colour")}
	r = newPodsRoot(t, fp, newFake(), 100, 24)
	r, _ = press(t, r, "1")
	s = screen(r)
	if !strings.Contains(s, "Could not load the workspace in ~/src/shop:") || !strings.Contains(s, "podium.yml: unknown key colour") || !strings.Contains(s, "ctrl+r reloads") {
		t.Fatalf("load error:\n%s", s)
	}
	// Fixed on disk, ctrl+r loads it.
	ws := loadShop(t)
	fp.LoadErr, fp.WS = nil, ws
	r, cmd := press(t, r, "ctrl+r")
	r = update(t, r, runCmd(t, cmd))
	if !strings.Contains(screen(r), "Pods 5") || !strings.Contains(screen(r), "reloaded shop (development): 5 pods, 1 broken") || r.pods().Status().Text != "reloaded shop (development): 5 pods, 1 broken pod" {
		t.Fatalf("after reload:\n%s", screen(r))
	}
}

func TestPodsHelp(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 160, 50)
	r, _ = press(t, r, "?")
	// The help scrolls: read it page by page to its end.
	s := screen(r)
	for range 10 {
		r, _ = press(t, r, "pgdown")
		s += screen(r)
	}
	for _, want := range []string{"Pods", "u              bring up (recreates what drifted)", "R/r", "ctrl+r", "Command line (e, o, O, m)", "1              Pods tab", "4              Containers tab", "tab/l"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "remove the container") {
		t.Error("the Pods tab's help lists the Containers tab's keys")
	}
}

func TestPodsNothingOverflows(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {160, 40}, {200, 60}, {60, 15}, {40, 10}, {20, 5}, {1, 1}} {
		w, h := sz[0], sz[1]
		fp, fb := newShop(t)
		r := newPodsRoot(t, fp, fb, w, h)
		checkFits(t, screen(r), w, h)
		r = selectRow(t, r, "frontend/web")
		r = update(t, r, r.pods().LogStream().LinesMsg(viewLines(strings.Repeat("long-container-name-", 5), docker.LogLine{Text: strings.Repeat("wide 界 ", 500)})))
		checkFits(t, screen(r), w, h)
		r = selectRow(t, r, "worker")
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "G", "o")
		r = typeText(t, r, strings.Repeat("arg ", 60))
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc", "?")
		checkFits(t, screen(r), w, h)
		r, _ = press(t, r, "esc", "u")
		checkFits(t, screen(r), w, h)
		r = update(t, r, podtab.ExecDoneMsg{Action: keymap.Test, Target: "frontend/web", Err: errors.New(strings.Repeat("bad ", 100))})
		checkFits(t, screen(r), w, h)
		r2 := newRoot(t, newFake(), w, h)
		r2, _ = press(t, r2, "1")
		checkFits(t, screen(r2), w, h)
	}
}

// TestPodsLogsRoutedByStream: the Pods pane and the Containers tab's share the root's messages
// (moved from TestPodsLogsMultiplexAService, which is the Pods tab's own now).
func TestPodsLogsRoutedByStream(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "search/search")
	// Logs are routed by stream: the Containers tab's lines never reach the Pods pane.
	cl := r.containers().LogStream()
	r = update(t, r, cl.LinesMsg(viewLines("", docker.LogLine{Text: "containers tab line"})))
	if strings.Contains(screen(r), "containers tab line") {
		t.Fatal("the Containers tab's lines reached the Pods pane")
	}
	r, _ = press(t, r, "4")
	if !strings.Contains(screen(r), "containers tab line") {
		t.Fatalf("the Containers tab lost its lines:\n%s", screen(r))
	}
}

// TestPodsHeader: the header names the target next to the workspace (moved from TestPodsTree,
// which is the Pods tab's own now).
func TestPodsHeader(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	s := screen(r)
	// The header names the target next to the workspace.
	if head := strings.Split(s, "\n")[0]; !strings.Contains(head, "[1 Pods]") || !strings.Contains(head, "~/src/shop · development") {
		t.Errorf("header: %q", head)
	}
}

// TestPodsRunScriptFromThePalette: run-script from the command palette asks for the script's
// name and runs it on the selected service (moved from TestPodsRunScript, which is the Pods
// tab's own now and does the palette's action itself).
func TestPodsRunScriptFromThePalette(t *testing.T) {
	fp, fb := newShop(t)
	writeFile(t, fp.WS.Root, "pods/frontend.metadata.yml", `services:
  web:
    scripts:
      migrate: [[rake, "db:migrate"]]
      seed: [["bin/seed", "--demo"]]
`)
	ws, err := pods.Load(context.Background(), fp.WS.Root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	fp.WS = ws
	fb.Snap = connected(shopContainers(ws))
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/web")
	r, _ = press(t, r, ":")
	r = typeText(t, r, "run-script")
	r, _ = press(t, r, "enter")
	r = typeText(t, r, "seed")
	r, cmd := press(t, r, "enter")
	if cmd == nil {
		t.Fatalf("seed ran nothing:\n%s", screen(r))
	}
	r = update(t, r, runCmd(t, cmd))
	if calls := fp.Calls(); calls[len(calls)-1] != "run-script seed frontend/web" {
		t.Fatalf("calls %q", calls)
	}
}
