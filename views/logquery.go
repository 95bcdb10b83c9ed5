package views

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// LogQuery is a log search: a plain substring, smart-case (case-insensitive unless the query
// has a capital letter, as in vim and less). The model counts matching lines with it and the
// logs pane highlights the same matches, so both agree on what matches.
type LogQuery struct {
	text string
	fold bool
	// lo and up are the two cases of the query's first byte when fold is on and it is an
	// ASCII letter: candidates are found with IndexByte instead of rune by rune.
	lo, up byte
}

// NewLogQuery compiles a query; the empty query matches nothing.
func NewLogQuery(q string) LogQuery {
	lq := LogQuery{text: q, fold: !hasUpper(q)}
	if lq.fold && q != "" && q[0] < utf8.RuneSelf {
		lq.lo, lq.up = toLowerASCII(q[0]), toUpperASCII(q[0])
	}
	return lq
}

// Text is the query as typed.
func (q LogQuery) Text() string { return q.text }

// Match says s contains the query.
func (q LogQuery) Match(s string) bool {
	i, _ := q.index(s, 0)
	return i >= 0
}

// Ranges are the byte ranges of the query's non-overlapping occurrences in s, in order.
func (q LogQuery) Ranges(s string) [][2]int {
	var out [][2]int
	for from := 0; from <= len(s); {
		i, j := q.index(s, from)
		if i < 0 {
			break
		}
		out = append(out, [2]int{i, j})
		from = max(j, i+1)
	}
	return out
}

// index is the first occurrence of the query in s at or after from: its start and end, or -1.
func (q LogQuery) index(s string, from int) (int, int) {
	if q.text == "" || from > len(s) {
		return -1, -1
	}
	if !q.fold {
		i := strings.Index(s[from:], q.text)
		if i < 0 {
			return -1, -1
		}
		return from + i, from + i + len(q.text)
	}
	for i := from; i < len(s); {
		if q.lo != 0 {
			k := nextOf(s[i:], q.lo, q.up)
			if k < 0 {
				return -1, -1
			}
			i += k
		}
		if end, ok := foldPrefix(s[i:], q.text); ok {
			return i, i + end
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return -1, -1
}

// nextOf is the index of the first a or b in s, or -1.
func nextOf(s string, a, b byte) int {
	i := strings.IndexByte(s, a)
	if a == b {
		return i
	}
	if j := strings.IndexByte(s, b); j >= 0 && (i < 0 || j < i) {
		return j
	}
	return i
}

// foldPrefix says s starts with q under Unicode simple case folding, and where that prefix
// of s ends.
func foldPrefix(s, q string) (int, bool) {
	i := 0
	for _, qr := range q {
		if i >= len(s) {
			return 0, false
		}
		sr, size := utf8.DecodeRuneInString(s[i:])
		if !equalFold(sr, qr) {
			return 0, false
		}
		i += size
	}
	return i, true
}

// equalFold compares two runes as strings.EqualFold does.
func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return toLowerASCII(byte(a)) == toLowerASCII(byte(b))
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func toUpperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
