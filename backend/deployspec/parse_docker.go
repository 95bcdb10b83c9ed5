package deployspec

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
)

// parseField is one JSON field of one of Docker's struct types.
type parseField struct {
	typ      reflect.Type
	asString bool // `json:",string"`: left to the decoder
}

// parseFieldCand is a field candidate while resolving a struct's JSON names as encoding/json does.
type parseFieldCand struct {
	name   string
	field  parseField
	depth  int
	tagged bool
}

// parseDockerSpec decodes `spec` strictly into Docker's create request. Docker ignores unknown
// fields and encoding/json matches names case-insensitively, so a misspelt or miscased field
// would silently do nothing; here every key must be one of Docker's names, exactly, and every
// value of the right kind. `Name` is taken out as the container name.
func parseDockerSpec(c *parseCtx, p parsePath, v any) (container.CreateRequest, string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(p, "expected a map with the body of Docker's create-container call, like "+c.example()+", got "+c.describe(v))
		return container.CreateRequest{}, ""
	}
	before := len(c.errs) + c.dropped
	body := make(map[string]any, len(m))
	for k, e := range m {
		if k != "Name" {
			body[k] = e
		}
	}
	name := ""
	if nv := m["Name"]; nv != nil {
		s, isStr := nv.(string)
		switch {
		case !isStr:
			c.fail(p.key("Name"), "expected a string (the container's name), got "+c.describe(nv))
		case !parseValidContainerName(s):
			c.fail(p.key("Name"), fmt.Sprintf("%q is not a valid container name: at least two letters, digits, '_', '.' or '-', starting with a letter or digit", s))
		default:
			name = strings.TrimPrefix(s, "/")
		}
	}
	parseDockerCheck(c, p, body, reflect.TypeFor[container.CreateRequest]())
	switch img := body["Image"].(type) {
	case nil:
		c.fail(p.key("Image"), `is required: the image to run, like "nginx:1.27"`)
	case string:
		if strings.TrimSpace(img) == "" || strings.ContainsAny(img, " \t\r\n") {
			c.fail(p.key("Image"), fmt.Sprintf("%q is not an image reference, like \"nginx:1.27\"", img))
		}
	}
	if len(c.errs)+c.dropped > before {
		return container.CreateRequest{}, name
	}
	cr, err := parseDockerDecode(body)
	if err != nil {
		c.fail(p, parseCleanMsg(err.Error()))
		return container.CreateRequest{}, name
	}
	parseDockerSemantics(c, p, cr)
	return cr, name
}

// parseDockerSemantics catches values Docker would only refuse at create time, or that would
// confuse the supervisor, while the user is still looking at the file.
func parseDockerSemantics(c *parseCtx, p parsePath, cr container.CreateRequest) {
	if cr.Config == nil {
		return
	}
	for _, k := range parseSortedKeys(cr.Labels) {
		if strings.HasPrefix(k, "dev.podium.") {
			c.fail(p.key("Labels").key(k), "the dev.podium. label prefix is Podium's own: it marks the containers it manages")
		}
	}
	// A NUL byte passes JSON and YAML but no exec: Docker accepts the container and fails at start.
	nul := func(key string, vals []string) {
		for i, v := range vals {
			if strings.ContainsRune(v, 0) {
				c.fail(p.key(key).idx(i), "contains a NUL byte, which no process can receive")
			}
		}
	}
	nul("Env", cr.Env)
	nul("Cmd", cr.Cmd)
	nul("Entrypoint", cr.Entrypoint)
	for _, f := range [][2]string{{"Image", cr.Image}, {"User", cr.User}, {"WorkingDir", cr.WorkingDir}} {
		if strings.ContainsRune(f[1], 0) {
			c.fail(p.key(f[0]), "contains a NUL byte")
		}
	}
	if hc := cr.Healthcheck; hc != nil {
		for _, d := range []struct {
			key string
			val time.Duration
		}{{"Interval", hc.Interval}, {"Timeout", hc.Timeout}, {"StartPeriod", hc.StartPeriod}, {"StartInterval", hc.StartInterval}} {
			if d.val > 0 && d.val < container.MinimumDuration {
				c.fail(p.key("Healthcheck").key(d.key), fmt.Sprintf("%d nanoseconds is below Docker's minimum of 1ms: the unit is nanoseconds (5s is 5000000000)", int64(d.val)))
			}
		}
	}
}

