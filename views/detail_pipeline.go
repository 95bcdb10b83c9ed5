package views

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/secret"
)

// NodeConfig is a pipeline node's resolved settings, as its run's file gives them after
// defaults and inheritance, with what the run itself recorded.
type NodeConfig struct {
	Path     string
	Kind     string
	Image    string // the image's name in the file ("" for none)
	ImageRef string // the reference the node last ran with
	Exec     string
	Env      map[string]string
	Retries  int
	MaxTime  time.Duration
	Reuse    string
	Skip     bool
	Doc      string
	// FromRun says only what the run recorded is known (command, environment, image), and
	// Why says why: a lazy node added the node at run time, the file does not parse.
	FromRun bool
	Why     string
}

// attemptsTable is the Attempts sub-tab's columns: the reason gives way first, then the
// container, then the start.
func attemptsTable() tableSpec {
	return tableSpec{
		titles: []string{"ATTEMPT", "STATE", "EXIT", "STARTED", "TOOK", "CONTAINER", "REASON"},
		steps: []fitStep{
			{fitShrink, 6, 12},
			{fitShrink, 5, 12},
			{fitDrop, 6, 0},
			{fitDrop, 3, 0},
			{fitDrop, 5, 0},
		},
		giveBack: []int{6, 5},
		foldFrom: -1, foldInto: -1,
	}
}

// AttemptsLines is a node's attempts, oldest first: number, state, exit code, start, how long
// it took (so far, while running), container and why it ended or started.
func AttemptsLines(t Theme, n *pipeline.NodeRun, now time.Time, width int) []string {
	if n == nil || len(n.Attempts) == 0 {
		return nil
	}
	cells := make([][]cell, len(n.Attempts))
	for i, a := range n.Attempts {
		cs := make([]cell, 7)
		cs[0] = one(fmt.Sprintf("#%d", a.N), t.Text)
		cs[1] = one(PipelineGlyph(a.State, false)+" "+string(a.State), pipelineStyle(t, a.State))
		if a.State == pipeline.StateDone || a.State == pipeline.StateError || a.State == pipeline.StateKilled {
			st := t.OK
			if a.ExitCode != 0 {
				st = t.Bad
			}
			cs[2] = one(fmt.Sprint(a.ExitCode), st)
		}
		cs[3] = one(when(a.Start, now), t.Dim)
		if !a.Start.IsZero() {
			end := a.End
			if end.IsZero() {
				end = now
			}
			cs[4] = one(Duration(end.Sub(a.Start)), t.Text)
		}
		if a.Container != "" {
			cs[5] = one(Clean(shortID(a.Container), 64), t.Dim)
		}
		cs[6] = one(oneLine(a.Reason, 300), t.Text)
		cells[i] = cs
	}
	return table(t, attemptsTable(), cells, width)
}

// shortID is a container id as docker prints it; a name stays as it is.
func shortID(id string) string {
	if len(id) == 64 && !strings.ContainsAny(id, "-_.") {
		return id[:12]
	}
	return id
}

// NodeConfigLines lists a node's settings: image, command, environment (secret-looking values
// masked), retries, time limit, container reuse, skip and doc.
func NodeConfigLines(t Theme, c NodeConfig) []string {
	var kv [][2]string
	add := func(label, value string) {
		if value != "" {
			kv = append(kv, [2]string{label, value})
		}
	}
	add("Node", t.Text.Render(Clean(c.Path, 300))+t.Dim.Render(" ("+Clean(c.Kind, 20)+")"))
	img := Clean(c.Image, 200)
	if c.ImageRef != "" && c.ImageRef != c.Image {
		if img != "" {
			img += t.Dim.Render(" → ")
		}
		img += Clean(c.ImageRef, 300)
	}
	add("Image", t.Text.Render(img))
	add("Exec", strings.Join(wrapCommand(t, c.Exec), "\n"))
	if !c.FromRun {
		retries := "none"
		if c.Retries > 0 {
			retries = fmt.Sprint(c.Retries)
		}
		add("Retries", t.Text.Render(retries))
		limit := "none"
		if c.MaxTime > 0 {
			limit = c.MaxTime.String()
		}
		add("Max time", t.Text.Render(limit))
		add("Reuse", t.Text.Render(Clean(c.Reuse, 40)))
		add("Skip", t.Text.Render(map[bool]string{true: "yes", false: "no"}[c.Skip]))
	}
	add("Doc", strings.Join(wrapCommand(t, c.Doc), "\n"))
	if len(c.Env) > 0 {
		keys := slices.Sorted(maps.Keys(c.Env))
		vars := make([]EnvVar, len(keys))
		for i, k := range keys {
			vars[i] = EnvVar{Key: k, Value: c.Env[k]}
		}
		var env []string
		for _, l := range EnvLines(t, secret.Masker{}, vars) {
			env = append(env, strings.TrimPrefix(l, "  "))
		}
		add("Env", strings.Join(env, "\n"))
	}
	out := KeyValues(t, kv)
	if c.FromRun && c.Why != "" {
		out = append(out, "", "  "+t.Dim.Render(oneLine(c.Why, 500)))
	}
	return out
}

// wrapCommand splits a multi-line command (or doc) into its lines, each cleaned.
func wrapCommand(t Theme, s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, t.Text.Render(Clean(l, 1000)))
	}
	return out
}
