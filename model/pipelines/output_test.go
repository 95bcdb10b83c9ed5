package pipelines

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/keymap"
)

// (moved from model/logbuf_keys_test.go)
func TestPipelineOutputUsesTheLogEngine(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	r := openCI(t, newTab(t, newFakePipelines(), 200, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	r, _ = press(t, r, "tab")
	if r.focus != pipeFocusOutput {
		t.Fatalf("focus %v", r.focus)
	}
	r, _ = press(t, r, "/")
	if ctx := r.Context(); ctx != keymap.CtxSearch {
		t.Fatalf("typing in context %s", ctx)
	}
	r = typeText(t, r, "cart")
	r, _ = press(t, r, "enter", "&")
	s := screen(r)
	if !strings.Contains(s, "/cart 3/3") || !strings.Contains(s, "want 3 items") || strings.Contains(s, "FAIL") {
		t.Fatalf("output search:\n%s", s)
	}
	// A running attempt's output is followed as it comes, in batches.
	out := r.out
	var batch []string
	for i := range 100 {
		batch = append(batch, fmt.Sprintf("step %d", i))
	}
	r, _ = press(t, r, "esc")
	r, _ = update(t, r, OutputMsg{gen: out.gen, lines: outputTexts(batch...)})
	if s := screen(r); !strings.Contains(s, "step 99") || strings.Contains(s, "step 10 ") {
		t.Fatalf("the output does not follow its end:\n%s", s)
	}
}

// outputTexts are stdout lines of a node's output.
func outputTexts(texts ...string) []pipeline.OutputLine {
	out := make([]pipeline.OutputLine, len(texts))
	for i, s := range texts {
		out[i] = pipeline.OutputLine{Stream: pipeline.StreamStdout, Text: s}
	}
	return out
}

// TestPipelineOutputIsWhole: a node that printed 3,000 lines shows all of them, read from its
// output file: g lands on line 1, the title counts 3,000 and says nothing more exists, and
// ctrl+s saves the 3,000 lines.
func TestPipelineOutputIsWhole(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	fp := newFakePipelines()
	var texts []string
	for i := 1; i <= 3000; i++ {
		texts = append(texts, fmt.Sprintf("out %d", i))
	}
	fp.SetOutput("/test/unit", outputTexts(texts...))
	r := openCI(t, newTab(t, fp, 200, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	r, _ = press(t, r, "tab", "g")
	s := screen(r)
	if !strings.Contains(s, "3000 lines") || strings.Contains(s, "↑ more") || !regexp.MustCompile(`(?m)\bout 1\s*$`).MatchString(s) {
		t.Fatalf("after g:\n%s", s)
	}
	r, _ = press(t, r, "ctrl+s")
	files, _ := filepath.Glob(filepath.Join(state, "podium", "saved", "*.log"))
	if len(files) != 1 {
		t.Fatalf("saved %v; status %+v", files, r.status)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"); len(got) != 3000 || got[0] != "out 1" || got[2999] != "out 3000" {
		t.Fatalf("saved %d lines", len(got))
	}
}
