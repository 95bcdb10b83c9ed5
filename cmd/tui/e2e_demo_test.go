package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
)

// demoSession is one TUI session on a private copy of examples/demo, shared by the flows of
// TestTUIDemoEndToEnd: starting the binary, its supervisor and the demo's deploys once keeps
// the whole test within a few minutes.
type demoSession struct {
	h       *enginetest.Harness
	s       *tmuxSession
	ws      string
	project string
}

// TestTUIDemoEndToEnd drives the real binary in tmux on a copy of the demo workspace, against
// the real engine, flow by flow: the four tabs, a spec edit deployed, the ci pipeline with a
// rerun of its flaky node, a pod brought up, a shell in one of its services, and a search in
// that service's log. Everything it creates on the engine is removed at the end.
func TestTUIDemoEndToEnd(t *testing.T) {
	h := enginetest.New(t)
	bin := buildBinary(t)
	d := &demoSession{h: h, ws: copyDemo(t), project: "e2edemo" + h.ID[strings.LastIndexByte(h.ID, '-')+1:]}
	// Registered before the session, so it runs once podium is gone and can recreate nothing.
	images := pipelineImages(t, h)
	t.Cleanup(func() { d.cleanup(t, images) })

	// --host names the harness's engine outright: the private HOME hides any docker context.
	d.s = startTmux(t, 120, 40, privateEnv(t), bin, "-H", h.Engine.Endpoint().Host, "-w", d.ws, "-p", d.project)
	t.Cleanup(func() {
		if t.Failed() && d.s.alive() {
			t.Logf("last screen:\n%s", d.s.capture())
		}
		if !d.s.quit(20 * time.Second) {
			t.Logf("podium did not quit on ctrl+c; killing its tmux server")
		}
	})

	// Independent flows first: a failure in one leaves the others meaningful.
	t.Run("tabs", d.tabs)
	t.Run("spec edit deploys", d.specEdit)
	t.Run("pipeline rerun", d.pipelineRerun)
	// Each of these needs the one before.
	func() {
		if !t.Run("pod up", d.podUp) {
			return
		}
		tok := "srch" + randomLetters(6)
		if !t.Run("shell", func(t *testing.T) { d.shell(t, tok) }) {
			return
		}
		t.Run("log search", func(t *testing.T) { d.logSearch(t, tok) })
	}()
	t.Run("quit", d.quit)
}

// tabs checks that each tab shows the demo: its pods, its two supervised services once stable,
// its pipeline, and a container of the supervisor in the Containers tab.
func (d *demoSession) tabs(t *testing.T) {
	s := d.s.on(t)
	s.waitFor("the demo's pods db, frontend and rake", 30*time.Second, func(sc string) bool {
		return lineWith(sc, "db") != "" && lineWith(sc, "frontend") != "" && lineWith(sc, "rake") != ""
	})
	s.keys("2")
	s.waitLine(60*time.Second, "api", "Stable", "r1")
	s.waitLine(60*time.Second, "workers", "Stable", "r1")
	s.keys("3")
	s.waitFor("the ci pipeline in the Pipelines tab", 10*time.Second, func(sc string) bool {
		return lineWith(sc, "ci") != "" && lineWith(sc, "api") == ""
	})

	api := d.deployContainer(t, "api", "1")
	s.keys("4")
	// Narrow the list to the api container: the engine may hold many more than fit.
	s.keys("/")
	s.typeText(api)
	s.keys("Enter")
	s.waitLine(10*time.Second, api, "running")
}

// specEdit changes the api spec's VERSION on disk and watches the Deploys tab deploy revision
// 2 to Stable, with the new container's log showing the new version.
func (d *demoSession) specEdit(t *testing.T) {
	s := d.s.on(t)
	s.keys("2")
	s.waitLine(60*time.Second, "api", "Stable", "r1")
	s.pressUntil("select api", "k", 5, selectedRow, func(r string) bool { return nameOf(r) == "api" })

	path := filepath.Join(d.ws, "specs", "api.edn")
	spec, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read spec: %v", err)
	}
	version := fmt.Sprintf("e2e%05d", rand.IntN(100000))
	edited := strings.Replace(string(spec), `"VERSION=2"`, `"VERSION=`+version+`"`, 1)
	if edited == string(spec) {
		t.Fatalf("%s has no \"VERSION=2\" to edit:\n%s", path, spec)
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatalf("write spec: %v", err)
	}
	s.waitLine(60*time.Second, "api", "Stable", "r2")
	s.waitLine(20*time.Second, "api", version, "serving")
	d.deployContainer(t, "api", "2")
}

