package pods

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/modeltest"
)

const frontendV2 = modeltest.FrontendV2

// frontendBroken does not parse: the flow sequence on line 4 is never closed.
const frontendBroken = `services:
  web:
    image: shop-web:dev
    ports: ["127.0.0.1::3000"
  proxy:
    image: nginx:1.27-alpine
`

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	modeltest.WriteFile(t, root, rel, content)
}

// fileChange tells the tab that pod files changed, as the root does when its watcher reports
// them (common.FilesChangedMsg), and runs the reload that follows; it returns what the
// reload's result asked for next.
func fileChange(t *testing.T, r Root, paths ...string) (Root, tea.Cmd) {
	t.Helper()
	m, cmd := r.Update(common.FilesChangedMsg{Paths: paths})
	r = m.(Root)
	if cmd == nil {
		t.Fatal("a file change started no reload")
	}
	if !strings.Contains(r.pods().status.Text, "reloading the workspace") {
		t.Fatalf("status while reloading: %q", r.pods().status.Text)
	}
	var loaded tea.Msg
	for _, c := range flatten(t, cmd) { // the load, and the footer's spinner while work runs
		if msg := runCmd(t, c); msg != nil {
			if _, ok := msg.(workspaceLoadedMsg); ok {
				loaded = msg
			}
		}
	}
	if loaded == nil {
		t.Fatal("the file change loaded nothing")
	}
	m, cmd = r.Update(loaded)
	return m.(Root), cmd
}

// runOp runs an operation's commands (the call, then the waiter for its progress) and takes
// their messages.
func runOp(t *testing.T, r Root, cmd tea.Cmd) Root {
	t.Helper()
	for _, c := range flatten(t, cmd) {
		if msg := runCmd(t, c); msg != nil {
			r = update(t, r, msg)
		}
	}
	return r
}

// callsSince are the pods backend's calls after the first n.
func callsSince(fp *fakePods, n int) []string { return fp.Calls()[n:] }

// shopEdited is the fixture with frontendV2 written and reloaded through the file watcher's
// path, the selection on a row without logs (so the commands that follow are the reload's).
func shopEdited(t *testing.T) (Root, *fakePods) {
	t.Helper()
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "search")
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendV2)
	r, cmd := fileChange(t, r, "pods/frontend.yml")
	if cmd != nil {
		t.Fatal("a reload without --watch started something")
	}
	return r, fp
}

