package keymap

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Validate reports what would make a keymap ambiguous: a key bound to two actions in one
// context, an empty key, an action bound twice in one context. A config loader calls it
// after applying user overrides; the error names every problem, not just the first.
func (k Keymap) Validate() error {
	ctxs := make([]string, 0, len(k.Bindings))
	for c := range k.Bindings {
		ctxs = append(ctxs, string(c))
	}
	sort.Strings(ctxs)
	var errs []error
	for _, name := range ctxs {
		c := Context(name)
		owner := map[string]Action{}
		actions := map[Action]bool{}
		for _, b := range k.Bindings[c] {
			if b.Action == None {
				errs = append(errs, fmt.Errorf("context %s: a binding for keys %s has no action", c, strings.Join(b.Keys, ",")))
				continue
			}
			if actions[b.Action] {
				errs = append(errs, fmt.Errorf("context %s: action %s is bound twice", c, b.Action))
			}
			actions[b.Action] = true
			for _, key := range b.Keys {
				if strings.TrimSpace(key) == "" {
					errs = append(errs, fmt.Errorf("context %s: action %s has an empty key", c, b.Action))
					continue
				}
				if prev, ok := owner[key]; ok && prev != b.Action {
					errs = append(errs, fmt.Errorf("context %s: key %q is bound to both %s and %s", c, key, prev, b.Action))
					continue
				}
				owner[key] = b.Action
			}
		}
	}
	return errors.Join(errs...)
}