// parseDockerDecode decodes a checked `spec` body, then once more from its own encoding, so the
// result is what a stored canonical form decodes to (custom types normalize their text, e.g.
// "80" becomes "80/tcp"), and Parse → Canonical → ParseCanonical gives an equal Spec.
func parseDockerDecode(body map[string]any) (container.CreateRequest, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return container.CreateRequest{}, err
	}
	var first container.CreateRequest
	if err := json.Unmarshal(raw, &first); err != nil {
		return container.CreateRequest{}, err
	}
	if raw, err = json.Marshal(first); err != nil {
		return container.CreateRequest{}, err
	}
	var cr container.CreateRequest
	if err := json.Unmarshal(raw, &cr); err != nil {
		return container.CreateRequest{}, err
	}
	return cr, nil
}

// parseDockerCheck checks a generic value against a Docker type, reporting unknown fields (with
// the closest known name) and values of the wrong kind at their key paths. A null is accepted
// anywhere, as Docker accepts it: the field keeps its zero value.
func parseDockerCheck(c *parseCtx, p parsePath, v any, t reflect.Type) {
	if v == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if jsonU, textU := parseUnmarshalers(t); jsonU || textU {
		parseDockerCustom(c, p, v, t, jsonU)
		return
	}
	want := func() { c.fail(p, "expected "+parseDockerWant(t)+", got "+c.describeAt(p, v)) }
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			want()
			return
		}
		fields := c.dockerFields(t)
		names := parseSortedKeys(fields)
		var synonyms map[string]string
		if t == reflect.TypeFor[container.CreateRequest]() {
			names = append(names, "Name")
			synonyms = parseDockerSynonyms(c)
		}
		for _, k := range parseSortedKeys(m) {
			f, ok := fields[k]
			switch {
			case !ok:
				c.failUnknown(p.key(k), "unknown field", k, names, synonyms)
			case !f.asString:
				parseDockerCheck(c, p.key(k), m[k], f.typ)
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			want()
			return
		}
		for _, k := range parseSortedKeys(m) {
			parseDockerKey(c, p.key(k), k, t.Key())
			parseDockerCheck(c, p.key(k), m[k], t.Elem())
		}
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			s, ok := v.(string)
			if _, err := base64.StdEncoding.DecodeString(s); !ok || err != nil {
				want()
			}
			return
		}
		l, ok := v.([]any)
		if !ok || t.Kind() == reflect.Array && len(l) > t.Len() {
			want()
			return
		}
		for i, e := range l {
			parseDockerCheck(c, p.idx(i), e, t.Elem())
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			want()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			want()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			want()
		} else if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			parseDockerNumErr(c, p, v, t, err)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := v.(json.Number)
		if !ok {
			want()
		} else if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			parseDockerNumErr(c, p, v, t, err)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			want()
		} else if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			parseDockerNumErr(c, p, v, t, err)
		}
	case reflect.Interface:
		// anything goes
	default:
		c.fail(p, "cannot be set in a spec")
	}
}

// parseDockerNumErr reports a number that does not fit its field.
func parseDockerNumErr(c *parseCtx, p parsePath, v any, t reflect.Type, err error) {
	if errors.Is(err, strconv.ErrRange) {
		c.fail(p, c.describeAt(p, v)+" is out of range for this field")
		return
	}
	c.fail(p, "expected "+parseDockerWant(t)+", got "+c.describeAt(p, v))
}

