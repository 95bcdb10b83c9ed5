package views

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
)

func TestLogQuerySmartCase(t *testing.T) {
	cases := []struct {
		q, s  string
		match bool
	}{
		{"error", "ERROR payment failed", true},
		{"Error", "ERROR payment failed", false},
		{"Error", "Error: payment failed", true},
		{"école", "ÉCOLE primaire", true},
		{"[warn]", "2026 [WARN] disk", true},
		{"", "anything", false},
		{"xyz", "", false},
	}
	for _, c := range cases {
		if got := NewLogQuery(c.q).Match(c.s); got != c.match {
			t.Errorf("%q in %q: %v, want %v", c.q, c.s, got, c.match)
		}
	}
	if got := NewLogQuery("ab").Ranges("xABxabAb"); !slices.Equal(got, [][2]int{{1, 3}, {4, 6}, {6, 8}}) {
		t.Errorf("ranges %v", got)
	}
	if got := NewLogQuery("aa").Ranges("aaaa"); !slices.Equal(got, [][2]int{{0, 2}, {2, 4}}) {
		t.Errorf("overlapping ranges %v", got)
	}
}

func logLines(texts ...string) []LogLine {
	out := make([]LogLine, len(texts))
	for i, s := range texts {
		out[i] = LogLine{LogLine: docker.LogLine{Stream: docker.Stdout, Text: s}}
	}
	return out
}

func TestLogsPaneHighlightsMatches(t *testing.T) {
	th := NewTheme(true) // NO_COLOR: matches in reverse video
	d := LogsData{Name: "web-1", Lines: logLines("GET /a 200", "POST /b 201", "GET /c 500"), Following: true,
		Search: LogSearch{Query: "get", Count: 2, Current: 2, Line: 2}}
	rows := strings.Split(LogsPane(th, d, 50, 4), "\n")
	if want := th.Match.Render("GET"); !strings.Contains(rows[1], want) {
		t.Errorf("first match not highlighted: %q", rows[1])
	}
	if want := th.MatchCurrent.Render("GET"); !strings.Contains(rows[3], want) {
		t.Errorf("current match not highlighted as current: %q", rows[3])
	}
	if strings.Contains(rows[2], "\x1b[7m") {
		t.Errorf("a line without a match is highlighted: %q", rows[2])
	}
	if rule := ansi.Strip(rows[0]); !strings.Contains(rule, "● following · /get 2/2") {
		t.Errorf("rule %q", rule)
	}
}

func TestLogsPaneWrapsFromTheBottomWhileFollowing(t *testing.T) {
	th := NewTheme(true)
	long := strings.Repeat("x", 25) + "END"
	d := LogsData{Name: "web-1", Lines: logLines("one", "two", long), Following: true, Wrap: true}
	s := ansi.Strip(LogsPane(th, d, 12, 5))
	rows := strings.Split(s, "\n")
	// 28 characters in rows of 10 cells: three rows, the newest line ending on the last row.
	if rows[1] != "  two       " || rows[2] != "  xxxxxxxxxx" || rows[4] != "  xxxxxEND  " {
		t.Fatalf("wrapped pane:\n%s", s)
	}
	for i, r := range rows {
		if ansi.StringWidth(r) != 12 {
			t.Fatalf("row %d is %d wide", i, ansi.StringWidth(r))
		}
	}
}

func TestLogsPaneNoteFitsTheRule(t *testing.T) {
	th := NewTheme(true)
	var texts []string
	for i := range 40 {
		texts = append(texts, fmt.Sprint("line ", i))
	}
	d := LogsData{Name: "shop-api-1", Lines: logLines(texts...), Top: 3, Wrap: true,
		Search: LogSearch{Query: "a-rather-long-query", Count: 17, Current: 3, Line: 5, Only: true}}
	for _, w := range []int{120, 60, 44} {
		rule := ansi.Strip(strings.Split(LogsPane(th, d, w, 6), "\n")[0])
		if !strings.Contains(rule, "‖ paused") || !strings.HasSuffix(rule, " ─") || ansi.StringWidth(rule) != w {
			t.Errorf("at %d the note does not fit: %q", w, rule)
		}
		if w == 120 && !strings.Contains(rule, "/a-rather-long-query 3/17 · only matching · wrap · 40 lines") {
			t.Errorf("wide rule: %q", rule)
		}
	}
	// Typing shows the query with a cursor; no count yet.
	d.Search = LogSearch{Query: "err", Typing: true}
	if rule := ansi.Strip(LogsPane(th, d, 80, 4)); !strings.Contains(rule, "/err▏") {
		t.Errorf("typing: %q", rule)
	}
}
