package views

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/secret"
)

// ContainerConfigLines lists a container's configuration as its inspect has it: image,
// command, where and as whom it runs, restart policy, ports, mounts, networks, health check,
// labels and its times. Label values that look secret are masked, as in Env.
func ContainerConfigLines(t Theme, d docker.ContainerDetail, now time.Time) []string {
	var kv [][2]string
	add := func(label, value string) {
		if value != "" {
			kv = append(kv, [2]string{label, value})
		}
	}
	add("Image", t.Text.Render(Clean(d.Image, 300)))
	add("Image ID", t.Dim.Render(Clean(d.ImageID, 100)))
	add("Command", t.Text.Render(Clean(Argv(d.Cmd), 1000)))
	add("Entrypoint", t.Text.Render(Clean(Argv(d.Entrypoint), 1000)))
	add("Working dir", t.Text.Render(Clean(d.WorkingDir, 300)))
	add("User", t.Text.Render(Clean(d.User, 100)))
	add("Restart", t.Text.Render(Clean(d.Restart, 100)))
	add("Ports", lines(d.Ports, func(p docker.Port) string { return t.Text.Render(p.String()) }))
	add("Mounts", lines(d.Mounts, func(m docker.Mount) string { return mountText(t, m) }))
	add("Networks", lines(d.Attached, func(e docker.NetworkEndpoint) string { return endpointText(t, e) }))
	health := d.Health
	if health == "" && d.Healthcheck != nil {
		health = "not checked yet"
	}
	if health != "" {
		h := t.HealthStyle(d.Health).Render(health)
		if d.FailingStreak > 0 {
			h += t.Bad.Render(fmt.Sprintf(" · %d failing in a row", d.FailingStreak))
		}
		add("Health", h)
	}
	if hc := d.Healthcheck; hc != nil {
		add("Check", t.Text.Render(Clean(checkText(hc.Test), 1000))+t.Dim.Render(checkTiming(*hc)))
	}
	if l := d.HealthLast; l != nil {
		st := t.OK
		if l.ExitCode != 0 {
			st = t.Bad
		}
		text := st.Render(fmt.Sprintf("exit %d", l.ExitCode)) + t.Dim.Render(" · "+stamp(l.End, now))
		if out := strings.TrimSpace(l.Output); out != "" {
			text += "\n" + t.Text.Render(oneLine(out, 300))
		}
		add("Last check", text)
	}
	keys := make([]string, 0, len(d.Labels))
	for k := range d.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var labels []string
	for _, k := range keys {
		labels = append(labels, t.Dim.Render(Clean(k, 200)+"=")+t.Text.Render(Clean(secret.Mask(k, d.Labels[k]), 500)))
	}
	add("Labels", strings.Join(labels, "\n"))
	add("Created", t.Text.Render(stamp(d.Created, now)))
	add("Started", t.Text.Render(stamp(d.StartedAt, now)))
	if !d.Running() {
		add("Finished", t.Text.Render(stamp(d.FinishedAt, now)))
	}
	return KeyValues(t, kv)
}

// lines draws each of xs on a line of its own.
func lines[T any](xs []T, draw func(T) string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = draw(x)
	}
	return strings.Join(out, "\n")
}

// Argv is a command line as a shell would read it back: arguments with blanks or quotes in
// them are quoted.
func Argv(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`") {
			a = strconv.Quote(a)
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

func mountText(t Theme, m docker.Mount) string {
	src := m.Source
	if m.Type == "volume" && m.Name != "" {
		src = m.Name
	}
	s := t.Dim.Render(m.Type+" ") + t.Text.Render(Clean(src, 300)+" → "+Clean(m.Destination, 300))
	if m.ReadOnly {
		s += t.Dim.Render(" (read-only)")
	}
	return s
}

func endpointText(t Theme, e docker.NetworkEndpoint) string {
	s := t.Text.Render(Clean(e.Network, 200))
	if e.IP != "" {
		s += "  " + t.Text.Render(e.IP)
	}
	if len(e.Aliases) > 0 {
		s += t.Dim.Render("  aliases ") + t.Text.Render(Clean(strings.Join(e.Aliases, ", "), 300))
	}
	return s
}

// checkText is a health check's test as written: the shell command of CMD-SHELL, the
// arguments of CMD.
func checkText(test []string) string {
	if len(test) == 0 {
		return ""
	}
	switch test[0] {
	case "CMD-SHELL":
		return strings.Join(test[1:], " ")
	case "CMD":
		return Argv(test[1:])
	}
	return Argv(test)
}

// checkTiming is a health check's schedule: " · every 10s · timeout 3s · 3 retries".
func checkTiming(hc docker.Healthcheck) string {
	var parts []string
	if hc.Interval > 0 {
		parts = append(parts, "every "+hc.Interval.String())
	}
	if hc.Timeout > 0 {
		parts = append(parts, "timeout "+hc.Timeout.String())
	}
	if hc.StartPeriod > 0 {
		parts = append(parts, "start period "+hc.StartPeriod.String())
	}
	if hc.Retries > 0 {
		parts = append(parts, fmt.Sprintf("%d retries", hc.Retries))
	}
	if len(parts) == 0 {
		return ""
	}
	return " · " + strings.Join(parts, " · ")
}

// stamp is a moment with how long ago it was: "2026-11-21 11:57:00 (3m ago)"; "" for none.
func stamp(at, now time.Time) string {
	if at.IsZero() {
		return ""
	}
	s := at.Format(time.DateTime)
	if !now.IsZero() && !now.Before(at) {
		s += " (" + Duration(now.Sub(at)) + " ago)"
	}
	return s
}