// parseDockerCustom checks a value of a type that decodes itself (ports, addresses…) by
// decoding it alone, so its own error is reported at its key path.
func parseDockerCustom(c *parseCtx, p parsePath, v any, t reflect.Type, jsonU bool) {
	target := reflect.New(t).Interface()
	if !jsonU {
		s, ok := v.(string)
		if !ok {
			c.fail(p, "expected a string, got "+c.describeAt(p, v))
			return
		}
		if err := target.(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			c.fail(p, fmt.Sprintf("%q is not valid: %s", s, parseCleanMsg(err.Error())))
		}
		return
	}
	raw, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(raw, target)
	}
	if err != nil {
		c.fail(p, "invalid value: "+parseCleanMsg(err.Error()))
	}
}

// parseDockerKey checks a map key against the map's key type.
func parseDockerKey(c *parseCtx, p parsePath, k string, t reflect.Type) {
	if _, textU := parseUnmarshalers(t); textU {
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k)); err != nil {
			c.fail(p, fmt.Sprintf("%q is not a valid key here: %s", k, parseCleanMsg(err.Error())))
		}
		return
	}
	var err error
	switch t.Kind() {
	case reflect.String:
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(k, 10, t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		_, err = strconv.ParseUint(k, 10, t.Bits())
	default:
		err = errors.New("unsupported key type")
	}
	if err != nil {
		c.fail(p, fmt.Sprintf("%q is not a valid key here: expected an integer", k))
	}
}

// parseDockerWant says what a Docker type expects, for "expected …" in messages.
func parseDockerWant(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "an integer number of nanoseconds (Docker's unit: 5s is 5000000000)"
	}
	switch t.Kind() {
	case reflect.Struct:
		return "a map of " + t.Name() + " fields"
	case reflect.Map:
		return "a map"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Array:
		return fmt.Sprintf("a list of at most %d", t.Len())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer ≥ 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// parseDockerSynonyms maps names (normalized: lower case, no '-' or '_') that users put at the
// top of `spec` by mistake to where they belong: HostConfig's fields and compose-style words.
func parseDockerSynonyms(c *parseCtx) map[string]string {
	syn := map[string]string{
		"environment": "Env",
		"command":     "Cmd",
		"ports":       "ExposedPorts, or PortBindings inside HostConfig",
		"restart":     "RestartPolicy inside HostConfig",
		"networks":    "EndpointsConfig inside NetworkingConfig",
	}
	for name := range c.dockerFields(reflect.TypeFor[container.HostConfig]()) {
		syn[strings.ToLower(name)] = name + " inside HostConfig"
	}
	return syn
}

// dockerFields is a struct type's JSON fields by name, resolved as encoding/json does: embedded
// structs are flattened, the shallowest field wins, and a tie goes to the tagged one.
func (c *parseCtx) dockerFields(t reflect.Type) map[string]parseField {
	if c.fields == nil {
		c.fields = map[reflect.Type]map[string]parseField{}
	}
	if f, ok := c.fields[t]; ok {
		return f
	}
	var cands []parseFieldCand
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if !f.IsExported() && et.Kind() != reflect.Struct {
					continue
				}
				if name == "" && et.Kind() == reflect.Struct {
					walk(et, depth+1)
					continue
				}
			} else if !f.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = f.Name
			}
			asString := false
			for _, o := range strings.Split(opts, ",") {
				asString = asString || o == "string"
			}
			cands = append(cands, parseFieldCand{name: name, field: parseField{typ: f.Type, asString: asString}, depth: depth, tagged: tagged})
		}
	}
	walk(t, 0)
	byName := map[string][]parseFieldCand{}
	for _, cd := range cands {
		byName[cd.name] = append(byName[cd.name], cd)
	}
	out := map[string]parseField{}
	for name, cs := range byName {
		minDepth := cs[0].depth
		for _, cd := range cs {
			minDepth = min(minDepth, cd.depth)
		}
		var top, tagged []parseFieldCand
		for _, cd := range cs {
			if cd.depth == minDepth {
				top = append(top, cd)
				if cd.tagged {
					tagged = append(tagged, cd)
				}
			}
		}
		switch {
		case len(top) == 1:
			out[name] = top[0].field
		case len(tagged) == 1:
			out[name] = tagged[0].field
		}
	}
	c.fields[t] = out
	return out
}

