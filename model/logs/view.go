package logs

import (
	"sort"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

const (
	// Batch is the most lines one message carries, so an Update stays short in any burst.
	Batch = 10000
	// windowMin is how many lines around the shown ones a pane hands its view when it does
	// not know its height yet; the view takes the ones that fit.
	windowMin = 200
)

// View is the log engine every log pane draws from (the logs of the Containers, Pods and
// Deploys tabs, the output of the Pipelines tab): the lines, where the pane is scrolled to,
// the search, and the timestamps and wrap toggles. Lines on disk that the pane shows are read
// in Update into a small cache, so drawing never reads a file.
type View struct {
	buf       *buffer // nil until the first line
	label     string  // whose log: names the spill and the saved files
	following bool    // show the newest lines as they come
	top       int     // first line shown while paused: an index into what is shown
	rows      int     // the pane's height in lines, as last told; 0 before
	stamps    bool
	wrap      bool
	search    search
	cache     map[int]views.LogLine // by line number: the shown lines that are on disk
	err       error                 // the last failure to read the disk part
	limits    *limits               // the buffers' bounds; nil for the defaults (tests make them small)
	olderNote string                // what the title says of lines older than the log's: "" for none
}

// Reset empties the view for a new log, keeping how the user likes it shown.
func (v *View) Reset(label string) {
	v.Close()
	*v = View{label: label, following: true, rows: v.rows, stamps: v.stamps, wrap: v.wrap}
}

// Close drops the lines and removes the spill file. A log that is going away has nothing to
// report a failure to: the file is unlinked already where the system allows it.
func (v *View) Close() {
	if v.buf != nil {
		_ = v.buf.close()
		v.buf = nil
	}
	v.cache = nil
}

// Lines is how many lines the log has.
func (v *View) Lines() int {
	if v.buf == nil {
		return 0
	}
	return v.buf.len()
}

// Err is why the log could not be kept (spilling to disk failed: older lines are lost) or
// read back from disk; nil when all is well.
func (v *View) Err() error {
	if v.buf != nil && v.buf.err != nil {
		return v.buf.err
	}
	return v.err
}

// OnDisk is how many of the log's lines are in its spill file rather than in memory.
func (v *View) OnDisk() int {
	if v.buf == nil {
		return 0
	}
	return v.buf.onDisk()
}

// Resize tells the view its pane is rows lines tall, and reads from disk what that shows: the
// view keeps its place by itself.
func (v *View) Resize(rows int) {
	v.rows = rows
	v.refill()
}

// Add appends lines, counting the search's new matches.
func (v *View) Add(lines []views.LogLine) {
	if len(lines) == 0 {
		return
	}
	if v.buf == nil {
		v.buf = newBuffer(v.label, v.lim())
	}
	from := v.buf.len()
	v.buf.append(lines)
	v.search.added(from, lines)
	v.refill()
}

// total is how many lines the pane can show: every line, or only the matching ones.
func (v *View) total() int {
	if v.search.only {
		return len(v.search.matches)
	}
	return v.Lines()
}

// lineNo is the number of the line shown at index i.
func (v *View) lineNo(i int) int {
	if v.search.only {
		return v.search.matches[i]
	}
	return i
}

// start is the index of the first line on screen in a pane of rows lines.
func (v *View) start(rows int) int {
	return views.LogStart(v.total(), rows, v.top, v.following)
}

// window is the range of shown indexes handed to the view: the lines on screen, with room
// for a pane taller than the one last told.
func (v *View) window() (int, int) {
	total, w := v.total(), max(v.rows, windowMin)
	lo := max(total-w, 0)
	if !v.following {
		lo = max(min(v.top, total-w), 0)
	}
	return lo, min(lo+w, total)
}

// refill reads the window's lines that are on disk into the cache, unless they are there.
func (v *View) refill() {
	if v.buf == nil {
		return
	}
	lo, hi := v.window()
	ms := v.buf.memStart()
	var want []int
	for i := lo; i < hi; i++ {
		if n := v.lineNo(i); n < ms {
			want = append(want, n)
		}
	}
	missing := false
	for _, n := range want {
		if _, ok := v.cache[n]; !ok {
			missing = true
			break
		}
	}
	if !missing {
		return
	}
	cache := make(map[int]views.LogLine, len(want))
	keep := func(i int, l views.LogLine) error {
		cache[i] = l
		return nil
	}
	var err error
	if v.search.only {
		for _, n := range want {
			if err = v.buf.each(n, n+1, keep); err != nil {
				break
			}
		}
	} else {
		err = v.buf.each(want[0], want[len(want)-1]+1, keep)
	}
	v.cache, v.err = cache, err
}

// Data is the view's part of what the pane draws: the window of lines, the position, the
// search and the toggles.
func (v *View) Data() views.LogsData {
	d := views.LogsData{Top: v.top, Following: v.following, Timestamps: v.stamps, Wrap: v.wrap,
		Search: v.search.view(v), Older: v.olderNote}
	if v.buf == nil {
		return d
	}
	lo, hi := v.window()
	d.First, d.Total, d.All = lo, v.total(), v.buf.len()
	ms := v.buf.memStart()
	if !v.search.only && lo >= ms {
		d.Lines = v.buf.mem[lo-ms : hi-ms]
		return d
	}
	d.Lines = make([]views.LogLine, 0, hi-lo)
	for i := lo; i < hi; i++ {
		n := v.lineNo(i)
		l, ok := v.cache[n]
		if n >= ms {
			l, ok = v.buf.mem[n-ms], true
		}
		if !ok {
			l = views.LogLine{}
		}
		d.Lines = append(d.Lines, l)
	}
	return d
}

// scroll moves the paused view by n lines in a pane of rows lines; reaching the newest line
// resumes following.
func (v *View) scroll(n, rows int) {
	total := v.total()
	v.top = max(v.start(rows)+n, 0)
	v.following = false
	if v.top >= total-rows {
		v.following = n > 0 || total <= rows
		v.top = max(total-rows, 0)
	}
}

// ToggleFollow pauses at the lines on screen, or resumes following.
func (v *View) ToggleFollow(rows int) {
	if v.following {
		v.top = v.start(rows)
		v.following = false
	} else {
		v.following = true
	}
	v.refill()
}

// Do performs a logs action in a pane of rows lines, from a key or the command palette:
// scrolling, following, searching, the toggles and saving. handled is false for an action
// that is not the pane's; status is what the tab's status line should say ("" for nothing).
func (v *View) Do(a keymap.Action, rows int) (handled bool, status views.Status) {
	if rows > 0 {
		v.rows = rows
	}
	page := max(rows-1, 1)
	switch a {
	case keymap.Up:
		v.scroll(-1, rows)
	case keymap.Down:
		v.scroll(1, rows)
	case keymap.PageUp:
		v.scroll(-page, rows)
	case keymap.PageDown:
		v.scroll(page, rows)
	case keymap.Top:
		v.following, v.top = false, 0
	case keymap.Bottom:
		v.following = true
	case keymap.LogsFollow:
		v.ToggleFollow(rows)
	case keymap.Search:
		v.startSearch()
	case keymap.SearchNext, keymap.SearchPrev:
		status = v.jump(a == keymap.SearchNext, rows)
	case keymap.OnlyMatch:
		status = v.toggleOnly(rows)
	case keymap.Timestamps:
		v.stamps = !v.stamps
		if v.stamps && !v.timed() {
			status = views.Status{Text: "timestamps on: this log's lines carry no time"}
		}
	case keymap.Wrap:
		v.wrap = !v.wrap
	case keymap.Save:
		status = v.save()
	case keymap.Cancel:
		if !v.search.on() {
			return false, status
		}
		v.dropSearch()
	default:
		return false, status
	}
	v.refill()
	return true, status
}

// timed says the newest line has a time to show.
func (v *View) timed() bool {
	if v.buf == nil || len(v.buf.mem) == 0 {
		return true // nothing to judge by yet
	}
	return !v.buf.mem[len(v.buf.mem)-1].Time.IsZero()
}

// lim is the bounds of the view's buffers.
func (v *View) lim() limits {
	if v.limits != nil {
		return *v.limits
	}
	return defaultLimits()
}

// prepend puts older's lines (the ones before the log's, oldest first) before the log's, and
// keeps the same lines on screen; then it goes to the first line (top) or up lines up.
func (v *View) prepend(older *buffer, top bool, up int) {
	h := older.len()
	if h == 0 {
		_ = older.close()
	} else {
		if v.buf != nil {
			chunk := make([]views.LogLine, 0, 1024)
			err := v.buf.each(0, v.buf.len(), func(_ int, l views.LogLine) error {
				if chunk = append(chunk, l); len(chunk) == cap(chunk) {
					older.append(chunk)
					chunk = chunk[:0]
				}
				return nil
			})
			older.append(chunk)
			if err != nil {
				v.err = err
			}
			_ = v.buf.close()
		}
		v.buf, v.cache = older, nil
		if v.search.q.Text() != "" {
			s := &v.search
			cur, curOK := s.current()
			var curLine int
			if curOK {
				curLine = s.matches[cur] + h
			}
			shown := v.top
			if s.only && !v.following && v.top < len(s.matches) {
				shown = s.matches[v.top] + h
			}
			s.matches, v.err = v.buf.matches(s.q, 0)
			if curOK {
				s.cur = sort.SearchInts(s.matches, curLine)
			}
			if s.only {
				v.top = sort.SearchInts(s.matches, shown)
			}
		}
		if !v.search.only && !v.following {
			v.top += h
		}
	}
	switch {
	case top:
		v.following, v.top = false, 0
	case up > 0 && !v.following:
		v.top = max(v.top-up, 0)
	}
	v.refill()
}
