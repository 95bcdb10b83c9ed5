package deployapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// maskMark replaces an env value in every answer of the API; the digest after it lets a
// reader see that a value changed between revisions without learning it.
const maskMark = "•••sha256:"

// maskSpec is the canonical spec text as the API may show it: every entry of the create
// body's Env keeps its name and loses its value, whatever the name (DB_PASSWORD=hunter2 becomes
// DB_PASSWORD=•••sha256:1a2b3c4d, the first 8 hex digits of the value's sha256). A text that
// is not the canonical JSON is left out entirely: what cannot be masked is not sent.
func maskSpec(spec []byte) string {
	if len(spec) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber() // numbers stay exactly as the canonical form wrote them
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return ""
	}
	if body, ok := top["spec"].(map[string]any); ok {
		if env, ok := body["Env"].([]any); ok {
			for i, e := range env {
				s, ok := e.(string)
				if !ok {
					return "" // not the shape Docker's create body has: send nothing
				}
				env[i] = MaskEnvEntry(s)
			}
		} else if body["Env"] != nil {
			return ""
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(top); err != nil {
		return ""
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// MaskEnvEntry is one KEY=VALUE entry with its value replaced by a short digest. An entry
// without '=' (a name Docker takes from its own environment) carries no value and is kept.
func MaskEnvEntry(entry string) string {
	name, value, ok := strings.Cut(entry, "=")
	if !ok {
		return entry
	}
	sum := sha256.Sum256([]byte(value))
	return name + "=" + maskMark + hex.EncodeToString(sum[:4])
}
