package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// parser collects every error of one document instead of stopping at the
// first, so one run of `podium pipeline show` reports them all.
type parser struct {
	file   string
	dir    string
	errs   Errors
	inline map[string]ImageDef // inline image definitions by synthesized name
	// imageLine remembers where each node's image: key was, for resolve's
	// unknown-image error.
	imageLine map[*Node]int
	visits    int  // yaml nodes visited, to stop alias bombs
	dead      bool // the visit budget ran out; stop reporting
}

// pair is one key: value entry of a YAML mapping, aliases resolved.
type pair struct {
	key  string
	line int
	k, v *yaml.Node
}

// Parser limits and key lists.
const (
	maxVisits  = 1 << 20
	inlinePref = "inline@"
	nodeKeys   = "serial parallel exec lazy image env skip stop_on_error suppress_errors max_time max_concurrent container_reuse requires_docker cpu mem retries doc"
	kindKeys   = "serial parallel exec lazy"
	// commandWords are what other CI formats call the command.
	commandWords = "command cmd run script"
	maxRetries   = 1000
	maxNameSize  = 200
)

func (ps *parser) errorf(line int, path, format string, args ...any) {
	if ps.dead {
		return
	}
	ps.errs = append(ps.errs, &Error{File: ps.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// err returns the collected errors in line order, or nil.
func (ps *parser) err() error {
	if len(ps.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(ps.errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	return ps.errs
}

// deref follows aliases and counts visits; past the budget it returns a null
// node so recursion ends.
func (ps *parser) deref(n *yaml.Node) *yaml.Node {
	ps.visits++
	if ps.visits > maxVisits {
		if !ps.dead {
			ps.errorf(n.Line, "", "document too large (too many nodes or aliases)")
			ps.dead = true
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line}
	}
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil && depth < 100; depth++ {
		n = n.Alias
	}
	return n
}

// document decodes data and returns its top mapping (or scalar), or nil
// after recording an error.
func (ps *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		ps.yamlError(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		ps.errorf(extra.Line, "", "more than one YAML document; a pipeline file holds one")
		return nil
	} else if !errors.Is(err, io.EOF) {
		ps.yamlError(err)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	top := ps.deref(doc.Content[0])
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return nil
	}
	return top
}

// yamlError turns "yaml: line 3: msg" into a located Error.
func (ps *parser) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(num); err == nil {
				line, msg = l, tail
			}
		}
	}
	ps.errorf(line, "", "invalid YAML: %s", msg)
}

// topLevel splits the file's mapping into the images: value and the root
// node (the mapping itself, whose node() call skips images:).
func (ps *parser) topLevel(doc *yaml.Node) (images, root *yaml.Node) {
	if doc.Kind != yaml.MappingNode {
		return nil, doc
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := ps.deref(doc.Content[i])
		if k.Kind == yaml.ScalarNode && k.Value == "images" {
			images = ps.deref(doc.Content[i+1])
		}
	}
	return images, doc
}

// pairs lists a mapping's entries, reporting non-scalar and duplicate keys;
// what names the keys in the duplicate message ("key", "name", "image").
func (ps *parser) pairs(m *yaml.Node, path, what string) []pair {
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := ps.deref(m.Content[i]), ps.deref(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			ps.errorf(k.Line, path, "a %s must be a plain string", what)
			continue
		}
		if k.Tag == "!!merge" {
			ps.errorf(k.Line, path, "merge keys (<<) are not supported; use an alias per value")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			ps.errorf(k.Line, path, "duplicate %s %q (first at line %d)", what, k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k.Value, line: k.Line, k: k, v: v})
	}
	return out
}

// node builds a node from its YAML value. top marks the file's root
// mapping, where images: may appear. It returns nil if the value is unusable.
func (ps *parser) node(v *yaml.Node, parent *Node, name, path string, line int, top bool) *Node {
	if ps.dead {
		return nil
	}
	v = ps.deref(v)
	n := &Node{Name: name, Path: path, Parent: parent, Line: line}
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
		n.Kind = Exec
		n.Command = ps.command(v, path, "exec")
		return n
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		ps.errorf(line, path, "empty node: want a command, or a mapping with serial:, parallel:, exec: or lazy:")
		return nil
	case v.Kind != yaml.MappingNode:
		ps.errorf(v.Line, path, "want a command string, or a mapping with serial:, parallel:, exec: or lazy:")
		return nil
	}
	var kindPair *pair
	var rest []pair
	for _, p := range ps.pairs(v, path, "key") {
		switch {
		case slices.Contains(strings.Fields(kindKeys), p.key):
			if kindPair != nil {
				ps.kindConflict(kindPair.key, p, path)
				continue
			}
			kindPair = &p
		case p.key == "images" && top:
		case p.key == "images":
			ps.errorf(p.line, path, "images: belongs at the top of the file")
		case p.key == "children":
			ps.errorf(p.line, path, "unknown key \"children\": children go under serial: or parallel: as \"name: node\"")
		case slices.Contains(strings.Fields(nodeKeys), p.key):
			rest = append(rest, p)
		case suggest(p.key, strings.Fields(commandWords)) != "" || slices.Contains(strings.Fields(commandWords), p.key):
			ps.errorf(p.line, path, "unknown key %q (did you mean exec:? the command goes in exec: or lazy:)", p.key)
		default:
			ps.errorf(p.line, path, "unknown key %q%s", p.key, suggest(p.key, strings.Fields(nodeKeys)))
		}
	}
	if kindPair == nil {
		ps.errorf(line, path, "missing kind: want one of serial:, parallel:, exec: or lazy:")
		return nil
	}
	n.Kind = Kind(kindPair.key)
	if top {
		n.Line = kindPair.line
	}
	for _, p := range rest {
		ps.param(n, p)
	}
	switch n.Kind {
	case Exec, Lazy:
		if kindPair.v.Kind != yaml.ScalarNode || kindPair.v.Tag != "!!str" {
			ps.errorf(kindPair.line, path, "%s: want a command string", n.Kind)
		} else {
			n.Command = ps.command(kindPair.v, path, string(n.Kind))
		}
	default:
		n.Children = ps.children(n, kindPair)
	}
	return n
}

