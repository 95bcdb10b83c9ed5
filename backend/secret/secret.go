// Package secret is the one rule for which values a screen must not show: a variable whose
// name looks secret, or one that came from config/secrets.yml whatever its name. Every view
// of env or config (Config, Env, Diff, a node's settings, a container's labels) asks it.
package secret

import (
	"strings"
	"unicode"
)

// Masked is what a secret value is shown as. Its length is fixed, so it tells nothing of the
// value's.
const Masked = "••••••"

// secretWords are what make a variable's name look secret when the name contains them.
// KEY is not among them: it must be a word of the name of its own (Name).
const secretWords = "PASSWORD PASSWD SECRET TOKEN CREDENTIAL PRIVATE AUTH"

// Masker knows which values to hide: those of secret-looking names, and those of the keys a
// secrets file gave (a workspace's config/secrets.yml for one service). The zero Masker masks
// by name only, for values that did not come from a workspace (an engine's container env).
type Masker struct {
	// Keys are the variables a secrets file gave: secret whatever their names look like.
	Keys map[string]bool
}

// Secret says key's value must not be shown.
func (m Masker) Secret(key string) bool {
	return m.Keys[key] || Name(key)
}

// Mask is value as a screen may show it: Masked when key is secret and there is a value to
// hide (an empty value tells nothing).
func (m Masker) Mask(key, value string) string {
	if value != "" && m.Secret(key) {
		return Masked
	}
	return value
}

// Mask is value as a screen may show it when no secrets file is involved: by name only.
func Mask(key, value string) string { return Masker{}.Mask(key, value) }

// Name says a variable's name looks secret: it contains PASSWORD, PASSWD, SECRET, TOKEN,
// CREDENTIAL, PRIVATE or AUTH, or has KEY as a word (API_KEY, apiKey; not MONKEY).
func Name(key string) bool {
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
