// Package errs is the errors screen: the recent errors of every tab and action (`!`), newest
// first, and one error or text opened in full (an error, a service's timeline): wrapped,
// scrollable and copyable, since a row or a footer only has room for its start.
package errs

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// MaxEntries is how many recent errors are kept.
const MaxEntries = 200

// Entry is one error, or a text to read in full: when, where it came from, and all of it.
type Entry struct {
	At     time.Time
	Origin string // where: "Deploys api", "Pods", "Pipelines ci/build"
	Text   string
	Title  string // the text's title when it is opened alone; "" says "error"
}

// Model is the recent errors and the screen that shows them. It is a value, like every model.
type Model struct {
	entries []Entry // newest first
	open    bool
	text    *Entry // the text open in full, or nil for the list
	back    bool   // the text was opened from the list: esc goes back to it
	cursor  int    // in the list
	scroll  int    // in the text
	flash   string // what the last copy did
}

// Add records an error. One already listed (the same origin and text) is listed once, at the
// time it last happened.
func (m *Model) Add(e Entry) {
	if e.Text == "" {
		return
	}
	rest := m.entries
	for i, x := range m.entries {
		if x.Origin == e.Origin && x.Text == e.Text {
			if !e.At.After(x.At) {
				return // a read again of what is listed (a run, a load)
			}
			rest = append(append([]Entry(nil), m.entries[:i]...), m.entries[i+1:]...)
			break
		}
	}
	// Newest first whatever the order they arrive in: a run's attempts come by commands that
	// run concurrently. Among equal times, the one added last goes first.
	at := 0
	for at < len(rest) && rest[at].At.After(e.At) {
		at++
	}
	if at >= MaxEntries {
		return // older than every error kept
	}
	entries := make([]Entry, 0, min(len(rest)+1, MaxEntries))
	entries = append(append(append(entries, rest[:at]...), e), rest[at:min(len(rest), MaxEntries-1)]...)
	m.entries = entries
	if m.open && m.text == nil && m.cursor > 0 && m.cursor >= at {
		m.cursor++ // keep the same error selected
	}
}

// Entries are the recent errors, newest first.
func (m Model) Entries() []Entry { return m.entries }

// Open says the screen is on.
func (m Model) Open() bool { return m.open }

// OpenList shows the recent errors, the newest selected.
func (m *Model) OpenList() {
	m.open, m.text, m.back, m.cursor, m.flash = true, nil, false, 0, ""
}

// OpenText shows one text in full.
func (m *Model) OpenText(e Entry) {
	m.open, m.text, m.back, m.scroll, m.flash = true, &e, false, 0, ""
}

// Close leaves the screen.
func (m *Model) Close() { m.open, m.text, m.flash = false, nil, "" }

// Key performs an action of the errors screen; rows is the height of the text's area and
// lines the text's length at the screen's width, for scrolling. A copy returns the command
// that sets the clipboard.
func (m *Model) Key(a keymap.Action, rows, lines int) tea.Cmd {
	m.flash = ""
	if m.text == nil {
		return m.listKey(a, rows)
	}
	most := max(lines-rows, 0)
	switch a {
	case keymap.Up:
		m.scroll--
	case keymap.Down:
		m.scroll++
	case keymap.PageUp:
		m.scroll -= max(rows-1, 1)
	case keymap.PageDown:
		m.scroll += max(rows-1, 1)
	case keymap.Top:
		m.scroll = 0
	case keymap.Bottom:
		m.scroll = most
	case keymap.Copy:
		return m.copy(*m.text)
	case keymap.Cancel:
		if m.back {
			m.text, m.back = nil, false
			return nil
		}
		m.Close()
	case keymap.Errors:
		m.Close()
	}
	m.scroll = min(max(m.scroll, 0), most)
	return nil
}

func (m *Model) listKey(a keymap.Action, rows int) tea.Cmd {
	n := len(m.entries)
	switch a {
	case keymap.Up:
		m.cursor--
	case keymap.Down:
		m.cursor++
	case keymap.PageUp:
		m.cursor -= max(rows-1, 1)
	case keymap.PageDown:
		m.cursor += max(rows-1, 1)
	case keymap.Top:
		m.cursor = 0
	case keymap.Bottom:
		m.cursor = n - 1
	case keymap.Confirm:
		if m.cursor < n {
			e := m.entries[m.cursor]
			m.text, m.back, m.scroll = &e, true, 0
		}
	case keymap.Copy:
		if m.cursor < n {
			return m.copy(m.entries[m.cursor])
		}
	case keymap.Cancel, keymap.Errors:
		m.Close()
	}
	m.cursor = min(max(m.cursor, 0), max(n-1, 0))
	return nil
}

// copy puts e's whole text on the clipboard (OSC 52, which the terminal must allow) and says so.
func (m *Model) copy(e Entry) tea.Cmd {
	m.flash = fmt.Sprintf("copied %s of %s to the clipboard", views.Plural(len([]rune(e.Text)), "character"), e.what())
	return tea.SetClipboard(e.Text)
}

// what names the entry in a message: its title, or the error and its origin.
func (e Entry) what() string {
	if e.Title != "" {
		return e.Title
	}
	if e.Origin != "" {
		return "the error (" + e.Origin + ")"
	}
	return "the error"
}

// View is the screen in width×height cells: the list, or the text open in full.
func (m Model) View(t views.Theme, km keymap.Keymap, now time.Time, width, height int) string {
	hints := km.Hints(keymap.CtxErrors)
	if m.text != nil { // a text open has nothing to open
		hints = slices.DeleteFunc(hints, func(h keymap.Hint) bool { return h.Label == hintOf(km, keymap.Confirm) })
	}
	footer := views.Footer(t, hints, views.Status{Text: m.flash}, width)
	if m.text == nil {
		rows := make([]views.ErrorRow, len(m.entries))
		for i, e := range m.entries {
			rows[i] = views.ErrorRow{At: e.At, Origin: e.Origin, Text: e.Text}
		}
		return views.ErrorsScreen(t, rows, m.cursor, now, footer, width, height)
	}
	return views.TextScreen(t, m.title(now), m.text.Text, m.scroll, footer, width, height)
}

// hintOf is the footer label of action's binding on the errors screen.
func hintOf(km keymap.Keymap, a keymap.Action) string {
	for _, b := range km.Bindings[keymap.CtxErrors] {
		if b.Action == a {
			return b.Hint
		}
	}
	return ""
}

// title is the open text's rule title: its title or "Error", where it came from, and when.
func (m Model) title(now time.Time) string {
	e := m.text
	title := e.Title
	if title == "" {
		title = "Error"
	}
	if e.Origin != "" {
		title += " · " + e.Origin
	}
	if !e.At.IsZero() {
		if now.Sub(e.At) < 12*time.Hour {
			title += " · " + e.At.Format(time.TimeOnly)
		} else {
			title += " · " + e.At.Format(time.DateTime)
		}
	}
	return title
}

// Rows is the height of the text's area in a screen of height lines (a rule and the footer
// take two).
func Rows(height int) int { return max(height-2, 1) }

// Lines is how many lines the open text takes at width; 0 for the list.
func (m Model) Lines(width int) int {
	if m.text == nil {
		return 0
	}
	return len(views.TextLines(m.text.Text, width))
}
