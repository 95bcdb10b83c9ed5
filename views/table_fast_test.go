package views

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
)

// The list's fast paths exist for speed (bench/ BenchmarkTUIFrame*, BenchmarkTUIEventToFrame*)
// and must never change a screen: each is checked here against the general path, on text
// chosen to reach the corners (non-ASCII names, combining marks right after ASCII, wide and
// emoji characters, tabs, cut cells, a folded health column).

// awkward are texts that reach the corners of measuring and drawing.
func awkward() []string {
	return []string{
		"", "a", "app00-api-1", "e\u0301clair", "cafe\u0301", "x\u200dy", "漢字のサービス", "👍🏽 ok",
		"👨‍👩‍👧 family", "🇫🇷🇩🇪", "tab\there", "line\nbreak", "cr\r\nlf", "\x1b[31mred\x1b[m",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "ascii then \u0301", "\u0d4eprepend", "del\x7f",
		"bad\xffutf8", strings.Repeat("long-name-", 12), "trailing ", " ", "a\u0300\u0301\u0302",
		"keycap #\ufe0f\u20e3 1\ufe0f", "\u0e01\u0e33 thai", "ends in a prepend \u0d4e",
	}
}

// testContainers are n containers over a few projects and services, seeded.
func testContainers(seed uint64, n int) []docker.Container {
	r := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	odd := awkward()
	at := now()
	var cs []docker.Container
	for i := range n {
		c := docker.Container{
			ID:    fmt.Sprintf("%016x", r.Uint64()),
			Name:  fmt.Sprintf("%s-%d", pick("web", "db", "api", "e\u0301t\u00e9", "漢字", "w"), i),
			Image: pick("nginx", "postgres:16", "ghcr.io/acme/api:2.14.1", "image/with/a/very/long/name:and-a-tag", "イメージ"),
			State: pick("running", "running", "exited", "created", "paused", "restarting", "dead", "", "removing"),
		}
		if r.IntN(8) == 0 {
			c.Name = odd[r.IntN(len(odd))] + c.Name
		}
		if r.IntN(8) == 0 {
			c.Image += odd[r.IntN(len(odd))]
		}
		c.Health = pick("", "", "healthy", "unhealthy", "starting")
		switch r.IntN(4) {
		case 0:
			c.StartedAt = at.Add(-time.Duration(r.IntN(100000)) * time.Second)
		case 1:
			c.FinishedAt, c.ExitCode = at.Add(-time.Duration(r.IntN(100000))*time.Second), r.IntN(3)
		case 2:
			c.Status = pick("Up 2 minutes (healthy)", "Exited (1) About an hour ago", "Created", "Up Less than a second")
		}
		for range r.IntN(3) {
			p := docker.Port{HostIP: pick("", "0.0.0.0", "::", "127.0.0.1"), HostPort: uint16(r.IntN(3) * 8080), ContainerPort: 80, Proto: pick("tcp", "udp")}
			c.Ports = append(c.Ports, p, p)
		}
		if r.IntN(5) > 0 {
			c.Labels = labels(pick("shop", "blog", "漢字", "a\u0301pp", "x"), pick("", "web", "db", "ワーカー"))
		}
		cs = append(cs, c)
	}
	return cs
}

// testThemes are the themes a list is drawn in.
func testThemes() map[string]Theme {
	return map[string]Theme{"dark": NewThemeFor(false, true), "light": NewThemeFor(false, false), "no colour": NewTheme(true)}
}

func TestLineWidthIsStringWidth(t *testing.T) {
	th := NewTheme(false)
	var inputs []string
	for _, s := range awkward() {
		inputs = append(inputs, s, th.OK.Render(s)+" tail", "x"+s, s+"x", th.Selected.Render("a"+s+"b"))
	}
	for _, s := range inputs {
		if got, want := lineWidth(s), ansi.StringWidth(s); got != want {
			t.Errorf("lineWidth(%q) = %d, want %d (ansi.StringWidth)", s, got, want)
		}
	}
}

func FuzzLineWidth(f *testing.F) {
	for _, s := range awkward() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lineWidth(s), ansi.StringWidth(s); got != want {
			t.Errorf("lineWidth(%q) = %d, want %d (ansi.StringWidth)", s, got, want)
		}
	})
}