// kindConflict explains two kind keys in one node.
func (ps *parser) kindConflict(first string, second pair, path string) {
	group := func(k string) bool { return k == "serial" || k == "parallel" }
	if group(first) != group(second.key) {
		ps.errorf(second.line, path, "an exec or lazy node cannot have children (both %s: and %s:)", first, second.key)
		return
	}
	ps.errorf(second.line, path, "a node has exactly one kind, but both %s: and %s: are set", first, second.key)
}

// command checks an exec or lazy command string.
func (ps *parser) command(v *yaml.Node, path, what string) string {
	if strings.TrimSpace(v.Value) == "" {
		ps.errorf(v.Line, path, "%s: empty command", what)
	}
	return v.Value
}

// children parses a serial or parallel's "name: node" mapping in order.
func (ps *parser) children(n *Node, kp *pair) []*Node {
	v := kp.v
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil // an empty group is allowed
	case v.Kind == yaml.SequenceNode:
		ps.errorf(kp.line, n.Path, "%s: children are a mapping of \"name: node\" (file order is kept), not a list", kp.key)
		return nil
	case v.Kind != yaml.MappingNode:
		ps.errorf(kp.line, n.Path, "%s: want a mapping of \"name: node\" children", kp.key)
		return nil
	}
	var out []*Node
	for _, p := range ps.pairs(v, n.Path, "name") {
		cp := childPath(n.Path, p.key)
		if msg := checkName(p.key); msg != "" {
			ps.errorf(p.line, cp, "%s", msg)
			continue
		}
		if c := ps.node(p.v, n, p.key, cp, p.line, false); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// checkName returns why a node name is invalid, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "empty node name"
	case strings.Contains(name, "/"):
		return fmt.Sprintf("node name %q may not contain /", name)
	case strings.TrimSpace(name) != name:
		return fmt.Sprintf("node name %q has leading or trailing spaces", name)
	case len(name) > maxNameSize:
		return fmt.Sprintf("node name is longer than %d bytes", maxNameSize)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Sprintf("node name %q contains control characters", name)
	}
	return ""
}

