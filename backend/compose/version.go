package compose

import (
	"strconv"
	"strings"
)

// apiAtLeast reports whether API version have is want or newer. An empty have means the version
// is not known, and nothing is gated.
func apiAtLeast(have, want string) bool {
	if have == "" {
		return true
	}
	hm, hn := splitVersion(have)
	wm, wn := splitVersion(want)
	if hm != wm {
		return hm > wm
	}
	return hn >= wn
}

func splitVersion(v string) (int, int) {
	major, minor, _ := strings.Cut(v, ".")
	a, _ := strconv.Atoi(major)
	b, _ := strconv.Atoi(minor)
	return a, b
}
