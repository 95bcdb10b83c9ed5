package secret

import "strings"

// MaskText is a file as written (a deploy spec) with the secret values of env (its KEY=VALUE
// entries, as the file's parser read them) masked on every line that names the key, after
// the key: "- DB_PASSWORD=hunter2" and "DB_PASSWORD: hunter2" alike. A value written on
// another line than its key (a YAML block scalar) is not found; the parsed entries are what
// tells a value from the rest of the text, so a file that does not parse is not masked.
func (m Masker) MaskText(text string, env []string) string {
	type pair struct{ key, value string }
	var secrets []pair
	for _, e := range env {
		k, v, ok := strings.Cut(e, "=")
		if ok && v != "" && m.Secret(k) {
			secrets = append(secrets, pair{k, v})
		}
	}
	if len(secrets) == 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		for _, s := range secrets {
			at := strings.Index(l, s.key)
			if at < 0 {
				continue
			}
			at += len(s.key)
			l = l[:at] + strings.ReplaceAll(l[at:], s.value, Masked)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// MaskValues is a message (an error, a log line) with every secret value of env masked
// wherever it appears: an engine's error may quote a value anywhere, without its key. A value
// shorter than four characters is masked only as a whole word, so it does not blot out the
// letters of every other word.
func (m Masker) MaskValues(text string, env []string) string {
	for _, e := range env {
		k, v, ok := strings.Cut(e, "=")
		if !ok || v == "" || !m.Secret(k) || !strings.Contains(text, v) {
			continue
		}
		if len(v) >= 4 {
			text = strings.ReplaceAll(text, v, Masked)
			continue
		}
		text = maskWord(text, v)
	}
	return text
}

// maskWord masks the occurrences of v in text that are not part of a longer word.
func maskWord(text, v string) string {
	word := func(b byte) bool {
		return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	var b strings.Builder
	for {
		i := strings.Index(text, v)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(v)
		if (i == 0 || !word(text[i-1])) && (end == len(text) || !word(text[end])) {
			b.WriteString(text[:i] + Masked)
		} else {
			b.WriteString(text[:end])
		}
		text = text[end:]
	}
}
