package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/model/modeltest"
)

// logsRule is the title rule of the logs pane on screen.
func logsRule(t *testing.T, s string) string {
	t.Helper()
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "shop-api-1 ─") {
			return l
		}
	}
	t.Fatalf("no logs pane on screen:\n%s", s)
	return ""
}

// apiLogsFocused is the Containers tab with shop-api-1's logs in and focused.
func apiLogsFocused(t *testing.T, w, h int, lines ...docker.LogLine) Root {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	r := newRoot(t, newFake(), w, h)
	r, _ = press(t, r, "j", "j")
	if selectedName(r) != "shop-api-1" {
		t.Fatalf("selected %s", selectedName(r))
	}
	r = update(t, r, linesFor(r, lines...))
	r, _ = press(t, r, "tab")
	return r
}

func TestLogSearchKeys(t *testing.T) {
	r := apiLogsFocused(t, 120, 40, goldenLogs()...)
	r, _ = press(t, r, "/")
	if ctx := r.containers().Context(); ctx != keymap.CtxSearch {
		t.Fatalf("typing a search in context %s", ctx)
	}
	r = typeText(t, r, "get") // smart case: matches GET
	if rule := logsRule(t, screen(r)); !strings.Contains(rule, "/get▏") {
		t.Fatalf("the query is not shown while typed: %s", rule)
	}
	r, _ = press(t, r, "enter")
	if ctx := r.containers().Context(); ctx != keymap.CtxLogs {
		t.Fatalf("after enter the context is %s", ctx)
	}
	// The newest match on screen is the current one; the pane still follows.
	if rule := logsRule(t, screen(r)); !strings.Contains(rule, "● following · /get 12/12") {
		t.Fatalf("rule after enter: %s", rule)
	}
	r, _ = press(t, r, "N", "N")
	if rule := logsRule(t, screen(r)); !strings.Contains(rule, "‖ paused · /get 10/12 · 17 lines") {
		t.Fatalf("rule after N N: %s", rule)
	}
	r, _ = press(t, r, "n", "n")
	if r.containers().Status().Text != "" {
		t.Fatalf("status %q before wrapping", r.containers().Status().Text)
	}
	r, _ = press(t, r, "n")
	s := screen(r)
	if rule := logsRule(t, s); !strings.Contains(rule, "/get 1/12") || !strings.Contains(s, "GET /api/orders?page=1 200") {
		t.Fatalf("n past the newest match did not wrap to the oldest:\n%s", s)
	}
	if !strings.Contains(r.containers().Status().Text, "wrapped") {
		t.Fatalf("status %q", r.containers().Status().Text)
	}
	// Only matching lines: the others go, and come back.
	r, _ = press(t, r, "&")
	s = screen(r)
	if !strings.Contains(logsRule(t, s), "only matching") || strings.Contains(s, "ERROR payment") || strings.Contains(s, "starting shop-api") {
		t.Fatalf("only matching:\n%s", s)
	}
	if !strings.Contains(s, "page=1 200") || !strings.Contains(s, "page=12 200") {
		t.Fatalf("matching lines missing:\n%s", s)
	}
	r, _ = press(t, r, "&")
	if s = screen(r); !strings.Contains(s, "starting shop-api") || strings.Contains(logsRule(t, s), "only matching") {
		t.Fatalf("every line again:\n%s", s)
	}
	// esc drops the search; esc while typing drops the one typed.
	r, _ = press(t, r, "esc")
	if rule := logsRule(t, screen(r)); strings.Contains(rule, "/get") || r.containers().Context() != keymap.CtxLogs {
		t.Fatalf("esc kept the search: %s", rule)
	}
	r, _ = press(t, r, "/")
	r = typeText(t, r, "zzz")
	r, _ = press(t, r, "esc")
	if rule := logsRule(t, screen(r)); strings.Contains(rule, "zzz") || r.containers().Context() != keymap.CtxLogs {
		t.Fatalf("esc while typing: %s", rule)
	}
	r, _ = press(t, r, "/")
	r = typeText(t, r, "zzz")
	r, _ = press(t, r, "enter", "n")
	if rule := logsRule(t, screen(r)); !strings.Contains(rule, "/zzz no match") {
		t.Fatalf("no match: %s", rule)
	}
	if st := r.containers().Status(); !st.Err || !strings.Contains(st.Text, "no line matches /zzz") {
		t.Fatalf("n without a match: %+v", st)
	}
}

