package views

import (
	"strings"

	"github.com/podiumdev/podium/backend/pods"
)

// DriftLines are the Diff view's lines (a pane cuts them to its width): for every service its
// plan, then why (the diff, or that the old config is unknown).
func DriftLines(t Theme, ds []pods.Drift) []string {
	var out []string
	line := func(s string) { out = append(out, s) }
	for i, d := range ds {
		if i > 0 {
			out = append(out, "")
		}
		line("  " + t.Service.Render(Clean(d.Pod+"/"+d.Service, 200)) + " " + t.Drift.Render("≠ "+Clean(d.Plan(), 4096)))
		switch {
		case d.New:
			line("  " + t.Dim.Render("new in the files: up creates it"))
		case d.Orphan:
			line("  " + t.Dim.Render("no longer in the files: its containers are orphans, up removes them"))
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
