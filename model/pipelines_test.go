package model

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/pipelines"
	"github.com/podiumdev/podium/model/pipelines/pipelinestest"
)

// The Pipelines tab in the whole Root: its screens (goldens, fitting) and the helpers the
// other whole-Root tests (overlays, colour, palette, detail) use. The tab's own tests are in
// model/pipelines.

// fakePipelines is the fixture backend (pipelinestest) as a pipelines.Backend.
type fakePipelines struct{ *pipelinestest.Fake }

func (f fakePipelines) Files() []pipelines.File {
	var out []pipelines.File
	for _, x := range f.ListFiles() {
		out = append(out, pipelines.File{Name: x.Name, Path: x.Path, Err: x.Err})
	}
	return out
}

func newFakePipelines() fakePipelines   { return fakePipelines{pipelinestest.New()} }
func newDetailPipelines() fakePipelines { return fakePipelines{pipelinestest.NewDetail()} }

func newPipelinesRoot(t *testing.T, pb pipelines.Backend, w, h int) Root {
	t.Helper()
	cfg := Config{Backend: newFake(), Workspace: "~/src/shop", Endpoint: "unix:///var/run/docker.sock",
		ServerVersion: "20.10.24", API: "1.41", Now: testNow}
	if pb != nil {
		cfg.Pipelines = pb
	}
	r := New(cfg)
	t.Cleanup(func() { r.containers().Close(); r.pipelines().Close(); r.cancel() })
	r = update(t, r, tea.WindowSizeMsg{Width: w, Height: h})
	r, _ = press(t, r, "3")
	return r
}

// runPipeCmd runs a command and feeds its messages back (batches included); the output read
// is followed to its end.
func runPipeCmd(t *testing.T, r Root, cmd tea.Cmd) Root {
	t.Helper()
	if cmd == nil {
		return r
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c != nil {
				r = runPipeCmd(t, r, c)
			}
		}
		return r
	}
	if msg == nil {
		return r
	}
	m, next := r.Update(msg)
	r = m.(Root)
	if _, ok := msg.(pipelines.OutputMsg); ok {
		return runPipeCmd(t, r, next)
	}
	return r
}

// openCI shows ci's newest run.
func openCI(t *testing.T, r Root) Root {
	t.Helper()
	r, cmd := press(t, r, "j", "enter")
	return runPipeCmd(t, r, cmd)
}

// pipelinesSubTab presses ] until the Pipelines tab's lower pane shows the sub-tab title (the
// bar shows the current one in brackets).
func pipelinesSubTab(t *testing.T, r Root, title string) Root {
	t.Helper()
	for range 3 { // Output, Attempts, Config
		if strings.Contains(screen(r), "["+title+"]") {
			return r
		}
		r, _ = press(t, r, "]")
	}
	t.Fatalf("no sub-tab %s", title)
	return r
}

// TestPipelinesInRoot: the tab is picked in the tab bar and shows its list there.
func TestPipelinesInRoot(t *testing.T) {
	r := newPipelinesRoot(t, newFakePipelines(), 120, 40)
	s := screen(r)
	for _, w := range []string{"20261121-1150-a1b2 ✖ error 10m ago 7m", "20261120-0900-ffff ✓ done 27h ago 3m",
		"broken ✖ pipelines/broken.yml:3", "20261121-1158-c3d4 ● running 2m ago 2m", "[3 Pipelines]"} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in\n%s", w, s)
		}
	}
}

// TestGoldenPipelinesScreens compares the Pipelines tab with testdata/TestGoldenPipelinesScreens.
// Regenerate with: go test ./model -run TestGoldenPipelinesScreens -update
func TestGoldenPipelinesScreens(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			r := openCI(t, newPipelinesRoot(t, newFakePipelines(), sz[0], sz[1]))
			r, cmd := press(t, r, "n")
			r = runPipeCmd(t, r, cmd)
			requireGolden(t, r, sz[0], sz[1])
		})
	}
	t.Run("none-80x24", func(t *testing.T) {
		requireGolden(t, newPipelinesRoot(t, nil, 80, 24), 80, 24)
	})
}

// TestPipelinesFits draws the tab at awkward sizes: no line may be wider than the terminal.
func TestPipelinesFits(t *testing.T) {
	for _, sz := range [][2]int{{20, 6}, {40, 12}, {61, 17}, {200, 50}} {
		r := openCI(t, newPipelinesRoot(t, newFakePipelines(), sz[0], sz[1]))
		r, cmd := press(t, r, "n")
		r = runPipeCmd(t, r, cmd)
		checkFits(t, screen(r), sz[0], sz[1])
		r, _ = press(t, r, "tab", "G", "k", "K")
		checkFits(t, screen(r), sz[0], sz[1])
	}
}
