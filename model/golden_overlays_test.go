package model

import (
	"fmt"
	"testing"
)

// overlayCase is one view or overlay of a tab, built from the fixed data sets.
type overlayCase struct {
	name string
	make func(t *testing.T, w, h int) Root
}

// overlayCases are the dialogs, prompts, the help, the filter and the zoomed and resized
// layouts of every tab. The tabs' own screens, their detail sub-tabs, the palette and the log
// search have golden tests of their own.
func overlayCases() []overlayCase {
	containers := func(t *testing.T, w, h int) Root {
		r := newRoot(t, newFake(), w, h)
		r, _ = press(t, r, "j", "j")
		return update(t, r, linesFor(r, goldenLogs()...))
	}
	pods := func(t *testing.T, w, h int) Root {
		fp, fb := newShop(t)
		return newPodsRoot(t, fp, fb, w, h)
	}
	deploys := func(t *testing.T, w, h int) Root { return deploysGoldenScreen(t, w, h) }
	pipelines := func(t *testing.T, w, h int) Root {
		r := openCI(t, newPipelinesRoot(t, newFakePipelines(), w, h))
		r, cmd := press(t, r, "n")
		return runPipeCmd(t, r, cmd)
	}
	keys := func(base func(*testing.T, int, int) Root, ks ...string) func(*testing.T, int, int) Root {
		return func(t *testing.T, w, h int) Root {
			r, _ := press(t, base(t, w, h), ks...)
			return r
		}
	}
	return []overlayCase{
		{"containers-help", keys(containers, "?")},
		{"containers-confirm", keys(containers, "d")},
		{"containers-filter", func(t *testing.T, w, h int) Root {
			r, _ := press(t, containers(t, w, h), "/")
			return typeText(t, r, "shop")
		}},
		{"containers-zoom", keys(containers, "z")},
		{"containers-split", keys(containers, ">", ">")},
		{"pods-help", keys(pods, "?")},
		{"pods-prompt", func(t *testing.T, w, h int) Root {
			r := selectRow(t, pods(t, w, h), "frontend/web/frwe100000000000")
			r, _ = press(t, r, "e")
			return typeText(t, r, "bin/rails db:migrate:status")
		}},
		{"pods-confirm", func(t *testing.T, w, h int) Root {
			r, _ := press(t, selectRow(t, pods(t, w, h), "frontend/web"), "d")
			return r
		}},
		{"pods-filter", func(t *testing.T, w, h int) Root {
			r, _ := press(t, pods(t, w, h), "/")
			return typeText(t, r, "web")
		}},
		{"pods-zoom", keys(pods, "z")},
		{"deploys-help", keys(deploys, "?")},
		{"deploys-confirm", keys(deploys, "b")},
		{"deploys-filter", func(t *testing.T, w, h int) Root {
			r, _ := press(t, deploys(t, w, h), "/")
			return typeText(t, r, "stable")
		}},
		{"deploys-zoom", keys(deploys, "z")},
		{"pipelines-help", keys(pipelines, "?")},
		{"pipelines-confirm", keys(pipelines, "K")},
		{"pipelines-modify", func(t *testing.T, w, h int) Root {
			r, _ := press(t, pipelines(t, w, h), "m")
			return typeText(t, r, "-e CART=v2 go test -run TestCart ./cart")
		}},
		{"pipelines-filter", func(t *testing.T, w, h int) Root {
			r, _ := press(t, pipelines(t, w, h), "esc", "esc", "/")
			return typeText(t, r, "nightly")
		}},
		{"pipelines-zoom", keys(pipelines, "z")},
	}
}

// TestGoldenOverlays compares every tab's dialogs, prompts, help, filter and zoomed layouts at
// 80×24 and 120×40 with testdata/TestGoldenOverlays/*.golden.
// Regenerate with: go test ./model -run TestGoldenOverlays -update
func TestGoldenOverlays(t *testing.T) {
	for _, c := range overlayCases() {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s-%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				requireGolden(t, c.make(t, sz[0], sz[1]), sz[0], sz[1])
			})
		}
	}
}
