package logs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// paneDriver runs a pane's commands as the Program does and hands it their messages.
type paneDriver struct {
	t    *testing.T
	h    *enginetest.Harness
	p    *Pane
	msgs chan tea.Msg
	st   views.Status
}

func newPaneDriver(t *testing.T, h *enginetest.Harness, p *Pane) *paneDriver {
	return &paneDriver{t: t, h: h, p: p, msgs: make(chan tea.Msg, 64)}
}

func (d *paneDriver) run(cmd tea.Cmd) { runBatch(cmd, d.msgs) }

// until hands messages to the pane until cond holds.
func (d *paneDriver) until(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(2 * time.Minute)
	for !cond() {
		select {
		case msg := <-d.msgs:
			switch msg := msg.(type) {
			case nil:
			case LinesMsg:
				d.run(d.p.OnLines(msg))
			case EndedMsg:
				d.p.OnEnded(msg)
				d.run(d.p.probes())
			case Msg:
				cmd, st := d.p.Update(msg)
				if st.Text != "" {
					d.st = st
				}
				d.run(cmd)
			default:
				d.t.Fatalf("unexpected %T", msg)
			}
		case <-deadline:
			d.t.Fatalf("waiting for %s: %d lines, title %q", what, d.p.Lines(), d.title())
		}
	}
}

// key performs a logs key in a pane of 10 lines, and starts what it asked for.
func (d *paneDriver) key(a keymap.Action) {
	d.p.Do(a, 10)
	d.run(d.p.TakeCmd())
}

func (d *paneDriver) frame() string {
	return ansi.Strip(views.LogsPane(views.NewTheme(true), d.p.Data(true), 100, 11))
}

func (d *paneDriver) title() string { return strings.SplitN(d.frame(), "\n", 2)[0] }

