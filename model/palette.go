package model

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// palette is the command palette while it is open: every action of the context it was opened
// in, the query typed so far, and the actions that match it, best first. The root owns it; a
// chosen action runs as its key would in that context.
type palette struct {
	open    bool
	ctx     keymap.Context // where the user was: what the actions apply to
	entries []paletteEntry
	query   string
	matches []paletteMatch // every entry in order for an empty query, else the matches by score
	cursor  int            // index in matches
	top     int            // first match shown
}

// paletteEntry is one action the palette offers.
type paletteEntry struct {
	action keymap.Action
	help   string
	keys   []string // the keys that reach it from ctx: a nearer context may have taken some, or all
}

// paletteMatch is an entry the query matches, with the byte offsets of the characters that
// matched in the entry's text.
type paletteMatch struct {
	entry   int
	matched []int
}

// paletteTexts is what fuzzy matches the query against: each entry's "name help".
type paletteTexts []paletteEntry

// paletteNames is each entry's name alone, to rank the entries whose name matches first.
type paletteNames []paletteEntry

func (s paletteTexts) String(i int) string { return s[i].text() }
func (s paletteTexts) Len() int            { return len(s) }

func (s paletteNames) String(i int) string { return string(s[i].action) }
func (s paletteNames) Len() int            { return len(s) }

// text is what the query is matched against: the action's name, then its help.
func (e paletteEntry) text() string { return string(e.action) + " " + e.help }

// newPalette opens the palette on the actions of ctx.
func newPalette(km keymap.Keymap, ctx keymap.Context) palette {
	p := palette{open: true, ctx: ctx, entries: paletteEntries(km, ctx)}
	p.setQuery("")
	return p
}

// paletteEntries lists the actions along keymap.Chain(ctx): the focused pane's, then the
// tab's, then the global ones, each once, as the nearest context defines it. Keys that a
// nearer context has taken are left out (as Resolve would never reach them); an action with
// none left is still listed, since the palette is how to reach it. The palette itself is not.
func paletteEntries(km keymap.Keymap, ctx keymap.Context) []paletteEntry {
	seen := map[keymap.Action]bool{keymap.None: true, keymap.Palette: true}
	var out []paletteEntry
	for _, b := range km.Along(ctx) {
		if seen[b.Action] {
			continue
		}
		seen[b.Action] = true
		out = append(out, paletteEntry{action: b.Action, help: b.Help, keys: b.Live})
	}
	// Moving the cursor is what nobody looks up by name: it goes last, the order otherwise kept.
	slices.SortStableFunc(out, func(a, b paletteEntry) int {
		return cmp.Compare(b2i(navigation(a.action)), b2i(navigation(b.action)))
	})
	return out
}

// navigation says a moves a cursor or scrolls.
func navigation(a keymap.Action) bool {
	switch a {
	case keymap.Up, keymap.Down, keymap.Top, keymap.Bottom, keymap.PageUp, keymap.PageDown:
		return true
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setQuery filters the entries by q, fuzzily, and puts the cursor on the best match. An
// action whose name matches ranks above those that match only with their help (the help is
// long, and says more than the user typed), each group by fuzzy's score.
func (p *palette) setQuery(q string) {
	p.query, p.cursor, p.top = q, 0, 0
	pattern := strings.TrimSpace(q)
	if pattern == "" {
		p.matches = make([]paletteMatch, len(p.entries))
		for i := range p.entries {
			p.matches[i] = paletteMatch{entry: i}
		}
		return
	}
	byName := fuzzy.FindFrom(pattern, paletteNames(p.entries))
	byText := fuzzy.FindFrom(pattern, paletteTexts(p.entries))
	p.matches = make([]paletteMatch, 0, len(byText))
	named := make(map[int]bool, len(byName))
	for _, f := range byName {
		named[f.Index] = true
		// The name starts the text, so its offsets are the text's too.
		p.matches = append(p.matches, paletteMatch{entry: f.Index, matched: f.MatchedIndexes})
	}
	for _, f := range byText {
		if !named[f.Index] {
			p.matches = append(p.matches, paletteMatch{entry: f.Index, matched: f.MatchedIndexes})
		}
	}
}

// move moves the cursor by, stopping at the ends, and scrolls so that it stays among the rows
// shown.
func (p *palette) move(by, rows int) {
	p.cursor = min(max(p.cursor+by, 0), max(len(p.matches)-1, 0))
	p.top = scrollTo(p.top, p.cursor, rows)
}

// selected is the action under the cursor; false when nothing matches.
func (p palette) selected() (keymap.Action, bool) {
	if p.cursor < 0 || p.cursor >= len(p.matches) {
		return keymap.None, false
	}
	return p.entries[p.matches[p.cursor].entry].action, true
}

// data is what views.Palette draws, for a list of rows lines.
func (p palette) data(rows int, hints []keymap.Hint) views.PaletteData {
	d := views.PaletteData{
		Title: p.ctx.Title(), Query: p.query, Total: len(p.entries),
		Cursor: p.cursor, Offset: scrollTo(p.top, p.cursor, rows), Hints: hints,
		Items: make([]views.PaletteItem, len(p.matches)),
	}
	for i, m := range p.matches {
		e := p.entries[m.entry]
		names := make([]string, len(e.keys))
		for j, k := range e.keys {
			names[j] = keymap.KeyName(k)
		}
		d.Items[i] = views.PaletteItem{Name: string(e.action), Help: e.help, Keys: strings.Join(names, "/"), Matched: m.matched}
	}
	return d
}

// scrollTo is the first row to show of a list scrolled to top, so that cursor is among the
// rows shown.
func scrollTo(top, cursor, rows int) int {
	rows = max(rows, 1)
	top = min(top, cursor)
	if cursor >= top+rows {
		top = cursor - rows + 1
	}
	return max(top, 0)
}
