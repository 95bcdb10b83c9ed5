package deployspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"olympos.io/encoding/edn"
)

// parseReadEDN decodes an EDN spec file (condo's format) into the generic JSON-able value:
// keywords become strings without the colon, maps with keyword, string or integer keys become
// objects, vectors and lists become arrays. What has no JSON meaning (symbols, sets, characters,
// tagged values) is reported at its key path rather than guessed at.
func parseReadEDN(c *parseCtx, data []byte) (any, bool) {
	if parseEDNDepth(data) > parseMaxDepth {
		c.fail(nil, fmt.Sprintf("nested more than %d levels deep", parseMaxDepth))
		return nil, false
	}
	dec := edn.NewDecoder(bytes.NewReader(data))
	var raw any
	if err := parseEDNDecode(dec, &raw); err != nil {
		if err == io.EOF {
			c.fail(nil, "the file is empty; a spec is a map like "+c.example())
		} else {
			c.fail(nil, "not valid EDN: "+parseEDNError(err))
		}
		return nil, false
	}
	var extra any
	if err := parseEDNDecode(dec, &extra); err != io.EOF {
		if err == nil {
			c.fail(nil, "more than one value in the file; a spec file holds one map")
		} else {
			c.fail(nil, "not valid EDN after the spec's map: "+parseEDNError(err))
		}
		return nil, false
	}
	before := len(c.errs) + c.dropped
	v := parseFromEDN(c, nil, raw)
	return v, len(c.errs)+c.dropped == before
}

// parseEDNDecode decodes one value, turning a panic inside the decoder into an error: a spec
// file is user input, and a bad one must not take the supervisor down.
func parseEDNDecode(dec *edn.Decoder, v *any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed input (%v)", r)
		}
	}()
	return dec.Decode(v)
}

// parseEDNError makes the decoder's error one readable line.
func parseEDNError(err error) string {
	var numErr *strconv.NumError
	if errors.As(err, &numErr) {
		if errors.Is(numErr.Err, strconv.ErrRange) {
			return fmt.Sprintf("the number %s is out of range (write big integers with an N suffix)", numErr.Num)
		}
		return fmt.Sprintf("invalid number %s", numErr.Num)
	}
	msg := parseCleanMsg(err.Error())
	if err == io.ErrUnexpectedEOF || strings.Contains(msg, "No more tokens") {
		return "unexpected end of file: a bracket or string is not closed"
	}
	return msg
}

// parseFromEDN converts one decoded EDN value to the generic form, reporting what has no JSON
// meaning. The input's depth was bounded before decoding.
func parseFromEDN(c *parseCtx, p parsePath, v any) any {
	switch x := v.(type) {
	case nil, bool, string:
		return x
	case edn.Keyword:
		return string(x)
	case int64:
		return parseNumber(x)
	case big.Int:
		return json.Number(x.String())
	case *big.Int:
		return json.Number(x.String())
	case float64:
		n, ok := parseFloat(x)
		if !ok {
			c.fail(p, "expected a finite number")
		}
		return n
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = parseFromEDN(c, p.idx(i), e)
		}
		return out
	case map[any]any:
		return parseEDNMap(c, p, x)
	case edn.Symbol:
		s := string(x)
		return parseEDNReject(c, p, fmt.Sprintf("bare symbol %s: write a string %q or a keyword :%s", s, s, s))
	case rune, edn.Rune:
		return parseEDNReject(c, p, "character literal: write a string")
	case map[any]bool:
		return parseEDNReject(c, p, "set #{…}: write a vector […]")
	case edn.Tag:
		return parseEDNReject(c, p, fmt.Sprintf("tagged value #%s: write a plain value", x.Tagname))
	case time.Time:
		return parseEDNReject(c, p, "#inst timestamp: write a string")
	case []byte:
		return parseEDNReject(c, p, "#base64 value: write a string")
	}
	return parseEDNReject(c, p, fmt.Sprintf("EDN value of type %T, which has no meaning here", v))
}

// parseEDNReject reports an EDN value that has no JSON meaning.
func parseEDNReject(c *parseCtx, p parsePath, what string) any {
	c.fail(p, "unexpected "+what)
	return nil
}

// parseEDNMap converts an EDN map; keys must be keywords, strings or integers, and must stay
// distinct once converted (:a and "a" are the same key).
func parseEDNMap(c *parseCtx, p parsePath, m map[any]any) map[string]any {
	type entry struct {
		key string
		val any
	}
	entries := make([]entry, 0, len(m))
	for k, e := range m {
		var ks string
		switch kk := k.(type) {
		case edn.Keyword:
			ks = string(kk)
		case string:
			ks = kk
		case int64:
			ks = strconv.FormatInt(kk, 10)
		default:
			c.fail(p, "unexpected map key "+parseEDNKeyText(k)+": keys must be keywords or strings")
			continue
		}
		entries = append(entries, entry{ks, e})
	}
	// The decoder's map has no order; sort so problems are reported deterministically.
	byKey := map[string][]any{}
	for _, en := range entries {
		byKey[en.key] = append(byKey[en.key], en.val)
	}
	out := make(map[string]any, len(byKey))
	for _, k := range parseSortedKeys(byKey) {
		if len(byKey[k]) > 1 {
			c.fail(p.key(k), "given twice (as a keyword and as a string)")
			continue
		}
		out[k] = parseFromEDN(c, p.key(k), byKey[k][0])
	}
	return out
}

// parseEDNKeyText writes a rejected map key briefly.
func parseEDNKeyText(k any) string {
	switch kk := k.(type) {
	case nil:
		return "nil"
	case bool:
		return strconv.FormatBool(kk)
	case float64:
		return strconv.FormatFloat(kk, 'g', -1, 64)
	case edn.Symbol:
		return string(kk)
	}
	return fmt.Sprintf("of type %T", k)
}

// parseEDNDepth is the deepest nesting of brackets outside strings, comments and character
// literals. The decoder recurses once per level, and Go cannot recover from running out of
// stack, so deep input is refused before decoding; overcounting only refuses more.
func parseEDNDepth(data []byte) int {
	depth, deepest := 0, 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case ';':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case '\\':
			_, size := utf8.DecodeRune(data[min(i+1, len(data)):])
			i += size
		case '(', '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return deepest
}
