package keymap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/readlimit"
)

// ConfigError is one problem of a keymap file. It carries its line so that every problem of a
// file can be reported at once, in the order the user reads the file.
type ConfigError struct {
	File string
	Line int
	Msg  string
}

// override is one action's keys as a file sets them, with the lines errors point at.
type override struct {
	ctx    Context
	action Action
	line   int
	keys   []string
	// keyLine is the line of each key, for clashes that a single key causes.
	keyLine map[string]int
}

// ctxAction names an action of one context: overrides are looked up by it.
type ctxAction struct {
	ctx    Context
	action Action
}

// configParser walks one file's YAML tree, collecting the overrides it sets and its problems.
type configParser struct {
	file      string
	keysLine  int
	errs      []*ConfigError
	overrides []override
}

func (e *ConfigError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ConfigPath is the user's config file: $XDG_CONFIG_HOME/podium/config.yml, else
// ~/.config/podium/config.yml. It is the XDG location on every OS, as terminal tools use it,
// and a relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
func ConfigPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("keymap config path: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "podium", "config.yml"), nil
}

// Load reads the keymap config at path over Default. A missing file is no error: most users
// never write one.
func Load(path string) (Keymap, error) {
	data, err := readlimit.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if readlimit.IsTooLarge(err) {
		return Keymap{}, fmt.Errorf("keymap config %w", err)
	}
	if err != nil {
		return Keymap{}, fmt.Errorf("read keymap config: %w", err)
	}
	return Parse(path, data)
}

// Parse applies the config in data (read from file, which errors name) over Default. A file
// sets keys per context and action under `keys:`; a key or list of keys replaces that action's
// keys there, and [] unbinds it. Any problem returns no keymap and every problem found, as
// *ConfigError values joined in line order, so a keymap is never half applied. The clash rules
// are checkClashes's.
func Parse(file string, data []byte) (Keymap, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Keymap{}, syntaxError(file, err)
	}
	p := &configParser{file: file, keysLine: 1}
	p.document(&doc)
	km := Default()
	for _, o := range p.overrides {
		km = km.With(o.ctx, o.action, o.keys...)
	}
	p.checkClashes(km)
	if err := km.Validate(); err != nil && len(p.errs) == 0 {
		// A safety net: the checks above name lines; Validate is the keymap's own invariant.
		p.errorf(p.keysLine, "%v", err)
	}
	if len(p.errs) > 0 {
		return Keymap{}, p.joined()
	}
	return km, nil
}

// syntaxError puts a YAML parse error in the file:line form of the other problems, so
// editors jump to it as well; an error without a line keeps the parser's words.
func syntaxError(file string, err error) error {
	rest, ok := strings.CutPrefix(err.Error(), "yaml: line ")
	num, msg, found := strings.Cut(rest, ": ")
	line, aerr := strconv.Atoi(num)
	if !ok || !found || aerr != nil {
		return fmt.Errorf("keymap config %s: %w", file, err)
	}
	return &ConfigError{File: file, Line: line, Msg: "YAML: " + msg}
}

// joined returns the problems sorted by line (stable, so one line's keep their order).
func (p *configParser) joined() error {
	slices.SortStableFunc(p.errs, func(a, b *ConfigError) int { return a.Line - b.Line })
	errs := make([]error, len(p.errs))
	for i, e := range p.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

func (p *configParser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ConfigError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// document checks the top level: only `keys:` is known, so a typo is not silently ignored.
func (p *configParser) document(doc *yaml.Node) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // empty, or only comments
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root.Line, "the file must be a mapping with a keys: section")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			p.errorf(k.Line, "%q is set twice (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		if k.Value != "keys" {
			p.errorf(k.Line, "unknown top-level key %q (the only one is keys)", k.Value)
			continue
		}
		p.keysLine = k.Line
		p.contexts(v)
	}
}

