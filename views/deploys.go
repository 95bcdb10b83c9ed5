package views

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/supervisor"
)

// Countdown is the time left until a deadline, rounded up so it reaches 0s at the deadline:
// 12s, 1m05s, 2h10m.
func Countdown(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	s := int((d + time.Second - 1) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

// Deploying says a service is rolling out a revision (Wait, WaitNext).
func Deploying(s supervisor.State) bool { return s == supervisor.Wait || s == supervisor.WaitNext }

// Retrying says a service's last revision failed and will be tried again (TryAgain, TryAgainNext).
func Retrying(s supervisor.State) bool {
	return s == supervisor.TryAgain || s == supervisor.TryAgainNext
}

// DeployStateGlyph is the symbol in front of a service's state: ● Stable, ◐ deploying,
// ✖ retrying, ○ Init, ? Unknown (not yet compared with the engine).
func (t Theme) DeployStateGlyph(s supervisor.State) string {
	switch {
	case s == supervisor.Unknown:
		return t.G.Unknown
	case s == supervisor.Stable:
		return t.G.Running
	case Deploying(s):
		return t.G.Partial
	case Retrying(s):
		return t.G.Failed
	}
	return t.G.Stopped
}

// DeployStateStyle colours a service's state: green Stable, yellow deploying, red retrying,
// dim Init and Unknown.
func (t Theme) DeployStateStyle(s supervisor.State) lipgloss.Style {
	switch {
	case s == supervisor.Stable:
		return t.OK
	case Deploying(s):
		return t.Warn
	case Retrying(s):
		return t.Bad
	}
	return t.Dim
}

// Deadlines are a service's live timers that are still ahead of now, in words:
// "health timeout in 40s", "old stops in 12s", "retry in 12s".
func Deadlines(s supervisor.ServiceStatus, now time.Time) []string {
	var out []string
	if s.HealthDeadline.After(now) {
		out = append(out, "health timeout in "+Countdown(s.HealthDeadline.Sub(now)))
	}
	if s.DrainUntil.After(now) {
		out = append(out, "old stops in "+Countdown(s.DrainUntil.Sub(now)))
	}
	if s.RetryAt.After(now) {
		out = append(out, "retry in "+Countdown(s.RetryAt.Sub(now)))
	}
	return out
}

// RevisionText is a service's revision, with the one being deployed: "r3", "r3 → r4", "→ r1".
func RevisionText(s supervisor.ServiceStatus) string {
	switch {
	case s.Next > 0 && s.Revision > 0:
		return fmt.Sprintf("r%d → r%d", s.Revision, s.Next)
	case s.Next > 0:
		return fmt.Sprintf("→ r%d", s.Next)
	case s.Revision > 0:
		return fmt.Sprintf("r%d", s.Revision)
	}
	return ""
}

// DeployListData is what the Deploys list shows.
type DeployListData struct {
	Services []supervisor.ServiceStatus
	Cursor   int // index in Services; -1 for none
	Offset   int // first row shown
	Focused  bool
	Now      time.Time
	Filter   string
	Total    int               // services before filtering
	Busy     map[string]string // service → what is being asked of it ("restarting…")
	Marked   []bool            // parallel to Services: marked for a bulk action
	// Unconfirmed says the states were not checked against the engine (it is unreachable,
	// the supervisor has not reconciled, or the one followed is gone): they are shown as the
	// last known, not as facts.
	Unconfirmed bool
}

// The columns of the Deploys list, in screen order.
const (
	dcolName = iota
	dcolState
	dcolRev
	dcolImage
	dcolReady
	dcolSince
	dcolInfo
	numDeployCols
)

// deploysTable gives way when short: the image shrinks first, then the info column (it keeps
// its start: the tag, the countdown, then the error), the age goes, then the image (the
// detail pane shows it), then the info and the names shrink further.
var deploysTable = tableSpec{
	titles: []string{"NAME", "STATE", "REV", "IMAGE", "READY", "SINCE", "INFO"},
	steps: []fitStep{
		{fitShrink, dcolImage, 20},
		{fitShrink, dcolInfo, 36},
		{fitDrop, dcolSince, 0},
		{fitShrink, dcolImage, 16},
		{fitDrop, dcolImage, 0},
		{fitShrink, dcolInfo, 20},
		{fitShrink, dcolName, 12},
		{fitShrink, dcolInfo, 10},
		{fitShrink, dcolName, 6},
		{fitDrop, dcolReady, 0},
	},
	giveBack: []int{dcolName, dcolInfo, dcolImage, dcolSince},
	foldFrom: -1, foldInto: -1,
}

// DeployList renders the Deploys list pane: a title rule, column headers, then one row per
// service from Offset, exactly height lines of exactly width cells.
func DeployList(t Theme, d DeployListData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	var stable, deploying, retrying, paused, unknown int
	for _, s := range d.Services {
		switch {
		case d.Unconfirmed || s.State == supervisor.Unknown:
			unknown++
		case s.State == supervisor.Stable:
			stable++
		case s.Failing():
			retrying++
		case Deploying(s.State):
			deploying++
		}
		if s.Paused {
			paused++
		}
	}
	n := len(d.Services)
	title := fmt.Sprintf("Services %d", n)
	if d.Filter != "" {
		title = fmt.Sprintf("Services %d of %d", n, d.Total)
	}
	for _, c := range []struct {
		n    int
		what string
	}{{stable, "stable"}, {deploying, "deploying"}, {retrying, "retrying"}, {unknown, "unconfirmed"}, {paused, "paused"}} {
		if c.n > 0 {
			title += fmt.Sprintf("%s%d %s", t.G.Sep, c.n, c.what)
		}
	}
	cells := make([][]cell, n)
	for i, s := range d.Services {
		cells[i] = deployCells(t, s, d.Now, d.Busy[s.Name], d.Unconfirmed)
	}
	msg := "no services: add spec files under specs/ (one file is one service)"
	if d.Filter != "" {
		msg = fmt.Sprintf("nothing matches %q (esc clears the filter)", Clean(d.Filter, 40))
	}
	return tablePane{
		spec: deploysTable, title: title, filter: d.Filter,
		rows: n, widths: measureCells(deploysTable, cells), cells: func(i int) []cell { return cells[i] },
		cursor: d.Cursor, offset: d.Offset, focused: d.Focused, empty: "  " + t.Dim.Render(oneLine(msg, width-2)),
		marked: d.Marked,
	}.render(t, width, height)
}

// deployState is a service's state cell: "● Stable", "◐ WaitNext", "✖ TryAgainNext", "○ Init",
// "? Unknown"; unconfirmed, the last known state under the unknown glyph, dim: "? WaitNext".
func deployState(t Theme, st supervisor.State, unconfirmed bool) cell {
	word := string(st)
	if word == "" {
		word = "unknown"
	}
	if unconfirmed {
		return one(t.G.Unknown+" "+word, t.DeployStateStyle(supervisor.Unknown))
	}
	return one(t.DeployStateGlyph(st)+" "+word, t.DeployStateStyle(st))
}

// deployCells computes the columns of one service.
func deployCells(t Theme, s supervisor.ServiceStatus, now time.Time, busy string, unconfirmed bool) []cell {
	unconfirmed = unconfirmed || s.State == supervisor.Unknown
	cs := make([]cell, numDeployCols)
	cs[dcolName] = one(Clean(s.Name, 200), t.Service)
	cs[dcolState] = deployState(t, s.State, unconfirmed)
	switch {
	case s.Next > 0 && s.Revision > 0:
		cs[dcolRev] = cell{{fmt.Sprintf("r%d", s.Revision), t.Text}, {fmt.Sprintf(" → r%d", s.Next), t.Warn}}
	default:
		cs[dcolRev] = one(RevisionText(s), t.Text)
	}
	cs[dcolImage] = one(Clean(s.Image, 200), t.Dim)
	switch {
	case unconfirmed && s.Desired > 0:
		cs[dcolReady] = one(fmt.Sprintf("?/%d", s.Desired), t.Dim)
	case s.Desired > 0 || s.Healthy > 0:
		st := t.Warn
		switch {
		case s.Healthy >= s.Desired:
			st = t.OK
		case s.Healthy == 0:
			st = t.Bad
		}
		cs[dcolReady] = one(fmt.Sprintf("%d/%d", s.Healthy, s.Desired), st)
	}
	if !s.Since.IsZero() {
		cs[dcolSince] = one(Duration(now.Sub(s.Since)), t.Dim)
	}
	cs[dcolInfo] = deployInfo(t, s, now, busy, unconfirmed)
	return cs
}

// deployInfo is the info cell: what is being asked of the service, paused, the deploy's tag
// and timers (or, unconfirmed, only that), the spec error, the last error.
func deployInfo(t Theme, s supervisor.ServiceStatus, now time.Time, busy string, unconfirmed bool) cell {
	var info cell
	if busy != "" {
		info = appendInfo(info, span{t.G.Pending + " " + busy, t.Warn})
	}
	if s.Paused {
		info = appendInfo(info, span{"‖ paused", t.Warn})
	}
	switch {
	case unconfirmed:
		info = appendInfo(info, span{"unconfirmed", t.Dim})
	case Deploying(s.State):
		tag := "deploying"
		for _, d := range Deadlines(s, now) {
			tag += t.G.Sep + d
		}
		info = appendInfo(info, span{tag, t.Warn})
	case Retrying(s.State):
		tag := "retrying"
		if s.RetryAt.After(now) {
			tag = "retry in " + Countdown(s.RetryAt.Sub(now))
		}
		info = appendInfo(info, span{tag, t.Bad})
	case s.State == supervisor.Init && s.SpecError == "":
		info = appendInfo(info, span{"not deployed", t.Dim})
	}
	if s.SpecError != "" {
		info = appendInfo(info, span{t.G.Failed + " spec error: " + oneLine(s.SpecError, 300), t.Bad})
	}
	if s.LastError != "" {
		info = appendInfo(info, span{oneLine(s.LastError, 300), t.Bad})
	}
	return info
}

// DeployDetailData is what the detail pane of the selected service shows.
type DeployDetailData struct {
	Service supervisor.ServiceStatus
	OK      bool // a service is selected
	Now     time.Time
	Focused bool
	// Unconfirmed says the state was not checked against the engine: the containers are
	// shown as last seen, with no health or uptime, and no timers run.
	Unconfirmed bool
}

// detailSideWidth is the pane width from which the timeline and the history sit side by side.
const detailSideWidth = 140

// The columns of the detail's tables.
var (
	deployContainersTable = tableSpec{
		titles: []string{"CONTAINER", "ROLE", "REV", "STATE", "HEALTH", "STATUS"},
		steps: []fitStep{
			{fitShrink, 0, 16},
			{fitFold, 4, 0}, // health folds into the state word ("● healthy")
			{fitDrop, 5, 0},
			{fitShrink, 0, 8},
			{fitDrop, 2, 0},
		},
		giveBack: []int{0, 5},
		foldFrom: 4, foldInto: 3,
	}
	timelineTable = tableSpec{
		titles: []string{"WHEN", "TRANSITION", "REV", "REASON"},
		steps: []fitStep{
			{fitShrink, 3, 12},
			{fitDrop, 2, 0},
			{fitShrink, 3, 1},
		},
		giveBack: []int{3},
		foldFrom: -1, foldInto: -1,
	}
	historyTable = tableSpec{
		titles: []string{"REVISION", "SPEC", "IMAGE", "OUTCOME", "DEPLOYED"},
		steps: []fitStep{
			{fitDrop, 1, 0},
			{fitShrink, 2, 14},
			{fitShrink, 3, 12},
			{fitDrop, 4, 0},
			{fitShrink, 2, 6},
			{fitDrop, 2, 0},
		},
		giveBack: []int{2, 3},
		foldFrom: -1, foldInto: -1,
	}
)

// DeployDetail renders the selected service in exactly height lines of exactly width cells:
// its state and timers, its containers (old and new side by side during a deploy, with their
// role), its timeline (newest first) and its revision history (newest first).
func DeployDetail(t Theme, d DeployDetailData, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if !d.OK {
		return Block([]string{rule(t, "Service", "", width, d.Focused), "  " + t.Dim.Render("no service selected")}, width, height)
	}
	top := detailTop(t, d, width)
	rest := max(height-len(top), 0)
	lines := append(top, detailTables(t, d, width, rest)...)
	return Block(lines, width, height)
}

// DeployDetailHeight is how many lines the detail of d wants at width.
func DeployDetailHeight(t Theme, d DeployDetailData, width int) int {
	if !d.OK {
		return 2
	}
	tl, h := len(d.Service.Timeline), len(d.Service.History)
	n := len(detailTop(t, d, width))
	switch {
	case tl == 0 && h == 0:
		return n
	case width >= detailSideWidth:
		return n + 1 + max(tl, h)
	}
	return n + sectionLines(tl) + sectionLines(h)
}

func sectionLines(n int) int {
	if n == 0 {
		return 0
	}
	return n + 1
}

// detailTop is the detail's fixed part: the title rule, the state line, the timers and errors,
// and the containers.
func detailTop(t Theme, d DeployDetailData, width int) []string {
	s := d.Service
	unconfirmed := d.Unconfirmed || s.State == supervisor.Unknown
	lines := []string{rule(t, Clean(s.Name, 100), t.Dim.Render(Clean(s.File, 200)), width, d.Focused)}

	state := t.DeployStateStyle(s.State).Render(t.DeployStateGlyph(s.State) + " " + string(s.State))
	if unconfirmed {
		state = t.DeployStateStyle(supervisor.Unknown).Render(t.G.Unknown + " " + string(s.State) + " (unconfirmed)")
	}
	if !s.Since.IsZero() {
		state += t.Dim.Render(" for " + Duration(d.Now.Sub(s.Since)))
	}
	parts := []string{state}
	if r := RevisionText(s); r != "" {
		parts = append(parts, t.Text.Render(r))
	}
	if s.Image != "" {
		parts = append(parts, t.Dim.Render(Clean(s.Image, 200)))
	}
	switch {
	case unconfirmed && s.Desired > 0:
		parts = append(parts, t.Dim.Render(fmt.Sprintf("?/%d healthy", s.Desired)))
	case s.Desired > 0 || s.Healthy > 0:
		parts = append(parts, t.Text.Render(fmt.Sprintf("%d/%d healthy", s.Healthy, s.Desired)))
	}
	if !s.StableAt.IsZero() && s.State != supervisor.Stable {
		parts = append(parts, t.Dim.Render("last stable "+Duration(d.Now.Sub(s.StableAt))+" ago"))
	}
	lines = append(lines, "  "+strings.Join(parts, t.Dim.Render(t.G.Sep)))

	var timers []string
	if s.Paused {
		timers = append(timers, t.Warn.Render("‖ paused: no deploys until resumed"))
	}
	if s.HealthDeadline.After(d.Now) && !unconfirmed {
		timers = append(timers, t.Warn.Render("health timeout in "+Countdown(s.HealthDeadline.Sub(d.Now))))
	}
	if s.DrainUntil.After(d.Now) && !unconfirmed {
		timers = append(timers, t.Warn.Render("After delay: old stops in "+Countdown(s.DrainUntil.Sub(d.Now))))
	}
	if s.RetryAt.After(d.Now) && !unconfirmed {
		timers = append(timers, t.Bad.Render("next retry in "+Countdown(s.RetryAt.Sub(d.Now))))
	}
	if len(timers) > 0 {
		lines = append(lines, "  "+strings.Join(timers, t.Dim.Render(t.G.Sep)))
	}
	if s.SpecError != "" {
		lines = append(lines, errorLines(t, t.G.Failed+" spec error: "+s.SpecError, width)...)
	}
	if s.LastError != "" {
		lines = append(lines, errorLines(t, "last error: "+s.LastError, width)...)
	}

	cells := make([][]cell, len(s.Containers))
	for i, c := range s.Containers {
		cs := make([]cell, 6)
		cs[0] = one(Clean(c.Name, 200), t.Text)
		role := t.Text
		switch c.Role {
		case supervisor.RoleNext:
			role = t.Warn
		case supervisor.RoleOld:
			role = t.Dim
		}
		cs[1] = one(string(c.Role), role)
		if c.Revision > 0 {
			cs[2] = one(fmt.Sprintf("r%d", c.Revision), t.Text)
		}
		st := c.State
		if st == "" {
			st = "unknown"
		}
		switch {
		case unconfirmed:
			// Saved data, or a supervisor that is gone: what the container was, not what it is.
			cs[3] = one(t.G.Unknown+" unconfirmed", t.Dim)
			cs[5] = one("last seen "+st, t.Dim)
		default:
			cs[3] = one(t.StateGlyph(c.State, 0)+" "+st, t.StateStyle(c.State, c.Health, 0))
			cs[4] = one(c.Health, t.HealthStyle(c.Health))
			if c.State == "running" && !c.StartedAt.IsZero() {
				cs[5] = one("up "+Duration(d.Now.Sub(c.StartedAt)), t.Dim)
			}
		}
		cells[i] = cs
	}
	if len(cells) == 0 {
		return append(lines, "  "+t.Dim.Render("no containers"))
	}
	cols := fitColumns(deployContainersTable, measureCells(deployContainersTable, cells), width-2)
	lines = append(lines, renderHeader(t, cols, width))
	for _, cs := range cells {
		lines = append(lines, renderRow(t, deployContainersTable, cs, cols, width, false, false))
	}
	return lines
}

// detailTables lays the timeline and the history out in rows lines: side by side when the
// pane is wide, else one above the other, each cut to its newest entries.
func detailTables(t Theme, d DeployDetailData, width, rows int) []string {
	s := d.Service
	tl, h := len(s.Timeline), len(s.History)
	if rows <= 1 || tl+h == 0 {
		return nil
	}
	if width >= detailSideWidth && tl > 0 && h > 0 {
		// Each table has its own two-cell margin: the right one's is the gap between them.
		lw := width * 3 / 5
		left := timeline(t, s, d.Now, lw, rows)
		right := history(t, s, d.Now, width-lw, rows, d.Unconfirmed)
		out := make([]string, 0, rows)
		for i := 0; i < rows && (i < len(left) || i < len(right)); i++ {
			var l, r string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			out = append(out, Fit(l, lw)+Fit(r, width-lw))
		}
		return out
	}
	avail := rows
	tRows, hRows := 0, 0
	switch {
	case h == 0:
		tRows = min(tl, avail-1)
	case tl == 0:
		hRows = min(h, avail-1)
	case avail < 4:
		tRows = min(tl, avail-1)
	default:
		avail -= 2
		hRows = min(h, max(1, avail/2))
		tRows = min(tl, avail-hRows)
		hRows = min(h, avail-tRows)
	}
	var out []string
	if tRows > 0 {
		out = append(out, timeline(t, s, d.Now, width, tRows+1)...)
	}
	if hRows > 0 {
		out = append(out, history(t, s, d.Now, width, hRows+1, d.Unconfirmed)...)
	}
	return out
}

// timeline is the transitions table, newest first, in at most rows lines with its header.
func timeline(t Theme, s supervisor.ServiceStatus, now time.Time, width, rows int) []string {
	n := min(len(s.Timeline), rows-1)
	cells := make([][]cell, n)
	for i := range n {
		tr := s.Timeline[len(s.Timeline)-1-i]
		cs := make([]cell, 4)
		cs[0] = one(when(tr.At, now), t.Dim)
		from := string(tr.From)
		if from == "" {
			from = "—"
		}
		cs[1] = cell{{from, t.DeployStateStyle(tr.From)}, {" → ", t.Dim}, {string(tr.To), t.DeployStateStyle(tr.To)}}
		if tr.Revision > 0 {
			cs[2] = one(fmt.Sprintf("r%d", tr.Revision), t.Text)
		}
		cs[3] = one(oneLine(tr.Reason, 300), t.Text)
		cells[i] = cs
	}
	return table(t, timelineTable, cells, width)
}

// history is the revisions table, newest first, in at most rows lines with its header. A
// revision being deployed says so only when that is confirmed.
func history(t Theme, s supervisor.ServiceStatus, now time.Time, width, rows int, unconfirmed bool) []string {
	n := min(len(s.History), rows-1)
	cells := make([][]cell, n)
	for i := range n {
		r := s.History[len(s.History)-1-i]
		cs := make([]cell, 5)
		rev := one(fmt.Sprintf("r%d", r.N), t.Text)
		if r.N == s.Revision && s.Revision > 0 {
			rev = cell{{fmt.Sprintf("r%d", r.N), t.Text}, {" " + t.G.Running + " serving", t.OK}}
		}
		cs[0] = rev
		if r.Hash != "" {
			cs[1] = one(Clean(ansi.Truncate(r.Hash, 7, ""), 7), t.Dim)
		}
		cs[2] = one(Clean(r.Image, 200), t.Dim)
		outcome := r
		if outcome.Outcome == "" && r.N == s.Next && !unconfirmed && s.State != supervisor.Unknown {
			outcome.Outcome = supervisor.OutcomeDeploying
		}
		cs[3] = one(oneLine(outcome.OutcomeText(), 200), outcomeStyle(t, outcome.Outcome))
		if !r.At.IsZero() {
			cs[4] = one(Duration(now.Sub(r.At))+" ago", t.Dim)
		}
		cells[i] = cs
	}
	return table(t, historyTable, cells, width)
}

// outcomeStyle colours a revision's outcome: stable green, failed red, rolled back or in
// progress yellow, replaced dim.
func outcomeStyle(t Theme, outcome supervisor.Outcome) lipgloss.Style {
	switch outcome {
	case supervisor.OutcomeStable:
		return t.OK
	case supervisor.OutcomeFailed:
		return t.Bad
	case supervisor.OutcomeRolledBack, supervisor.OutcomeDeploying:
		return t.Warn
	}
	return t.Dim
}

// when is a time in the timeline: the clock time today, else the date too.
func when(at, now time.Time) string {
	if at.IsZero() {
		return ""
	}
	y1, m1, d1 := at.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return at.Format(time.TimeOnly)
	}
	return at.Format("Jan 2 15:04")
}

// table renders a small table without a title: the header, then the rows.
func table(t Theme, spec tableSpec, cells [][]cell, width int) []string {
	cols := fitColumns(spec, measureCells(spec, cells), width-2)
	lines := []string{renderHeader(t, cols, width)}
	for _, cs := range cells {
		lines = append(lines, renderRow(t, spec, cs, cols, width, false, false))
	}
	return lines
}

// DeploySplit divides the pane under (or beside) the Deploys list, height lines, between the
// selected service's detail (which wants natural lines) and its logs: both when there is
// room, the detail taking what it needs up to three fifths; else only the one with focus.
func DeploySplit(height, natural int, logsFocused bool) (detail, logs int) {
	const room = 20
	if height >= room {
		detail = min(max(natural, 2), height*3/5)
		return detail, height - detail
	}
	if logsFocused {
		return 0, height
	}
	return height, 0
}

// DeployTimelineLines is a service's whole transition history, newest first, as a table with
// its header: the Deploys tab's Timeline sub-tab, where the Status sub-tab shows only what fits.
func DeployTimelineLines(t Theme, s supervisor.ServiceStatus, now time.Time, width int) []string {
	if len(s.Timeline) == 0 {
		return nil
	}
	return timeline(t, s, now, width, len(s.Timeline)+1)
}

// statusErrorLines is how many lines an error may take in the Status pane; beyond, E shows it.
const statusErrorLines = 3

// errorLines is an error wrapped in the Status pane, on up to statusErrorLines lines; a longer
// one ends with a pointer to where it is whole.
func errorLines(t Theme, msg string, width int) []string {
	w := max(width-2, 1)
	wrapped := WrapText(strings.Join(strings.Fields(msg), " "), w)
	if len(wrapped) > statusErrorLines {
		wrapped = wrapped[:statusErrorLines]
		wrapped[statusErrorLines-1] = Trunc(wrapped[statusErrorLines-1], max(w-11, 1)) + " (E: all)"
	}
	out := make([]string, len(wrapped))
	for i, l := range wrapped {
		out[i] = "  " + t.Bad.Render(l)
	}
	return out
}
