package pipelines

import (
	"fmt"
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
