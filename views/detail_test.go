package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/secret"
)

func statsOf(cpu []float64) []docker.Stats {
	out := make([]docker.Stats, len(cpu))
	for i, c := range cpu {
		out[i] = docker.Stats{Time: time.Unix(int64(i), 0), CPUPercent: c, MemUsage: 10 << 20, MemLimit: 100 << 20}
	}
	return out
}

func TestEnvLinesMask(t *testing.T) {
	th := NewTheme(true)
	got := EnvLines(th, secret.Masker{}, EnvFromList([]string{"PATH=/bin", "DB_PASSWORD=hunter2", "EMPTY_TOKEN=", "FLAG", "A=b=c"}))
	want := []string{
		"  A            b=c",
		"  DB_PASSWORD  ••••••",
		"  EMPTY_TOKEN",
		"  FLAG         (unset)",
		"  PATH         /bin",
	}
	if len(got) != len(want) {
		t.Fatalf("lines %q", got)
	}
	for i := range want {
		if g := strings.TrimRight(ansi.Strip(got[i]), " "); g != want[i] {
			t.Errorf("line %d = %q, want %q", i, g, want[i])
		}
	}
}

func TestWithTabs(t *testing.T) {
	th := NewTheme(true)
	tabs := DetailTabs{Titles: []string{"Logs", "Config", "Env"}, Active: 0}
	for _, c := range []struct {
		name       string
		pane       string
		tabs       DetailTabs
		head, tail string // the line is head, then rule characters, then tail
	}{
		{"the active title and its separator give way", rule(th, "Logs · shop-api-1", "● following", 60, false), tabs,
			"─[Logs]│ Config │ Env ─ shop-api-1 ─", "─ ● following ─"},
		{"another title stays", rule(th, "shop-api-1", "a1a1", 60, false), DetailTabs{Titles: tabs.Titles, Active: 1},
			"─ Logs │[Config]│ Env ─ shop-api-1 ─", "─ a1a1 ─"},
		{"a bare title", rule(th, "Logs", "", 40, false), tabs, "─[Logs]│ Config │ Env ─", "─"},
		{"the title's rest after a blank", rule(th, "Output /test/unit #2", "", 50, false), DetailTabs{Titles: []string{"Output", "Attempts"}},
			"─[Output]│ Attempts ─ /test/unit #2 ─", "─"},
		{"narrow: the title is cut, the note stays", rule(th, "Logs · shop-api-1", "● following", 46, false), tabs,
			"─[Logs]│ Config │ Env ─ shop-… ", "─ ● following ─"},
		{"too narrow: the note goes", rule(th, "Logs · web", "● following", 30, false), tabs,
			"─[Logs]│ Config │ Env ─ web ─", "─"},
		{"not a rule: left alone", "  no rule here", tabs, "  no rule here", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := ansi.StringWidth(c.pane)
			got := ansi.Strip(WithTabs(th, c.pane+"\nsecond line", c.tabs, w))
			first, rest, _ := strings.Cut(got, "\n")
			mid, ok := strings.CutPrefix(first, c.head)
			if ok {
				mid, ok = strings.CutSuffix(mid, c.tail)
			}
			if !ok || strings.Trim(mid, "─") != "" || ansi.StringWidth(first) != w {
				t.Errorf("got %q (%d cells), want %q ─… %q in %d", first, ansi.StringWidth(first), c.head, c.tail, w)
			}
			if rest != "second line" {
				t.Errorf("the rest of the pane changed: %q", rest)
			}
		})
	}
	// With colour the active tab is styled apart from the others; without it, reverse video.
	for _, nc := range []bool{false, true} {
		th := NewTheme(nc)
		got := WithTabs(th, rule(th, "Logs · x", "", 40, false), tabs, 40)
		if !strings.Contains(got, th.TabActive.Render("[Logs]")) {
			t.Errorf("noColor=%v: the active tab is not drawn as TabActive: %q", nc, got)
		}
	}
}

