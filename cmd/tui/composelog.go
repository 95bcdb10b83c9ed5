package main

import (
	"bytes"
	"io"
)

// obsoleteVersionLine is what compose-go logs (through logrus) for every file that says
// version:, on every load. Podium says it itself, once per file, in `podium status` and the
// Pods tab's warnings (pods.Pod.ObsoleteVersion).
const obsoleteVersionLine = "the attribute `version` is obsolete"

// withoutObsoleteVersion passes every log entry to w but compose-go's version: line. logrus
// writes one entry per Write.
type withoutObsoleteVersion struct{ w io.Writer }

func (f withoutObsoleteVersion) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(obsoleteVersionLine)) {
		return len(p), nil
	}
	return f.w.Write(p)
}
