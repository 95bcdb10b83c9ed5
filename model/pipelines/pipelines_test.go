package pipelines

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// The tab's own tests: the list, the tree, the controls and the saved runs followed, driven
// through the harness (harness_test.go). The whole screens (goldens, fitting) are model's.

func TestPipelinesRows(t *testing.T) {
	r := newTab(t, newFakePipelines(), 120, 40)
	var got []string
	for _, row := range r.rows {
		got = append(got, rowKey(row))
	}
	want := []string{"ci", "ci/20261121-1150-a1b2", "ci/20261120-0900-ffff", "broken", "nightly", "nightly/20261121-1158-c3d4"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	s := screen(r)
	for _, w := range []string{"20261121-1150-a1b2 ✖ error 10m ago 7m", "20261120-0900-ffff ✓ done 27h ago 3m",
		"broken ✖ pipelines/broken.yml:3", "20261121-1158-c3d4 ● running 2m ago 2m"} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
}

func TestPipelinesTree(t *testing.T) {
	r := openCI(t, newTab(t, newFakePipelines(), 120, 40))
	if r.run == nil || r.run.ID != "20261121-1150-a1b2" {
		t.Fatalf("run not shown")
	}
	s := screen(r)
	for _, w := range []string{
		"✖ ci error  1✓ 2✖ 1⊘ 1◌",
		"  ✓ build done 1m",
		"  ✖ test error  2✖ 1⊘",
		"    ✖ unit error 42s ×2 exit 2",
		"    ⊘ lint killed 5m",
		"  ↷ deploy pending, skipped",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
}

func TestPipelinesNextErrorAndOutput(t *testing.T) {
	r := openCI(t, newTab(t, newFakePipelines(), 120, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	if got := r.selectedNode(); got != "/test/unit" {
		t.Fatalf("n went to %s", got)
	}
	s := screen(r)
	for _, w := range []string{"[Output]│", "─ /test/unit #2 ─", "--- PASS: TestCart", "▌ cart_test.go:42: want 3 items, got 2"} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
	if strings.Contains(s, "\x1b[31m") {
		t.Errorf("escape sequence kept")
	}
	r, _ = press(t, r, "n")
	if got := r.selectedNode(); got != "/test/e2e" {
		t.Fatalf("second n went to %s", got)
	}
	r, _ = press(t, r, "n")
	if got := r.selectedNode(); got != "/test/unit" {
		t.Fatalf("n does not wrap: %s", got)
	}
}

func TestPipelinesKeys(t *testing.T) {
	const id = "20261121-1150-a1b2"
	cases := []struct {
		keys []string
		want string
	}{
		{[]string{"n", "R"}, "rerun ci " + id + " /test/unit"},
		{[]string{"n", "s"}, "skip ci " + id + " /test/unit true"},
		{[]string{"G", "s"}, "skip ci " + id + " /deploy false"},
		{[]string{"n", "d"}, "debug ci " + id + " /test/unit live=false"},
		{[]string{"n", "D"}, "debug ci " + id + " /test/unit live=true"},
		{[]string{"K", "y"}, "kill ci " + id},
		{[]string{"esc", "R"}, "rerun ci " + id + " /"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.keys, ""), func(t *testing.T) {
			fp := newFakePipelines()
			r := openCI(t, newTab(t, fp, 120, 40))
			var cmd tea.Cmd
			for _, k := range c.keys {
				r, cmd = press(t, r, k)
				r = runPipeCmd(t, r, cmd)
			}
			if calls := fp.Calls(); !slices.Contains(calls, c.want) {
				t.Errorf("calls %q, want %q", calls, c.want)
			}
		})
	}
	t.Run("kill-no", func(t *testing.T) {
		fp := newFakePipelines()
		r := openCI(t, newTab(t, fp, 80, 24))
		r, _ = press(t, r, "K")
		if !strings.Contains(screen(r), "Kill run "+id+"?") {
			t.Errorf("no question:\n%s", screen(r))
		}
		r, cmd := press(t, r, "n")
		r = runPipeCmd(t, r, cmd)
		for _, c := range fp.Calls() {
			if strings.HasPrefix(c, "kill") {
				t.Errorf("killed after no: %q", fp.Calls())
			}
		}
	})
	t.Run("start", func(t *testing.T) {
		fp := newFakePipelines()
		r := newTab(t, fp, 80, 24)
		r, cmd := press(t, r, "enter")
		r = runPipeCmd(t, r, cmd)
		if !slices.Contains(fp.Calls(), "start ci") {
			t.Errorf("calls %q", fp.Calls())
		}
		if !strings.Contains(screen(r), "no engine") {
			t.Errorf("error not in footer:\n%s", screen(r))
		}
		// A broken file does not start.
		r, cmd = press(t, r, "j", "j", "j", "enter")
		r = runPipeCmd(t, r, cmd)
		if slices.Contains(fp.Calls(), "start broken") {
			t.Errorf("started a broken file")
		}
	})
	t.Run("filter", func(t *testing.T) {
		r := newTab(t, newFakePipelines(), 80, 24)
		r, _ = press(t, r, "/")
		r = typeText(t, r, "night")
		if n := len(r.rows); n != 2 {
			t.Errorf("%d rows after filtering", n)
		}
	})
	t.Run("filter-blanks", func(t *testing.T) {
		// Blanks around the query do not count, as in the other tabs' filters.
		r := newTab(t, newFakePipelines(), 80, 24)
		r, _ = press(t, r, "/")
		r = typeText(t, r, "night ")
		if n := len(r.rows); n != 2 {
			t.Errorf("%d rows after filtering with a trailing blank", n)
		}
	})
}

func TestPipelinesChangedReloads(t *testing.T) {
	fp := newFakePipelines()
	r := openCI(t, newTab(t, fp, 120, 40))
	next := ciRun()
	next.Nodes["/deploy"].Skipped = false
	fp.Put(next)
	fp.Notify(next.ID)
	r = runPipeCmd(t, r, r.watch())
	if r.run != next {
		t.Fatalf("shown run not reloaded")
	}
	if strings.Contains(screen(r), "skipped") {
		t.Errorf("stale tree:\n%s", screen(r))
	}
	// A change to another run reloads the list only.
	loads := len(fp.Calls())
	fp.Notify("20261121-1158-c3d4")
	r = runPipeCmd(t, r, r.watch())
	if got := fp.Calls()[loads:]; len(got) != 0 {
		t.Errorf("loaded %q for another run", got)
	}
}

func TestPipelinesNoBackend(t *testing.T) {
	r := newTab(t, nil, 80, 24)
	if s := screen(r); !strings.Contains(s, "No pipelines: add pipelines/<name>.yml to the workspace") {
		t.Errorf("screen:\n%s", s)
	}
}

// TestPipelinesRunningFooterAndCursor: while the run shown is running, its tree marks the
// selected node with the cursor's glyph when it has the focus, and the footer keeps K kill
// even at 80 columns with a message beside the hints.
func TestPipelinesRunningFooterAndCursor(t *testing.T) {
	r := newTab(t, newFakePipelines(), 80, 24)
	r, cmd := press(t, r, "j", "j", "j", "j", "j", "enter") // nightly's running run
	r = runPipeCmd(t, r, cmd)
	if r.run == nil || r.run.Status != "running" {
		t.Fatalf("the running run is not shown")
	}
	r, _ = update(t, r, pipelineActionMsg{what: "started run 20261121-1158-c3d4 of nightly"})
	lines := strings.Split(screen(r), "\n")
	footer := lines[len(lines)-1]
	if !strings.Contains(footer, "K kill") {
		t.Errorf("no K kill in the footer during a run: %q", footer)
	}
	if !strings.Contains(screen(r), "│▌✓ nightly") && !strings.Contains(screen(r), "│▌● nightly") {
		t.Errorf("the focused tree's selected node has no cursor mark:\n%s", screen(r))
	}
	r, _ = press(t, r, "tab") // the output has the focus: the tree shows no cursor glyph
	if strings.Contains(screen(r), "▌● nightly") {
		t.Errorf("the cursor mark stays on the tree without the focus:\n%s", screen(r))
	}
}
