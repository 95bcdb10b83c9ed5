package keymap

import (
	"fmt"
	"slices"
	"strings"
)

// keyHolder is the action a key does in one context, and the file's line that gave it the key
// (0 for a default binding).
type keyHolder struct {
	action Action
	line   int
}

// shadowed is an action some place no longer reaches because nearer keys took all of its keys.
// Equal findings of several places are reported once, naming them all.
type shadowed struct {
	line   int
	action Action
	taken  string // `"q" is stop`
}

// checkClashes finds the conflicts the overrides create in km, Default with them applied.
//
// The rules: in one context a key does one thing, so a key the file gives an action must not
// stay bound to another action of that context. Across contexts a nearer one may shadow the
// keys of those it falls back to (Chain): that is how "/" searches in the logs pane while it
// filters the list. But every action a place reaches with the default keys must stay reachable
// there by at least one of its keys, unless the file unbound it (no key left for it anywhere
// along the place's chain). So binding "q" to stop in containers is fine while ctrl+c still
// quits there, and an error once the file has made q quit's only key.
func (p *configParser) checkClashes(km Keymap) {
	src := map[ctxAction]override{}
	for _, o := range p.overrides {
		src[ctxAction{o.ctx, o.action}] = o
	}
	before := len(p.errs)
	p.sameContextClashes(km, src)
	if len(p.errs) == before {
		// A key clash also hides one of the two actions; say it once.
		p.unreachable(km, src)
	}
}

// sameContextClashes reports a key bound to two actions of one context.
func (p *configParser) sameContextClashes(km Keymap, src map[ctxAction]override) {
	for _, c := range Contexts() {
		held := map[string]keyHolder{}
		for _, b := range km.Bindings[c] {
			o := src[ctxAction{c, b.Action}]
			for _, key := range b.Keys {
				h := keyHolder{action: b.Action, line: o.keyLine[key]}
				prev, ok := held[key]
				if !ok {
					held[key] = h
					continue
				}
				if prev.action != h.action {
					p.keyClash(c, key, prev, h)
				}
			}
		}
	}
}

// keyClash reports a key of two actions at the later line that gave it; the defaults never
// clash, so at least one of the two comes from the file.
func (p *configParser) keyClash(c Context, key string, a, b keyHolder) {
	if a.line > b.line {
		a, b = b, a
	}
	if a.line == 0 {
		p.errorf(b.line, "key %q for %s in %s is %s's by default: rebind %s too, or unbind it with %s: []", key, b.action, c, a.action, a.action, a.action)
		return
	}
	p.errorf(b.line, "key %q for %s in %s is also %s's (line %d)", key, b.action, c, a.action, a.line)
}

// unreachable reports the actions a place reaches by default and no longer does, though keys
// remain bound to them there.
func (p *configParser) unreachable(km Keymap, src map[ctxAction]override) {
	def := Default()
	var found []shadowed
	where := map[shadowed][]string{}
	for _, at := range places() {
		now := km.reachable(at)
		for _, a := range def.reachable(at) {
			if slices.Contains(now, a) {
				continue
			}
			s, ok := p.shadowing(km, src, at, a)
			if !ok {
				continue // unbound on purpose
			}
			if _, seen := where[s]; !seen {
				found = append(found, s)
			}
			where[s] = append(where[s], placeName(at))
		}
	}
	for _, s := range found {
		p.errorf(s.line, "no key reaches %s in %s any more: %s there; give %s a key that is free there", s.action, strings.Join(where[s], ", "), s.taken, s.action)
	}
}

// shadowing explains why a is unreachable at a place: which actions took its keys, at the
// file's line most to blame (the taking key's, else a's own). It reports false when a has no
// keys left along the chain.
func (p *configParser) shadowing(km Keymap, src map[ctxAction]override, at Context, a Action) (shadowed, bool) {
	var taken []string
	seen := map[string]bool{}
	line, ownLine := 0, 0
	for _, c := range Chain(at) {
		own, set := src[ctxAction{c, a}]
		if set && ownLine == 0 {
			ownLine = own.line
		}
		for _, key := range km.Keys(c, a) {
			if seen[key] {
				continue
			}
			seen[key] = true
			hc, ha := km.holder(at, key)
			taken = append(taken, fmt.Sprintf("%q is %s", key, ha))
			if line == 0 {
				line = src[ctxAction{hc, ha}].keyLine[key]
			}
			if line == 0 && set {
				line = own.keyLine[key]
			}
		}
	}
	if len(taken) == 0 {
		return shadowed{}, false
	}
	for _, l := range []int{ownLine, p.keysLine} {
		if line == 0 {
			line = l
		}
	}
	return shadowed{line: line, action: a, taken: strings.Join(taken, ", ")}, true
}

// reachable lists the actions some key resolves to at a place, in the order of its chain.
func (k Keymap) reachable(at Context) []Action {
	var out []Action
	for _, c := range Chain(at) {
		for _, b := range k.Bindings[c] {
			if slices.Contains(out, b.Action) {
				continue
			}
			for _, key := range b.Keys {
				if k.Resolve(at, key) == b.Action {
					out = append(out, b.Action)
					break
				}
			}
		}
	}
	return out
}

// holder is the context and action a key resolves to at a place.
func (k Keymap) holder(at Context, key string) (Context, Action) {
	for _, c := range Chain(at) {
		if a := k.Lookup(c, key); a != None {
			return c, a
		}
	}
	return at, None
}

// places are where a user can be: every context, and the logs panes of the tabs whose keys
// fall back to their own tab's rather than the Containers tab's.
func places() []Context {
	return append(Contexts(), CtxPodsLogs, CtxDeploysLogs, CtxPipelinesOutput)
}

// placeName is how an error names a place: logs panes by the tab they belong to.
func placeName(at Context) string {
	switch at {
	case CtxLogs:
		return "logs (Containers tab)"
	case CtxPodsLogs:
		return "logs (Pods tab)"
	case CtxDeploysLogs:
		return "logs (Deploys tab)"
	case CtxPipelinesOutput:
		return "logs (Pipelines tab)"
	}
	return string(at)
}
