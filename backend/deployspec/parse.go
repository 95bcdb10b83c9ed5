package deployspec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/readlimit"
)

// Spec files are EDN (condo's format), YAML or JSON, with the same keys in all three: a map with
// `spec` (the body of Docker's create-container call, plus `Name` for the container name) and
// the optional `deploy`, `health-timeout`, `stop-timeout`, `replicas`, `update`, `min-healthy`
// and `pull`. In EDN the keys are keywords (`:health-timeout`); in YAML and JSON they are plain
// strings, and the kebab-case keys may also be written in snake_case (`health_timeout`,
// `stop_timeout`, `min_healthy`, `healthy_deadline`). A null value counts as absent, as in condo.
// Top-level keys starting with `x-` are ignored (a place for YAML anchors). Inside `spec` only
// Docker's own field names, with Docker's casing, are accepted: Docker itself would silently
// ignore a misspelt field, so a typo is reported with the closest known name instead.

const (
	// parseMaxFileSize bounds what is read of one spec file: a spec is a few hundred bytes.
	parseMaxFileSize = readlimit.MaxSize
	// parseMaxDepth bounds nesting: Docker's create body is about six levels deep, and the bound
	// keeps hostile input from exhausting the stack.
	parseMaxDepth = 64
	// parseMaxErrors bounds how many problems one file reports; the rest are counted.
	parseMaxErrors = 20
	// parseMaxSeconds is the largest whole number of seconds a time.Duration holds.
	parseMaxSeconds = math.MaxInt64 / int64(time.Second)

	parseDefaultHealthTimeout = 10 * time.Second
	parseDefaultStopTimeout   = 10 * time.Second
	parseDefaultMinHealthy    = time.Second
)

// ParseError is one problem with one spec file (or spec directory). It names the service, so the
// supervisor can show the problem next to it and keep running what runs.
type ParseError struct {
	Service string // the service the file defines; "" for a directory
	File    string // the file (or directory) as given
	Key     string // the key path in the file's own notation (`:spec :Image`, `spec.Image`); "" for the whole file
	Msg     string // what is wrong and what is expected, on one line
	Err     error  // the underlying error, if any (a read error: errors.Is(err, fs.ErrNotExist) works)
}

// parseFormat is a spec file's syntax; it also decides how key paths are written in errors.
type parseFormat int

const (
	parseEDN parseFormat = iota
	parseYAML
	parseJSON
)

// parsePathElem is one step into a spec file's value: a map key or a list index.
type parsePathElem struct {
	key   string
	index int
	isIdx bool
}

// parsePath is where a value sits in a spec file, outermost first.
type parsePath []parsePathElem

// parseVals holds a map's values by canonical key, remembering each key as written.
type parseVals struct {
	vals    map[string]any    // a null value counts as absent, as in condo
	written map[string]string // canonical key → the key as written
}

// parseCtx collects the problems found in one file, so they are reported together.
type parseCtx struct {
	format  parseFormat
	service string
	file    string
	errs    []error
	dropped int
	fields  map[reflect.Type]map[string]parseField // JSON field tables of Docker's types, built lazily
}

