package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestCLIRunTreeOnTerminal: `pipeline run` on a narrow terminal redraws its tree in place: a
// node that fails to start, with an error longer than the terminal is wide, shows no duration
// and does not make the tree print again; the glyphs are the TUI's (✓ done, ✖ error).
func TestCLIRunTreeOnTerminal(t *testing.T) {
	enginetest.New(t)
	bin := buildBinary(t)
	ws := t.TempDir()
	file := filepath.Join(ws, "tree.yml")
	def := `images: {bb: {from: "busybox:latest"}, gone: {from: "podium-test-no-such-image:never"}}
image: bb
serial:
  first: echo fine
  second: sleep 1
  broken: {exec: "true", image: gone}
`
	if err := os.WriteFile(file, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 60, 30, []string{"TERM=xterm-256color"}, "sh", "-c", bin+" -w "+ws+" pipeline run "+file+"; echo EXITED; sleep 60")
	sc := s.waitText("EXITED", 60*time.Second)
	if n := strings.Count(sc, "pipeline tree: run"); n != 1 {
		t.Errorf("the header shows %d times, want once:\n%s", n, sc)
	}
	if n := len(lineWithAll(sc, "tree")); n != 1 {
		t.Errorf("the tree's root shows %d times, want once:\n%s", n, sc)
	}
	if strings.Contains(sc, "2562047h") {
		t.Errorf("a node that never started shows a duration:\n%s", sc)
	}
	if lineWith(sc, "✓", "first", "done") == "" || lineWith(sc, "✖", "broken", "error") == "" {
		t.Errorf("want ✓ for done and ✖ for error, as in the TUI:\n%s", sc)
	}
	if !strings.Contains(sc, "not present locally") {
		t.Errorf("the failed node's reason is not shown:\n%s", sc)
	}
}

// lineWithAll returns every line of screen whose first field after the glyph is word (a tree
// line: glyph, name, ...).
func lineWithAll(screen, word string) []string {
	var out []string
	for _, line := range strings.Split(screen, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == word {
			out = append(out, line)
		}
	}
	return out
}