func TestLogSearchCountsNewLines(t *testing.T) {
	r := apiLogsFocused(t, 120, 40, goldenLogs()...)
	r, _ = press(t, r, "/")
	r = typeText(t, r, "ERROR")
	r, _ = press(t, r, "enter")
	r = update(t, r, linesFor(r, docker.LogLine{Stream: docker.Stderr, Text: "ERROR disk full"}, docker.LogLine{Text: "error lower case"}))
	if rule := logsRule(t, screen(r)); !strings.Contains(rule, "/ERROR 1/2") {
		t.Fatalf("a new matching line is not counted (or case was ignored): %s", rule)
	}
}

// manyLines are n numbered lines: more than memory keeps, so the oldest go to disk.
func manyLines(n int, mark map[int]string) []docker.LogLine {
	out := make([]docker.LogLine, n)
	for i := range out {
		out[i] = docker.LogLine{Stream: docker.Stdout, Text: fmt.Sprintf("request %05d ok", i)}
		if m, ok := mark[i]; ok {
			out[i].Text = m
		}
	}
	return out
}

func TestLogSearchFindsLinesOnDisk(t *testing.T) {
	lines := manyLines(logs.MemLines+3000, map[int]string{10: "panic: nil map (first)", logs.MemLines + 2990: "panic: nil map (last)"})
	r := apiLogsFocused(t, 120, 40, lines...)
	if n := r.containers().LogsOnDisk(); n <= 10 {
		t.Fatalf("line 10 is not on disk: %d lines there", n)
	}
	r, _ = press(t, r, "/")
	r = typeText(t, r, "panic")
	r, _ = press(t, r, "enter", "N")
	s := screen(r)
	if !strings.Contains(logsRule(t, s), "/panic 1/2") || !strings.Contains(s, "panic: nil map (first)") {
		t.Fatalf("N did not go to the match on disk:\n%s", s)
	}
	if !strings.Contains(s, "request 00009 ok") || !strings.Contains(s, "request 00011 ok") {
		t.Fatalf("the lines around the match on disk are not shown:\n%s", s)
	}
	r, _ = press(t, r, "&")
	s = screen(r)
	if !strings.Contains(s, "(first)") || !strings.Contains(s, "(last)") || strings.Contains(s, "request 0") {
		t.Fatalf("only matching, disk part included:\n%s", s)
	}
}

func TestLogTimestampsAndWrap(t *testing.T) {
	t0 := testNow().Add(-time.Minute)
	long := "BEGIN " + strings.Repeat("abcdefghij", 30) + " END"
	r := apiLogsFocused(t, 120, 40,
		docker.LogLine{Stream: docker.Stdout, Time: t0, Text: "first"},
		docker.LogLine{Stream: docker.Stdout, Time: t0.Add(1500 * time.Millisecond), Text: long})
	stamp := t0.Add(1500 * time.Millisecond).Local().Format("15:04:05.000")
	if strings.Contains(screen(r), stamp) {
		t.Fatal("timestamps shown before t")
	}
	r, _ = press(t, r, "t")
	if s := screen(r); !strings.Contains(s, stamp+" BEGIN") || !strings.Contains(s, t0.Local().Format("15:04:05.000")+" first") {
		t.Fatalf("no timestamps after t:\n%s", s)
	}
	r, _ = press(t, r, "t")
	if strings.Contains(screen(r), stamp) {
		t.Fatal("timestamps still shown after t again")
	}
	if s := screen(r); strings.Contains(s, "END") || !strings.Contains(s, "…") {
		t.Fatalf("a long line is not cut:\n%s", s)
	}
	r, _ = press(t, r, "w")
	s := screen(r)
	if !strings.Contains(s, "END") || !strings.Contains(logsRule(t, s), "wrap") {
		t.Fatalf("w did not wrap the long line:\n%s", s)
	}
	checkFits(t, s, 120, 40)
}

