package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
)

// stampLayout is how a log line's time is shown with timestamps on.
const stampLayout = "15:04:05.000"

// LogLine is a line of the logs pane: a container's output, and when the pane mixes several
// containers (a service, a pod) the name of the one that wrote it.
type LogLine struct {
	docker.LogLine
	From string
}

// LogSearch is the search of a logs pane as the title rule and the highlights show it.
type LogSearch struct {
	Query   string
	Typing  bool // the query is being typed: its matches are highlighted, not yet counted
	Count   int  // lines that match
	Current int  // which of them n and N went to, from 1; 0 for none
	Line    int  // the display index of that line, when Current > 0
	Only    bool // the pane shows only the matching lines
}

// LogsData is what the logs pane shows. The pane can show Total lines (every line, or with
// Search.Only the matching ones); Lines is a window of them, Lines[0] being number First. A
// caller with every line at hand passes them all and leaves First and Total zero.
type LogsData struct {
	Title      string    // the rule's title; "Logs · Name" when empty
	Name       string    // whose logs these are; "" when nothing is selected
	Lines      []LogLine // the window of lines at hand
	First      int       // the number of Lines[0]
	Total      int       // lines the pane can show; 0 means First+len(Lines)
	All        int       // lines in the log, matching or not; 0 means Total
	Top        int       // first line shown while paused
	Following  bool      // show the newest lines as they come
	Focused    bool
	Ended      bool   // the stream ended (every container it follows stopped)
	EndMsg     string // what to say below an ended log; "" says no container is running
	Err        string // why the stream failed, if it did
	Multi      bool   // the pane mixes several containers, each line prefixed with its name
	Empty      string // what to say when nothing is selected; "no container selected" if empty
	Colored    bool   // keep the lines' own colours (a pipeline's output); never with NoColor
	Timestamps bool   // show each line's time, when it has one
	Wrap       bool   // a long line takes several rows instead of being cut
	Search     LogSearch
	// Older is what the title says of lines older than the ones at hand ("↑ more", "↑
	// loading…"): "" when there are none.
	Older string
	// Reserve is how many cells of the title rule another view takes (a sub-tab bar put in
	// it): the note leaves them free, so nobody cuts it.
	Reserve int
}

func (d LogsData) total() int {
	if d.Total > 0 {
		return d.Total
	}
	return d.First + len(d.Lines)
}

func (d LogsData) all() int {
	if d.All > 0 {
		return d.All
	}
	return d.total()
}

// line is line i of what the pane can show, if it is in the window.
func (d LogsData) line(i int) (LogLine, bool) {
	if j := i - d.First; j >= 0 && j < len(d.Lines) {
		return d.Lines[j], true
	}
	return LogLine{}, false
}

func (d LogsData) title(t Theme) string {
	switch {
	case d.Title != "":
		return Clean(d.Title, 100)
	case d.Name != "":
		return "Logs" + t.G.Sep + Clean(d.Name, 100)
	}
	return "Logs"
}

// LogsPane renders a title rule and the visible lines: the newest while following, from Top
// while paused. Lines are cut at the pane's width unless Wrap; stderr lines get a red mark;
// the search's matches are highlighted.
func LogsPane(t Theme, d LogsData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	rows := height - 1
	none := d.Name == ""
	body, last := logBody(t, d, width, rows)
	title := d.title(t)
	note := ""
	if !none {
		note = logNote(t, d, d.total()-1-last, width-ansi.StringWidth(title)-8-d.Reserve)
	}
	lines := append([]string{rule(t, title, note, width, d.Focused)}, body...)
	msg, style := "", t.Dim
	switch {
	case none:
		msg = d.Empty
		if msg == "" {
			msg = "no container selected"
		}
	case d.Err != "":
		msg, style = strings.ToLower(strings.Fields(title + " x")[0])+": "+d.Err, t.Bad
	case d.total() == 0 && d.Search.Only:
		msg = "no line matches /" + d.Search.Query
	case d.total() == 0 && d.Ended:
		msg = "no output"
	case d.total() == 0:
		msg = "waiting for output…"
	case d.Ended && d.EndMsg != "":
		msg = d.EndMsg
	case d.Ended && d.Multi:
		msg = "end of log: no container is running"
	case d.Ended:
		msg = "end of log: the container is not running"
	}
	if msg != "" && len(lines) <= rows {
		lines = append(lines, "  "+style.Render(oneLine(msg, width-2)))
	}
	return Block(lines, width, height)
}

