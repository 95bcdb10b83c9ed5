package modeltest

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// CmdGuard is how long a command may block before a test calls it stuck: a guard against a
// hang, not a speed target (a loaded CI machine may take seconds for what takes microseconds).
const CmdGuard = 15 * time.Second

// Key is the key press Bubble Tea delivers for a key's name ("j", "enter", "ctrl+d", "space").
func Key(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(name)[0], Text: name}
}

// RunCmd runs a command that should not block and returns its message; a command that blocks
// past CmdGuard fails the test.
func RunCmd(t testing.TB, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(CmdGuard):
		t.Fatal("command blocked")
	}
	return nil
}
