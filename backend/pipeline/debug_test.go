package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestDebugAndLiveDebug: debug opens a shell in a fresh container of the node's image and env
// where /podium/cmd.sh runs the node's command; live debug mounts the code from the host, plain
// debug has the code as built; the container goes afterwards; live debug of an image without
// code fails clearly.
func TestDebugAndLiveDebug(t *testing.T) {
	h := enginetest.New(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/hello.txt", "v1")
	def := `images:
  app: {from: "busybox:latest", copy_dir: app}
image: app
env: {GREETING: hi}
serial:
  greet: echo "$GREETING from $(cat hello.txt)"
  plain: {exec: echo plain, image: {from: "busybox:latest"}}
`
	write("ci.yml", def)
	file := filepath.Join(dir, "ci.yml")
	p, err := ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []NodeRun
	if err := p.Walk(func(n *Node) error {
		nodes = append(nodes, NodeRun{Path: n.Path, Kind: string(n.Kind), Command: n.Command})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st := &Store{Root: t.TempDir()}
	run, err := st.NewRun("dbg"+strings.ReplaceAll(h.ID, ".", ""), file, []byte(def), nodes)
	if err != nil {
		t.Fatal(err)
	}
	// The image is built under the run's pipeline name; the harness's label lets cleanup
	// remove it.
	b := &ImageBuilder{Engine: h.Engine, Pipeline: run.Pipeline, Labels: h.Labels(nil)}
	ref, err := b.Build(h.Ctx(), p.Images["app"])
	if err != nil {
		t.Fatal(err)
	}
	run.Nodes["/greet"].Image = ref // as the executor records it

	session := func(live bool) string {
		t.Helper()
		s, err := Debug(h.Ctx(), h.Engine, run, "/greet", DebugOptions{Live: live, Labels: h.Labels(nil)})
		if err != nil {
			t.Fatalf("debug (live %v): %v", live, err)
		}
		var out bytes.Buffer
		s.SetStdin(strings.NewReader(debugScript + "\nexit 0\n"))
		s.SetStdout(&out)
		s.SetStderr(&out)
		if err := s.Run(); err != nil {
			t.Fatalf("debug session (live %v): %v\n%s", live, err, out.String())
		}
		return out.String()
	}
	write("app/hello.txt", "v2") // after the build: only live debug sees it
	if out := session(false); !strings.Contains(out, "hi from v1") || !strings.Contains(out, debugScript) {
		t.Fatalf("debug output:\n%s", out)
	}
	if out := session(true); !strings.Contains(out, "hi from v2") {
		t.Fatalf("live debug output:\n%s", out)
	}
	if _, err := Debug(h.Ctx(), h.Engine, run, "/plain", DebugOptions{Live: true}); err == nil || !strings.Contains(err.Error(), "neither copy_dir nor path_map") {
		t.Fatalf("live debug without code: %v", err)
	}
	left, err := h.Engine.List(h.Ctx(), docker.ListOptions{All: true, Labels: []string{docker.LabelRun + "=" + run.ID}})
	if err != nil || len(left) != 0 {
		t.Fatalf("debug containers left: %d (%v)", len(left), err)
	}
}