// pipelineRerun runs ci from the Pipelines tab, opens test/flaky's output and reruns that node,
// waiting for a new attempt of it to appear and end.
func (d *demoSession) pipelineRerun(t *testing.T) {
	s := d.s.on(t)
	s.keys("3")
	s.waitLine(10*time.Second, "ci")
	s.keys("g", "Enter")
	idRe := regexp.MustCompile(`\bci (\d{8}-\d{6}-\w+)`)
	sc := s.waitFor("a run of ci to start", 30*time.Second, func(sc string) bool { return idRe.MatchString(sc) })
	id := idRe.FindStringSubmatch(sc)[1]
	if _, err := os.Stat(filepath.Join(d.ws, workspaceStateDir, "runs", "ci", id, "run.json")); err != nil {
		t.Fatalf("run %s is not stored: %v", id, err)
	}
	runEnded := func(sc string) bool {
		return lineWith(sc, "ci", id, "done") != "" || lineWith(sc, "ci", id, "error") != ""
	}
	s.waitFor("run "+id+" to end (done or error)", 90*time.Second, runEnded)

	// The output pane's title names the selected node and attempt: "/test/flaky #1".
	nodeRe := regexp.MustCompile(`(?:^|\s)(/[\w./-]*) #\d+`)
	selectedNode := func(sc string) string {
		if m := nodeRe.FindStringSubmatch(sc); m != nil {
			return m[1]
		}
		return ""
	}
	s.pressUntil("select test/flaky in the run's tree", "j", 10, selectedNode, func(node string) bool {
		return node == "/test/flaky"
	})
	s.keys("Tab")
	s.waitFor("the output pane focused (its scroll hint in the footer)", 10*time.Second, func(sc string) bool {
		return lineWith(sc, "scroll") != ""
	})
	before := flakyAttempts(s.capture())
	if before < 1 {
		t.Fatalf("test/flaky shows no attempt; screen:\n%s", s.capture())
	}
	s.keys("R")
	s.waitFor(fmt.Sprintf("an attempt of test/flaky after #%d, ended", before), 60*time.Second, func(sc string) bool {
		flaky := lineWith(sc, "flaky")
		return flakyAttempts(sc) > before && (strings.Contains(flaky, "done") || strings.Contains(flaky, "error")) && runEnded(sc)
	})
}

// podUp brings the frontend pod up from the Pods tab and waits for web to be healthy and
// worker running, on screen and on the engine.
func (d *demoSession) podUp(t *testing.T) {
	s := d.s.on(t)
	s.keys("1")
	s.waitLine(10*time.Second, "frontend")
	// The cursor is still on the first pod, db: frontend is below it.
	s.pressUntil("select the frontend pod", "j", 10, selectedRow, func(r string) bool { return nameOf(r) == "frontend" })
	s.keys("u")
	web, worker := d.project+"-web-1", d.project+"-worker-1"
	s.waitFor(web+" healthy and "+worker+" running", 90*time.Second, func(sc string) bool {
		return lineWith(sc, web, "running", "healthy") != "" && lineWith(sc, worker, "running") != ""
	})
	for _, name := range []string{web, worker} {
		c, err := d.h.Engine.Inspect(d.h.Ctx(), name)
		if err != nil || c.State != "running" || c.Labels[docker.LabelComposeProject] != d.project {
			t.Fatalf("%s on the engine: %v, %+v", name, err, c)
		}
	}
}

// shell opens worker's shell from the Pods tab, runs a command whose output the test computes,
// writes three lines holding tok to the container's log for the search, exits, and checks
// that the UI is back and still answers keys.
func (d *demoSession) shell(t *testing.T, tok string) {
	s := d.s.on(t)
	s.keys("1")
	s.pressUntil("select the worker service", "j", 10, selectedRow, func(r string) bool { return nameOf(r) == "worker" })
	s.keys("Enter")
	s.waitFor("the shell's prompt", 20*time.Second, shellPrompt)
	n := rand.IntN(100000)
	marker := fmt.Sprintf("e2e-%d-marker", n+1)
	s.typeText(fmt.Sprintf("echo e2e-$((%d+1))-marker; for i in 1 2 3; do echo %s-$i > /proc/1/fd/1; done", n, tok))
	s.keys("Enter")
	s.waitLine(10*time.Second, marker)
	s.typeText("exit")
	s.keys("Enter")
	s.waitFor("the Pods tree back after the shell", 20*time.Second, func(sc string) bool {
		return !shellPrompt(sc) && lineWith(sc, "frontend") != "" && lineWith(sc, "worker", "running") != ""
	})
	// The lines written to PID 1's stdout are in the service's log pane.
	s.waitFor(tok+"-3 in worker's log pane", 20*time.Second, func(sc string) bool {
		return strings.Contains(sc, tok+"-3")
	})

	// Keys still reach the TUI: to Deploys and back.
	s.keys("2")
	s.waitFor("the Deploys tab", 10*time.Second, func(sc string) bool {
		return lineWith(sc, "api", "Stable") != "" && lineWith(sc, "frontend") == ""
	})
	s.keys("1")
	s.waitFor("the Pods tab again", 10*time.Second, func(sc string) bool {
		return lineWith(sc, "frontend") != "" && selectedName(sc) == "worker"
	})
}

