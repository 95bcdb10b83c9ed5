package model

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/containers"
	"github.com/podiumdev/podium/model/modeltest"
)

// engineError is what the supervisor keeps when the engine refuses a container: longer than
// any row, pane or footer has room for.
const engineError = `deploy billing revision 4: create container billing-4-1-5e0d (image ghcr.io/acme/billing:2.0.1): Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /srv/acme/billing/config/production/settings.d/overrides/eu-west-1/tenants/enterprise/feature-flags/2026-11/rollout-wave-3/settings.d (mount 3 of 7, source declared in specs/billing.edn at line 42)`

// hasWords says whether every word of text is on screen, the text wrapped anyhow (at spaces,
// or after a hyphen).
func hasWords(screen, text string) bool {
	flat := strings.ReplaceAll(strings.Join(strings.Fields(screen), " "), "- ", "-")
	for _, w := range strings.Fields(text) {
		if !strings.Contains(flat, w) {
			return false
		}
	}
	return true
}

// runText runs a tab's command and hands the root the text it asks to show.
func runText(t *testing.T, r Root, cmd tea.Cmd) (Root, common.ShowTextMsg) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	msg, ok := runCmd(t, cmd).(common.ShowTextMsg)
	if !ok {
		t.Fatalf("the command does not show a text")
	}
	return update(t, r, msg), msg
}

// E on a service opens its error whole, wrapped to the screen, even where its row and the
// Status pane cut it; c copies all of it to the clipboard and says so; esc goes back.
func TestDeploysErrorOpensInFull(t *testing.T) {
	f := newFakeDeploys()
	for i := range f.Services {
		if f.Services[i].Name == "billing" {
			f.Services[i].LastError = engineError
		}
	}
	r := newDeploysRoot(t, f, nil, nil, 100, 30)
	r, _ = press(t, r, "2")
	r = selectService(t, r, "billing")
	if hasWords(screen(r), engineError) {
		t.Fatalf("the error is whole on the tab already: the test proves nothing\n%s", screen(r))
	}
	r, cmd := press(t, r, "E")
	r, msg := runText(t, r, cmd)
	s := screen(r)
	if !hasWords(s, engineError) || !strings.Contains(s, "Deploys billing") || !strings.Contains(msg.Text, engineError) {
		t.Fatalf("the error is not whole on screen:\n%s", s)
	}
	checkFits(t, s, 100, 30)
	r, cmd = press(t, r, "c")
	if cmd == nil {
		t.Fatal("c copies nothing")
	}
	if got := runCmd(t, cmd); fmt.Sprintf("%T", got) != "tea.setClipboardMsg" || !strings.Contains(fmt.Sprint(got), engineError) {
		t.Fatalf("c sets the clipboard to %T %q", got, got)
	}
	if s := screen(r); !strings.Contains(s, "copied") || !strings.Contains(s, "to the clipboard") {
		t.Fatalf("no word of the copy:\n%s", s)
	}
	r, _ = press(t, r, "esc")
	if strings.Contains(screen(r), "Errors and timeline") || !strings.Contains(screen(r), "Services 7") {
		t.Fatalf("esc did not go back to the tab:\n%s", screen(r))
	}
}

// enter on the Timeline sub-tab acts on the timeline (it opens it in full, every reason
// whole), not the list's shell.
func TestDeploysTimelineEnterOpensTheTimeline(t *testing.T) {
	f := newFakeDeploys()
	long := "health check failed: " + engineError
	for i := range f.Services {
		if f.Services[i].Name == "billing" {
			f.Services[i].Timeline[len(f.Services[i].Timeline)-1].Reason = long
		}
	}
	fb := newFake()
	cs := append(fixture(), modeltest.DeployContainers(testNow())...)
	docker.SortContainers(cs)
	fb.Snap = connected(cs)
	r := newDeploysRootWith(t, Config{Backend: fb, Deploys: f}, 120, 40)
	r, _ = press(t, r, "2")
	r = selectService(t, r, "billing")
	r = deploysSubTab(t, r, "Timeline")
	r, _ = press(t, r, "tab")
	if r.deploys().Context() != keymap.CtxDeploysTimeline {
		t.Fatalf("the Timeline has not the keys: %s", r.deploys().Context())
	}
	r, cmd := press(t, r, "enter")
	if calls := fb.Calls(); slices.ContainsFunc(calls, func(c string) bool { return strings.HasPrefix(c, "shell") }) {
		t.Fatalf("enter on the timeline opened a shell: %v", calls)
	}
	r, msg := runText(t, r, cmd)
	if msg.Title != "Timeline" || !hasWords(screen(r), long) {
		t.Fatalf("the timeline is not open in full (%q):\n%s", msg.Title, screen(r))
	}
}

