package pods

import (
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/modeltest"

	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// rowLine is the screen line of the tree row whose name column is name at indent (the row's
// depth), selected or not.
func rowLine(t *testing.T, r Root, indent, name string) string {
	t.Helper()
	for _, l := range strings.Split(screen(r), "\n") {
		rest, ok := strings.CutPrefix(l, "▌ ")
		if !ok {
			rest, ok = strings.CutPrefix(l, "  ")
		}
		if ok && strings.HasPrefix(rest, indent+name+" ") {
			return l
		}
	}
	t.Fatalf("no row %q%q on screen:\n%s", indent, name, screen(r))
	return ""
}

func keys(r Root) []string {
	var out []string
	for _, row := range r.pods().list.Rows {
		out = append(out, row.Key())
	}
	return out
}

func TestPodsTree(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	if r.tab != tabPods {
		t.Fatal("a workspace with pods did not open on the Pods tab")
	}
	// Placeholders, then services, then tasks; services by name, containers by number.
	want := []string{
		"db", "db/db", "db/db/dbdb100000000000",
		"frontend", "frontend/proxy", "frontend/proxy/frpr100000000000",
		"frontend/web", "frontend/web/frwe100000000000", "frontend/web/frwe200000000000",
		"search", "search/search", "worker", "rake", "rake/rake",
	}
	if got := keys(r); !slices.Equal(got, want) {
		t.Fatalf("tree\n got %v\nwant %v", got, want)
	}
	s := screen(r)
	if strings.Contains(s, "blog-web-1") {
		t.Error("a container of another project is in the pods tree")
	}
	checks := []struct {
		indent, name string
		has          []string
	}{
		{"", "db", []string{"● 1/1 up", "placeholder · enabled"}},
		{"  ", "db", []string{"● running", "healthy"}},
		{"    ", "shop-db-1", []string{"● running", "healthy", "up 2h"}},
		// Three containers wanted (web has two replicas), two running; proxy drifted.
		{"", "frontend", []string{"◐ 2/3 up", "≠ service · enabled"}},
		{"  ", "proxy", []string{"● running", "127.0.0.1:8080->80", "≠ drifted: up recreates"}},
		{"    ", "shop-proxy-1", []string{"up 47m", "≠ outdated config"}},
		{"  ", "web", []string{"◐ 1/2 running", "127.0.0.1:32768->3000", "mounted: shop-web"}},
		{"    ", "shop-web-1", []string{"● running", "up 3m"}},
		{"    ", "shop-web-2", []string{"✖ exited", "exited (1) 5m ago"}},
		{"", "search", []string{"○ 0/1 up", "service · disabled"}},
		{"  ", "search", []string{"○ not created"}},
		{"", "worker", []string{"✖ broken", "✖ pods/worker.yml: validating"}},
		{"", "rake", []string{"○ 0/1 up", "task · enabled"}},
		{"  ", "rake", []string{"○ not created"}},
	}
	for _, c := range checks {
		l := rowLine(t, r, c.indent, c.name)
		for _, h := range c.has {
			if !strings.Contains(l, h) {
				t.Errorf("row %q%q lacks %q: %q", c.indent, c.name, h, l)
			}
		}
	}
	for _, name := range []string{"shop-web-1", "shop-web-2", "shop-db-1"} {
		if strings.Contains(rowLine(t, r, "    ", name), "≠") {
			t.Errorf("%s is marked drifted though its config hash is the wanted one", name)
		}
	}
	if l := rowLine(t, r, "", "db"); strings.Contains(l, "≠") {
		t.Errorf("db marked drifted: %q", l)
	}
	if !strings.Contains(s, "Pods 5 · 3 containers up") {
		t.Errorf("title:\n%s", s)
	}
	// The root's header names the target (Target) next to the workspace: TestPodsHeader in
	// model.
	if r.pods().Target() != "development" {
		t.Errorf("target %q", r.pods().Target())
	}
}

func TestPodsDriftFollowsTheHash(t *testing.T) {
	fp, fb := newShop(t)
	h := hashes(fp.WS)
	// Once proxy runs with the wanted config, nothing is drifted.
	for i, c := range fb.Snap.Containers {
		if c.Labels[docker.LabelComposeService] == "proxy" {
			c.Labels = maps(c.Labels, docker.LabelComposeConfigHash, h["frontend/proxy"])
			fb.Snap.Containers[i] = c
		}
	}
	r := newPodsRoot(t, fp, fb, 160, 40)
	if strings.Contains(screen(r), "≠") {
		t.Fatalf("drift shown with every hash matching:\n%s", screen(r))
	}
	// The index changes: a container of web now has another hash, and the tree shows it.
	cs := slices.Clone(fb.Snap.Containers)
	for i, c := range cs {
		if c.Name == "shop-web-1" {
			c.Labels = maps(c.Labels, docker.LabelComposeConfigHash, "different")
			cs[i] = c
		}
	}
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if !strings.Contains(rowLine(t, r, "  ", "web"), "≠ drifted") || !strings.Contains(rowLine(t, r, "    ", "shop-web-1"), "≠ outdated config") {
		t.Fatalf("drift not shown after the index changed:\n%s", screen(r))
	}
	if !strings.Contains(rowLine(t, r, "", "frontend"), "≠") {
		t.Fatal("the pod row has no drift mark")
	}
}

// maps returns a copy of m with k set to v.
func maps(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

func TestPodsCursorMovesOverEveryRow(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	all := keys(r)
	if row, _ := r.pods().Selected(); row.Key() != "db" {
		t.Fatalf("initial selection %q", row.Key())
	}
	for _, want := range all[1:] {
		r, _ = press(t, r, "j")
		if row, _ := r.pods().Selected(); row.Key() != want {
			t.Fatalf("after j: %q, want %q", row.Key(), want)
		}
	}
	r, _ = press(t, r, "j")
	if row, _ := r.pods().Selected(); row.Key() != "rake/rake" {
		t.Fatal("j moved past the last row")
	}
	r, _ = press(t, r, "k", "up")
	if row, _ := r.pods().Selected(); row.Key() != "worker" {
		t.Fatalf("after k up: %q", row.Key())
	}
	r, _ = press(t, r, "g")
	if row, _ := r.pods().Selected(); row.Key() != "db" {
		t.Fatal("g")
	}
	r, _ = press(t, r, "G")
	if row, _ := r.pods().Selected(); row.Key() != "rake/rake" {
		t.Fatal("G")
	}
	// The selection is kept by key when the index changes, and moves to the service when its
	// container goes (up recreated it).
	r = selectRow(t, r, "frontend/web/frwe200000000000")
	cs := slices.DeleteFunc(slices.Clone(fb.Snap.Containers), func(c docker.Container) bool { return c.Name == "shop-web-2" })
	r = update(t, r, common.ContainersChangedMsg{Snap: connected(cs)})
	if row, _ := r.pods().Selected(); row.Key() != "frontend/web" {
		t.Fatalf("after its container went the selection is %q", row.Key())
	}
	// At 80x24 the cursor scrolls the tree and keeps its pod in view.
	r = newPodsRoot(t, fp, fb, 80, 24)
	r, _ = press(t, r, "G")
	if s := screen(r); !strings.Contains(s, "  rake ") || !strings.Contains(s, "↑") {
		t.Fatalf("G at 80x24:\n%s", s)
	}
	checkFits(t, screen(r), 80, 24)
}

// lastCall runs cmd (a backend call made off the UI loop) and returns what the fake recorded.
func lastCall(t *testing.T, r Root, fp *fakePods, cmd tea.Cmd) (Root, string) {
	t.Helper()
	n := len(fp.Calls())
	msg := runCmd(t, cmd)
	if b, ok := msg.(tea.BatchMsg); ok {
		// up, stop, restart: the call and the waiter for its progress.
		for _, c := range b {
			if m := runCmd(t, c); m != nil {
				r = update(t, r, m)
			}
		}
	} else if msg != nil {
		r = update(t, r, msg)
	}
	calls := fp.Calls()
	if len(calls) != n+1 {
		t.Fatalf("calls %v, want one more than %d", calls, n)
	}
	return r, calls[n]
}

func TestPodsKeysCallTheBackend(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	cases := []struct {
		row  string
		keys []string
		typ  string // typed into the prompt, then enter
		want string
	}{
		{"frontend", []string{"u"}, "", "up frontend/"},
		{"frontend/web", []string{"u"}, "", "up frontend/web"},
		{"frontend/web/frwe100000000000", []string{"u"}, "", "up frontend/web"},
		{"db", []string{"s"}, "", "stop db/"},
		{"frontend/proxy", []string{"s"}, "", "stop frontend/proxy"},
		{"frontend", []string{"R"}, "", "restart frontend/"},
		{"frontend/proxy", []string{"r"}, "", "restart frontend/proxy"},
		{"frontend/web", []string{"x"}, "", "shell frontend/web"},
		{"frontend/web/frwe100000000000", []string{"enter"}, "", "shell frontend/web"},
		{"db", []string{"x"}, "", "shell db/db"}, // a pod of one service stands for it
		{"frontend/web", []string{"e"}, "ls -la '/usr/src/app'", `exec frontend/web ["ls" "-la" "/usr/src/app"]`},
		{"frontend/web", []string{"t"}, "", "test frontend/web"},
		{"search/search", []string{"t"}, "", "test search/search"}, // test has its own target
		{"frontend/proxy", []string{"o"}, "", `run frontend/proxy []`},
		{"rake", []string{"o"}, "rake routes", `run rake/rake ["rake" "routes"]`},
	}
	for _, c := range cases {
		r = selectRow(t, r, c.row)
		var cmd tea.Cmd
		r, cmd = press(t, r, c.keys...)
		if c.keys[0] == "e" || c.keys[0] == "o" {
			if cmd != nil || r.pods().Context() != keymap.CtxPrompt {
				t.Fatalf("%s on %s: no prompt", c.keys[0], c.row)
			}
			r = typeText(t, r, c.typ)
			r, cmd = press(t, r, "enter")
		}
		if cmd == nil {
			t.Fatalf("%v on %s: no command; status %q", c.keys, c.row, r.pods().status.Text)
		}
		var got string
		r, got = lastCall(t, r, fp, cmd)
		if got != c.want {
			t.Errorf("%v on %s: called %q, want %q", c.keys, c.row, got, c.want)
		}
	}
}

func TestPodsPromptLine(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 80, 24)
	r = selectRow(t, r, "frontend/web")
	r, _ = press(t, r, "e")
	r = typeText(t, r, "bin/rails console q")
	if !strings.Contains(screen(r), "exec in frontend/web: bin/rails console q") || r.quitting {
		t.Fatalf("prompt:\n%s", screen(r))
	}
	checkFits(t, screen(r), 80, 24)
	r, _ = press(t, r, "esc")
	if r.pods().prompt != nil || len(fp.Calls()) != 1 { // only the load
		t.Fatalf("esc ran the command: %v", fp.Calls())
	}
	// exec needs a command; shell operators are refused, not passed on as words.
	r, _ = press(t, r, "e", "enter")
	if !strings.Contains(screen(r), "exec needs a command") {
		t.Fatalf("empty exec:\n%s", screen(r))
	}
	r, _ = press(t, r, "e")
	r = typeText(t, r, "ls | wc")
	r, cmd := press(t, r, "enter")
	if cmd != nil || !strings.Contains(screen(r), `command "ls | wc" has a shell operat`) || !strings.Contains(r.pods().status.Text, "shell operator") {
		t.Fatalf("operator:\n%s", screen(r))
	}
	// The prompt shows which service and what empty means for run.
	r, _ = press(t, r, "o")
	if !strings.Contains(screen(r), "run frontend/web (empty: its command):") {
		t.Fatalf("run prompt:\n%s", screen(r))
	}
}

func TestPodsRefusals(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	cases := []struct {
		row, key, want string
	}{
		{"search", "u", "pod search is not enabled in target development"},
		{"search/search", "s", "pod search is not enabled in target development"},
		{"search/search", "x", "pod search is not enabled in target development"},
		{"rake", "u", "rake is a task pod: tasks are not brought up, o runs one"},
		{"worker", "u", "pod worker is broken: pods/worker.yml: validating pods/worker.yml: unknown key services.jobs.restart_policy"},
		{"worker", "t", "pod worker is broken:"},
		{"frontend", "x", "pod frontend has 2 services (proxy, web): select one"},
		{"frontend", "t", "pod frontend has 2 services (proxy, web): select one"},
		{"rake/rake", "x", "rake/rake is not running: u brings it up"},
	}
	for _, c := range cases {
		r = selectRow(t, r, c.row)
		var cmd tea.Cmd
		r, cmd = press(t, r, c.key)
		if cmd != nil || !r.pods().status.Err || !strings.HasPrefix(r.pods().status.Text, c.want) {
			t.Errorf("%s on %s: status %q (cmd %v), want %q", c.key, c.row, r.pods().status.Text, cmd != nil, c.want)
		}
	}
	if got := fp.Calls(); !slices.Equal(got, []string{"load"}) {
		t.Fatalf("refused actions reached the backend: %v", got)
	}
}

func TestPodsProgressInFooter(t *testing.T) {
	fp, fb := newShop(t)
	fp.Release = make(chan struct{})
	fp.Reported = make(chan struct{})
	fp.Events = []compose.Event{
		{Container: "shop_default", Action: compose.ActionNetworkCreated},
		{Service: "web", Container: "shop-web-1", Action: compose.ActionCreated},
		{Service: "web", Container: "shop-web-1", Action: compose.ActionStarted},
	}
	r := newPodsRoot(t, fp, fb, 100, 30)
	r = selectRow(t, r, "frontend")
	r, cmd := press(t, r, "u")
	if !strings.Contains(screen(r), "up frontend…") {
		t.Fatalf("no progress shown:\n%s", screen(r))
	}
	batch, ok := runCmd(t, cmd).(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("up returned %T", batch)
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- batch[0]() }() // the call: it reports, then waits for release
	<-fp.Reported                      // (or the waiter may wake for the first event alone)
	msg := runCmd(t, batch[1])         // the waiter: everything reported so far
	pm, ok := msg.(opProgressMsg)
	if !ok {
		t.Fatalf("waiter returned %T", msg)
	}
	r = update(t, r, pm)
	if !strings.Contains(screen(r), "up frontend: web started") {
		t.Fatalf("progress not in the footer:\n%s", screen(r))
	}
	if !strings.Contains(rowLine(t, r, "", "frontend"), "◌ up…") {
		t.Fatalf("the pod is not marked busy:\n%s", screen(r))
	}
	// A second up on the same pod waits for the first.
	r, cmd = press(t, r, "u")
	if cmd != nil || !strings.Contains(screen(r), "up frontend is still running") {
		t.Fatalf("second up:\n%s", screen(r))
	}
	close(fp.Release)
	select {
	case msg = <-done:
	case <-time.After(modeltest.CmdGuard):
		t.Fatal("up did not return")
	}
	r = update(t, r, msg)
	if !strings.Contains(screen(r), "up frontend: done") || len(r.pods().ops) != 0 {
		t.Fatalf("result not shown:\n%s", screen(r))
	}
	if strings.Contains(screen(r), "◌ up…") {
		t.Fatal("still marked busy")
	}
	// A late progress message of a finished operation changes nothing.
	r = update(t, r, pm)
	if !strings.Contains(screen(r), "up frontend: done") {
		t.Fatal("a late progress message overwrote the result")
	}

	// Errors name the pod and service; an error event shows as it happens.
	fp.Release = nil
	fp.Events = []compose.Event{{Service: "web", Container: "shop-web-1", Action: compose.ActionError, Err: errors.New("port is already allocated")}}
	fp.OpErr = errors.New("start shop-web-1: port is already allocated")
	r = selectRow(t, r, "frontend/web")
	r, cmd = press(t, r, "u")
	batch = runCmd(t, cmd).(tea.BatchMsg)
	msg = runCmd(t, batch[0])
	if w := runCmd(t, batch[1]); w != nil {
		r = update(t, r, w)
		if !strings.Contains(screen(r), "up frontend/web: web: port is already allocated") {
			t.Fatalf("error event:\n%s", screen(r))
		}
	}
	r = update(t, r, msg)
	if !r.pods().status.Err || r.pods().status.Text != "up frontend/web: start shop-web-1: port is already allocated" {
		t.Fatalf("status %+v", r.pods().status)
	}
}

func TestPodsProgressNeverBlocksTheProducer(t *testing.T) {
	fp, fb := newShop(t)
	for i := range 10 * maxOpEvents {
		fp.Events = append(fp.Events, compose.Event{Service: "web", Action: fmt.Sprint("step ", i)})
	}
	r := newPodsRoot(t, fp, fb, 100, 30)
	r = selectRow(t, r, "frontend/web")
	r, cmd := press(t, r, "s")
	batch := runCmd(t, cmd).(tea.BatchMsg)
	msg := runCmd(t, batch[0]) // returns although nobody reads the events
	r = update(t, r, msg)
	if !strings.Contains(screen(r), "stop frontend/web: done") {
		t.Fatalf("result:\n%s", screen(r))
	}
	if msg := runCmd(t, batch[1]); msg != nil { // the waiter ends with the operation
		if _, ok := msg.(opProgressMsg); !ok {
			t.Fatalf("waiter returned %T", msg)
		}
	}
}

func TestPodsExecResults(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 100, 30)
	r = selectRow(t, r, "frontend/web")
	fp.ExecErr = docker.ExitError{Code: 1}
	r, cmd := press(t, r, "t")
	msg := runCmd(t, cmd)
	ready, ok := msg.(execReadyMsg)
	if !ok || ready.Err != nil {
		t.Fatalf("got %T %+v", msg, msg)
	}
	_, cmd = r.Update(ready) // hands the terminal over with tea.Exec
	if cmd == nil {
		t.Fatal("no tea.Exec")
	}
	r = update(t, r, ExecDoneMsg{Action: keymap.Test, Target: "frontend/web", Err: ready.Cmd.Run()})
	if st := r.pods().status; st.Text != "test frontend/web exited (code 1)" || !st.Err {
		t.Fatalf("status %+v", st)
	}
	r = update(t, r, ExecDoneMsg{Action: keymap.Shell, Target: "frontend/web"})
	if st := r.pods().status; st.Text != "shell frontend/web exited (code 0)" || st.Err {
		t.Fatalf("status %+v", st)
	}
	r = update(t, r, ExecDoneMsg{Action: keymap.Run, Target: "rake/rake", Err: fmt.Errorf("run: %w", docker.ExitError{Code: 2})})
	if st := r.pods().status; st.Text != "run rake/rake exited (code 2)" {
		t.Fatalf("status %+v", st)
	}
	// A command that cannot be prepared says why, naming the service.
	fp.PrepErr = errors.New(`specify a value for the label io.fdy.cage.test on service frontend/proxy to run tests`)
	r = selectRow(t, r, "frontend/proxy")
	r, cmd = press(t, r, "t")
	r = update(t, r, runCmd(t, cmd))
	if st := r.pods().status; !st.Err || !strings.HasPrefix(st.Text, "test frontend/proxy: specify a value for the label") {
		t.Fatalf("status %+v", st)
	}
}