// The brush's shortcut must draw what Render draws, for every style of the themes and for
// styles it must refuse.
func TestBrushDrawsAsRender(t *testing.T) {
	styles := map[string]lipgloss.Style{
		"padding":   lipgloss.NewStyle().Padding(0, 1),
		"width":     lipgloss.NewStyle().Width(12),
		"border":    lipgloss.NewStyle().Border(lipgloss.NormalBorder()),
		"underline": lipgloss.NewStyle().Underline(true),
		"strike":    lipgloss.NewStyle().Strikethrough(true),
		"transform": lipgloss.NewStyle().Transform(strings.ToUpper),
		"max width": lipgloss.NewStyle().MaxWidth(3),
		"margin":    lipgloss.NewStyle().MarginLeft(2),
		"link":      lipgloss.NewStyle().Hyperlink("http://example.com").Bold(true),
		"value":     lipgloss.NewStyle().SetString("pre").Bold(true),
		"tab width": lipgloss.NewStyle().TabWidth(2).Faint(true),
		"bold off":  lipgloss.NewStyle().Bold(false),
	}
	for name, th := range testThemes() {
		v := reflect.ValueOf(th)
		for i := range v.NumField() {
			if st, ok := v.Field(i).Interface().(lipgloss.Style); ok {
				styles[name+" "+v.Type().Field(i).Name] = st
				styles[name+" "+v.Type().Field(i).Name+" on the bar"] = st.Inherit(th.Selected)
			}
		}
		styles[name+" standalone"] = th.Dim.Bold(!th.NoColor)
	}
	refused := 0
	for name, st := range styles {
		b := brushOf(st)
		if !b.ok {
			refused++
		}
		for _, text := range append(awkward(), "plain", "two words", "\x00") {
			if got, want := b.draw(text), st.Render(text); text != "" && got != want {
				t.Errorf("%s: draw(%q) = %q, want %q (Render)", name, text, got, want)
			}
		}
	}
	if refused < 8 {
		t.Errorf("only %d styles refused the shortcut; padding, width, border, underline, strikethrough, transform, max width and margin must", refused)
	}
}

// GroupContainers puts every container once under its project and service header, counts
// them in the headers, and leaves its input alone.
func TestGroupContainersKeepsEveryContainer(t *testing.T) {
	for seed := range uint64(20) {
		cs := testContainers(seed, int(seed)*13)
		before := append([]docker.Container(nil), cs...)
		rows := GroupContainers(cs)
		if !reflect.DeepEqual(cs, before) {
			t.Fatalf("seed %d: GroupContainers changed its input", seed)
		}
		seen := map[string]int{}
		for i, r := range rows {
			if r.Kind != ContainerRow {
				continue
			}
			seen[r.Container.ID]++
			if p := r.Container.Labels[docker.LabelComposeProject]; p != r.Project {
				t.Fatalf("seed %d: %s (project %q) is under %q", seed, r.Container.Name, p, r.Project)
			}
			if i == 0 || rows[i-1].Depth >= r.Depth && rows[i-1].Kind != ContainerRow {
				t.Fatalf("seed %d: %s has no header above it", seed, r.Container.Name)
			}
		}
		for _, c := range cs {
			if seen[c.ID] != 1 {
				t.Fatalf("seed %d: %s is in the tree %d times", seed, c.Name, seen[c.ID])
			}
		}
		for i, r := range rows {
			if r.Kind != ProjectRow {
				continue
			}
			n := 0
			for _, c := range rows[i+1:] {
				if c.Kind == ProjectRow {
					break
				}
				if c.Kind == ContainerRow {
					n++
				}
			}
			if r.Total != n {
				t.Fatalf("seed %d: project %q counts %d containers, has %d", seed, r.Project, r.Total, n)
			}
		}
	}
}

// The list fits any size, scrolled, with the cursor anywhere (or nowhere), marks, a filter,
// focus or not, in every theme, whatever the names hold (the golden screens fix its look).
func TestContainerListFits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for name, th := range testThemes() {
		for seed := range uint64(12) {
			rows := GroupContainers(testContainers(seed, 1+int(seed)*9))
			for range 12 {
				d := ListData{
					Rows: rows, Cursor: r.IntN(len(rows)+2) - 1, Offset: r.IntN(len(rows) + 1), Focused: r.IntN(2) == 0,
					Now: now(), Total: len(rows) + 3, Waiting: r.IntN(9) == 0,
				}
				if r.IntN(3) == 0 {
					d.Filter = "we\u0301b"
				}
				if r.IntN(2) == 0 {
					d.Marked = make([]bool, len(rows))
					for i := range d.Marked {
						d.Marked[i] = r.IntN(4) == 0
					}
				}
				w, h := 1+r.IntN(200), 1+r.IntN(30)
				lines := strings.Split(ContainerList(th, d, w, h), "\n")
				if len(lines) != h {
					t.Fatalf("%s, seed %d, %dx%d: %d lines", name, seed, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%s, seed %d, %dx%d: line %d is %d wide: %q", name, seed, w, h, i, lw, l)
					}
				}
			}
		}
	}
}