// shown is the texts of the lines on screen.
func (d *paneDriver) shown() []string {
	var out []string
	for _, l := range strings.Split(d.frame(), "\n")[1:] {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// printed runs a container that prints "line 1" to "line n" and exits, and follows it.
func printed(t *testing.T, h *enginetest.Harness, name string, n int) docker.Container {
	t.Helper()
	id := h.Run(name, &container.Config{Cmd: []string{"sh", "-c",
		fmt.Sprintf(`i=1; while [ $i -le %d ]; do echo "line $i"; i=$((i+1)); done`, n)}}, nil)
	if code, err := h.Engine.Wait(h.Ctx(), id); err != nil || code != 0 {
		t.Fatalf("%s: exit %d, %v", name, code, err)
	}
	c, err := h.Engine.Inspect(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEngineLogsOlderLines follows a container that printed 3,000 lines: the pane holds the
// last Tail and says older ones exist; going to the top reads them from the engine, so the
// first line is line 1 and the title counts all 3,000; scrolling up one line past the oldest
// held shows the line before it; saving writes all 3,000 lines from the engine.
func TestEngineLogsOlderLines(t *testing.T) {
	h := enginetest.New(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	c := printed(t, h, "older", 3000)
	want := Want{Key: c.ID, Title: "older", Containers: []docker.Container{c}}

	var p Pane
	t.Cleanup(p.Close)
	d := newPaneDriver(t, h, &p)
	d.run(p.Sync(h.Ctx(), h.Engine, want, docker.Status{State: docker.Connected}))
	d.until("the last lines and the probe", func() bool { return p.Lines() == Tail && p.View.olderNote != "" })
	if got := d.title(); !strings.Contains(got, "200 lines · ↑ more") {
		t.Fatalf("title %q", got)
	}

	// g goes to the true first line.
	d.key(keymap.Top)
	d.until("the older lines", func() bool { return p.Lines() == 3000 && p.older == nil })
	if got := d.shown(); got[0] != "line 1" || got[9] != "line 10" {
		t.Fatalf("after g the pane shows %q", got)
	}
	if got := d.title(); !strings.Contains(got, "3000 lines") || strings.Contains(got, "more") {
		t.Fatalf("title %q", got)
	}
	for i, w := range map[int]string{0: "line 1", 2799: "line 2800", 2800: "line 2801", 2999: "line 3000"} {
		if l, err := p.buf.line(i); err != nil || l.Text != w {
			var around []string
			for k := max(i-4, 0); k < min(i+4, p.Lines()); k++ {
				x, _ := p.buf.line(k)
				around = append(around, fmt.Sprintf("%d:%s@%s", k, x.Text, x.Time.Format(time.RFC3339Nano)))
			}
			prevN := 0
			for k := 0; k < p.Lines(); k++ {
				x, _ := p.buf.line(k)
				var n int
				fmt.Sscanf(x.Text, "line %d", &n)
				if n != prevN+1 {
					around = append(around, fmt.Sprintf("jump at %d: %d after %d", k, n, prevN))
				}
				prevN = n
			}
			t.Fatalf("line %d: %q (%v); around: %v", i, l.Text, err, around)
		}
	}

	// ctrl+s saves the whole log, from the engine.
	d.key(keymap.Save)
	d.until("the save", func() bool { return strings.HasPrefix(d.st.Text, "saved to") || d.st.Err })
	path := strings.Fields(strings.TrimPrefix(d.st.Text, "saved to "))[0]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (status %q)", err, d.st.Text)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 3000 || lines[0] != "line 1" || lines[2999] != "line 3000" || !strings.Contains(d.st.Text, "3000 lines") {
		t.Fatalf("saved %d lines (%q…%q): %s", len(lines), lines[0], lines[len(lines)-1], d.st.Text)
	}
	if filepath.Dir(path) != filepath.Join(os.Getenv("XDG_STATE_HOME"), "podium", "saved") {
		t.Fatalf("saved to %s", path)
	}

	// A fresh pane: scrolling up past the oldest line held shows the one before it.
	var q Pane
	t.Cleanup(q.Close)
	d = newPaneDriver(t, h, &q)
	d.run(q.Sync(h.Ctx(), h.Engine, Want{Key: c.ID, Title: "older", Containers: []docker.Container{c}}, docker.Status{State: docker.Connected}))
	d.until("the tail and the probe", func() bool { return q.Lines() == Tail && q.View.olderNote != "" })
	for i := 0; q.following || q.start(10) > 9; i++ {
		if i == Tail {
			t.Fatalf("page up does not reach the top: at %d", q.start(10))
		}
		d.key(keymap.PageUp)
	}
	for i := 0; q.start(10) > 0; i++ {
		if i == Tail {
			t.Fatalf("up does not reach the top: at %d", q.start(10))
		}
		d.key(keymap.Up)
	}
	if q.older != nil {
		t.Fatal("reading older lines before going past the oldest held")
	}
	if got := d.shown(); got[0] != "line 2801" {
		t.Fatalf("at the oldest line held the pane shows %q", got)
	}
	d.key(keymap.Up)
	d.until("the older lines", func() bool { return q.Lines() == 3000 && q.older == nil })
	if got := d.shown(); got[0] != "line 2800" || got[1] != "line 2801" {
		t.Fatalf("one line up from line 2801 the pane shows %q", got)
	}
}

// TestTailDropLeavesOutTheLinesHeld: of the lines of the oldest held line's time, the ones the
// pane holds (the last of them) are left out of the older lines, the others kept.
func TestTailDropLeavesOutTheLinesHeld(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	at := func(i int, text string) docker.LogLine {
		return docker.LogLine{Time: t0.Add(time.Duration(i)), Text: text}
	}
	d := tailDrop{until: t0.Add(5), skip: 2}
	var got []string
	for _, batch := range [][]docker.LogLine{
		{at(1, "a"), at(5, "b")},
		{at(5, "c"), at(3, "d"), at(5, "e")},
		{at(5, "f"), at(5, "g")},
	} {
		for _, l := range d.feed("", batch) {
			got = append(got, l.Text)
		}
	}
	for _, l := range d.end() {
		got = append(got, l.Text)
	}
	if strings.Join(got, "") != "abcde" {
		t.Fatalf("kept %q", got)
	}
}

// TestEngineLogsOlderLinesOfSeveral: a pane of several containers (a service, a pod, a
// deployed service) reads the older lines of each and puts them before the log's in time
// order, each marked with its container's name; saving writes both whole logs, merged in time.
func TestEngineLogsOlderLinesOfSeveral(t *testing.T) {
	h := enginetest.New(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	a := printed(t, h, "svc-1", 1500)
	b := printed(t, h, "svc-2", 1000)
	want := Want{Key: "pod/svc", Title: "pod/svc", Containers: []docker.Container{a, b}, Multi: true}

	var p Pane
	t.Cleanup(p.Close)
	d := newPaneDriver(t, h, &p)
	d.run(p.Sync(h.Ctx(), h.Engine, want, docker.Status{State: docker.Connected}))
	d.until("both tails and their probes", func() bool { return p.Lines() == 2*Tail && p.View.olderNote == "↑ more" })
	d.key(keymap.Top)
	d.until("the older lines", func() bool { return p.Lines() == 2500 && p.older == nil })
	if got := d.title(); !strings.Contains(got, "2500 lines") || strings.Contains(got, "more") {
		t.Fatalf("title %q", got)
	}
	// The older lines are in time order; each container's lines keep their own order.
	count := map[string]int{}
	var prev time.Time
	held := 2500 - 2*Tail
	for i := range held {
		l, err := p.buf.line(i)
		if err != nil {
			t.Fatal(err)
		}
		if l.Time.Before(prev) {
			t.Fatalf("line %d (%s %q) is older than the one before it", i, l.From, l.Text)
		}
		prev = l.Time
		count[l.From]++
		if w := fmt.Sprintf("line %d", count[l.From]); l.Text != w {
			t.Fatalf("line %d of %s is %q, want %q", i, l.From, l.Text, w)
		}
	}
	if count[a.Name] != 1500-Tail || count[b.Name] != 1000-Tail {
		t.Fatalf("older lines per container: %v", count)
	}

	d.key(keymap.Save)
	d.until("the save", func() bool { return strings.HasPrefix(d.st.Text, "saved to") || d.st.Err })
	path := strings.Fields(strings.TrimPrefix(d.st.Text, "saved to "))[0]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (status %q)", err, d.st.Text)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	per := map[string]int{}
	for _, l := range lines {
		from, text, _ := strings.Cut(l, " | ")
		per[from]++
		if w := fmt.Sprintf("line %d", per[from]); text != w {
			t.Fatalf("saved %q, want %q of %s", l, w, from)
		}
	}
	if len(lines) != 2500 || per[a.Name] != 1500 || per[b.Name] != 1000 {
		t.Fatalf("saved %d lines: %v", len(lines), per)
	}
}