func TestPodsBrokenPodInPlace(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "worker")
	s := screen(r)
	if l := rowLine(t, r, "", "worker"); !strings.Contains(l, "✖ broken") || !strings.Contains(l, "pods/worker.yml") {
		t.Fatalf("worker row: %q", l)
	}
	flat := strings.Join(strings.Fields(s), " ")
	for _, want := range []string{"Pod worker · broken", "files: pods/worker.yml",
		"load pod worker: pods/worker.yml: validating pods/worker.yml: unknown key services.jobs.restart_policy (not in the compose specification)",
		"ctrl+r reloads the workspace"} {
		if !strings.Contains(flat, want) {
			t.Errorf("broken pod pane lacks %q:\n%s", want, s)
		}
	}
	if r.pods().logs.Stream() != nil {
		t.Error("a log stream for a broken pod")
	}
	// The filter finds a broken pod by the services its file names.
	r, _ = press(t, r, "/")
	r = typeText(t, r, "jobs")
	if got := keys(r); !slices.Equal(got, []string{"worker"}) {
		t.Fatalf("filter jobs: %v", got)
	}
}

func TestPodsLogsMultiplexAService(t *testing.T) {
	fp, fb := newShop(t)
	fb.Lines["frwe100000000000"] = []docker.LogLine{{Stream: docker.Stdout, Text: "GET / 200 3ms"}}
	fb.Lines["frwe200000000000"] = []docker.LogLine{{Stream: docker.Stderr, Text: "Error: connect ECONNREFUSED db:5432"}}
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/web")
	p := r.pods().logs
	if p.Title() != "frontend/web" || !p.Multi() || len(p.Sources()) != 2 || p.Sources()[0].From != "shop-web-1" || p.Sources()[1].From != "shop-web-2" {
		t.Fatalf("pane follows %+v", p.Sources())
	}
	s := p.Stream()
	for _, src := range p.Sources() {
		go func() { s.Read(fb, src.ID, src.From, docker.LogOptions{Tail: logs.Tail})() }()
	}
	var got []views.LogLine
	for len(got) < 2 {
		lm, ok := runCmd(t, s.Wait()).(logs.LinesMsg)
		if !ok {
			t.Fatal("wait returned no lines")
		}
		got = append(got, lm.Lines...)
		r = update(t, r, lm)
	}
	screenText := screen(r)
	for _, want := range []string{"[Logs]│", "─ frontend/web ─", "  shop-web-1 | GET / 200 3ms", "▌ shop-web-2 | Error: connect ECONNREFUSED db:5432"} {
		if !strings.Contains(screenText, want) {
			t.Errorf("logs pane lacks %q:\n%s", want, screenText)
		}
	}
	// One container's log ends; the pane goes on with the other.
	r = update(t, r, logs.EndedMsg{Key: s.Key(), Gen: s.Gen(), ContainerID: "frwe200000000000"})
	if r.pods().logs.Ended() || strings.Contains(screen(r), "end of log") {
		t.Fatal("the pane ended with one of two containers")
	}
	r = update(t, r, logs.EndedMsg{Key: s.Key(), Gen: s.Gen(), ContainerID: "frwe100000000000"})
	if !strings.Contains(screen(r), "end of log: no container is running") {
		t.Fatalf("both ended:\n%s", screen(r))
	}
	// A container row follows just that container, without prefixes.
	r, _ = press(t, r, "j")
	if p := r.pods().logs; p.Multi() || len(p.Sources()) != 1 || p.Sources()[0].ID != "frwe100000000000" || p.Title() != "shop-web-1" {
		t.Fatalf("container row pane: %+v", p)
	}
	if s.Err() == nil {
		t.Fatal("the service's stream was not cancelled")
	}
	// A pod row follows all of its services' containers; one with none says how to start it.
	r = selectRow(t, r, "frontend")
	if p := r.pods().logs; len(p.Sources()) != 3 || !p.Multi() {
		t.Fatalf("pod row pane follows %d containers", len(p.Sources()))
	}
	r = selectRow(t, r, "rake")
	if !strings.Contains(screen(r), "rake has no containers: it is a task, o runs it") {
		t.Fatalf("task pane:\n%s", screen(r))
	}
	r = selectRow(t, r, "search/search")
	if !strings.Contains(screen(r), "search/search has no containers: it is not enabled in target development") {
		t.Fatalf("disabled pane:\n%s", screen(r))
	}
}

