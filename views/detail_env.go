package views

import (
	"sort"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Masked is what a secret value is shown as. Its length is fixed, so it tells nothing of the
// value's.
const Masked = "••••••"

// secretWords are what make a variable's name look secret when the name contains them.
// KEY is not among them: it must be a word of the name of its own (secretWord).
const secretWords = "PASSWORD PASSWD SECRET TOKEN CREDENTIAL PRIVATE AUTH"

// EnvVar is one environment variable as a detail pane lists it.
type EnvVar struct {
	Key   string
	Value string
	Unset bool // declared without a value (compose's `- FOO` with FOO unset)
	// Secret says the value came from a secrets file: masked whatever its name looks like.
	Secret bool
}

// SecretKey says a variable's value should not be shown: its name contains PASSWORD, PASSWD,
// SECRET, TOKEN, CREDENTIAL, PRIVATE or AUTH, or has KEY as a word (API_KEY, apiKey; not
// MONKEY).
func SecretKey(key string) bool {
	up := strings.ToUpper(key)
	for _, w := range strings.Fields(secretWords) {
		if strings.Contains(up, w) {
			return true
		}
	}
	for _, w := range nameWords(key) {
		if strings.EqualFold(w, "KEY") {
			return true
		}
	}
	return false
}

// nameWords splits a variable's name into words at every non-letter-or-digit and at each
// lower-to-upper case change: "DB_API_KEY" → DB API KEY, "apiKey" → api Key.
func nameWords(key string) []string {
	var words []string
	var cur []rune
	prevLower := false
	for _, r := range key {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			if len(cur) > 0 {
				words = append(words, string(cur))
			}
			cur, prevLower = nil, false
			continue
		case unicode.IsUpper(r) && prevLower:
			words = append(words, string(cur))
			cur = nil
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r)
	}
	if len(cur) > 0 {
		words = append(words, string(cur))
	}
	return words
}

// MaskValue is value as a detail pane may show it: Masked when key looks secret and there is
// a value to hide.
func MaskValue(key, value string) string {
	if value != "" && SecretKey(key) {
		return Masked
	}
	return value
}

// EnvFromList reads KEY=VALUE pairs (an engine's, a process's) into variables.
func EnvFromList(env []string) []EnvVar {
	out := make([]EnvVar, 0, len(env))
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		out = append(out, EnvVar{Key: k, Value: v, Unset: !ok})
	}
	return out
}

// EnvLines lists variables sorted by name, aligned, secret-looking values masked:
// "  DB_PASSWORD  ••••••".
func EnvLines(t Theme, vars []EnvVar) []string {
	vs := append([]EnvVar(nil), vars...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Key < vs[j].Key })
	w := 0
	for _, v := range vs {
		w = min(max(w, ansi.StringWidth(Clean(v.Key, 60))), 40)
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		val := t.Text.Render(Clean(MaskValue(v.Key, v.Value), 4096))
		switch {
		case v.Unset:
			val = t.Dim.Render("(unset)")
		case v.Value != "" && (v.Secret || SecretKey(v.Key)):
			val = t.Dim.Render(Masked)
		}
		out = append(out, "  "+t.Service.Render(Pad(Clean(v.Key, 60), w))+"  "+val)
	}
	return out
}
