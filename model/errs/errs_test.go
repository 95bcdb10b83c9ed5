package errs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// The list is newest first; an error listed again moves up with its new time, one read again
// at the same time (a run reloaded) is not listed twice; it keeps at most MaxEntries.
func TestAddOrdersAndDedupes(t *testing.T) {
	var m Model
	m.Add(Entry{At: t0, Origin: "Deploys api", Text: "a"})
	m.Add(Entry{At: t0.Add(time.Second), Origin: "Pods", Text: "b"})
	m.Add(Entry{At: t0, Origin: "Deploys api", Text: "a"}) // read again
	if got := texts(m); got != "b a" {
		t.Fatalf("entries %q", got)
	}
	m.Add(Entry{At: t0.Add(2 * time.Second), Origin: "Deploys api", Text: "a"}) // happened again
	if got := texts(m); got != "a b" || !m.Entries()[0].At.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("entries %q", got)
	}
	for i := range MaxEntries + 10 {
		m.Add(Entry{At: t0.Add(time.Duration(i) * time.Minute), Origin: "x", Text: fmt.Sprint(i)})
	}
	if n := len(m.Entries()); n != MaxEntries {
		t.Fatalf("%d entries kept", n)
	}
}

// A text opened in full scrolls within its length, copies all of it, and esc closes it.
func TestTextScrollsAndCopies(t *testing.T) {
	var m Model
	text := strings.Repeat("a long engine error ", 40)
	m.OpenText(Entry{At: t0, Origin: "Deploys api", Text: text})
	th, km := views.NewTheme(true), keymap.Default()
	lines := m.Lines(40)
	if lines < 10 {
		t.Fatalf("%d lines at 40 columns", lines)
	}
	m.Key(keymap.Bottom, 5, lines)
	if m.scroll != lines-5 {
		t.Fatalf("bottom scrolls to %d, want %d", m.scroll, lines-5)
	}
	m.Key(keymap.Down, 5, lines)
	if m.scroll != lines-5 {
		t.Fatalf("scrolled past the end: %d", m.scroll)
	}
	if cmd := m.Key(keymap.Copy, 5, lines); cmd == nil || !strings.Contains(fmt.Sprint(cmd()), text) {
		t.Fatal("copy does not set the clipboard to the text")
	}
	s := ansi.Strip(m.View(th, km, t0, 40, 7))
	if !strings.Contains(s, "copied 800") || len(strings.Split(s, "\n")) != 7 {
		t.Fatalf("screen:\n%s", s)
	}
	m.Key(keymap.Cancel, 5, lines)
	if m.Open() {
		t.Fatal("esc did not close the text")
	}
}

func texts(m Model) string {
	var out []string
	for _, e := range m.Entries() {
		out = append(out, e.Text)
	}
	return strings.Join(out, " ")
}

// Errors that arrive out of their order (a run's attempts, handed over by commands that run
// concurrently) are still listed newest first.
func TestAddKeepsNewestFirstWhateverTheArrival(t *testing.T) {
	var m Model
	for _, i := range []int{1, 3, 4, 2} {
		m.Add(Entry{At: t0.Add(time.Duration(i) * time.Millisecond), Origin: "Pipelines ci", Text: fmt.Sprint(i)})
	}
	if got := texts(m); got != "4 3 2 1" {
		t.Fatalf("entries %q, want newest first", got)
	}
}
