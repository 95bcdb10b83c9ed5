package common

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
)

// EditLine applies a key to a one-line text field: backspace, ctrl+u (clear), ctrl+w (delete
// a word), or a typed character. Other keys leave s as it is.
func EditLine(s string, msg tea.KeyPressMsg) string {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if r := []rune(s); len(r) > 0 {
			s = string(r[:len(r)-1])
		}
	case "ctrl+u":
		s = ""
	case "ctrl+w":
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		s = s[:strings.LastIndexFunc(s, unicode.IsSpace)+1]
	default:
		if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			s += msg.Text
		}
	}
	return s
}