// param parses one parameter key into n.Declared.
func (ps *parser) param(n *Node, p pair) {
	d := &n.Declared
	path := n.Path
	switch p.key {
	case "image":
		ps.imageParam(n, p)
	case "env":
		d.Env = ps.env(p, path)
	case "skip":
		d.Skip = ps.boolean(p, path)
	case "stop_on_error":
		d.StopOnError = ps.boolean(p, path)
		if n.Kind != Serial && d.StopOnError != nil {
			ps.errorf(p.line, path, "stop_on_error applies only to serial nodes, not %s", n.Kind)
		}
	case "suppress_errors":
		d.SuppressErrors = ps.boolean(p, path)
	case "requires_docker":
		d.RequiresDocker = ps.boolean(p, path)
	case "max_time":
		d.MaxTime = ps.duration(p, path)
	case "max_concurrent":
		d.MaxConcurrent = ps.integer(p, path, 1, math.MaxInt32, "at least 1 (0 would never run anything)")
		if n.Kind == Exec && d.MaxConcurrent != nil {
			ps.errorf(p.line, path, "max_concurrent applies to serial, parallel and lazy nodes, not exec")
		}
	case "retries":
		d.Retries = ps.integer(p, path, 0, maxRetries, fmt.Sprintf("between 0 and %d", maxRetries))
	case "container_reuse":
		d.Reuse = ps.reuse(p, path)
	case "cpu":
		d.CPU = ps.positive(p, path)
	case "mem":
		d.Mem = ps.positive(p, path)
	case "doc":
		if p.v.Kind != yaml.ScalarNode || p.v.Tag == "!!null" {
			ps.errorf(p.line, path, "doc: want a string")
			return
		}
		d.Doc = &p.v.Value
	}
}

// imageParam takes an image name or an inline image definition.
func (ps *parser) imageParam(n *Node, p pair) {
	switch {
	case p.v.Kind == yaml.ScalarNode && p.v.Tag == "!!str" && p.v.Value != "":
		name := p.v.Value
		n.Declared.Image = &name
	case p.v.Kind == yaml.MappingNode:
		name := inlinePref + n.Path
		def, ok := ps.imageDef(p.v, name, n.Path+": image", p.line)
		if !ok {
			return
		}
		if ps.inline == nil {
			ps.inline = map[string]ImageDef{}
		}
		ps.inline[name] = def
		n.Declared.Image = &name
	default:
		ps.errorf(p.line, n.Path, "image: want a name from images: or an inline {from: …} definition")
		return
	}
	if ps.imageLine == nil {
		ps.imageLine = map[*Node]int{}
	}
	ps.imageLine[n] = p.line
}

// env parses a str→str mapping; scalar values are taken as written.
func (ps *parser) env(p pair, path string) map[string]string {
	return ps.stringMap(p, path, "env", func(k string) string {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return fmt.Sprintf("env: invalid variable name %q", k)
		}
		return ""
	})
}

// stringMap parses a mapping of scalars; check vets each key.
func (ps *parser) stringMap(p pair, path, what string, check func(string) string) map[string]string {
	if p.v.Kind == yaml.ScalarNode && p.v.Tag == "!!null" {
		return map[string]string{}
	}
	if p.v.Kind != yaml.MappingNode {
		ps.errorf(p.line, path, "%s: want a mapping of names to strings", what)
		return nil
	}
	out := map[string]string{}
	for _, e := range ps.pairs(p.v, path, what+" key") {
		if msg := check(e.key); msg != "" {
			ps.errorf(e.line, path, "%s", msg)
			continue
		}
		if e.v.Kind != yaml.ScalarNode || e.v.Tag == "!!null" {
			ps.errorf(e.line, path, "%s: %s: want a string value (quote it, \"\" for empty)", what, e.key)
			continue
		}
		out[e.key] = e.v.Value
	}
	return out
}