// parseDockerCanonical is the create request as a generic JSON map (numbers exact), with every
// field that holds its zero value left out: it decodes back to the same request, and a newer
// Engine API module adding fields does not change the hash of every existing spec.
func parseDockerCanonical(cr container.CreateRequest) (map[string]any, error) {
	raw, err := json.Marshal(cr)
	if err != nil {
		return nil, err
	}
	v, err := parseDecodeNumbers(raw)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the create request does not encode as a map")
	}
	c := &parseCtx{}
	parseDockerStrip(c, m, reflect.TypeFor[container.CreateRequest]())
	return m, nil
}

// parseDockerStrip removes, in place, the struct fields whose encoded value is null or the
// encoding of their type's zero value. Pointer fields are only removed when null, since a
// pointer to a zero value (Init: false) means something else than none.
func parseDockerStrip(c *parseCtx, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if parseCustomJSON(t) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := c.dockerFields(t)
		for k, e := range m {
			f, ok := fields[k]
			switch {
			case !ok:
			case e == nil, f.typ.Kind() != reflect.Pointer && parseIsZeroJSON(e, f.typ):
				delete(m, k)
			default:
				parseDockerStrip(c, e, f.typ)
			}
		}
	case reflect.Slice, reflect.Array:
		if l, ok := v.([]any); ok {
			for _, e := range l {
				parseDockerStrip(c, e, t.Elem())
			}
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for _, e := range m {
				parseDockerStrip(c, e, t.Elem())
			}
		}
	}
}

// parseIsZeroJSON says whether a generic value is the encoding of t's zero value.
func parseIsZeroJSON(v any, t reflect.Type) bool {
	raw, err := json.Marshal(reflect.Zero(t).Interface())
	if err != nil {
		return false
	}
	z, err := parseDecodeNumbers(raw)
	return err == nil && reflect.DeepEqual(v, z)
}

// parseDecodeNumbers decodes JSON into the generic form with exact numbers.
func parseDecodeNumbers(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// parseUnmarshalers says whether *t decodes itself from JSON or from text.
func parseUnmarshalers(t reflect.Type) (jsonU, textU bool) {
	pt := reflect.PointerTo(t)
	return pt.Implements(reflect.TypeFor[json.Unmarshaler]()), pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// parseCustomJSON says whether t has its own JSON or text form, so its encoding is not a map of
// its fields.
func parseCustomJSON(t reflect.Type) bool {
	jsonU, textU := parseUnmarshalers(t)
	pt := reflect.PointerTo(t)
	return jsonU || textU || pt.Implements(reflect.TypeFor[json.Marshaler]()) || pt.Implements(reflect.TypeFor[encoding.TextMarshaler]())
}

// parseValidContainerName is Docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]+,
// optionally after one '/'.
func parseValidContainerName(s string) bool {
	s = strings.TrimPrefix(s, "/")
	if len(s) < 2 {
		return false
	}
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || r != '_' && r != '.' && r != '-') {
			return false
		}
	}
	return true
}

// describeAt is describe, except under Env: an env value is a secret, and spec errors are shown
// by the API and the TUI, so there only the kind of value is named, never its text.
func (c *parseCtx) describeAt(p parsePath, v any) string {
	for _, e := range p {
		if !e.isIdx && strings.EqualFold(e.key, "Env") {
			switch v.(type) {
			case string:
				return "a string (not shown: env values are secret)"
			case map[string]any:
				return "a map (not shown: env values are secret)"
			case []any:
				return "a list (not shown: env values are secret)"
			}
		}
	}
	return c.describe(v)
}