func TestDetailPane(t *testing.T) {
	th := NewTheme(true)
	lines := make([]string, 30)
	for i := range lines {
		lines[i] = "  line " + string(rune('A'+i%26))
	}
	d := DetailText{Title: "web", Note: "specs/web.yml", Lines: lines, Top: 5}
	got := strings.Split(ansi.Strip(DetailPane(th, d, 40, 10)), "\n")
	if len(got) != 10 {
		t.Fatalf("%d lines", len(got))
	}
	if !strings.HasPrefix(got[0], "─ web ─") || !strings.HasSuffix(got[0], "specs/web.yml ↑5 ↓16 ─") {
		t.Errorf("rule %q", got[0])
	}
	if strings.TrimSpace(got[1]) != "line F" || strings.TrimSpace(got[9]) != "line N" {
		t.Errorf("lines from Top 5: %q … %q", got[1], got[9])
	}
	// Top past the end stops at the last screenful.
	d.Top = 100
	got = strings.Split(ansi.Strip(DetailPane(th, d, 40, 10)), "\n")
	if strings.TrimSpace(got[9]) != "line D" || strings.Contains(got[0], "↓") {
		t.Errorf("clamped: rule %q, last %q", got[0], got[9])
	}
	// Nothing to show: the pane says why, in red for an error.
	if s := ansi.Strip(DetailPane(th, DetailText{Title: "x", Empty: "reading x…"}, 30, 3)); !strings.Contains(s, "  reading x…") {
		t.Errorf("empty pane %q", s)
	}
	if s := ansi.Strip(DetailPane(th, DetailText{Title: "x", Err: "inspect: gone"}, 30, 3)); !strings.Contains(s, "  inspect: gone") {
		t.Errorf("error pane %q", s)
	}
	for _, l := range strings.Split(DetailPane(th, d, 17, 4), "\n") {
		if ansi.StringWidth(l) != 17 {
			t.Errorf("line %q is not 17 wide", l)
		}
	}
}

func TestStatsLines(t *testing.T) {
	th := NewTheme(true)
	samples := statsOf([]float64{0, 10, 20, 40})
	samples[3].NetRx, samples[3].NetTx, samples[3].BlockRead, samples[3].PIDs = 1_500_000, 2048, 0, 3
	got := StatsLines(th, samples, 40)
	want := []string{
		"  CPU       40.0%  peak 40.0%",
		"  ▁▃▅█",
		"  Memory    10.0MiB / 100.0MiB (10.0%)  peak 10.0MiB",
		"  ████",
		"  Net I/O   ↓ 1.5MB received · ↑ 2.0kB sent",
		"  Block I/O 0B read · 0B written",
		"  PIDs      3",
		"  4 samples, about one a second",
	}
	for i := range want {
		if i >= len(got) || ansi.Strip(got[i]) != want[i] {
			t.Errorf("line %d = %q, want %q", i, ansi.Strip(strings.Join(got, "\n")), want[i])
			break
		}
	}
	if StatsLines(th, nil, 40) != nil {
		t.Error("lines without samples")
	}
}

func TestFileLines(t *testing.T) {
	got := FileLines(NewTheme(true), "a: 1\r\n\tb: 2\n\n"+strings.Repeat("x\n", 8)+"last\n")
	if len(got) != 12 {
		t.Fatalf("%d lines: %q", len(got), got)
	}
	if ansi.Strip(got[0]) != "  1  a: 1" || ansi.Strip(got[1]) != "  2      b: 2" || ansi.Strip(got[11]) != " 12  last" {
		t.Errorf("lines %q", got)
	}
}

func TestDetailTabAt(t *testing.T) {
	th := NewTheme(true)
	d := DetailTabs{Titles: []string{"Logs", "Config", "Env"}, Active: 1}
	line := ansi.Strip(WithTabs(th, rule(th, "web", "", 40, false), d, 40))
	for x, r := range []rune(line) {
		want := -1
		switch {
		case x >= 1 && x <= 6: // " Logs "
			want = 0
		case x >= 8 && x <= 15: // "[Config]"
			want = 1
		case x >= 17 && x <= 21: // " Env "
			want = 2
		}
		if got := DetailTabAt(d, x); got != want {
			t.Errorf("cell %d (%q of %q): tab %d, want %d", x, r, line, got, want)
		}
	}
}
