package deployspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// parseReadYAML decodes a YAML spec file into the generic JSON-able value. Anchors, aliases and
// merge keys work (the decoder bounds alias expansion); scalar map keys (8500: …) become strings;
// timestamps and binary values, which have no JSON meaning, are reported at their key path.
func parseReadYAML(c *parseCtx, data []byte) (any, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var raw any
	if err := parseYAMLDecode(dec, &raw); err != nil || raw == nil {
		switch {
		case err == nil, err == io.EOF:
			c.fail(nil, "the file is empty; a spec is a map like "+c.example())
		default:
			c.fail(nil, "not valid YAML: "+parseCleanMsg(err.Error()))
		}
		return nil, false
	}
	var extra any
	if err := parseYAMLDecode(dec, &extra); err != io.EOF {
		c.fail(nil, "more than one YAML document; a spec file holds one map")
		return nil, false
	}
	before := len(c.errs) + c.dropped
	v := parseFromYAML(c, nil, raw, 0)
	return v, len(c.errs)+c.dropped == before
}

// parseYAMLDecode decodes one document, turning a panic inside the decoder into an error.
func parseYAMLDecode(dec *yaml.Decoder, v *any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed input (%v)", r)
		}
	}()
	return dec.Decode(v)
}

// parseFromYAML converts one decoded YAML value to the generic form.
func parseFromYAML(c *parseCtx, p parsePath, v any, depth int) any {
	if depth > parseMaxDepth {
		c.fail(p, fmt.Sprintf("nested more than %d levels deep", parseMaxDepth))
		return nil
	}
	switch x := v.(type) {
	case nil, bool, string:
		return x
	case int:
		return parseNumber(int64(x))
	case int64:
		return parseNumber(x)
	case uint64:
		return json.Number(strconv.FormatUint(x, 10))
	case *big.Int:
		return json.Number(x.String())
	case float64:
		n, ok := parseFloat(x)
		if !ok {
			c.fail(p, "expected a finite number, got "+strconv.FormatFloat(x, 'g', -1, 64))
		}
		return n
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = parseFromYAML(c, p.idx(i), e, depth+1)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range parseSortedKeys(x) {
			out[k] = parseFromYAML(c, p.key(k), x[k], depth+1)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		keys := map[string]any{}
		for k, e := range x {
			ks, ok := parseYAMLKey(k)
			if !ok {
				c.fail(p, fmt.Sprintf("unexpected map key of type %T: keys must be strings", k))
				continue
			}
			if _, dup := keys[ks]; dup {
				c.fail(p.key(ks), "given twice")
				continue
			}
			keys[ks] = e
		}
		for _, k := range parseSortedKeys(keys) {
			out[k] = parseFromYAML(c, p.key(k), keys[k], depth+1)
		}
		return out
	case time.Time:
		c.fail(p, "unexpected timestamp: quote it to write a string")
		return nil
	}
	c.fail(p, fmt.Sprintf("unexpected YAML value of type %T", v))
	return nil
}

// parseYAMLKey turns a scalar map key into a string, as YAML users write `8500: …` or `1: …`.
func parseYAMLKey(k any) (string, bool) {
	switch kk := k.(type) {
	case string:
		return kk, true
	case int:
		return strconv.Itoa(kk), true
	case int64:
		return strconv.FormatInt(kk, 10), true
	case uint64:
		return strconv.FormatUint(kk, 10), true
	case bool:
		return strconv.FormatBool(kk), true
	}
	return "", false
}