func TestLiveFilesReloadShowsDiffAndPlan(t *testing.T) {
	r, fp := shopEdited(t)
	if got := fp.Calls(); !slices.Equal(got, []string{"load", "load"}) {
		t.Fatalf("calls %v", got)
	}
	want := "pods/frontend.yml changed: reloaded shop (development): 5 pods, 1 broken pod; 2 drifted services: a applies"
	if st := r.pods().status; st.Text != want || st.Err {
		t.Fatalf("status %+v, want %q", st, want)
	}
	if l := rowLine(t, r, "  ", "web"); !strings.Contains(l, "≠ drifted") {
		t.Fatalf("web is not marked drifted: %q", l)
	}

	// web: its containers run the config of the first load, so the diff is known. It is the
	// detail's Diff view (] from Logs).
	r = selectRow(t, r, "frontend/web")
	if s := screen(r); strings.Contains(s, "recreate shop-web-1") {
		t.Fatalf("the Logs view shows the diff:\n%s", s)
	}
	r, _ = press(t, r, "]")
	s := screen(r)
	for _, want := range []string{
		"[Diff]", "frontend/web", "a applies",
		"frontend/web ≠ recreate shop-web-1, shop-web-2; create shop-web-3",
		"--- frontend/web: its containers", "+++ frontend/web: pods/frontend.yml",
		`+  FEATURE_CART: "on"`, "-  replicas: 2", "+  replicas: 3",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the changes of web lack %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "-image:") || strings.Contains(s, "+image:") {
		t.Errorf("an unchanged line is in the diff:\n%s", s)
	}
	// proxy's containers were created before this session: the plan, and why there is no diff.
	r = selectRow(t, r, "frontend/proxy")
	s = screen(r)
	for _, want := range []string{"frontend/proxy ≠ recreate shop-proxy-1", "config changed since these containers were created"} {
		if !strings.Contains(s, want) {
			t.Errorf("the changes of proxy lack %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "+++") {
		t.Errorf("a diff for proxy, whose old config is unknown:\n%s", s)
	}
	// The pod row shows both; a container its service's; a service in sync says so.
	r = selectRow(t, r, "frontend")
	if s := screen(r); !strings.Contains(s, "recreate shop-proxy-1") || !strings.Contains(s, "create shop-web-3") {
		t.Fatalf("pod row:\n%s", s)
	}
	r = selectRow(t, r, "frontend/web/frwe200000000000")
	if s := screen(r); !strings.Contains(s, "create shop-web-3") {
		t.Fatalf("container row:\n%s", s)
	}
	r = selectRow(t, r, "db/db")
	if s := screen(r); strings.Contains(s, "≠ recreate") || !strings.Contains(s, "no changes: the containers match the files") {
		t.Fatalf("db (in sync):\n%s", s)
	}
	checkFits(t, screen(r), 120, 40)
	for _, sz := range [][2]int{{80, 24}, {40, 10}, {200, 50}} {
		r = update(t, r, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		r = selectRow(t, r, "frontend/web")
		checkFits(t, screen(r), sz[0], sz[1])
	}
}

func TestLiveFilesShowTheDiffOfTheSelection(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/web")
	if !r.pods().detail.tabs.Is(detail.Logs) {
		t.Fatal("the detail does not start on Logs")
	}
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendV2)
	r, _ = fileChange(t, r, "pods/frontend.yml")
	if s := screen(r); !r.pods().detail.tabs.Is(detail.Diff) || !strings.Contains(s, "[Diff]") || !strings.Contains(s, `+  FEATURE_CART: "on"`) {
		t.Fatalf("the selection drifted, but its diff is not on screen:\n%s", s)
	}
	// The user goes back to the logs; a change that leaves the selection in sync stays there.
	r, _ = press(t, r, "[")
	r = selectRow(t, r, "db/db")
	writeFile(t, fp.WS.Root, "pods/frontend.yml", modeltest.ShopFiles["pods/frontend.yml"])
	r, _ = fileChange(t, r, "pods/frontend.yml")
	if !r.pods().detail.tabs.Is(detail.Logs) {
		t.Fatal("the detail left the logs of a service in sync")
	}
}

func TestLiveFilesApplyBringsUpExactlyTheDrifted(t *testing.T) {
	r, fp := shopEdited(t)
	n := len(fp.Calls())
	r, cmd := press(t, r, "a")
	if cmd == nil || !strings.Contains(screen(r), "apply frontend/proxy, frontend/web…") {
		t.Fatalf("a started nothing: %q", r.pods().status.Text)
	}
	if l := rowLine(t, r, "  ", "web"); !strings.Contains(l, "apply…") {
		t.Fatalf("web is not marked busy: %q", l)
	}
	r = runOp(t, r, cmd)
	if got := callsSince(fp, n); !slices.Equal(got, []string{"up frontend/proxy", "up frontend/web"}) {
		t.Fatalf("a called %v", got)
	}
	if st := r.pods().status.Text; st != "apply frontend/proxy, frontend/web: done" {
		t.Fatalf("status %q", st)
	}

	// With rows marked, only their drifted services: proxy alone.
	r = selectRow(t, r, "frontend/proxy")
	r, _ = press(t, r, "space")
	n = len(fp.Calls())
	r, cmd = press(t, r, "a")
	r = runOp(t, r, cmd)
	if got := callsSince(fp, n); !slices.Equal(got, []string{"up frontend/proxy"}) {
		t.Fatalf("a with proxy marked called %v", got)
	}
	// Marks without drift under them: nothing to do.
	r, _ = press(t, r, "M")
	r = selectRow(t, r, "db")
	r, _ = press(t, r, "space")
	n = len(fp.Calls())
	r, cmd = press(t, r, "a")
	if cmd != nil || !strings.HasPrefix(r.pods().status.Text, "nothing to apply") || len(callsSince(fp, n)) != 0 {
		t.Fatalf("a with db marked: %q %v", r.pods().status.Text, callsSince(fp, n))
	}
}

func TestLiveFilesBrokenFileChangesNothing(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRootWith(t, config{Pods: fp, Backend: fb, AutoApply: true}, 120, 40) // --watch: even then a broken file starts nothing
	r = selectRow(t, r, "search")
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendBroken)
	r, cmd := fileChange(t, r, "pods/frontend.yml")
	if cmd != nil || len(r.pods().ops) != 0 {
		t.Fatalf("a broken file started something (ops %d)", len(r.pods().ops))
	}
	st := r.pods().status
	if !st.Err || !strings.HasPrefix(st.Text, "pods/frontend.yml changed: pod frontend is broken, its containers are kept: pods/frontend.yml:") ||
		!strings.Contains(st.Text, "line 4") {
		t.Fatalf("status %+v", st)
	}
	if l := rowLine(t, r, "", "frontend"); !strings.Contains(l, "✖ broken") || !strings.Contains(l, "pods/frontend.yml") {
		t.Fatalf("frontend row: %q", l)
	}
	// In place, the whole error: the file and the line.
	r = selectRow(t, r, "frontend")
	if s := strings.Join(strings.Fields(screen(r)), " "); !strings.Contains(s, "Pod frontend · broken") ||
		!strings.Contains(s, "pods/frontend.yml: failed to parse pods/frontend.yml: yaml: while parsing a flow sequence at line 3, column 12: line 4, column 3: did not find expected ',' or ']'") {
		t.Fatalf("the broken pod's pane:\n%s", screen(r))
	}
	r = selectRow(t, r, "search")
	n := len(fp.Calls())
	r, cmd = press(t, r, "a")
	if cmd != nil || !strings.HasPrefix(r.pods().status.Text, "nothing to apply") || len(callsSince(fp, n)) != 0 {
		t.Fatalf("a on a broken pod: %q %v", r.pods().status.Text, callsSince(fp, n))
	}
	if got := fp.Calls(); !slices.Equal(got, []string{"load", "load"}) {
		t.Fatalf("calls %v", got)
	}

	// Fixed (and changed), --watch applies at once; what the containers run was kept through
	// the broken load, so web's diff is known.
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendV2)
	r, cmd = fileChange(t, r, "pods/frontend.yml")
	if cmd == nil || len(r.pods().ops) != 1 || r.pods().ops[0].target != "frontend/proxy, frontend/web" {
		t.Fatalf("--watch did not apply: %q", r.pods().status.Text)
	}
	r = runOp(t, r, cmd)
	if got := callsSince(fp, n); !slices.Equal(got, []string{"load", "up frontend/proxy", "up frontend/web"}) {
		t.Fatalf("calls after the fix: %v", got)
	}
	r = selectRow(t, r, "frontend/web")
	r, _ = press(t, r, "]")
	if s := screen(r); !strings.Contains(s, `+  FEATURE_CART: "on"`) {
		t.Fatalf("no diff after a broken load:\n%s", s)
	}
}