// saveLog presses ctrl+s and hands the root what the save sent.
func saveLog(t *testing.T, r Root) Root {
	t.Helper()
	r, cmd := press(t, r, "ctrl+s")
	if st := r.containers().Status(); !strings.Contains(st.Text, "saving the whole log of shop-api-1") {
		t.Fatalf("status while saving: %+v", st)
	}
	return update(t, r, modeltest.RunCmd(t, cmd))
}

// TestLogSaveWritesWholeLog: ctrl+s saves the container's whole log as the engine has it,
// not only the lines the pane took in.
func TestLogSaveWritesWholeLog(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("TMPDIR", t.TempDir())
	lines := manyLines(logs.MemLines+2500, nil)
	fb := newFake()
	fb.LogSource = func(string, docker.LogOptions) []docker.LogLine { return lines }
	r := newRoot(t, fb, 120, 40)
	r, _ = press(t, r, "j", "j")
	r = update(t, r, linesFor(r, lines[len(lines)-logs.Tail:]...)) // what the pane follows
	r, _ = press(t, r, "tab")
	r = saveLog(t, r)
	st := r.containers().Status()
	dir := filepath.Join(state, "podium", "saved")
	files, _ := filepath.Glob(filepath.Join(dir, "shop-api-1-*.log"))
	if st.Err || len(files) != 1 || !strings.Contains(st.Text, files[0]) {
		t.Fatalf("status %+v, files %v", st, files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("saved %d lines of %d", len(got), len(lines))
	}
	for i, l := range lines {
		if got[i] != l.Text {
			t.Fatalf("line %d saved as %q, want %q", i, got[i], l.Text)
		}
	}
	// A second save in the same second gets its own file.
	r = saveLog(t, r)
	if files, _ := filepath.Glob(filepath.Join(dir, "shop-api-1-*.log")); len(files) != 2 {
		t.Fatalf("second save: %v (%+v)", files, r.containers().Status())
	}
}

func TestLogSearchInPodsAndDeploys(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "frontend/web")
	s := r.pods().LogStream()
	r = update(t, r, s.LinesMsg(webLogs()))
	r, _ = press(t, r, "tab", "/")
	if ctx := r.pods().Context(); ctx != keymap.CtxSearch {
		t.Fatalf("Pods: typing in context %s", ctx)
	}
	r = typeText(t, r, "cart")
	r, _ = press(t, r, "enter")
	if scr := screen(r); !strings.Contains(scr, "/cart 2/2") {
		t.Fatalf("Pods search:\n%s", scr)
	}

	d := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	d = selectService(t, d, "web")
	d, _ = press(t, d, "l")
	ds := d.deploys().LogStream()
	if ds == nil {
		t.Fatal("Deploys: no logs followed")
	}
	d = update(t, d, ds.LinesMsg(deployLogs()))
	d, _ = press(t, d, "/")
	if ctx := d.deploys().Context(); ctx != keymap.CtxSearch {
		t.Fatalf("Deploys: typing in context %s", ctx)
	}
	d = typeText(t, d, "healthz")
	d, _ = press(t, d, "enter", "&")
	scr := screen(d)
	if !strings.Contains(scr, "/healthz 2/2") || !strings.Contains(scr, "only matching") || strings.Contains(scr, "GET /checkout") {
		t.Fatalf("Deploys search:\n%s", scr)
	}
}
