package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenColour keeps the colour of a few screens: the other goldens strip it, so a style
// that lost its colour (a state drawn in the wrong hue, a selection that no longer shows)
// would pass them. Each screen is rendered twice and must not differ; the escapes are written
// visibly (ESC as `\e`) so a golden diff is readable.
// Regenerate with: go test ./model -run TestGoldenColour -update
func TestGoldenColour(t *testing.T) {
	screens := map[string]func(t *testing.T) Root{
		"containers": func(t *testing.T) Root { return goldenScreen(t, 80, 24) },
		"pods":       func(t *testing.T) Root { return podsGoldenScreen(t, 80, 24) },
		"deploys":    func(t *testing.T) Root { return deploysGoldenScreen(t, 80, 24) },
		"pipelines": func(t *testing.T) Root {
			r, cmd := press(t, openCI(t, newPipelinesRoot(t, newFakePipelines(), 80, 24)), "n")
			return runPipeCmd(t, r, cmd)
		},
	}
	for _, name := range []string{"containers", "pods", "deploys", "pipelines"} {
		t.Run(name+"-80x24", func(t *testing.T) {
			r := screens[name](t)
			s := r.View().Content
			if again := r.View().Content; again != s {
				t.Fatalf("two renders of the same screen differ:\n%s", renderDiff(visibleEscapes(s), visibleEscapes(again)))
			}
			if !strings.Contains(s, "\x1b[") {
				t.Fatalf("the %s screen carries no colour at all", name)
			}
			golden.RequireEqual(t, visibleEscapes(s))
		})
	}
}

// visibleEscapes writes ESC as `\e`, one line per screen line, blanks at the end kept.
func visibleEscapes(s string) string {
	return fmt.Sprintf("%s\n", strings.ReplaceAll(s, "\x1b", `\e`))
}