// logSearch searches worker's log pane for tok (three lines hold it) and expects the pane's
// title rule to count the matches ("k/3"), a matching line on screen, and n to move on.
func (d *demoSession) logSearch(t *testing.T, tok string) {
	s := d.s.on(t)
	s.keys("1")
	s.pressUntil("select the worker service", "j", 10, selectedRow, func(r string) bool { return nameOf(r) == "worker" })
	const needs = " (needs the log search: / in the logs pane)"
	s.keys("Tab")
	s.waitFor("the logs pane focused (its scroll hint in the footer)", 10*time.Second, func(sc string) bool {
		return lineWith(sc, "scroll") != ""
	})
	// Type only into an open search prompt: loose letters would be keys of the tab.
	s.keys("/")
	s.waitFor("the search prompt (its keep hint in the footer)"+needs, 10*time.Second, func(sc string) bool {
		return lineWith(sc, "keep") != ""
	})
	s.typeText(tok)
	s.keys("Enter")
	sc := s.waitFor("a match count k/3 in the logs title rule"+needs, 20*time.Second, func(sc string) bool {
		_, total := searchIndicator(sc)
		return total == 3
	})
	cur, _ := searchIndicator(sc)
	if !strings.Contains(sc, tok+"-") {
		t.Fatalf("no line holding %q on screen after the search:\n%s", tok, sc)
	}
	s.keys("n")
	sc = s.waitFor(fmt.Sprintf("n to move off match %d/3", cur)+needs, 10*time.Second, func(sc string) bool {
		k, total := searchIndicator(sc)
		return total == 3 && k != cur
	})
	if !strings.Contains(sc, tok+"-") {
		t.Fatalf("no line holding %q on screen after n:\n%s", tok, sc)
	}
}

// quit quits and checks that the supervised services keep running, as promised. It uses
// ctrl+c, which quits from any prompt a failed flow may have left open.
func (d *demoSession) quit(t *testing.T) {
	s := d.s.on(t)
	s.keys("C-c")
	s.waitFor("podium to exit on ctrl+c", 20*time.Second, func(string) bool { return !s.alive() })
	for _, service := range []string{"api", "workers"} {
		cs, err := d.h.Engine.List(d.h.Ctx(), docker.ListOptions{Labels: []string{d.supervisorLabel(), docker.LabelDeploy + "=" + service}})
		if err != nil || len(cs) == 0 {
			t.Errorf("after quitting, no running %s container: %v", service, err)
		}
	}
}

// deployContainer returns the name of the running container of service at revision rev,
// started by this session's supervisor, failing the test when there is not exactly one.
func (d *demoSession) deployContainer(t *testing.T, service, rev string) string {
	t.Helper()
	cs, err := d.h.Engine.List(d.h.Ctx(), docker.ListOptions{Labels: []string{
		d.supervisorLabel(), docker.LabelDeploy + "=" + service, docker.LabelRevision + "=" + rev,
	}})
	if err != nil || len(cs) != 1 || cs[0].State != "running" {
		t.Fatalf("want one running %s container at revision %s: %v, %+v", service, rev, err, cs)
	}
	return cs[0].Name
}

// supervisorLabel selects what the TUI's in-process supervisor created for this workspace.
func (d *demoSession) supervisorLabel() string {
	state := filepath.Join(d.ws, workspaceStateDir, supervisorStateFile)
	return docker.LabelSupervisor + "=" + supervisorLabels(state, nil)[docker.LabelSupervisor]
}