// Error writes "file: key: message"; a message that reads as a predicate of the key ("is
// required") follows the key after a space instead.
func (e *ParseError) Error() string {
	switch {
	case e.Key == "":
		return e.File + ": " + e.Msg
	case strings.HasPrefix(e.Msg, "is "):
		return e.File + ": " + e.Key + " " + e.Msg
	default:
		return e.File + ": " + e.Key + ": " + e.Msg
	}
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseFile reads and parses one spec file. The service name is the file's base name without its
// extension, and the format follows the extension (.edn, .yml, .yaml, .json).
func ParseFile(path string) (Spec, error) {
	name := parseServiceName(path)
	data, err := readlimit.ReadFileLimit(path, parseMaxFileSize)
	if readlimit.IsTooLarge(err) {
		return Spec{}, &ParseError{Service: name, File: path, Msg: "larger than 1 MiB; a spec file is one small map", Err: err}
	}
	if err != nil {
		return Spec{}, &ParseError{Service: name, File: path, Msg: "cannot read: " + parseOSError(err), Err: err}
	}
	return Parse(name, path, data)
}

// Parse parses one spec file's content. name is the service name, file is only used for the
// format (its extension) and in error messages. All problems found are returned together
// (errors.Join of *ParseError, one line each). On success the Spec's Hash is set.
func Parse(name, file string, data []byte) (Spec, error) {
	var format parseFormat
	switch strings.ToLower(filepath.Ext(file)) {
	case ".edn":
		format = parseEDN
	case ".yml", ".yaml":
		format = parseYAML
	case ".json":
		format = parseJSON
	default:
		return Spec{}, &ParseError{Service: name, File: file, Msg: "unknown spec format: the file name must end in .edn, .yml, .yaml or .json"}
	}
	return parseData(name, file, format, data)
}

// ParseCanonical parses a spec's canonical form (Spec.Canonical), e.g. a revision stored in the
// state file, so it can be redeployed. The Spec's File is empty: a stored revision has no file.
func ParseCanonical(name string, data []byte) (Spec, error) {
	s, err := parseData(name, "revision of "+name+" (canonical JSON)", parseJSON, data)
	s.File = ""
	return s, err
}

// Canonical is the spec's canonical form: deterministic JSON (sorted keys, defaults written out,
// Docker fields that hold their zero value left out) of the parsed values, itself a valid JSON
// spec file. Reformatting, comments, key order or the file's format do not change it; any value
// does. The service name and file are not part of it. It is nil for a Spec Parse could not have
// produced.
func (s Spec) Canonical() []byte {
	b, err := parseCanonical(s)
	if err != nil {
		return nil
	}
	return b
}

// parseData is Parse with the format already known.
func parseData(name, file string, format parseFormat, data []byte) (Spec, error) {
	c := &parseCtx{format: format, service: name, file: file}
	if !parseValidServiceName(name) {
		c.fail(nil, fmt.Sprintf("the service name %q (the file's name without its extension) may hold only letters, digits, '_', '.' and '-', starting with a letter or digit", name))
		return Spec{}, c.err()
	}
	var v any
	var ok bool
	switch format {
	case parseEDN:
		v, ok = parseReadEDN(c, data)
	case parseYAML:
		v, ok = parseReadYAML(c, data)
	default:
		v, ok = parseReadJSON(c, data)
	}
	if !ok {
		return Spec{}, c.err()
	}
	s := parseTop(c, v)
	if err := c.err(); err != nil {
		return Spec{}, err
	}
	s.Name, s.File = name, file
	canon, err := parseCanonical(s)
	if err != nil {
		c.fail(parsePath{{key: "spec"}}, "cannot be encoded: "+parseCleanMsg(err.Error()))
		return Spec{}, c.err()
	}
	sum := sha256.Sum256(canon)
	s.Hash = hex.EncodeToString(sum[:])
	if s.ContainerHash, err = parseContainerHash(s); err != nil {
		c.fail(parsePath{{key: "spec"}}, "cannot be encoded: "+parseCleanMsg(err.Error()))
		return Spec{}, c.err()
	}
	return s, nil
}

// parseContainerHash hashes what makes the container itself: the create body and its name,
// not the settings of how it is deployed (replicas, update, deploy, timeouts), so that a change
// of those alone scales or re-plans without replacing a container.
func parseContainerHash(s Spec) (string, error) {
	spec, err := parseDockerCanonical(s.Create)
	if err != nil {
		return "", err
	}
	if s.ContainerName != "" {
		spec["Name"] = s.ContainerName
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(spec); err != nil {
		return "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:]), nil
}

// parseTop reads the top-level map into a Spec, reporting every problem it finds.
func parseTop(c *parseCtx, v any) Spec {
	top, ok := v.(map[string]any)
	if !ok {
		c.fail(nil, "a spec file holds one map, like "+c.example()+"; got "+c.describe(v))
		return Spec{}
	}
	// Top-level keys starting with "x-" are ignored, as in Compose files: a place for YAML anchors.
	own := make(map[string]any, len(top))
	for k, e := range top {
		if !strings.HasPrefix(k, "x-") {
			own[k] = e
		}
	}
	_, hasSpec := own["spec"]
	if _, bare := own["Image"]; bare && !hasSpec {
		// condo's self.edn form: one clear line rather than an unknown key per Docker field.
		c.fail(parsePath{{key: "spec"}}, "is required: the container's fields go inside it, like "+c.example()+" (condo's bare self.edn form is not supported)")
		return Spec{}
	}
	known := []string{"spec", "deploy", "health-timeout", "stop-timeout", "replicas", "update", "min-healthy", "pull"}
	vals := parseKeys(c, nil, own, known, map[string]string{
		"health_timeout": "health-timeout",
		"stop_timeout":   "stop-timeout",
		"min_healthy":    "min-healthy",
	})
	if !vals.has("spec") {
		c.fail(parsePath{{key: "spec"}}, "is required: a map with the body of Docker's create-container call, like "+c.example())
	}
	at := func(k string) parsePath { return parsePath{{key: vals.keyOf(k)}} }
	var s Spec
	if vals.has("spec") {
		s.Create, s.ContainerName = parseDockerSpec(c, at("spec"), vals.get("spec"))
	}
	s.Deploy = parseDeploy(c, at("deploy"), vals.get("deploy"))
	s.HealthTimeout = parseSeconds(c, at("health-timeout"), vals.get("health-timeout"), parseDefaultHealthTimeout, 1)
	s.StopTimeout = parseSeconds(c, at("stop-timeout"), vals.get("stop-timeout"), parseDefaultStopTimeout, 0)
	s.Replicas = parseInt(c, at("replicas"), vals.get("replicas"), 1, 0, "the number of containers to run")
	s.MinHealthy = parseDuration(c, at("min-healthy"), vals.get("min-healthy"), parseDefaultMinHealthy, 0)
	s.Pull = PullPolicy(parseEnum(c, at("pull"), vals.get("pull"), string(PullMissing), string(PullMissing), string(PullAlways), string(PullNever)))
	s.Update = parseUpdate(c, at("update"), vals.get("update"), s.Deploy, vals.has("deploy"), s.HealthTimeout)
	return s
}

// get is the value of canonical key k, nil if absent (or null).
func (v parseVals) get(k string) any { return v.vals[k] }

// has says whether canonical key k was given with a value other than null.
func (v parseVals) has(k string) bool { _, ok := v.vals[k]; return ok }

// keyOf is the key as written in the file for canonical key k (it may be a snake_case alias).
func (v parseVals) keyOf(k string) string {
	if w, ok := v.written[k]; ok {
		return w
	}
	return k
}

// parseKeys checks a map's keys against the known ones (with aliases), reporting unknown and
// doubled keys, and returns the values by canonical key. A null value counts as absent, as in
// condo.
func parseKeys(c *parseCtx, at parsePath, m map[string]any, known []string, aliases map[string]string) parseVals {
	out := parseVals{vals: map[string]any{}, written: map[string]string{}}
	isKnown := map[string]bool{}
	for _, k := range known {
		isKnown[k] = true
	}
	for _, k := range parseSortedKeys(m) {
		canon := k
		if a, ok := aliases[k]; ok {
			canon = a
		}
		if !isKnown[canon] {
			c.failUnknown(at.key(k), "unknown key", k, known, nil)
			continue
		}
		if prev, dup := out.written[canon]; dup {
			c.fail(at.key(k), fmt.Sprintf("given twice (also as %s)", c.renderPath(at.key(prev))))
			continue
		}
		out.written[canon] = k
		if m[k] != nil {
			out.vals[canon] = m[k]
		}
	}
	return out
}

// parseDeploy reads condo's deploy order: [:Before] or [:After n], and in YAML/JSON also
// `before` and {after: n}.
func parseDeploy(c *parseCtx, p parsePath, v any) Deploy {
	bad := func() Deploy {
		c.fail(p, "expected "+c.deployForms()+" (n: whole seconds the old container keeps running after the new one is healthy), got "+c.describe(v))
		return Deploy{}
	}
	isWord := func(x any, w string) bool {
		s, ok := x.(string)
		return ok && (s == w || s == strings.ToLower(w))
	}
	after := func(n any, np parsePath) Deploy {
		num, ok := n.(json.Number)
		if !ok {
			return bad()
		}
		secs, err := strconv.ParseInt(string(num), 10, 64)
		if err != nil || secs < 0 || secs > parseMaxSeconds {
			c.fail(np, "expected whole seconds ≥ 0 to keep the old container after the new one is healthy, got "+c.describe(n))
			return Deploy{}
		}
		return Deploy{After: true, Delay: time.Duration(secs) * time.Second}
	}
	switch x := v.(type) {
	case nil:
		return Deploy{}
	case string:
		if isWord(x, "Before") {
			return Deploy{}
		}
		return bad()
	case []any:
		if len(x) == 1 && isWord(x[0], "Before") {
			return Deploy{}
		}
		if len(x) == 2 && isWord(x[0], "After") {
			return after(x[1], p.idx(1))
		}
		return bad()
	case map[string]any:
		if len(x) != 1 {
			return bad()
		}
		for k, n := range x {
			if isWord(k, "After") {
				return after(n, p.key(k))
			}
		}
		return bad()
	}
	return bad()
}

// parseUpdate reads the rolling-update settings, filling the defaults that depend on deploy and
// health-timeout, and rejects an order that contradicts deploy.
func parseUpdate(c *parseCtx, p parsePath, v any, d Deploy, deployGiven bool, healthTimeout time.Duration) Update {
	u := Update{Parallelism: 1, Order: StopFirst, Failure: FailureKeep, HealthyDeadline: healthTimeout}
	if d.After {
		u.Order = StartFirst
	}
	if v == nil {
		return u
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(p, "expected a map with parallelism, delay, order, failure and healthy-deadline, got "+c.describe(v))
		return u
	}
	vals := parseKeys(c, p, m, []string{"parallelism", "delay", "order", "failure", "healthy-deadline"},
		map[string]string{"healthy_deadline": "healthy-deadline"})
	at := func(k string) parsePath { return p.key(vals.keyOf(k)) }
	u.Parallelism = parseInt(c, at("parallelism"), vals.get("parallelism"), 1, 1, "containers replaced per batch")
	u.Delay = parseDuration(c, at("delay"), vals.get("delay"), 0, 0)
	u.Failure = FailureAction(parseEnum(c, at("failure"), vals.get("failure"), string(FailureKeep), string(FailureKeep), string(FailureRollback)))
	u.HealthyDeadline = parseDuration(c, at("healthy-deadline"), vals.get("healthy-deadline"), healthTimeout, 1)
	if vals.has("order") {
		o := Order(parseEnum(c, at("order"), vals.get("order"), "", string(StartFirst), string(StopFirst)))
		switch {
		case o == StartFirst && !d.After:
			c.fail(at("order"), "start-first conflicts with "+c.deployText(d, deployGiven)+", which stops the old container before starting the new one; use "+c.deployForm(true)+" or drop order")
		case o == StopFirst && d.After:
			c.fail(at("order"), "stop-first conflicts with "+c.deployText(d, deployGiven)+", which starts the new container beside the old one; use "+c.deployForm(false)+" or drop order")
		case o != "":
			u.Order = o
		}
	}
	return u
}

// parseSeconds reads condo's integer seconds (health-timeout, stop-timeout).
func parseSeconds(c *parseCtx, p parsePath, v any, def time.Duration, min int64) time.Duration {
	if v == nil {
		return def
	}
	n, ok := v.(json.Number)
	secs, err := strconv.ParseInt(string(n), 10, 64)
	if !ok || err != nil || secs < min || secs > parseMaxSeconds {
		c.fail(p, fmt.Sprintf("expected whole seconds (an integer ≥ %d), got %s", min, c.describe(v)))
		return def
	}
	return time.Duration(secs) * time.Second
}

// parseInt reads a plain integer setting (replicas, parallelism).
func parseInt(c *parseCtx, p parsePath, v any, def, min int, what string) int {
	if v == nil {
		return def
	}
	n, ok := v.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 32)
	if !ok || err != nil || i < int64(min) {
		c.fail(p, fmt.Sprintf("expected an integer ≥ %d (%s), got %s", min, what, c.describe(v)))
		return def
	}
	return int(i)
}

// parseDuration reads a duration: a Go duration string ("1m30s") or whole seconds.
func parseDuration(c *parseCtx, p parsePath, v any, def, min time.Duration) time.Duration {
	bad := func() time.Duration {
		floor := "≥ 0"
		if min > 0 {
			floor = "> 0"
		}
		c.fail(p, fmt.Sprintf("expected a duration %s like \"5s\" or \"1m30s\", or whole seconds, got %s", floor, c.describe(v)))
		return def
	}
	switch x := v.(type) {
	case nil:
		return def
	case string:
		d, err := time.ParseDuration(x)
		if err != nil || d < min {
			return bad()
		}
		return d
	case json.Number:
		secs, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil || secs > parseMaxSeconds || time.Duration(secs)*time.Second < min {
			return bad()
		}
		return time.Duration(secs) * time.Second
	}
	return bad()
}

// parseEnum reads one of a few words.
func parseEnum(c *parseCtx, p parsePath, v any, def string, allowed ...string) string {
	if v == nil {
		return def
	}
	if s, ok := v.(string); ok {
		for _, a := range allowed {
			if s == a {
				return s
			}
		}
	}
	c.fail(p, "expected "+parseOr(allowed)+", got "+c.describe(v)+parseSuggestValue(v, allowed))
	return def
}

// parseCanonical renders a Spec's canonical form; see Spec.Canonical.
func parseCanonical(s Spec) ([]byte, error) {
	spec, err := parseDockerCanonical(s.Create)
	if err != nil {
		return nil, err
	}
	if s.ContainerName != "" {
		spec["Name"] = s.ContainerName
	}
	deploy := []any{"Before"}
	if s.Deploy.After {
		deploy = []any{"After", parseNumber(int64(s.Deploy.Delay / time.Second))}
	}
	top := map[string]any{
		"spec":           spec,
		"deploy":         deploy,
		"health-timeout": parseNumber(int64(s.HealthTimeout / time.Second)),
		"stop-timeout":   parseNumber(int64(s.StopTimeout / time.Second)),
		"replicas":       parseNumber(int64(s.Replicas)),
		"min-healthy":    s.MinHealthy.String(),
		"pull":           string(s.Pull),
		"update": map[string]any{
			"parallelism":      parseNumber(int64(s.Update.Parallelism)),
			"delay":            s.Update.Delay.String(),
			"order":            string(s.Update.Order),
			"failure":          string(s.Update.Failure),
			"healthy-deadline": s.Update.HealthyDeadline.String(),
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(top); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// parseReadJSON decodes a JSON spec file into the generic value, numbers kept exact.
func parseReadJSON(c *parseCtx, data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		if err == io.EOF {
			c.fail(nil, "the file is empty; a spec is a map like "+c.example())
		} else {
			c.fail(nil, "not valid JSON: "+parseJSONSyntax(data, err))
		}
		return nil, false
	}
	end := int(dec.InputOffset())
	for end < len(data) && strings.ContainsRune(" \t\r\n", rune(data[end])) {
		end++
	}
	if end < len(data) {
		c.fail(nil, "not valid JSON: unexpected content after the spec's map"+parseJSONWhere(data, int64(end+1)))
		return nil, false
	}
	return parseGeneric(c, nil, raw, 0)
}

// parseGeneric checks a decoded JSON value (map[string]any, []any, string, json.Number, bool,
// nil) for depth, so later stages can recurse safely.
func parseGeneric(c *parseCtx, p parsePath, v any, depth int) (any, bool) {
	if depth > parseMaxDepth {
		c.fail(p, fmt.Sprintf("nested more than %d levels deep", parseMaxDepth))
		return nil, false
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if _, ok := parseGeneric(c, p.key(k), e, depth+1); !ok {
				return nil, false
			}
		}
	case []any:
		for i, e := range x {
			if _, ok := parseGeneric(c, p.idx(i), e, depth+1); !ok {
				return nil, false
			}
		}
	}
	return v, true
}

// parseJSONSyntax turns a JSON decoding error into one line with the line and column.
func parseJSONSyntax(data []byte, err error) string {
	msg := parseCleanMsg(err.Error())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return msg + parseJSONWhere(data, se.Offset)
	}
	if err == io.ErrUnexpectedEOF {
		return "unexpected end of file: a bracket or string is not closed"
	}
	return msg
}

// parseJSONWhere renders the position of the byte before offset off (where encoding/json stopped)
// as " (line L, column C)", both counted from 1.
func parseJSONWhere(data []byte, off int64) string {
	if off < 0 || off > int64(len(data)) {
		return ""
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return fmt.Sprintf(" (line %d, column %d)", line, col)
}

// fail records one problem at a key path; past parseMaxErrors problems are only counted.
func (c *parseCtx) fail(p parsePath, msg string) {
	if len(c.errs) >= parseMaxErrors {
		c.dropped++
		return
	}
	c.errs = append(c.errs, &ParseError{Service: c.service, File: c.file, Key: c.renderPath(p), Msg: parseOneLine(msg)})
}

// failUnknown reports an unknown key with the closest known name; past parseMaxErrors it skips
// the search, so a file of many bad keys stays cheap.
func (c *parseCtx) failUnknown(p parsePath, what, key string, known []string, synonyms map[string]string) {
	if len(c.errs) >= parseMaxErrors {
		c.dropped++
		return
	}
	c.fail(p, what+parseSuggest(key, known, synonyms))
}

// err is every problem found, joined; nil if none.
func (c *parseCtx) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	errs := c.errs
	if c.dropped > 0 {
		errs = append(errs[:len(errs):len(errs)], &ParseError{Service: c.service, File: c.file, Msg: fmt.Sprintf("and %d more problems", c.dropped)})
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// renderPath writes a key path the way the file's own format writes keys: `:spec :HostConfig
// "8500/tcp" 0` in EDN, `spec.HostConfig["8500/tcp"][0]` in YAML and JSON.
func (c *parseCtx) renderPath(p parsePath) string {
	var b strings.Builder
	for i, e := range p {
		if c.format == parseEDN {
			if i > 0 {
				b.WriteByte(' ')
			}
			switch {
			case e.isIdx:
				b.WriteString(strconv.Itoa(e.index))
			case parseIsKeyword(e.key):
				b.WriteString(":" + e.key)
			default:
				b.WriteString(strconv.Quote(e.key))
			}
			continue
		}
		switch {
		case e.isIdx:
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		case parseIsIdent(e.key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.key)
		default:
			b.WriteString("[" + strconv.Quote(e.key) + "]")
		}
	}
	return b.String()
}

// example is the smallest valid spec in the file's format, for messages.
func (c *parseCtx) example() string {
	switch c.format {
	case parseEDN:
		return `{:spec {:Image "nginx"}}`
	case parseYAML:
		return `spec: {Image: nginx}`
	}
	return `{"spec": {"Image": "nginx"}}`
}

// deployForms lists the accepted deploy forms in the file's format.
func (c *parseCtx) deployForms() string {
	switch c.format {
	case parseEDN:
		return "[:Before] or [:After n]"
	case parseYAML:
		return "[Before], [After, n], before or {after: n}"
	}
	return `["Before"], ["After", n], "before" or {"after": n}`
}

// deployForm is one deploy form, generic in n, in the file's format.
func (c *parseCtx) deployForm(after bool) string {
	switch {
	case c.format == parseEDN && after:
		return "[:After n]"
	case c.format == parseEDN:
		return "[:Before]"
	case c.format == parseYAML && after:
		return "deploy: [After, n]"
	case c.format == parseYAML:
		return "deploy: [Before]"
	case after:
		return `"deploy": ["After", n]`
	}
	return `"deploy": ["Before"]`
}

// deployText writes a parsed deploy order back in the file's format.
func (c *parseCtx) deployText(d Deploy, given bool) string {
	secs := strconv.FormatInt(int64(d.Delay/time.Second), 10)
	var s string
	switch {
	case c.format == parseEDN && d.After:
		s = ":deploy [:After " + secs + "]"
	case c.format == parseEDN:
		s = ":deploy [:Before]"
	case d.After:
		s = "deploy [After, " + secs + "]"
	default:
		s = "deploy [Before]"
	}
	if !given {
		s += " (the default)"
	}
	return s
}

// describe says what a generic value is, briefly, for "got …" in messages.
func (c *parseCtx) describe(v any) string {
	switch x := v.(type) {
	case nil:
		if c.format == parseEDN {
			return "nil"
		}
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return "the string " + strconv.Quote(x)
	case json.Number:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return "the number " + string(x)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any, []any:
		what := "the map "
		if _, list := x.([]any); list {
			what = "the list "
			if c.format == parseEDN {
				what = "the vector "
			}
		}
		if b, err := json.Marshal(x); err == nil && len(b) <= 40 {
			return what + string(b)
		}
		return strings.TrimSuffix(strings.Replace(what, "the ", "a ", 1), " ")
	}
	return fmt.Sprintf("%T", v)
}

// key extends a path by a map key (a copy: paths are shared between siblings).
func (p parsePath) key(k string) parsePath {
	return append(p[:len(p):len(p)], parsePathElem{key: k})
}

// idx extends a path by a list index.
func (p parsePath) idx(i int) parsePath {
	return append(p[:len(p):len(p)], parsePathElem{index: i, isIdx: true})
}

// parseServiceName is a spec file's service name: its base name without the extension.
func parseServiceName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// parseValidServiceName keeps service names usable in container names and labels.
func parseValidServiceName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || r != '_' && r != '.' && r != '-') {
			return false
		}
	}
	return true
}

// parseIsKeyword says whether an EDN key can be written as a keyword in messages.
func parseIsKeyword(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune("*+!_?<>=-", r)
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || strings.ContainsRune(".#/:", r))) {
			return false
		}
	}
	return true
}