func TestLiveFilesChangesDuringALoadLoadAgain(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "search")
	m, first := r.Update(common.FilesChangedMsg{Paths: []string{"pods/db.yml"}})
	r = m.(Root)
	// A second change while the first reload runs waits for it, then loads again.
	m, cmd := r.Update(common.FilesChangedMsg{Paths: []string{"pods/frontend.yml"}})
	r = m.(Root)
	if cmd != nil {
		t.Fatal("a second load ran beside the first")
	}
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendV2)
	m, again := r.Update(runCmd(t, first))
	r = m.(Root)
	if again == nil || !strings.Contains(r.pods().status.Text, "pods/frontend.yml changed: reloading") {
		t.Fatalf("no second load: %q", r.pods().status.Text)
	}
	r = update(t, r, runCmd(t, again))
	if got := fp.Calls(); !slices.Equal(got, []string{"load", "load", "load"}) {
		t.Fatalf("calls %v", got)
	}
	if ok := drifted(r, "frontend/web"); !ok || !strings.HasPrefix(r.pods().status.Text, "pods/frontend.yml changed: reloaded") {
		t.Fatalf("the second load did not see the edit: %q", r.pods().status.Text)
	}
	// A failed reload keeps what was loaded and names the file.
	fp.LoadErr = errors.New("podium.yml: unknown key colour")
	r, _ = fileChange(t, r, "podium.yml")
	if st := r.pods().status; !st.Err || st.Text != "podium.yml changed: reload: podium.yml: unknown key colour" || len(r.pods().list.Rows) != 14 {
		t.Fatalf("failed reload: %+v", st)
	}
}