// cleanup removes what the session created: the supervisor's containers, the pods' project
// (containers, networks, volumes), the pipeline runs' containers, and pipeline images that
// were not there before the test.
func (d *demoSession) cleanup(t *testing.T, imagesBefore []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := d.h.Engine
	selectors := []string{d.supervisorLabel()}
	runs, _ := os.ReadDir(filepath.Join(d.ws, workspaceStateDir, "runs", "ci"))
	for _, r := range runs {
		selectors = append(selectors, docker.LabelRun+"="+r.Name())
	}
	for _, sel := range selectors {
		cs, err := e.List(ctx, docker.ListOptions{All: true, Labels: []string{sel}})
		if err != nil {
			t.Logf("cleanup: list %s: %v", sel, err)
		}
		for _, c := range cs {
			if err := e.Remove(ctx, c.ID, docker.RemoveOptions{Force: true, Volumes: true}); err != nil {
				t.Logf("cleanup: remove %s: %v", c.Name, err)
			}
		}
	}
	w, err := pods.Load(ctx, d.ws, pods.LoadOptions{ProjectName: d.project})
	if err != nil {
		t.Logf("cleanup: load the demo's pods: %v", err)
	} else if err := (&pods.Runner{Engine: e, WS: w}).Down(ctx, nil, true, 0); err != nil {
		t.Logf("cleanup: down %s: %v", d.project, err)
	}
	imgs, err := e.Images(ctx, docker.LabelPipeline+"=ci")
	if err != nil {
		t.Logf("cleanup: list pipeline images: %v", err)
	}
	for _, ref := range imgs {
		if !slices.Contains(imagesBefore, ref) {
			if err := e.RemoveImage(ctx, ref, true); err != nil {
				t.Logf("cleanup: remove image %s: %v", ref, err)
			}
		}
	}
}

// copyDemo copies examples/demo into a temp dir without its private state (.podium/, which a
// clean checkout does not have). The copy's supervisor serves its own .podium/supervisor.sock,
// so a `podium supervise` serving another copy is never followed instead.
func copyDemo(t *testing.T) string {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "examples", "demo"), ws).CombinedOutput(); err != nil {
		t.Fatalf("copy demo: %v\n%s", err, out)
	}
	if err := os.RemoveAll(filepath.Join(ws, workspaceStateDir)); err != nil {
		t.Fatalf("remove the copy's state: %v", err)
	}
	return ws
}

// privateEnv gives the binary its own state, config and home directories, so its log,
// settings and docker config neither leak out nor come in.
func privateEnv(t *testing.T) []string {
	return []string{
		"XDG_STATE_HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "HOME=" + t.TempDir(),
		"TERM=xterm-256color",
	}
}

// pipelineImages lists the ci pipeline's images already on the engine.
func pipelineImages(t *testing.T, h *enginetest.Harness) []string {
	t.Helper()
	imgs, err := h.Engine.Images(h.Ctx(), docker.LabelPipeline+"=ci")
	if err != nil {
		t.Fatalf("list pipeline images: %v", err)
	}
	return imgs
}

// selectedRow is where the cursor is: the screen line the cursor glyph starts, and the first
// word of that row ("7 worker"). Its state and uptime are left out, so it changes only when the
// cursor moves.
func selectedRow(screen string) string {
	for i, line := range strings.Split(screen, "\n") {
		if rest, ok := strings.CutPrefix(line, "▌"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return fmt.Sprintf("%d %s", i, f[0])
			}
		}
	}
	return ""
}

// selectedName is the first word of the selected row.
func selectedName(screen string) string {
	return nameOf(selectedRow(screen))
}

// nameOf is the name in what selectedRow returned.
func nameOf(row string) string {
	_, name, _ := strings.Cut(row, " ")
	return name
}

// flakyAttempts is the highest attempt of test/flaky the screen shows: the output pane's
// "/test/flaky #N" or the tree's "×N".
func flakyAttempts(screen string) int {
	best := 0
	if m := regexp.MustCompile(`/test/flaky #(\d+)`).FindStringSubmatch(screen); m != nil {
		best, _ = strconv.Atoi(m[1])
	}
	if line := lineWith(screen, "flaky"); line != "" {
		best = max(best, 1)
		if m := regexp.MustCompile(`×(\d+)`).FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			best = max(best, n)
		}
	}
	return best
}

// searchIndicator reads "k/N" (or "k of N") off the logs pane's title rule; zeros when absent.
func searchIndicator(screen string) (cur, total int) {
	re := regexp.MustCompile(`(\d+)\s*(?:/|of)\s*(\d+)`)
	for _, line := range strings.Split(screen, "\n") {
		if !strings.HasPrefix(line, "─") || !strings.Contains(line, "Logs") {
			continue
		}
		if m := re.FindStringSubmatch(line); m != nil {
			cur, _ = strconv.Atoi(m[1])
			total, _ = strconv.Atoi(m[2])
			return cur, total
		}
	}
	return 0, 0
}

// shellPrompt reports whether the screen shows busybox sh's prompt on a line of its own.
func shellPrompt(screen string) bool {
	for _, line := range strings.Split(screen, "\n") {
		if strings.TrimSpace(line) == "/ #" {
			return true
		}
	}
	return false
}

// randomLetters is n random lowercase letters, q left out (it quits if it ever reaches the tab).
func randomLetters(n int) string {
	const letters = "abcdefghijklmnoprstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return string(b)
}
