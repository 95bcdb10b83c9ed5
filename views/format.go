package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Duration is a compact age: 45s, 3m, 5h, 12d.
func Duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// Since says how long a container has been in its state: "up 3m", "exited (1) 5m ago",
// "created 2h ago". It uses the inspected timestamps when it has them and docker's own
// status text when the container came from a list.
func Since(c docker.Container, now time.Time) string {
	switch c.State {
	case "running", "paused":
		if !c.StartedAt.IsZero() {
			return "up " + Duration(now.Sub(c.StartedAt))
		}
	case "exited", "dead", "restarting":
		if !c.FinishedAt.IsZero() {
			return fmt.Sprintf("exited (%d) %s ago", c.ExitStatus(), Duration(now.Sub(c.FinishedAt)))
		}
	case "created":
		if c.Status == "" && !c.Created.IsZero() {
			return "created " + Duration(now.Sub(c.Created)) + " ago"
		}
	}
	if c.Status != "" {
		return compactStatus(c.Status)
	}
	return c.State
}

// compactStatus shortens docker's status text to the style of Since:
// "Up 2 minutes (healthy)" → "up 2m", "Exited (1) About an hour ago" → "exited (1) ~1h ago".
func compactStatus(s string) string {
	if i := strings.Index(s, " ("); i > 0 && strings.HasSuffix(s, ")") && strings.HasPrefix(s, "Up ") {
		s = s[:i] // health is shown in its own column
	}
	for _, r := range []struct{ from, to string }{
		{"Less than a second", "<1s"},
		{"About a minute", "~1m"},
		{"About an hour", "~1h"},
		{" seconds", "s"}, {" second", "s"},
		{" minutes", "m"}, {" minute", "m"},
		{" hours", "h"}, {" hour", "h"},
		{" days", "d"}, {" day", "d"},
		{" weeks", "w"}, {" week", "w"},
		{" months", "mo"}, {" month", "mo"},
		{" years", "y"}, {" year", "y"},
	} {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	if s != "" {
		s = strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// PortsText lists the published ports compactly: "127.0.0.1:8080->80, 5432->5432, 53->53/udp".
// Exposed-only ports are left out, and the IPv4/IPv6 twins docker reports show once.
func PortsText(ps []docker.Port) string {
	var out []string
	seen := map[string]bool{}
	for _, p := range ps {
		if p.HostPort == 0 {
			continue
		}
		s := fmt.Sprintf("%d->%d", p.HostPort, p.ContainerPort)
		if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "::" {
			s = p.HostIP + ":" + s
		}
		if p.Proto != "" && p.Proto != "tcp" {
			s += "/" + p.Proto
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// Plural is a count of what: "1 pod", "3 pods".
func Plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// ChangedPrefix names the files a reload is for: "pods/web.yml changed: ", "3 files changed: ".
func ChangedPrefix(changed []string) string {
	switch len(changed) {
	case 0:
		return ""
	case 1:
		return changed[0] + " changed: "
	}
	return Plural(len(changed), "file") + " changed: "
}
