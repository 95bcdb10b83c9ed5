package model

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/containers"
	podtab "github.com/podiumdev/podium/model/pods"
	"github.com/podiumdev/podium/views"
)

// goldenLogs is what shop-api-1 printed, for the golden screens.
func goldenLogs() []docker.LogLine {
	t0 := testNow().Add(-3 * time.Minute)
	var ls []docker.LogLine
	add := func(s docker.Stream, format string, args ...any) {
		ls = append(ls, docker.LogLine{Stream: s, Text: fmt.Sprintf(format, args...)})
	}
	add(docker.Stdout, "%s INFO  starting shop-api 1.4.2 (go1.26.8, linux/amd64)", t0.Format(time.TimeOnly))
	add(docker.Stdout, "%s INFO  connected to postgres at db:5432 (pool 10)", t0.Add(time.Second).Format(time.TimeOnly))
	add(docker.Stderr, "%s WARN  slow query: SELECT * FROM orders WHERE status = 'open' ORDER BY created_at DESC took 1.8s", t0.Add(40*time.Second).Format(time.TimeOnly))
	add(docker.Stdout, "%s INFO  listening on :80", t0.Add(2*time.Second).Format(time.TimeOnly))
	for i := range 12 {
		add(docker.Stdout, "%s INFO  GET /api/orders?page=%d 200 %dms", t0.Add(time.Duration(60+i*7)*time.Second).Format(time.TimeOnly), i+1, 3+i%5)
	}
	add(docker.Stderr, "%s ERROR payment gateway timeout after 30s (order 8812); retrying", t0.Add(150*time.Second).Format(time.TimeOnly))
	return ls
}

// goldenScreen is the root over the fixed data set with shop-api-1 selected and its logs in.
func goldenScreen(t *testing.T, w, h int) Root {
	r := newRoot(t, newFake(), w, h)
	r, _ = press(t, r, "j", "j")
	r = update(t, r, linesFor(r, goldenLogs()...))
	r = update(t, r, containers.ActionDoneMsg{Action: "restart", ContainerID: "a1a1a1a1a1a1a1a1", Name: "shop-api-1"})
	return r
}

// TestGoldenScreens compares whole screens, colour stripped, with testdata/TestGoldenScreens/*.golden.
// Regenerate with: go test ./model -run TestGoldenScreens -update
func TestGoldenScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {160, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			requireGolden(t, goldenScreen(t, sz[0], sz[1]), sz[0], sz[1])
		})
	}
	t.Run("help-80x24", func(t *testing.T) {
		r := newRoot(t, newFake(), 80, 24)
		r, _ = press(t, r, "?")
		requireGolden(t, r, 0, 0)
	})
	t.Run("confirm-80x24", func(t *testing.T) {
		r := newRoot(t, newFake(), 80, 24)
		r, _ = press(t, r, "j", "j", "d")
		requireGolden(t, r, 0, 0)
	})
	t.Run("filter-80x24", func(t *testing.T) {
		r := newRoot(t, newFake(), 80, 24)
		r, _ = press(t, r, "/")
		r = typeText(t, r, "shop")
		requireGolden(t, r, 0, 0)
	})
}

// webLogs is what the two containers of frontend/web printed, for the Pods golden screens.
func webLogs() []views.LogLine {
	var ls []views.LogLine
	add := func(from string, s docker.Stream, text string) {
		ls = append(ls, views.LogLine{LogLine: docker.LogLine{Stream: s, Text: text}, From: from})
	}
	add("shop-web-1", docker.Stdout, "> shop-web@2.3.0 start: node server.js")
	add("shop-web-1", docker.Stdout, "listening on http://0.0.0.0:3000")
	add("shop-web-1", docker.Stdout, "connected to postgres at db:5432")
	for i := range 3 {
		add("shop-web-1", docker.Stdout, fmt.Sprintf("GET /products?page=%d 200 %dms", i+1, 11+i*3))
	}
	add("shop-web-2", docker.Stdout, "> shop-web@2.3.0 start: node server.js")
	add("shop-web-2", docker.Stdout, "listening on http://0.0.0.0:3000")
	add("shop-web-1", docker.Stdout, "GET /cart 200 9ms")
	add("shop-web-2", docker.Stderr, "Error: connect ECONNREFUSED 172.18.0.2:5432 (DATABASE_URL=postgres://db:5432/shop)")
	add("shop-web-2", docker.Stderr, "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)")
	add("shop-web-1", docker.Stdout, "POST /cart/items 201 31ms")
	return ls
}

// podsGoldenScreen is the Pods tab over the shop workspace with frontend/web selected, its
// two containers' logs in, and a test's result in the footer.
func podsGoldenScreen(t *testing.T, w, h int) Root {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, w, h)
	r = selectRow(t, r, "frontend/web")
	s := r.pods().LogStream()
	r = update(t, r, s.LinesMsg(webLogs()))
	r = update(t, r, podtab.ExecDoneMsg{Action: keymap.Test, Target: "frontend/web", Err: docker.ExitError{Code: 1}})
	return r
}

