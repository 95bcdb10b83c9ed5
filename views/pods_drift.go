package views

import (
	"strings"
)

// ServiceDrift is what bringing a drifted service up would change: the plan, and the compose
// config its containers were created from against what its files say now.
type ServiceDrift struct {
	Pod, Service string
	Recreate     []string // containers replaced: their config is outdated
	Create       []string // containers added: a replica is missing
	Remove       []string // containers removed: surplus replicas
	// Diff is the unified diff of the service's config as YAML, the containers' to the files';
	// "" when only the number of containers differs, or when the old config is Unknown.
	Diff string
	// Unknown: the containers' config was never loaded by this session (they were created
	// before it started), so there is nothing to diff against.
	Unknown bool
	// Hidden: only values the diff masks (secret-looking variables) changed.
	Hidden bool
}

// Plan says what up does, in words: "recreate shop-web-1, shop-web-2; create shop-web-3".
func (d ServiceDrift) Plan() string {
	var parts []string
	for _, p := range []struct {
		verb  string
		names []string
	}{{"recreate", d.Recreate}, {"create", d.Create}, {"remove", d.Remove}} {
		if len(p.names) > 0 {
			parts = append(parts, p.verb+" "+strings.Join(p.names, ", "))
		}
	}
	if len(parts) == 0 {
		return "nothing to change"
	}
	return strings.Join(parts, "; ")
}

// DriftLines are the Diff view's lines (a pane cuts them to its width): for every service its
// plan, then why (the diff, or that the old config is unknown).
func DriftLines(t Theme, ds []ServiceDrift) []string {
	var out []string
	line := func(s string) { out = append(out, s) }
	for i, d := range ds {
		if i > 0 {
			out = append(out, "")
		}
		line("  " + t.Service.Render(Clean(d.Pod+"/"+d.Service, 200)) + " " + t.Drift.Render("≠ "+Clean(d.Plan(), 4096)))
		switch {
		case d.Unknown:
			line("  " + t.Dim.Render("config changed since these containers were created"))
		case d.Hidden:
			line("  " + t.Dim.Render("a secret value changed (values are hidden)"))
		case d.Diff == "":
			line("  " + t.Dim.Render("same config: the number of containers differs"))
		}
		if d.Diff == "" {
			continue
		}
		for _, l := range strings.Split(strings.TrimRight(d.Diff, "\n"), "\n") {
			line("  " + diffStyle(t, l))
		}
	}
	return out
}

// diffStyle colours one line of a unified diff; the +/- at its start carries the meaning
// without colour.
func diffStyle(t Theme, l string) string {
	c := Clean(l, 4096)
	switch {
	case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		return t.Text.Render(c)
	case strings.HasPrefix(l, "@@"):
		return t.Dim.Render(c)
	case strings.HasPrefix(l, "+"):
		return t.OK.Render(c)
	case strings.HasPrefix(l, "-"):
		return t.Bad.Render(c)
	}
	return t.Text.Render(c)
}