// logNote is the right of the title rule: following or paused, the search, the toggles, and
// the line count while paused. Within room cells, the least useful parts go first.
func logNote(t Theme, d LogsData, below, room int) string {
	var state string
	switch {
	case d.Ended:
		state = t.Muted.Render(t.G.Stopped + " ended")
		if !d.Following && below > 0 {
			state += t.Dim.Render(fmt.Sprintf(" ↓%d", below))
		}
	case d.Following:
		state = t.OK.Render(t.G.Running + " following")
	default:
		state = t.Warn.Render("‖ paused")
		if below > 0 {
			state += t.Dim.Render(fmt.Sprintf(" ↓%d", below))
		}
	}
	var count, wrap, only string
	if !d.Following || d.Older != "" {
		count = t.Dim.Render(lineCount(d.all()))
	}
	if d.Older != "" {
		count += t.Dim.Render(t.G.Sep + d.Older)
	}
	if d.Wrap {
		wrap = t.Dim.Render("wrap")
	}
	if d.Search.Only {
		only = t.Warn.Render("only matching")
	}
	query, hide := Clean(d.Search.Query, 60), false
	search := func() string {
		s := d.Search
		switch {
		case hide:
			return ""
		case s.Typing:
			return t.Prompt.Render("/" + query + "▏")
		case s.Query == "":
			return ""
		case s.Count == 0:
			return t.Prompt.Render("/"+query) + t.Bad.Render(" no match")
		case s.Current == 0:
			return t.Prompt.Render("/"+query) + t.Dim.Render(fmt.Sprintf(" %d", s.Count))
		}
		return t.Prompt.Render("/"+query) + t.Dim.Render(fmt.Sprintf(" %d/%d", s.Current, s.Count))
	}
	join := func() string {
		var parts []string
		for _, p := range []string{state, search(), only, wrap, count} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, t.Dim.Render(t.G.Sep))
	}
	note := join()
	shorter := []func(){
		func() { count = "" },
		func() { wrap = "" },
		func() { only = t.Warn.Render("only") },
		func() { only = "" },
	}
	for _, f := range shorter {
		if ansi.StringWidth(note) <= room {
			break
		}
		f()
		note = join()
	}
	if over := ansi.StringWidth(note) - room; over > 0 && query != "" {
		query = Trunc(query, max(ansi.StringWidth(query)-over, 1))
		note = join()
	}
	if ansi.StringWidth(note) > room {
		hide = true
		note = join()
	}
	return note
}

// logBody is the rows of the visible lines, and the display index of the last line drawn
// (start-1 when none is).
func logBody(t Theme, d LogsData, width, rows int) ([]string, int) {
	total := d.total()
	start := LogStart(total, rows, d.Top, d.Following)
	if rows <= 0 {
		return nil, start - 1
	}
	lr := newLogRower(t, d, width, rows, max(start, 0), min(start+rows, total))
	if !d.Wrap || !d.Following {
		var out []string
		last := start - 1
		for i := start; i < total && len(out) < rows; i++ {
			out = append(out, lr.rows(i, rows-len(out))...)
			last = i
		}
		return out, last
	}
	// Following with wrap: fill from the bottom; the oldest line shown may show only its end.
	var blocks [][]string
	used := 0
	for i := total - 1; i >= 0 && used < rows; i-- {
		b := lr.rows(i, rows)
		if len(b) > rows-used {
			b = b[len(b)-(rows-used):]
		}
		blocks = append(blocks, b)
		used += len(b)
	}
	out := make([]string, 0, used)
	for i := len(blocks) - 1; i >= 0; i-- {
		out = append(out, blocks[i]...)
	}
	return out, total - 1
}