// boolean accepts only YAML booleans, so "false" in quotes is an error
// rather than Conducto's truthy string.
func (ps *parser) boolean(p pair, path string) *bool {
	if p.v.Kind == yaml.ScalarNode && p.v.Tag == "!!bool" {
		if b, err := strconv.ParseBool(strings.ToLower(p.v.Value)); err == nil {
			return &b
		}
	}
	ps.errorf(p.line, path, "%s: want true or false, not %s", p.key, show(p.v))
	return nil
}

// integer parses an int in [lo, hi]; want describes the range.
func (ps *parser) integer(p pair, path string, lo, hi int64, want string) *int {
	if p.v.Kind == yaml.ScalarNode && p.v.Tag == "!!int" {
		if i, err := strconv.ParseInt(p.v.Value, 0, 64); err == nil {
			if i < lo || i > hi {
				ps.errorf(p.line, path, "%s: must be %s, not %d", p.key, want, i)
				return nil
			}
			v := int(i)
			return &v
		}
	}
	ps.errorf(p.line, path, "%s: want a whole number, not %s", p.key, show(p.v))
	return nil
}

// positive parses a finite number above zero (cpu, mem).
func (ps *parser) positive(p pair, path string) *float64 {
	if p.v.Kind == yaml.ScalarNode && (p.v.Tag == "!!int" || p.v.Tag == "!!float") {
		if f, err := strconv.ParseFloat(strings.ReplaceAll(p.v.Value, "_", ""), 64); err == nil {
			if f > 0 && f < 1e6 {
				return &f
			}
			ps.errorf(p.line, path, "%s: must be above 0, not %s", p.key, p.v.Value)
			return nil
		}
		if i, err := strconv.ParseInt(p.v.Value, 0, 64); err == nil && i > 0 && i < 1e6 {
			f := float64(i)
			return &f
		}
	}
	ps.errorf(p.line, path, "%s: want a number above 0, not %s", p.key, show(p.v))
	return nil
}

// reuse parses container_reuse.
func (ps *parser) reuse(p pair, path string) *Reuse {
	modes := []string{string(ReusePool), string(ReuseNew), string(ReuseIsolated)}
	if p.v.Kind == yaml.ScalarNode && slices.Contains(modes, p.v.Value) {
		r := Reuse(p.v.Value)
		return &r
	}
	ps.errorf(p.line, path, "container_reuse: want pool, new or isolated, not %s%s", show(p.v), suggest(p.v.Value, modes))
	return nil
}

// duration parses max_time: seconds as a number, or a string of
// number+unit parts with units s, m, h, d ("90s", "1h30m", "1.5h").
func (ps *parser) duration(p pair, path string) *time.Duration {
	d, msg := parseDuration(p.v)
	if msg != "" {
		ps.errorf(p.line, path, "%s: %s", p.key, msg)
		return nil
	}
	return &d
}

func parseDuration(v *yaml.Node) (time.Duration, string) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return 0, "want a duration such as 90s or 1h30m"
	}
	if v.Tag == "!!int" || v.Tag == "!!float" {
		f, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			return 0, fmt.Sprintf("want a duration such as 90s or 1h30m, not %s", v.Value)
		}
		return checkDuration(f)
	}
	s := strings.TrimSpace(v.Value)
	if s == "" {
		return 0, "want a duration such as 90s or 1h30m"
	}
	total := 0.0
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 || s[i] == '.' {
			return 0, fmt.Sprintf("bad duration %q: want parts like 1h30m (units s, m, h, d)", v.Value)
		}
		num, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Sprintf("bad duration %q: want parts like 1h30m (units s, m, h, d)", v.Value)
		}
		unit := map[byte]float64{'s': 1, 'm': 60, 'h': 3600, 'd': 86400}[s[i]]
		if unit == 0 {
			return 0, fmt.Sprintf("bad duration %q: unknown unit %q (use s, m, h or d)", v.Value, s[i:i+1])
		}
		total += num * unit
		s = s[i+1:]
	}
	return checkDuration(total)
}

