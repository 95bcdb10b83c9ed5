package views

import (
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/secret"
)

// EnvVar is one environment variable as a detail pane lists it.
type EnvVar struct {
	Key   string
	Value string
	Unset bool // declared without a value (compose's `- FOO` with FOO unset)
}

// EnvFromList reads KEY=VALUE pairs (an engine's, a process's) into variables.
func EnvFromList(env []string) []EnvVar {
	out := make([]EnvVar, 0, len(env))
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		out = append(out, EnvVar{Key: k, Value: v, Unset: !ok})
	}
	return out
}

// EnvLines lists variables sorted by name, aligned, the values mask says are secret masked:
// "  DB_PASSWORD  ••••••".
func EnvLines(t Theme, mask secret.Masker, vars []EnvVar) []string {
	vs := append([]EnvVar(nil), vars...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Key < vs[j].Key })
	w := 0
	for _, v := range vs {
		w = min(max(w, ansi.StringWidth(Clean(v.Key, 60))), 40)
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		val := t.Text.Render(Clean(v.Value, 4096))
		switch {
		case v.Unset:
			val = t.Dim.Render("(unset)")
		case mask.Mask(v.Key, v.Value) != v.Value:
			val = t.Dim.Render(secret.Masked)
		}
		out = append(out, "  "+t.Service.Render(Pad(Clean(v.Key, 60), w))+"  "+val)
	}
	return out
}