// parseIsIdent says whether a YAML/JSON key can be written bare in a dotted path.
func parseIsIdent(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '-')) {
			return false
		}
	}
	return true
}

// parseNumber is an integer as a generic JSON number.
func parseNumber(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// parseFloat is a float as a generic JSON number that still reads as a float ("5.0", not "5"),
// so a float is never mistaken for a whole number of seconds.
func parseFloat(f float64) (json.Number, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s), true
}

// parseSortedKeys is a map's keys in order, so problems are reported deterministically.
func parseSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseOr writes "a, b or c".
func parseOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// parseSuggestValue proposes the closest allowed word for a misspelt enum value.
func parseSuggestValue(v any, allowed []string) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	return parseSuggest(s, allowed, nil)
}

// parseSuggest proposes the closest known name: the same name in other casing or with other
// separators first, then a small edit distance, then a known synonym.
func parseSuggest(k string, known []string, synonyms map[string]string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
	}
	for _, n := range known {
		if norm(n) == norm(k) {
			if strings.EqualFold(n, k) {
				return " (did you mean " + n + "? names are case-sensitive)"
			}
			return " (did you mean " + n + "?)"
		}
	}
	best, bestD := "", -1
	for _, n := range known {
		d := parseEditDistance(strings.ToLower(k), strings.ToLower(n))
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	limit := 1 + len([]rune(k))/4
	if limit > 3 {
		limit = 3
	}
	if bestD >= 0 && bestD <= limit {
		return " (did you mean " + best + "?)"
	}
	if s, ok := synonyms[norm(k)]; ok {
		return " (did you mean " + s + "?)"
	}
	return ""
}

// parseEditDistance is the optimal-string-alignment distance: Levenshtein plus transpositions,
// so "Imgae" is one step from "Image".
func parseEditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30 // not a typo of a field name
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// parseOneLine keeps a message on one line, as each problem is one line of the report.
func parseOneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	parts := strings.Split(s, "\n")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// parseCleanMsg drops a library's "json: "/"edn: "/"yaml: " prefix.
func parseCleanMsg(s string) string {
	for _, p := range []string{"json: ", "edn: ", "yaml: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// parseOSError drops the path an *fs.PathError repeats, as the message already names the file.
func parseOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
