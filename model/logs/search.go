package logs

import (
	"github.com/podiumdev/podium/model/common"

	"sort"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// search is a log's search: the query being typed, or the one kept with its matches.
type search struct {
	typing  bool
	query   string         // as typed
	q       views.LogQuery // the query kept (enter); empty while typing or with none
	matches []int          // the numbers of the matching lines, oldest first; the disk's too
	cur     int            // the index in matches of the match n and N went to; -1 for none
	only    bool           // show only the matching lines
}

// on says a search is being typed or kept.
func (s *search) on() bool { return s.typing || s.q.Text() != "" }

// current is the index in matches of the current match, if there is one.
func (s *search) current() (int, bool) {
	return s.cur, s.q.Text() != "" && s.cur >= 0 && s.cur < len(s.matches)
}

// added counts the matches among lines just appended, the first of them numbered from.
func (s *search) added(from int, lines []views.LogLine) {
	if s.q.Text() == "" {
		return
	}
	for i, l := range lines {
		if s.q.Match(l.Text) {
			s.matches = append(s.matches, from+i)
		}
	}
}

// view is the search as the pane draws it.
func (s *search) view(v *View) views.LogSearch {
	ls := views.LogSearch{Query: s.query, Typing: s.typing, Count: len(s.matches), Only: s.only}
	if i, ok := s.current(); ok {
		ls.Current, ls.Line = i+1, s.matches[i]
		if s.only {
			ls.Line = i
		}
	}
	return ls
}

// Typing says the pane's search line has the keyboard: the tab's Context is then CtxSearch.
func (v *View) Typing() bool { return v.search.typing }

// startSearch opens the search line, dropping the search there was.
func (v *View) startSearch() {
	v.dropSearch()
	v.search.typing = true
}

// dropSearch forgets the search; a pane showing only the matches shows every line again,
// from the same line.
func (v *View) dropSearch() {
	if v.search.only && !v.following && v.top < len(v.search.matches) {
		v.top = v.search.matches[v.top]
	}
	v.search = search{cur: -1}
}

// SearchKey applies a key to the search line while it is typed: enter keeps the search and
// goes to its match nearest the bottom of the screen, esc drops it, other keys edit it.
func (v *View) SearchKey(msg tea.KeyPressMsg, a keymap.Action, rows int) {
	if rows > 0 {
		v.rows = rows
	}
	switch a {
	case keymap.Confirm:
		v.keepSearch(rows)
	case keymap.Cancel:
		v.dropSearch()
	default:
		v.search.query = common.EditLine(v.search.query, msg)
	}
	v.refill()
}

// keepSearch ends typing: the query is matched against the whole log, disk part included,
// and the newest match at or above the bottom of the screen becomes the current one, shown.
func (v *View) keepSearch(rows int) {
	s := &v.search
	s.typing = false
	if s.query == "" {
		v.dropSearch()
		return
	}
	s.q, s.matches, s.cur = views.NewLogQuery(s.query), nil, -1
	if v.buf == nil {
		return
	}
	s.matches, v.err = v.buf.matches(s.q, 0)
	if len(s.matches) == 0 {
		return
	}
	bottom := -1
	if total := v.total(); total > 0 {
		bottom = min(v.start(rows)+rows, total) - 1
	}
	s.cur = max(sort.SearchInts(s.matches, bottom+1)-1, 0)
	if at := s.matches[s.cur]; at < v.start(rows) || at > bottom {
		v.show(s.cur, rows)
	}
}

// jump goes to the next (newer) or previous match, pausing, wrapping round at the ends.
func (v *View) jump(next bool, rows int) views.Status {
	s := &v.search
	switch {
	case s.q.Text() == "":
		return views.Status{Text: "no search in this log", Err: true}
	case len(s.matches) == 0:
		return views.Status{Text: "no line matches /" + s.q.Text(), Err: true}
	}
	var status views.Status
	i, ok := s.current()
	switch {
	case !ok && next:
		i = 0
	case !ok:
		i = len(s.matches) - 1
	case next && i == len(s.matches)-1:
		i, status = 0, views.Status{Text: "search wrapped to the oldest match"}
	case next:
		i++
	case i == 0:
		i, status = len(s.matches)-1, views.Status{Text: "search wrapped to the newest match"}
	default:
		i--
	}
	s.cur = i
	v.show(i, rows)
	return status
}

// show pauses with match i on screen: where it is if it is already there, else a third of the
// way down (at the top when wrapping, where rows are not lines).
func (v *View) show(i, rows int) {
	at := v.search.matches[i]
	if v.search.only {
		at = i
	}
	start := v.start(rows)
	v.following, v.top = false, start
	if at >= start && at < start+rows && !v.wrap {
		return
	}
	v.top = at - rows/3
	if v.wrap {
		v.top = at
	}
	v.top = max(min(v.top, v.total()-rows), 0)
}

// toggleOnly shows only the matching lines, or every line again, keeping the first line on
// screen (or the nearest match after it) on screen.
func (v *View) toggleOnly(rows int) views.Status {
	s := &v.search
	if s.q.Text() == "" {
		return views.Status{Text: "only matching lines: search first", Err: true}
	}
	first := 0
	if v.total() > 0 {
		first = v.lineNo(min(v.start(rows), v.total()-1))
	}
	s.only = !s.only
	if s.only {
		v.top = sort.SearchInts(s.matches, first)
	} else {
		v.top = first
	}
	if i, ok := s.current(); ok && !v.following {
		at := s.matches[i]
		if s.only {
			at = i
		}
		if at < v.top || at >= v.top+rows {
			v.show(i, rows)
		}
	}
	return views.Status{}
}