// TestGoldenPodsScreens compares the Pods tab's screens with testdata/TestGoldenPodsScreens/*.golden.
// Regenerate with: go test ./model -run TestGoldenPodsScreens -update
func TestGoldenPodsScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {160, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			requireGolden(t, podsGoldenScreen(t, sz[0], sz[1]), sz[0], sz[1])
		})
	}
	t.Run("broken-80x24", func(t *testing.T) {
		fp, fb := newShop(t)
		r := newPodsRoot(t, fp, fb, 80, 24)
		r = selectRow(t, r, "worker")
		r, _ = press(t, r, "u")
		requireGolden(t, r, 80, 24)
	})
	t.Run("prompt-80x24", func(t *testing.T) {
		fp, fb := newShop(t)
		r := newPodsRoot(t, fp, fb, 80, 24)
		r = selectRow(t, r, "frontend/web/frwe100000000000")
		r, _ = press(t, r, "e")
		r = typeText(t, r, "bin/rails db:migrate:status")
		requireGolden(t, r, 80, 24)
	})
	t.Run("none-80x24", func(t *testing.T) {
		r := newRoot(t, newFake(), 80, 24)
		r, _ = press(t, r, "1")
		requireGolden(t, r, 80, 24)
	})
	t.Run("help-80x24", func(t *testing.T) {
		fp, fb := newShop(t)
		r := newPodsRoot(t, fp, fb, 80, 24)
		r, _ = press(t, r, "?")
		requireGolden(t, r, 0, 0)
	})
}

// deployLogs is what web's old (r11) and new (r12) containers printed during the deploy, for
// the Deploys golden screens.
func deployLogs() []views.LogLine {
	var ls []views.LogLine
	add := func(from string, s docker.Stream, text string) {
		ls = append(ls, views.LogLine{LogLine: docker.LogLine{Stream: s, Text: text}, From: from})
	}
	add("web-r11-1", docker.Stdout, "GET /checkout 200 41ms")
	add("web-r12-1", docker.Stdout, "web 4.1.0 listening on :8080")
	add("web-r12-1", docker.Stdout, "GET /healthz 200 1ms")
	add("web-r11-1", docker.Stdout, "GET /cart 200 12ms")
	add("web-r12-1", docker.Stdout, "GET /healthz 200 1ms")
	add("web-r11-1", docker.Stderr, "SIGTERM in 12s: draining 3 connections")
	add("web-r12-1", docker.Stdout, "GET /checkout 200 38ms")
	return ls
}

// deploysGoldenScreen is the Deploys tab with web selected in the middle of its deploy (the
// old and new containers, the After delay counting down), their logs in where the pane is on
// screen, and a restart's result in the footer.
func deploysGoldenScreen(t *testing.T, w, h int) Root {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, w, h)
	r = selectService(t, r, "api")
	r, _ = press(t, r, "r")
	r, restart := press(t, r, "y") // restart api; its result comes last
	r = selectService(t, r, "web")
	if s := r.deploys().LogStream(); s != nil {
		r = update(t, r, s.LinesMsg(deployLogs()))
	}
	return update(t, r, runCmd(t, restart))
}

// TestGoldenDeploysScreens compares the Deploys tab's screens with testdata/TestGoldenDeploysScreens/*.golden.
// Regenerate with: go test ./model -run TestGoldenDeploysScreens -update
func TestGoldenDeploysScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {160, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			requireGolden(t, deploysGoldenScreen(t, sz[0], sz[1]), sz[0], sz[1])
		})
	}
	t.Run("logs-80x24", func(t *testing.T) {
		r := deploysGoldenScreen(t, 80, 24)
		r, _ = press(t, r, "l")
		s := r.deploys().LogStream()
		r = update(t, r, s.LinesMsg(deployLogs()))
		requireGolden(t, r, 80, 24)
	})
	t.Run("confirm-80x24", func(t *testing.T) {
		r := deploysGoldenScreen(t, 80, 24)
		r, _ = press(t, r, "b")
		requireGolden(t, r, 80, 24)
	})
	t.Run("none-80x24", func(t *testing.T) {
		r := newRoot(t, newFake(), 80, 24)
		r, _ = press(t, r, "2")
		requireGolden(t, r, 80, 24)
	})
	t.Run("help-80x24", func(t *testing.T) {
		r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 80, 24)
		r, _ = press(t, r, "?")
		requireGolden(t, r, 0, 0)
	})
}

// requireGolden is the one check of every golden screen. It renders r twice and fails, with
// the lines that differ, when the two renders are not the same: a screen must depend on the
// model's state alone, not on map order, the clock or an earlier View. Then, when w > 0, it
// checks the screen fits w×h, and compares it (trailing blanks dropped) with
// testdata/<test>.golden; -update rewrites that file.
func requireGolden(t *testing.T, r Root, w, h int) {
	t.Helper()
	s := screen(r)
	if again := screen(r); again != s {
		t.Fatalf("two renders of the same screen differ:\n%s", renderDiff(s, again))
	}
	if w > 0 {
		checkFits(t, s, w, h)
	}
	golden.RequireEqual(t, trimRight(s))
}

// renderDiff lists the lines where a and b differ, numbered from 1.
func renderDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			fmt.Fprintf(&out, "line %d:\n- %q\n+ %q\n", i+1, x, y)
		}
	}
	return out.String()
}

// trimRight drops trailing blanks, which golden files should not depend on.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