// A line is padded with spaces after its last cell; when that cell ends in a character that
// joins the next one into a grapheme (a prepend), the spaces add less than their count, and
// the line must still fill the pane exactly.
func TestRowEndingInAJoiningCharacter(t *testing.T) {
	th := NewTheme(true)
	spec := tableSpec{titles: []string{"NAME"}, foldFrom: -1, foldInto: -1}
	for _, text := range []string{"abc\u0d4e", "abcd", "ab\u0d4e\u0d4e", "漢字"} {
		cells := [][]cell{{one(text, th.Text)}, {one("x", th.Text)}}
		for _, cursor := range []int{-1, 0} {
			got := tablePane{
				spec: spec, title: "T", rows: len(cells), widths: measureCells(spec, cells),
				cells:  func(i int) []cell { return cells[i] },
				cursor: cursor, focused: true,
			}.render(th, 12, 4)
			for i, l := range strings.Split(got, "\n") {
				if lw := ansi.StringWidth(l); lw > 12 || (i > 0 && i < 3 && lw != 12 && !strings.Contains(l, "\u0d4e")) {
					t.Errorf("%q, cursor %d: line %d is %d wide: %q", text, cursor, i, lw, l)
				}
			}
			if !strings.Contains(got, text) {
				t.Errorf("%q, cursor %d: the cell is not on screen:\n%s", text, cursor, got)
			}
		}
	}
}

// A row's age and ports are written into its buffer without Since and PortsText, and must
// read the same.
func TestRowTextAsSinceAndPortsText(t *testing.T) {
	cs := testContainers(9, 300)
	at := now()
	for _, d := range []time.Duration{-time.Second, 0, 999 * time.Millisecond, time.Second, 59 * time.Second,
		time.Minute, 59*time.Minute + 59*time.Second, time.Hour, 47*time.Hour + 59*time.Minute, 48 * time.Hour, 400 * 24 * time.Hour} {
		for _, st := range []string{"running", "paused", "exited", "dead", "restarting", "created", ""} {
			cs = append(cs,
				docker.Container{State: st, StartedAt: at.Add(-d), Status: "Up 3 hours"},
				docker.Container{State: st, FinishedAt: at.Add(-d), ExitCode: 2},
				docker.Container{State: st, FinishedAt: at.Add(-d), Status: "Exited (137) 2 days ago"},
				docker.Container{State: st, Created: at.Add(-d)})
		}
	}
	var many []docker.Port
	for i := range 12 {
		many = append(many, docker.Port{HostPort: uint16(8000 + i%10), ContainerPort: 80})
	}
	cs = append(cs,
		docker.Container{Ports: many},
		docker.Container{Ports: many[:maxPortsInline]},
		docker.Container{Ports: []docker.Port{{HostIP: strings.Repeat("é", 210), HostPort: 1, ContainerPort: 2}}},
		docker.Container{Ports: []docker.Port{{HostIP: "::1", HostPort: 53, ContainerPort: 53, Proto: "udp"}, {HostPort: 0, ContainerPort: 9}}},
		docker.Container{State: "exited", Status: "Exited\t(1) \x1b[31m5 minutes\x1b[m ago " + strings.Repeat("x", 70)})
	for i := range cs {
		c := &cs[i]
		if got, want := string(appendSince([]byte("x"), c, at)), "x"+Since(*c, at); got != want {
			t.Errorf("appendSince(%+v) = %q, want %q (Since)", *c, got, want)
		}
		if got, want := string(appendPorts([]byte("x"), c.Ports)), "x"+PortsText(c.Ports); got != want {
			t.Errorf("appendPorts(%v) = %q, want %q (PortsText)", c.Ports, got, want)
		}
		for _, n := range []int{0, 5, 60, 200} {
			s := Since(*c, at) + PortsText(c.Ports)
			if got, want := string(cleanFrom([]byte("x"+s), 1, n)), "x"+Clean(s, n); got != want {
				t.Errorf("cleanFrom(%q, %d) = %q, want %q (Clean)", s, n, got, want)
			}
		}
	}
}
