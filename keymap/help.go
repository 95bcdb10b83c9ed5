package keymap

import "strings"

// HelpSection is one context's block on the help screen.
type HelpSection struct {
	Title string
	Rows  []HelpRow
}

// HelpRow is one line of the help screen: the keys, then what they do.
type HelpRow struct {
	Keys string // "↑/k"
	Desc string
}

// Hint is one footer entry: "↑↓ move".
type Hint struct {
	Keys   string
	Label  string
	Action Action // the (first) action the hint is for
}

// Help builds the help screen from the bindings, one section per context in ctxs
// (Contexts() when none are given). Contexts with no bindings are left out.
func (k Keymap) Help(ctxs ...Context) []HelpSection {
	if len(ctxs) == 0 {
		ctxs = Contexts()
	}
	var out []HelpSection
	for _, c := range ctxs {
		sec := HelpSection{Title: c.Title()}
		for _, b := range k.Bindings[c] {
			if len(b.Keys) == 0 {
				continue
			}
			names := make([]string, len(b.Keys))
			for i, key := range b.Keys {
				names[i] = KeyName(key)
			}
			sec.Rows = append(sec.Rows, HelpRow{Keys: strings.Join(names, "/"), Desc: b.Help})
		}
		if len(sec.Rows) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

// Hints returns the footer entries for a key pressed in ctx: the hinted bindings along
// Chain(ctx), each action once, leaving out keys a nearer context has taken (as Resolve
// does), and merging adjacent entries with the same label.
func (k Keymap) Hints(ctx Context) []Hint {
	seen := map[Action]bool{}
	var out []Hint
	for _, b := range k.Along(ctx) {
		if seen[b.Action] || len(b.Live) == 0 {
			continue
		}
		seen[b.Action] = true
		if b.Hint == "" {
			continue
		}
		key := KeyName(b.Live[0])
		if n := len(out); n > 0 && out[n-1].Label == b.Hint {
			out[n-1].Keys += key
			continue
		}
		out = append(out, Hint{Keys: key, Label: b.Hint, Action: b.Action})
	}
	return out
}

// KeyName is how a key is shown to the user: arrows as arrows, the rest as Bubble Tea names it.
func KeyName(key string) string {
	switch key {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case "enter":
		return "⏎"
	}
	return key
}
