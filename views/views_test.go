package views

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/keymap"
)

func now() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

func labels(project, service string) map[string]string {
	return map[string]string{docker.LabelComposeProject: project, docker.LabelComposeService: service}
}

func TestClean(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 10, "plain"},
		{"a\tb", 10, "a   b"},
		{"\x1b[31mred\x1b[0m done", 20, "red done"},
		{"osc \x1b]0;title\x07after", 20, "osc after"},
		{"bell\x07 cr\r bs\b", 20, "bell cr bs"},
		{"0123456789", 5, "0123…"},
		{"界界界", 4, "界…"},
		{"bad \xff byte", 20, "bad � byte"},
		{"anything", 0, ""},
	}
	for _, c := range cases {
		if got := Clean(c.in, c.max); got != c.want {
			t.Errorf("Clean(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
	huge := strings.Repeat("x", 90000)
	if got := Clean(huge, 80); ansi.StringWidth(got) != 80 {
		t.Errorf("huge line cleaned to width %d", ansi.StringWidth(got))
	}
}

func TestSince(t *testing.T) {
	n := now()
	cases := []struct {
		c    docker.Container
		want string
	}{
		{docker.Container{State: "running", StartedAt: n.Add(-3 * time.Minute)}, "up 3m"},
		{docker.Container{State: "running", StartedAt: n.Add(-30 * time.Hour)}, "up 30h"},
		{docker.Container{State: "running", StartedAt: n.Add(-5 * 24 * time.Hour)}, "up 5d"},
		{docker.Container{State: "exited", ExitCode: 137, FinishedAt: n.Add(-5 * time.Minute)}, "exited (137) 5m ago"},
		{docker.Container{State: "created", Created: n.Add(-time.Hour)}, "created 1h ago"},
		// From a list: docker's status text, shortened, without the health.
		{docker.Container{State: "running", Status: "Up 2 minutes (healthy)"}, "up 2m"},
		{docker.Container{State: "running", Status: "Up About an hour"}, "up ~1h"},
		{docker.Container{State: "exited", Status: "Exited (1) 5 days ago"}, "exited (1) 5d ago"},
		{docker.Container{State: "dead"}, "dead"},
	}
	for _, c := range cases {
		if got := Since(c.c, n); got != c.want {
			t.Errorf("Since(%+v) = %q, want %q", c.c, got, c.want)
		}
	}
}

func TestPortsText(t *testing.T) {
	ps := []docker.Port{
		{ContainerPort: 9000, Proto: "tcp"}, // exposed only
		{HostIP: "0.0.0.0", HostPort: 5000, ContainerPort: 5000, Proto: "tcp"},
		{HostIP: "::", HostPort: 5000, ContainerPort: 5000, Proto: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 8053, ContainerPort: 53, Proto: "udp"},
	}
	if got, want := PortsText(ps), "5000->5000, 127.0.0.1:8053->53/udp"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestGroupContainers(t *testing.T) {
	cs := []docker.Container{
		{ID: "1", Name: "lone", State: "running"},
		{ID: "2", Name: "b-web-2", State: "running", Labels: labels("b", "web")},
		{ID: "3", Name: "a-db-1", State: "exited", Labels: labels("a", "db")},
		{ID: "4", Name: "b-web-1", State: "exited", Labels: labels("b", "web")},
		{ID: "5", Name: "b-oneoff", State: "running", Labels: labels("b", "")},
	}
	rows := GroupContainers(cs)
	var got []string
	for _, r := range rows {
		got = append(got, strings.Repeat(".", r.Depth)+r.Label())
	}
	want := "a,.db,..a-db-1,b,.b-oneoff,.web,..b-web-1,..b-web-2,standalone,.lone"
	if strings.Join(got, ",") != want {
		t.Fatalf("tree\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	if b := rows[3]; b.Total != 3 || b.Up != 2 {
		t.Errorf("project b counts %d/%d", b.Up, b.Total)
	}
	if w := rows[5]; w.Total != 2 || w.Up != 1 {
		t.Errorf("service web counts %d/%d", w.Up, w.Total)
	}
}

func listRows() []TreeRow {
	return GroupContainers([]docker.Container{
		{ID: "1", Name: "shop-api-1", Image: "ghcr.io/podium/shop-api:1.4.2", State: "running", Health: "unhealthy",
			StartedAt: now().Add(-time.Minute), Labels: labels("shop", "api"),
			Ports: []docker.Port{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}},
		{ID: "2", Name: "shop-db-1", Image: "postgres:16", State: "exited", ExitCode: 1, FinishedAt: now().Add(-time.Hour), Labels: labels("shop", "db")},
	})
}

func TestContainerListColumnsGiveWay(t *testing.T) {
	th := NewTheme(true)
	wide := ansi.Strip(ContainerList(th, ListData{Rows: listRows(), Cursor: 2, Now: now(), Focused: true}, 140, 8))
	for _, h := range []string{"NAME", "STATE", "HEALTH", "IMAGE", "PORTS", "STATUS", "127.0.0.1:8080->80", "unhealthy"} {
		if !strings.Contains(wide, h) {
			t.Errorf("140 columns lack %q:\n%s", h, wide)
		}
	}
	narrow := ansi.Strip(ContainerList(th, ListData{Rows: listRows(), Cursor: 2, Now: now(), Focused: true}, 60, 8))
	if strings.Contains(narrow, "PORTS") || strings.Contains(narrow, "8080") {
		t.Errorf("ports kept at 60 columns:\n%s", narrow)
	}
	if !strings.Contains(narrow, "shop-api-1") || !strings.Contains(narrow, "unhealthy") {
		t.Errorf("name or health lost at 60 columns:\n%s", narrow)
	}
	tiny := ansi.Strip(ContainerList(th, ListData{Rows: listRows(), Cursor: 2, Now: now(), Focused: true}, 30, 8))
	if !strings.Contains(tiny, "● unhealthy") {
		t.Errorf("health not folded into the state at 30 columns:\n%s", tiny)
	}
	for _, s := range []string{wide, narrow, tiny} {
		for _, l := range strings.Split(s, "\n") {
			if w := ansi.StringWidth(l); w > 140 {
				t.Fatalf("line too wide: %d", w)
			}
		}
	}
	if got := len(strings.Split(tiny, "\n")); got != 8 {
		t.Errorf("height %d", got)
	}
}

func TestNoColorKeepsMeaning(t *testing.T) {
	s := ContainerList(NewTheme(true), ListData{Rows: listRows(), Cursor: 2, Now: now(), Focused: true}, 100, 8)
	if strings.Contains(s, "38;") || strings.Contains(s, "48;") || strings.Contains(s, "[3") && strings.Contains(s, "m●") {
		t.Errorf("colour codes with NoColor: %q", s)
	}
	plain := ansi.Strip(s)
	for _, want := range []string{"● running", "✖ exited", "unhealthy", "▌"} {
		if !strings.Contains(plain, want) {
			t.Errorf("no-colour list lacks %q", want)
		}
	}
}

func TestHeaderStates(t *testing.T) {
	th := NewTheme(true)
	d := HeaderData{Workspace: "/home/dev/src/a/very/long/path/to/the/workspace", Endpoint: "unix:///var/run/docker.sock", ServerVersion: "20.10.24", API: "1.41", Now: now()}
	d.Status = docker.Status{State: docker.Connected}
	s := ansi.Strip(Header(th, d, 60))
	if !strings.Contains(s, "● connected") || !strings.Contains(s, "…") || !strings.Contains(s, "workspace") {
		t.Errorf("connected header:\n%s", s)
	}
	d.Status = docker.Status{State: docker.Connecting}
	if s := ansi.Strip(Header(th, d, 80)); !strings.Contains(s, "◌ connecting") {
		t.Errorf("connecting header:\n%s", s)
	}
	d.Status = docker.Status{State: docker.Disconnected, Err: errors.New("connection\nrefused"), Attempts: 2, Since: now().Add(-time.Minute)}
	s = ansi.Strip(Header(th, d, 200))
	if !strings.Contains(s, "disconnected: connection refused, retrying (attempt 2, down 1m)") {
		t.Errorf("disconnected header:\n%s", s)
	}
}

func TestFooterKeepsHelpAndQuit(t *testing.T) {
	th := NewTheme(true)
	hints := keymap.Default().Hints(keymap.CtxContainers)
	s := ansi.Strip(Footer(th, hints, Status{Text: "removed shop-api-1"}, 60))
	if !strings.Contains(s, "? help") || !strings.Contains(s, "q quit") || !strings.Contains(s, "removed shop-api-1") {
		t.Fatalf("footer: %q", s)
	}
	if strings.Contains(s, "/ filter") {
		t.Errorf("footer kept a middle hint it had no room for: %q", s)
	}
	if w := ansi.StringWidth(s); w != 60 {
		t.Errorf("footer width %d", w)
	}
}

func TestOverlayKeepsSize(t *testing.T) {
	th := NewTheme(false)
	base := Block([]string{"\x1b[31m" + strings.Repeat("x", 50) + "\x1b[0m", "y"}, 50, 10)
	box := Confirm(th, "Remove container web-1?", "", keymap.Default().Hints(keymap.CtxConfirm), 50)
	out := Overlay(base, box, 50, 10)
	lines := strings.Split(out, "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 50 {
			t.Fatalf("line width %d: %q", w, ansi.Strip(l))
		}
	}
	if !strings.Contains(ansi.Strip(out), "Remove container web-1?") {
		t.Fatal("question missing")
	}
}

func TestHelpColumns(t *testing.T) {
	th := NewTheme(true)
	secs := keymap.Default().Help()
	narrow := HelpHeight(th, secs, 80)
	wide := HelpHeight(th, secs, 200)
	if wide >= narrow {
		t.Fatalf("help does not use columns: %d lines at 200, %d at 80", wide, narrow)
	}
	s := ansi.Strip(Help(th, secs, 200, wide+2, 0))
	for _, sec := range secs {
		if !strings.Contains(s, sec.Title) {
			t.Errorf("help lacks %q", sec.Title)
		}
	}
}

func TestLayout(t *testing.T) {
	l := ListLayout(80, 22, 16)
	if l.Side || l.ListHeight+l.LogsHeight != 21 || l.ListRows() < 8 || l.LogLines() < 6 {
		t.Errorf("80x22: %+v", l)
	}
	if l := ListLayout(120, 38, 3); l.ListHeight != 5 {
		t.Errorf("a short list takes only what it needs: %+v", l)
	}
	l = ListLayout(160, 38, 16)
	if !l.Side || l.ListWidth+l.LogsWidth+1 != 160 || l.ListHeight != 37 {
		t.Errorf("160: %+v", l)
	}
	if l := ListLayout(0, 0, 5); l.ListRows() != 0 || l.LogLines() != 0 {
		t.Errorf("zero: %+v", l)
	}
}

func TestLogsPane(t *testing.T) {
	th := NewTheme(true)
	var lines []LogLine
	for i := range 30 {
		lines = append(lines, LogLine{LogLine: docker.LogLine{Stream: docker.Stdout, Text: strings.Repeat("z", i)}})
	}
	lines = append(lines, LogLine{LogLine: docker.LogLine{Stream: docker.Stderr, Text: "boom"}})
	s := ansi.Strip(LogsPane(th, LogsData{Name: "web-1", Lines: lines, Following: true}, 40, 6))
	if !strings.Contains(s, "▌ boom") || !strings.Contains(s, "● following") {
		t.Fatalf("following pane:\n%s", s)
	}
	s = ansi.Strip(LogsPane(th, LogsData{Name: "web-1", Lines: lines, Top: 0}, 40, 6))
	if !strings.Contains(s, "‖ paused ↓26") || strings.Contains(s, "boom") {
		t.Fatalf("paused pane:\n%s", s)
	}
	s = ansi.Strip(LogsPane(th, LogsData{Name: "web-1", Ended: true, Err: "logs of container x: no such container"}, 60, 4))
	if !strings.Contains(s, "logs: logs of container x: no such container") {
		t.Fatalf("error pane:\n%s", s)
	}
}

func TestCleanColoredKeepsOnlyColours(t *testing.T) {
	in := "\x1b[31mred\x1b[0m \x1b[2Jclear \x1b]0;title\x07ok\x1b[1;32m green"
	got := CleanColored(in, 80)
	if want := "\x1b[31mred\x1b[0m clear ok\x1b[1;32m green\x1b[0m"; got != want {
		t.Fatalf("CleanColored = %q, want %q", got, want)
	}
	if plain := Clean(in, 80); plain != "red clear ok green" {
		t.Fatalf("Clean = %q", plain)
	}
	// Width counts only what shows: the colours do not eat the room.
	if w := ansi.StringWidth(CleanColored("\x1b[31m"+strings.Repeat("x", 100), 10)); w != 10 {
		t.Fatalf("width %d, want 10", w)
	}
}

func TestPluralAndChangedPrefix(t *testing.T) {
	if got := Plural(1, "pod") + ", " + Plural(0, "pod") + ", " + Plural(3, "pod"); got != "1 pod, 0 pods, 3 pods" {
		t.Fatalf("Plural: %q", got)
	}
	for _, c := range []struct {
		paths []string
		want  string
	}{{nil, ""}, {[]string{"pods/web.yml"}, "pods/web.yml changed: "}, {[]string{"a", "b"}, "2 files changed: "}} {
		if got := ChangedPrefix(c.paths); got != c.want {
			t.Fatalf("ChangedPrefix(%q) = %q, want %q", c.paths, got, c.want)
		}
	}
}

// TestCleanMiddle: a long origin keeps its start and its end, within its cells.
func TestCleanMiddle(t *testing.T) {
	got := CleanMiddle("Pipelines ci/20261207-230601-da85 /test/flaky", 30)
	if ansi.StringWidth(got) != 30 || !strings.HasPrefix(got, "Pipelines ci/") || !strings.HasSuffix(got, "/test/flaky") {
		t.Fatalf("CleanMiddle = %q (%d cells)", got, ansi.StringWidth(got))
	}
	if got := CleanMiddle("Deploys api", 30); got != "Deploys api" {
		t.Fatalf("a short one is cut: %q", got)
	}
}