// contexts reads `keys:`: a mapping of context names.
func (p *configParser) contexts(n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, "keys: must map context names to their actions")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			p.errorf(k.Line, "context %s is set twice (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		ctx := Context(k.Value)
		if !slices.Contains(Contexts(), ctx) {
			p.errorf(k.Line, "unknown context %q (the contexts are %s)", k.Value, contextNames())
			continue
		}
		p.actions(ctx, v)
	}
}

// actions reads one context's mapping of actions to keys.
func (p *configParser) actions(ctx Context, n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, "context %s must map actions to keys", ctx)
		return
	}
	def := Default()
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			p.errorf(k.Line, "action %s in %s is set twice (first at line %d)", k.Value, ctx, first)
			continue
		}
		seen[k.Value] = k.Line
		a := Action(k.Value)
		if !def.has(ctx, a) {
			p.errorf(k.Line, "%s", unknownAction(def, ctx, a))
			continue
		}
		if keys, lines, ok := p.keys(ctx, a, v); ok {
			p.overrides = append(p.overrides, override{ctx: ctx, action: a, line: k.Line, keys: keys, keyLine: lines})
		}
	}
}

// keys reads an action's value: one key, or a list of them ([] unbinds). Bad keys are reported
// and left out, so the action's good keys still take part in the clash checks.
func (p *configParser) keys(ctx Context, a Action, n *yaml.Node) ([]string, map[string]int, bool) {
	items := []*yaml.Node{n}
	switch {
	case isNull(n):
		p.errorf(n.Line, "%s in %s has no key: give a key, a list of keys, or [] to unbind it (quote keys like \"~\")", a, ctx)
		return nil, nil, false
	case n.Kind == yaml.SequenceNode:
		items = n.Content
	case n.Kind != yaml.ScalarNode:
		p.errorf(n.Line, "%s in %s: want a key or a list of keys", a, ctx)
		return nil, nil, false
	}
	keys := []string{}
	lines := map[string]int{}
	for _, item := range items {
		item = resolve(item)
		if item.Kind != yaml.ScalarNode || isNull(item) {
			p.errorf(item.Line, "%s in %s: each key must be a string (quote keys like \"~\")", a, ctx)
			continue
		}
		if err := checkKey(item.Value); err != nil {
			p.errorf(item.Line, "%s in %s: key %q: %v", a, ctx, item.Value, err)
			continue
		}
		if typedInto(ctx) && typesText(item.Value) {
			p.errorf(item.Line, "%s in %s: key %q types text there; use a ctrl+ or alt+ key, or a named one like esc or f2", a, ctx, item.Value)
			continue
		}
		if _, dup := lines[item.Value]; dup {
			continue
		}
		lines[item.Value] = item.Line
		keys = append(keys, item.Value)
	}
	return keys, lines, true
}

// has reports whether ctx has a binding for a (bound to keys or not).
func (k Keymap) has(ctx Context, a Action) bool {
	return slices.ContainsFunc(k.Bindings[ctx], func(b Binding) bool { return b.Action == a })
}

// unknownAction explains an action ctx does not have, naming the contexts that do.
func unknownAction(def Keymap, ctx Context, a Action) string {
	var homes []string
	for _, c := range Contexts() {
		if def.has(c, a) {
			homes = append(homes, string(c))
		}
	}
	if len(homes) == 0 {
		return fmt.Sprintf("unknown action %q in %s ('podium keys' lists the actions of each context)", a, ctx)
	}
	return fmt.Sprintf("action %s is not in %s; it belongs to %s", a, ctx, strings.Join(homes, ", "))
}

// typedInto reports whether ctx edits text, where a plain character must type itself.
func typedInto(ctx Context) bool {
	return ctx == CtxFilter || ctx == CtxSearch || ctx == CtxPrompt || ctx == CtxPalette
}

// contextNames lists the context names a file may use.
func contextNames() string {
	names := make([]string, 0, len(Contexts()))
	for _, c := range Contexts() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// resolve follows a YAML alias, so anchors work as they do in any other YAML file.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