// checkDuration bounds a number of seconds.
func checkDuration(secs float64) (time.Duration, string) {
	if math.IsNaN(secs) || secs <= 0 {
		return 0, "must be above 0"
	}
	if secs > maxDuration.Seconds() {
		return 0, fmt.Sprintf("must be at most %s", maxDuration)
	}
	d := time.Duration(secs * float64(time.Second))
	if d <= 0 {
		return 0, "must be above 0"
	}
	return d, ""
}

// show renders a YAML value for a message.
func show(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if v.Tag == "!!null" {
		return "nothing"
	}
	return strconv.Quote(v.Value)
}

// suggest returns ` (did you mean x?)` for the closest known word, if close.
func suggest(word string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(word), k); d < bestD && d < max(2, len(k)/3+1) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the optimal-string-alignment distance (Levenshtein plus
// adjacent transpositions, so "form" is one step from "from"); long input is
// capped to keep it cheap.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// resolve adds inline images to p, then computes every node's effective
// Params from its parent's and checks image names.
func (ps *parser) resolve(p *Pipeline, root *Node, parent *Params) {
	for k, v := range ps.inline {
		p.Images[k] = v
	}
	ps.resolveNode(p, root, parent)
}

func (ps *parser) resolveNode(p *Pipeline, n *Node, parent *Params) {
	n.pipe = p
	n.Params = inherit(parent, n.Kind, &n.Declared)
	if img := n.Declared.Image; img != nil {
		if _, ok := p.Images[*img]; !ok {
			names := make([]string, 0, len(p.Images))
			for k := range p.Images {
				if !strings.HasPrefix(k, inlinePref) {
					names = append(names, k)
				}
			}
			slices.Sort(names)
			ps.errorf(ps.imageLine[n], n.Path, "unknown image %q%s: name one from images:, or write {from: …} inline", *img, suggest(*img, names))
		}
	}
	for _, c := range n.Children {
		ps.resolveNode(p, c, &n.Params)
	}
}

// inherit applies defaults, the parent's inheritable values and the node's
// own declarations, in that order.
func inherit(parent *Params, kind Kind, d *Declared) Params {
	p := Params{MaxTime: DefaultMaxTime, CPU: DefaultCPU, Mem: DefaultMem, Reuse: DefaultReuse, Env: map[string]string{}}
	if parent != nil {
		p.Image = parent.Image
		for k, v := range parent.Env {
			p.Env[k] = v
		}
		p.CPU, p.Mem = parent.CPU, parent.Mem
		p.RequiresDocker = parent.RequiresDocker
		p.MaxTime = parent.MaxTime
		p.Reuse = parent.Reuse
		p.Retries = parent.Retries
	}
	p.StopOnError = kind == Serial
	set(&p.Image, d.Image)
	for k, v := range d.Env {
		p.Env[k] = v
	}
	set(&p.Skip, d.Skip)
	set(&p.StopOnError, d.StopOnError)
	set(&p.SuppressErrors, d.SuppressErrors)
	set(&p.RequiresDocker, d.RequiresDocker)
	set(&p.MaxTime, d.MaxTime)
	set(&p.MaxConcurrent, d.MaxConcurrent)
	set(&p.Retries, d.Retries)
	set(&p.Reuse, d.Reuse)
	set(&p.CPU, d.CPU)
	set(&p.Mem, d.Mem)
	set(&p.Doc, d.Doc)
	return p
}

// set copies a declared value over the effective one when declared.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
