package views

import (
	"strconv"
	"time"

	"github.com/podiumdev/podium/backend/docker"
)

// Every row of every frame writes its container's age and ports to measure the columns, and
// Since and PortsText allocate a few strings each time. These write the common cases straight
// into the row's buffer; anything else takes Since or PortsText. table_fast_test.go checks
// they write what those return.

// maxPortsInline is how many ports appendPorts dedupes without allocating.
const maxPortsInline = 8

// appendSince appends Since(c, now) to b.
func appendSince(b []byte, c *docker.Container, now time.Time) []byte {
	switch c.State {
	case "running", "paused":
		if !c.StartedAt.IsZero() {
			return appendDuration(append(b, "up "...), now.Sub(c.StartedAt))
		}
	case "exited", "dead", "restarting":
		if !c.FinishedAt.IsZero() {
			b = strconv.AppendInt(append(b, "exited ("...), int64(c.ExitStatus()), 10)
			return append(appendDuration(append(b, ") "...), now.Sub(c.FinishedAt)), " ago"...)
		}
	}
	return append(b, Since(*c, now)...)
}

// appendDuration appends Duration(d) to b.
func appendDuration(b []byte, d time.Duration) []byte {
	n, unit := int64(0), byte('d')
	switch {
	case d < time.Second:
		return append(b, "0s"...)
	case d < time.Minute:
		n, unit = int64(d/time.Second), 's'
	case d < time.Hour:
		n, unit = int64(d/time.Minute), 'm'
	case d < 48*time.Hour:
		n, unit = int64(d/time.Hour), 'h'
	default:
		n = int64(d / (24 * time.Hour))
	}
	return append(strconv.AppendInt(b, n, 10), unit)
}

// appendPorts appends PortsText(ps) to b.
func appendPorts(b []byte, ps []docker.Port) []byte {
	if len(ps) > maxPortsInline {
		return append(b, PortsText(ps)...)
	}
	var items [maxPortsInline][2]int // where each port written so far is in b
	n := 0
	for _, p := range ps {
		if p.HostPort == 0 {
			continue
		}
		mark := len(b)
		if n > 0 {
			b = append(b, ", "...)
		}
		from := len(b)
		if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "::" {
			b = append(append(b, p.HostIP...), ':')
		}
		b = strconv.AppendUint(b, uint64(p.HostPort), 10)
		b = strconv.AppendUint(append(b, "->"...), uint64(p.ContainerPort), 10)
		if p.Proto != "" && p.Proto != "tcp" {
			b = append(append(b, '/'), p.Proto...)
		}
		seen := false
		for _, it := range items[:n] {
			if string(b[it[0]:it[1]]) == string(b[from:]) {
				seen = true
				break
			}
		}
		if seen {
			b = b[:mark]
			continue
		}
		items[n] = [2]int{from, len(b)}
		n++
	}
	return b
}

// cleanFrom makes b[from:] what Clean(string(b[from:]), maxCells) is, in place when it already is.
func cleanFrom(b []byte, from, maxCells int) []byte {
	if tail := b[from:]; len(tail) <= maxCells && asciiBytes(tail) && maxCells > 0 {
		return b
	}
	return append(b[:from], Clean(string(b[from:]), maxCells)...)
}
