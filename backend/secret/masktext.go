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
