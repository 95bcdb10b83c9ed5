package keymap

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// modifierOrder lists the modifiers Bubble Tea v2 puts before a key, in the order it writes them
// (ultraviolet's Key.Keystroke): a key written in another order would never match.
const modifierOrder = "ctrl alt shift meta hyper super"

// checkKey reports why key can never equal a tea.KeyPressMsg's String(), or nil. Bubble Tea
// spells a key as its modifiers in a fixed order, then a name ("enter", "pgup", "f5") or the
// single printable character; a shifted character arrives as the character it types ("G",
// "?"), and with ctrl or alt a letter stays lower case and shift is spelled out.
func checkKey(key string) error {
	if key == "" {
		return errors.New("empty key")
	}
	if strings.TrimSpace(key) == "" {
		return errors.New(`a blank key: write "space" or "tab"`)
	}
	mods, base, err := splitModifiers(key)
	if err != nil {
		return err
	}
	if isKeyName(base) {
		return nil
	}
	r, size := utf8.DecodeRuneInString(base)
	if size != len(base) || !unicode.IsPrint(r) || unicode.IsSpace(r) {
		if hint := keyNameHint(base); hint != "" {
			return fmt.Errorf("not a key name; Bubble Tea calls it %q", hint)
		}
		return fmt.Errorf("%q is neither a single character nor a key name (enter, esc, tab, space, backspace, up, down, left, right, home, end, pgup, pgdown, insert, delete, f1-f63)", base)
	}
	if len(mods) == 1 && mods[0] == "shift" {
		if up := unicode.ToUpper(r); up != r {
			return fmt.Errorf("a shifted character arrives as what it types: write %q", string(up))
		}
		return errors.New("a shifted character arrives as what it types: write that character")
	}
	if len(mods) > 0 && unicode.IsUpper(r) {
		lower := strings.Join(append(withShift(mods), string(unicode.ToLower(r))), "+")
		return fmt.Errorf("with modifiers a letter stays lower case: write %q", lower)
	}
	return nil
}

// splitModifiers takes the modifier prefixes off key, checking their order.
func splitModifiers(key string) ([]string, string, error) {
	var mods []string
	rest, last := key, -1
	for {
		m, after, found := strings.Cut(rest, "+")
		if !found || m == "" {
			break // no modifier left; "+" and "ctrl++" end in the plus key
		}
		rank := modifierRank(m)
		switch {
		case rank < 0:
			return nil, "", fmt.Errorf("unknown modifier %q (the modifiers are %s)", m, strings.ReplaceAll(modifierOrder, " ", ", "))
		case after == "":
			return nil, "", fmt.Errorf("modifier %s needs a key after it", m)
		case rank == last:
			return nil, "", fmt.Errorf("modifier %s is given twice", m)
		case rank < last:
			return nil, "", fmt.Errorf("modifiers go in Bubble Tea's order: %s", strings.ReplaceAll(modifierOrder, " ", "+"))
		}
		last = rank
		mods = append(mods, m)
		rest = after
	}
	if modifierRank(rest) >= 0 {
		return nil, "", fmt.Errorf("%s is a modifier: it needs a key after it", rest)
	}
	return mods, rest, nil
}

// modifierRank is m's place in modifierOrder, or -1 for no modifier.
func modifierRank(m string) int {
	for i, name := range strings.Fields(modifierOrder) {
		if m == name {
			return i
		}
	}
	return -1
}

// withShift adds shift to mods in its place.
func withShift(mods []string) []string {
	out := []string{}
	added := false
	for _, m := range mods {
		if !added && modifierRank(m) > modifierRank("shift") {
			out = append(out, "shift")
			added = true
		}
		if m == "shift" {
			added = true
		}
		out = append(out, m)
	}
	if !added {
		out = append(out, "shift")
	}
	return out
}

// isKeyName reports whether name is one of Bubble Tea's names for a non-character key.
func isKeyName(name string) bool {
	switch name {
	case "enter", "esc", "tab", "space", "backspace", "up", "down", "left", "right",
		"home", "end", "pgup", "pgdown", "insert", "delete", "begin", "find", "select":
		return true
	}
	if n, ok := strings.CutPrefix(name, "f"); ok {
		i, err := strconv.Atoi(n)
		return err == nil && i >= 1 && i <= 63 && strconv.Itoa(i) == n
	}
	return false
}

// keyNameHint returns Bubble Tea's name for a common other spelling of a key, or "".
func keyNameHint(name string) string {
	lower := strings.ToLower(name)
	if isKeyName(lower) {
		return lower
	}
	switch lower {
	case "escape":
		return "esc"
	case "return", "ret", "cr":
		return "enter"
	case "pageup", "page_up", "prior":
		return "pgup"
	case "pagedown", "page_down", "next":
		return "pgdown"
	case "del":
		return "delete"
	case "ins":
		return "insert"
	case "bs", "bksp":
		return "backspace"
	case "spc":
		return "space"
	}
	return ""
}

// typesText reports whether a valid key types a character: one with no modifier.
func typesText(key string) bool {
	mods, base, err := splitModifiers(key)
	return err == nil && len(mods) == 0 && (base == "space" || utf8.RuneCountInString(base) == 1)
}