func TestPodsRemoveAndDownAskFirst(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 100, 30)
	r = selectRow(t, r, "frontend/web")
	r, cmd := press(t, r, "d")
	s := strings.Join(strings.Fields(screen(r)), " ")
	if cmd != nil || !strings.Contains(s, "Remove the containers of frontend/web?") ||
		!strings.Contains(s, "shop-web-1, shop-web-2 (1 running: stopped first).") ||
		confirmDetail(r) != "shop-web-1, shop-web-2 (1 running: stopped first). Volumes are kept." {
		t.Fatalf("d asked nothing:\n%s", screen(r))
	}
	checkFits(t, screen(r), 100, 30)
	r, cmd = press(t, r, "n")
	if cmd != nil || confirming(r) || !slices.Equal(fp.Calls(), []string{"load"}) {
		t.Fatalf("n removed: %v", fp.Calls())
	}
	r, _ = press(t, r, "d")
	r, cmd = press(t, r, "y")
	r, got := lastCall(t, r, fp, cmd)
	if got != "remove frontend/web" || r.pods().status.Text != "remove frontend/web: done" {
		t.Fatalf("y called %q; status %q", got, r.pods().status.Text)
	}
	// A pod row removes the whole pod's; a selection without containers says so.
	r = selectRow(t, r, "frontend")
	r, _ = press(t, r, "d", "y")
	if confirming(r) || len(r.pods().ops) != 1 || r.pods().ops[0].target != "frontend" {
		t.Fatalf("d y on frontend: %+v", r.pods().ops)
	}
	r = selectRow(t, r, "rake")
	r, cmd = press(t, r, "d")
	if cmd != nil || confirming(r) || r.pods().status.Text != "rake has no containers to remove" {
		t.Fatalf("d on rake: %q", r.pods().status.Text)
	}

	// X asks, naming the project and what goes.
	fp2, fb2 := newShop(t)
	r = newPodsRoot(t, fp2, fb2, 100, 30)
	r, _ = press(t, r, "X")
	s = strings.Join(strings.Fields(screen(r)), " ")
	if !strings.Contains(s, "Down: remove every pod's containers?") || !strings.Contains(s, "shop (development): shop-db-1,") ||
		confirmDetail(r) != "shop (development): shop-db-1, shop-proxy-1, shop-web-1, and 1 more (3 running: stopped first). The networks go too; volumes are kept." {
		t.Fatalf("X asked:\n%s", screen(r))
	}
	r, _ = press(t, r, "esc")
	if len(fp2.Calls()) != 1 || confirming(r) {
		t.Fatalf("esc went down: %v", fp2.Calls())
	}
	r, _ = press(t, r, "X")
	r, cmd = press(t, r, "y")
	if l := rowLine(t, r, "", "db"); !strings.Contains(l, "down…") {
		t.Fatalf("db not marked busy during down: %q", l)
	}
	r, got = lastCall(t, r, fp2, cmd)
	if got != "down */" || r.pods().status.Text != "down shop: done" {
		t.Fatalf("X y called %q; status %q", got, r.pods().status.Text)
	}
}

func TestPodsBuildAndPull(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 100, 30)
	cases := []struct{ row, key, want, refused string }{
		{"frontend/web", "b", "build frontend/web", ""},
		{"frontend", "b", "build frontend/", ""},
		{"frontend/proxy", "b", "", "nothing to build: frontend/proxy has no build: section"},
		{"db", "b", "", "nothing to build: no service of db has a build: section"},
		{"worker", "b", "", "pod worker is broken:"},
		{"db", "P", "pull db/", ""},
		{"frontend/proxy", "P", "pull frontend/proxy", ""},
		{"rake", "P", "pull rake/", ""},
	}
	for _, c := range cases {
		r = selectRow(t, r, c.row)
		var cmd tea.Cmd
		r, cmd = press(t, r, c.key)
		if c.refused != "" {
			if cmd != nil || !r.pods().status.Err || !strings.HasPrefix(r.pods().status.Text, c.refused) {
				t.Errorf("%s on %s: status %q", c.key, c.row, r.pods().status.Text)
			}
			continue
		}
		var got string
		r, got = lastCall(t, r, fp, cmd)
		if got != c.want {
			t.Errorf("%s on %s: called %q, want %q", c.key, c.row, got, c.want)
		}
	}
	// A failed pull is shown in the status line, naming the image.
	fp.OpErr = errors.New("pull image postgres:16-alpine: registry unreachable")
	r = selectRow(t, r, "db")
	r, cmd := press(t, r, "P")
	r, _ = lastCall(t, r, fp, cmd)
	if st := r.pods().status; !st.Err || st.Text != "pull db: pull image postgres:16-alpine: registry unreachable" {
		t.Fatalf("status %+v", st)
	}
}

func TestLiveFilesWatchWaitsForAnOperationInTheWay(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	fp.Release = make(chan struct{})
	r := newPodsRootWith(t, config{Pods: fp, Backend: fb, AutoApply: true}, 120, 40) // --watch
	r = selectRow(t, r, "frontend")
	r, upCmd := press(t, r, "u") // runs until released
	batch, ok := runCmd(t, upCmd).(tea.BatchMsg)
	if !ok {
		t.Fatal("u started nothing")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- batch[0]() }()
	r = selectRow(t, r, "search")
	writeFile(t, fp.WS.Root, "pods/frontend.yml", frontendV2)
	r, cmd := fileChange(t, r, "pods/frontend.yml")
	if cmd != nil || len(r.pods().ops) != 1 || !r.pods().applyDue {
		t.Fatalf("--watch did not wait for up frontend: ops %d, due %v", len(r.pods().ops), r.pods().applyDue)
	}
	close(fp.Release) // and every later call returns at once
	m, cmd := r.Update(<-done)
	r = m.(Root)
	if len(r.pods().ops) != 1 || r.pods().ops[0].verb != "apply" || r.pods().applyDue {
		t.Fatalf("the apply did not follow the up: %+v", r.pods().ops)
	}
	n := len(fp.Calls())
	r = runOp(t, r, cmd)
	if got := callsSince(fp, n); !slices.Equal(got, []string{"up frontend/proxy", "up frontend/web"}) {
		t.Fatalf("calls %v", got)
	}
}
