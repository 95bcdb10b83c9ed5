package docker

import (
	"strings"
	"time"
)

const (
	// dockerPartial is the size of the pieces the engine logs a long line in (its log
	// copier's buffer): with timestamps, each piece comes with a stamp of its own.
	dockerPartial = 16 << 10
	// dockerStampLen is the length of the engine's stamp, RFC 3339 with nanoseconds in nine
	// digits, and the space after it.
	dockerStampLen = len("2006-01-02T15:04:05.000000000Z ")
)

// dropPartialStamps takes out of a line read with timestamps the stamps the engine put before
// each 16 KiB piece of it after the first (splitTimestamp took the first one off), so a long
// line reads as it was written. Text that only looks like a stamp elsewhere is left alone.
func dropPartialStamps(text string) string {
	if len(text) <= dockerPartial {
		return text
	}
	var b strings.Builder
	rest := text
	for len(rest) > dockerPartial && isDockerStamp(rest[dockerPartial:]) {
		if b.Len() == 0 {
			b.Grow(len(text))
		}
		b.WriteString(rest[:dockerPartial])
		rest = rest[dockerPartial+dockerStampLen:]
	}
	if b.Len() == 0 {
		return text
	}
	b.WriteString(rest)
	return b.String()
}

// isDockerStamp says s starts with the engine's stamp and its space.
func isDockerStamp(s string) bool {
	if len(s) < dockerStampLen || s[dockerStampLen-1] != ' ' || s[4] != '-' || s[10] != 'T' {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s[:dockerStampLen-1])
	return err == nil
}