// Errors from every tab go to the recent errors, newest first, with when and where; ! lists
// them, enter opens one in full.
func TestRecentErrorsList(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	r = update(t, r, common.ErrorMsg{At: testNow().Add(-time.Minute), Origin: "Deploys billing", Text: engineError})
	r, _ = press(t, r, "4")
	r = update(t, r, containers.ActionDoneMsg{Action: keymap.Stop, ContainerID: "x", Name: "shop-api-1", Err: errors.New("stop container x: permission denied")})
	r, _ = press(t, r, "!")
	s := screen(r)
	lines := strings.Split(s, "\n")
	first, second := indexOfLine(lines, "permission denied"), indexOfLine(lines, "Deploys billing")
	if first < 0 || second < 0 || first > second || !strings.Contains(lines[first], "Containers") || !strings.Contains(lines[second], "Deploys billing") || !strings.Contains(lines[second], "11:59:00") {
		t.Fatalf("recent errors, newest first, with when and where:\n%s", s)
	}
	r, _ = press(t, r, "j", "enter")
	if !hasWords(screen(r), engineError) {
		t.Fatalf("enter does not open the error in full:\n%s", screen(r))
	}
	r, _ = press(t, r, "esc")
	if !strings.Contains(screen(r), "Recent errors") {
		t.Fatalf("esc does not go back to the list:\n%s", screen(r))
	}
	r, _ = press(t, r, "esc")
	if strings.Contains(screen(r), "Recent errors") {
		t.Fatalf("esc does not close the list:\n%s", screen(r))
	}
}

// A footer message goes once its time is over (an error later than a word of success), and
// an error stays in the recent errors.
func TestFooterMessagesExpire(t *testing.T) {
	cfg := Config{Deploys: newFakeDeploys(), StatusTTL: 20 * time.Millisecond, ErrorStatusTTL: 40 * time.Millisecond}
	r := newDeploysRootWith(t, cfg, 120, 40)
	r, _ = press(t, r, "4")
	r = update(t, r, containers.ActionDoneMsg{Action: keymap.Stop, ContainerID: "x", Name: "shop-api-1", Err: errors.New("permission denied")})
	if !strings.Contains(screen(r), "stop shop-api-1: permission denied") {
		t.Fatalf("no error in the footer:\n%s", screen(r))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r = update(t, r, r.clock.wait(ctx)())
	if strings.Contains(screen(r), "permission denied") {
		t.Fatalf("the error outlived its time:\n%s", screen(r))
	}
	r, _ = press(t, r, "!")
	if !strings.Contains(screen(r), "stop shop-api-1: permission denied") {
		t.Fatalf("the expired error is not among the recent errors:\n%s", screen(r))
	}
}

func indexOfLine(lines []string, s string) int {
	return slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, s) })
}

// A pod file broken from the first load is among the recent errors, not only one a reload put
// in the footer; a reload that finds it still broken lists it once.
func TestRecentErrorsListBrokenPodFiles(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 200, 40)
	r, _ = press(t, r, "!")
	s := screen(r)
	if !strings.Contains(s, "Pods worker") || !strings.Contains(s, "unknown key services.jobs.restart_policy") {
		t.Fatalf("the broken pod's error is not listed:\n%s", s)
	}
	r, _ = press(t, r, "esc")
	r, cmd := press(t, r, "ctrl+r")
	r = update(t, r, runCmd(t, cmd))
	if n := strings.Count(strings.Join(entryOrigins(r), "\n"), "Pods worker"); n != 1 {
		t.Fatalf("the broken pod is listed %d times after a reload: %q", n, entryOrigins(r))
	}
}

// entryOrigins are the recent errors' origins, newest first.
func entryOrigins(r Root) []string {
	var out []string
	for _, e := range r.errs.Entries() {
		out = append(out, e.Origin)
	}
	return out
}

// A stored run that failed is among the recent errors without being opened: ci's failed run
// is listed, its passed run is not.
func TestRecentErrorsListFailedRuns(t *testing.T) {
	r := newPipelinesRoot(t, newFakePipelines(), 200, 40)
	r, _ = press(t, r, "!")
	s := screen(r)
	if !strings.Contains(s, "Pipelines ci/20261121-1150-a1b2") || !strings.Contains(s, "run 20261121-1150-a1b2 of ci: error, 2 nodes failed") {
		t.Fatalf("the failed run is not listed:\n%s", s)
	}
	if strings.Contains(s, "20261120-0900-ffff") {
		t.Fatalf("a run that passed is listed:\n%s", s)
	}
}
