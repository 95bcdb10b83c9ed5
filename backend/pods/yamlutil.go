package pods

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/readlimit"
)

// decodeStrict decodes the YAML document in data into out and rejects any key out does not
// declare, so a typo in a Podium file is reported instead of silently ignored. An empty file
// leaves out as it is. rel names the file in errors; known lists the accepted keys for the hint.
func decodeStrict(rel string, data []byte, out any, known string) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("%s: %s", rel, describeYAMLError(err, known))
	}
	return nil
}

// readStrict reads and decodes a Podium YAML file; found is false when it does not exist.
func readStrict(path, rel string, out any, known string) (found bool, err error) {
	data, err := readFile(path, rel)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if readlimit.IsTooLarge(err) {
		return false, err
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", rel, err)
	}
	return true, decodeStrict(rel, data, out, known)
}

// describeYAMLError rewrites yaml.v3's "field x not found in type pods.y" into words a user
// can act on: the unknown key, its line, and the keys that are allowed.
func describeYAMLError(err error, known string) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		var line int
		var field, typ string
		if n, _ := fmt.Sscanf(m, "line %d: field %s not found in type %s", &line, &field, &typ); n == 3 {
			msg := fmt.Sprintf("line %d: unknown key '%s'", line, field)
			if known != "" {
				msg += " (known keys: " + known + ")"
			}
			msgs = append(msgs, msg)
			continue
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}

// readFile reads one workspace file with the workspace's size limit (readlimit.MaxSize); a
// larger one (or one that never ends, a link to /dev/zero) is an error naming it as rel.
func readFile(path, rel string) ([]byte, error) {
	data, err := readlimit.ReadFile(path)
	var big *readlimit.TooLargeError
	if errors.As(err, &big) {
		return nil, &readlimit.TooLargeError{Path: rel, Limit: big.Limit}
	}
	return data, err
}
