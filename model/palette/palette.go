// Package palette holds the command palette: every action of the context it opened in,
// matched fuzzily against what the user types.
package palette

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// Palette is the command palette while it is open: every action of the context it was opened
// in, the query typed so far, and the actions that match it, best first. The root owns it; a
// chosen action runs as its key would in that context.
type Palette struct {
	Open    bool
	Ctx     keymap.Context // where the user was: what the actions apply to
	Entries []Entry
	Query   string
	matches []paletteMatch // every entry in order for an empty query, else the matches by score
	cursor  int            // index in matches
	top     int            // first match shown
}

// Entry is one action the palette offers.
type Entry struct {
	Action keymap.Action
	Help   string
	Keys   []string // the keys that reach it from ctx: a nearer context may have taken some, or all
}

// paletteMatch is an entry the query matches, with the byte offsets of the characters that
// matched in the entry's text.
type paletteMatch struct {
	entry   int
	matched []int
}

// paletteTexts is what fuzzy matches the query against: each entry's "name help".
type paletteTexts []Entry

// paletteNames is each entry's name alone, to rank the entries whose name matches first.
type paletteNames []Entry

func (s paletteTexts) String(i int) string { return s[i].text() }
func (s paletteTexts) Len() int            { return len(s) }

func (s paletteNames) String(i int) string { return string(s[i].Action) }
func (s paletteNames) Len() int            { return len(s) }

// text is what the query is matched against: the action's name, then its help.
func (e Entry) text() string { return string(e.Action) + " " + e.Help }

// New opens the palette on the actions of ctx.
func New(km keymap.Keymap, ctx keymap.Context) Palette {
	p := Palette{Open: true, Ctx: ctx, Entries: paletteEntries(km, ctx)}
	p.SetQuery("")
	return p
}

// paletteEntries lists the actions along keymap.Chain(ctx): the focused pane's, then the
// tab's, then the global ones, each once, as the nearest context defines it. Keys that a
// nearer context has taken are left out (as Resolve would never reach them); an action with
// none left is still listed, since the palette is how to reach it. The palette itself is not.
func paletteEntries(km keymap.Keymap, ctx keymap.Context) []Entry {
	seen := map[keymap.Action]bool{keymap.None: true, keymap.Palette: true}
	var out []Entry
	for _, b := range km.Along(ctx) {
		if seen[b.Action] {
			continue
		}
		seen[b.Action] = true
		out = append(out, Entry{Action: b.Action, Help: b.Help, Keys: b.Live})
	}
	// Moving the cursor is what nobody looks up by name: it goes last, the order otherwise kept.
	slices.SortStableFunc(out, func(a, b Entry) int {
		return cmp.Compare(b2i(navigation(a.Action)), b2i(navigation(b.Action)))
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

// SetQuery filters the entries by q, fuzzily, and puts the cursor on the best match. An
// action whose name matches ranks above those that match only with their help (the help is
// long, and says more than the user typed), each group by fuzzy's score.
func (p *Palette) SetQuery(q string) {
	p.Query, p.cursor, p.top = q, 0, 0
	pattern := strings.TrimSpace(q)
	if pattern == "" {
		p.matches = make([]paletteMatch, len(p.Entries))
		for i := range p.Entries {
			p.matches[i] = paletteMatch{entry: i}
		}
		return
	}
	byName := fuzzy.FindFrom(pattern, paletteNames(p.Entries))
	byText := fuzzy.FindFrom(pattern, paletteTexts(p.Entries))
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

// Move moves the cursor by, stopping at the ends, and scrolls so that it stays among the rows
// shown.
func (p *Palette) Move(by, rows int) {
	p.cursor = min(max(p.cursor+by, 0), max(len(p.matches)-1, 0))
	p.top = scrollTo(p.top, p.cursor, rows)
}

// Selected is the action under the cursor; false when nothing matches.
func (p Palette) Selected() (keymap.Action, bool) {
	if p.cursor < 0 || p.cursor >= len(p.matches) {
		return keymap.None, false
	}
	return p.Entries[p.matches[p.cursor].entry].Action, true
}

// Data is what views.Palette draws, for a list of rows lines.
func (p Palette) Data(rows int, hints []keymap.Hint) views.PaletteData {
	d := views.PaletteData{
		Title: p.Ctx.Title(), Query: p.Query, Total: len(p.Entries),
		Cursor: p.cursor, Offset: scrollTo(p.top, p.cursor, rows), Hints: hints,
		Items: make([]views.PaletteItem, len(p.matches)),
	}
	for i, m := range p.matches {
		e := p.Entries[m.entry]
		names := make([]string, len(e.Keys))
		for j, k := range e.Keys {
			names[j] = keymap.KeyName(k)
		}
		d.Items[i] = views.PaletteItem{Name: string(e.Action), Help: e.Help, Keys: strings.Join(names, "/"), Matched: m.matched}
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

// Actions are the actions the palette lists, in its order.
func (p Palette) Actions() []keymap.Action {
	out := make([]keymap.Action, 0, len(p.matches))
	for _, m := range p.matches {
		out = append(out, p.Entries[m.entry].Action)
	}
	return out
}
