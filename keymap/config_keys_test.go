package keymap

import (
	"strings"
	"testing"
)

func TestCheckKeyAcceptsBubbleTeaNames(t *testing.T) {
	valid := []string{"q", "Q", "?", ":", "+", "é", "1", "space", "enter", "esc", "tab", "backspace",
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown", "delete", "insert", "f1", "f12", "f63",
		"ctrl+c", "ctrl++", "alt+x", "alt+shift+a", "ctrl+alt+shift+up", "shift+tab", "ctrl+space", "ctrl+shift+f5", "super+k"}
	for _, k := range valid {
		if err := checkKey(k); err != nil {
			t.Errorf("checkKey(%q): %v", k, err)
		}
	}
	// Every key of the built-in keymap is one a user could write.
	for c, bs := range Default().Bindings {
		for _, b := range bs {
			for _, k := range b.Keys {
				if err := checkKey(k); err != nil {
					t.Errorf("default key %q of %s in %s: %v", k, b.Action, c, err)
				}
			}
		}
	}
}

func TestCheckKeyRejectsWhatNeverArrives(t *testing.T) {
	invalid := map[string]string{
		"":            "empty",
		" ":           `"space"`,
		"ctrl+":       "needs a key after it",
		"shift":       "is a modifier",
		"ctrl+shift":  "is a modifier",
		"alt+ctrl+x":  "ctrl+alt+shift",
		"ctrl+ctrl+x": "twice",
		"cmd+x":       `unknown modifier "cmd"`,
		"shift+a":     `write "A"`,
		"shift+1":     "write that character",
		"alt+A":       `write "alt+shift+a"`,
		"ctrl+X":      `write "ctrl+shift+x"`,
		"Enter":       `"enter"`,
		"return":      `"enter"`,
		"pageup":      `"pgup"`,
		"f0":          "neither",
		"f64":         "neither",
		"f01":         "neither",
		"jk":          "neither",
		"\t":          `"space"`,
	}
	for k, want := range invalid {
		err := checkKey(k)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkKey(%q) = %v, want an error saying %q", k, err, want)
		}
	}
}