func TestPodsLogsFollowScaling(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/proxy")
	if n := len(r.pods().logs.Sources()); n != 1 {
		t.Fatalf("%d sources", n)
	}
	gen := r.pods().logs.Stream().Gen()
	// up recreated proxy: a new container with a new id; the pane drops the old one's reader
	// and follows the new one, in the same stream.
	cs := slices.Clone(fb.Snap.Containers)
	for i, c := range cs {
		if c.Name == "shop-proxy-1" {
			c.ID = "newproxy00000000"
			c.Labels = maps(c.Labels, docker.LabelComposeConfigHash, hashes(fp.WS)["frontend/proxy"])
			cs[i] = c
		}
	}
	m, cmd := r.Update(common.ContainersChangedMsg{Snap: connected(cs)})
	r = m.(Root)
	p := r.pods().logs
	if p.Stream().Gen() != gen || len(p.Sources()) != 1 || p.Sources()[0].ID != "newproxy00000000" || cmd == nil {
		t.Fatalf("after recreate: gen %d→%d, sources %+v", gen, p.Stream().Gen(), p.Sources())
	}
	if row, _ := r.pods().Selected(); row.Key() != "frontend/proxy" {
		t.Fatalf("selection %q", row.Key())
	}
}

func TestPodsFilterAndReload(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r, _ = press(t, r, "/")
	r = typeText(t, r, "web")
	want := []string{"frontend", "frontend/web", "frontend/web/frwe100000000000", "frontend/web/frwe200000000000"}
	if got := keys(r); !slices.Equal(got, want) {
		t.Fatalf("filter web: %v", got)
	}
	if !strings.Contains(screen(r), "Pods 1 of 5") {
		t.Fatalf("title:\n%s", screen(r))
	}
	r, _ = press(t, r, "enter")
	r = typeText(t, r, "j") // navigation in the filtered tree
	r, _ = press(t, r, "esc")
	if len(r.pods().list.Rows) != 14 {
		t.Fatal("esc did not clear the filter")
	}
	// ctrl+r reloads from disk and keeps the selection.
	r = selectRow(t, r, "frontend/web")
	r, cmd := press(t, r, "ctrl+r")
	if !strings.Contains(screen(r), "reloading the workspace…") {
		t.Fatalf("no reload status:\n%s", screen(r))
	}
	r = update(t, r, runCmd(t, cmd))
	if got := fp.Calls(); !slices.Equal(got, []string{"load", "load"}) {
		t.Fatalf("calls %v", got)
	}
	if row, _ := r.pods().Selected(); row.Key() != "frontend/web" || !strings.Contains(screen(r), "reloaded shop (development): 5 pods, 1 broken pod") {
		t.Fatalf("after reload: %q\n%s", row.Key(), screen(r))
	}
	// A failed reload keeps the workspace on screen and says why.
	fp.LoadErr = errors.New("pods/targets: no such file or directory")
	r, cmd = press(t, r, "ctrl+r")
	r = update(t, r, runCmd(t, cmd))
	if !strings.Contains(screen(r), "reload: pods/targets: no such file") || len(r.pods().list.Rows) != 14 {
		t.Fatalf("failed reload:\n%s", screen(r))
	}
}
