package docker

import (
	"strconv"
	"strings"
	"time"
)

// estimateFromStatus fills StartedAt, FinishedAt and ExitCode of a listed container from
// docker's status text ("Up 2 minutes", "Exited (1) About an hour ago"), measured from now.
// Lists carry no timestamps on API 1.41, and without these the ages on screen would freeze at
// the moment of the list; an event's inspect later replaces the estimate with exact values.
func estimateFromStatus(c *Container, now time.Time) {
	s := c.Status
	switch {
	case strings.HasPrefix(s, "Up "):
		if d, ok := humanDuration(strings.TrimPrefix(s, "Up ")); ok {
			c.StartedAt = now.Add(-d)
		}
	case strings.HasPrefix(s, "Exited ("), strings.HasPrefix(s, "Restarting ("):
		_, rest, _ := strings.Cut(s, "(")
		num, rest, _ := strings.Cut(rest, ")")
		if n, err := strconv.Atoi(num); err == nil {
			c.ExitCode = n
		}
		if d, ok := humanDuration(strings.TrimSuffix(strings.TrimSpace(rest), " ago")); ok {
			c.FinishedAt = now.Add(-d)
		}
	}
}

// humanDuration reads the durations docker's go-units HumanDuration writes, ignoring anything
// after them (" (healthy)", " (Paused)").
func humanDuration(s string) (time.Duration, bool) {
	if i := strings.Index(s, " ("); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "Less than a second":
		return 0, true
	case "About a minute":
		return time.Minute, true
	case "About an hour":
		return time.Hour, true
	}
	num, unit, ok := strings.Cut(s, " ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return 0, false
	}
	per := map[string]time.Duration{
		"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour,
		"week": 7 * 24 * time.Hour, "month": 30 * 24 * time.Hour, "year": 365 * 24 * time.Hour,
	}[strings.TrimSuffix(unit, "s")]
	if per == 0 {
		return 0, false
	}
	return time.Duration(n) * per, true
}

// ExitStatus is the container's exit code, read from docker's status text when nothing set
// ExitCode (a list estimated before, a fake): "Exited (1) 5 minutes ago" says 1.
func (c Container) ExitStatus() int {
	if c.ExitCode != 0 {
		return c.ExitCode
	}
	for _, prefix := range []string{"Exited (", "Restarting ("} {
		if rest, ok := strings.CutPrefix(c.Status, prefix); ok {
			num, _, _ := strings.Cut(rest, ")")
			n, _ := strconv.Atoi(num)
			return n
		}
	}
	return 0
}

// FailedExitCode is the container's exit code when that exit is a failure, else 0: a stop
// that was asked for (StopAsked) ends as it may (137, 143) without failing, unless the kernel
// killed the container for memory on the way.
func (c Container) FailedExitCode() int {
	if c.StopAsked && !c.OOMKilled {
		return 0
	}
	return c.ExitStatus()
}

// Failing says a container needs a look, for the tabs' alert counts: it exited with a failure
// (FailedExitCode), is dead, restarting or unhealthy.
func (c Container) Failing() bool {
	switch {
	case c.Health == "unhealthy", c.State == "dead", c.State == "restarting":
		return true
	case c.State == "exited":
		return c.FailedExitCode() != 0
	}
	return false
}