// logRower draws lines of one frame: the prefixes line up on the widest name and stamp among
// the lines that can show.
type logRower struct {
	t       Theme
	d       LogsData
	width   int
	q       LogQuery
	fromW   int
	stamped bool
}

func newLogRower(t Theme, d LogsData, width, rows, from, to int) logRower {
	lr := logRower{t: t, d: d, width: width, q: NewLogQuery(d.Search.Query)}
	if d.Wrap && d.Following {
		from = max(to-rows, 0)
	}
	for i := from; i < to; i++ {
		l, ok := d.line(i)
		if !ok {
			continue
		}
		lr.fromW = max(lr.fromW, ansi.StringWidth(Clean(l.From, 40)))
		lr.stamped = lr.stamped || (d.Timestamps && !l.Time.IsZero())
	}
	return lr
}

// rows draws line i in at most limit rows (one unless wrapping).
func (lr logRower) rows(i, limit int) []string {
	t := lr.t
	l, ok := lr.d.line(i)
	if !ok {
		return []string{""}
	}
	mark, style := " ", t.Text
	if l.Stream == docker.Stderr {
		mark, style = t.Stderr.Render(t.G.Stderr), t.Stderr
	}
	prefix, pw := "", 0
	if lr.stamped {
		stamp := strings.Repeat(" ", len(stampLayout))
		if !l.Time.IsZero() {
			stamp = l.Time.Local().Format(stampLayout)
		}
		prefix, pw = t.Dim.Render(stamp)+" ", len(stampLayout)+1
	}
	if lr.fromW > 0 {
		p := Pad(Clean(l.From, 40), lr.fromW) + " | "
		prefix, pw = prefix+t.Service.Render(p), pw+ansi.StringWidth(p)
	}
	match := t.Match
	if lr.d.Search.Current > 0 && lr.d.Search.Line == i {
		match = t.MatchCurrent
	}
	lt := logText{room: max(lr.width-2-pw, 1), rows: 1, style: style, match: match, q: lr.q,
		colored: lr.d.Colored && !t.NoColor}
	if lr.d.Wrap {
		lt.rows = max(limit, 1)
	}
	texts := lt.render(l.Text)
	out := make([]string, len(texts))
	for k, s := range texts {
		if k == 0 {
			out[k] = mark + " " + prefix + s
		} else {
			out[k] = mark + " " + strings.Repeat(" ", pw) + s
		}
	}
	return out
}

// LogsTabsReserve is what LogsData.Reserve should be for a pane that WithTabs puts tabs in:
// how much of the rule's filler the bar takes, measured on a wide rule.
func LogsTabsReserve(t Theme, d LogsData, tabs DetailTabs) int {
	const wide = 400
	plain := rule(t, d.title(t), "", wide, false)
	return max(ruleRun(t, plain)-ruleRun(t, WithTabs(t, plain, tabs, wide)), 0)
}

// ruleRun is the longest run of rule characters in a line: a title rule's filler.
func ruleRun(t Theme, line string) int {
	best, run := 0, 0
	for _, r := range ansi.Strip(line) {
		if string(r) == t.G.Rule {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// lineCount is "1 line", "17 lines".
func lineCount(n int) string {
	if n == 1 {
		return "1 line"
	}
	return fmt.Sprintf("%d lines", n)
}

// LogStart is the index of the first line shown in a pane of rows lines: the newest rows while
// following, else top clamped so the pane never scrolls past its last line.
func LogStart(n, rows, top int, following bool) int {
	last := max(n-rows, 0)
	if following {
		return last
	}
	return min(max(top, 0), last)
}
