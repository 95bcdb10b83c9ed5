package keymap

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeWhere maps the README key table's "where" column to the contexts it documents. A cell
// may name several, separated by commas ("Pods, Deploys, Containers"). "lists" is every tab:
// a key in a "lists" row must be bound in each of them.
var readmeWhere = map[string][]Context{
	"anywhere":         {CtxGlobal},
	"lists":            {CtxPods, CtxDeploys, CtxPipelines, CtxContainers},
	"pods":             {CtxPods},
	"deploys":          {CtxDeploys},
	"pipelines":        {CtxPipelines},
	"containers":       {CtxContainers},
	"logs pane":        {CtxLogs},
	"filter":           {CtxFilter},
	"log search":       {CtxSearch},
	"prompt":           {CtxPrompt},
	"confirm":          {CtxConfirm},
	"palette":          {CtxPalette},
	"help":             {CtxHelp},
	"errors":           {CtxErrors},
	"deploys timeline": {CtxDeploysTimeline},
}

// readmeUndocumented are bindings the table deliberately leaves out, per context. Keep it short.
var readmeUndocumented = map[Context][]string{
	// ctrl+c quits from the text-entry contexts and dialogs too (they do not fall back to the
	// global layer, so each binds it again); the "anywhere" row says so once.
	CtxFilter:  {"ctrl+c"},
	CtxSearch:  {"ctrl+c"},
	CtxPrompt:  {"ctrl+c"},
	CtxPalette: {"ctrl+c"},
	CtxConfirm: {"ctrl+c"},
	CtxErrors:  {"ctrl+c"},
}

var readmeKeySpan = regexp.MustCompile("`([^`]+)`")

// readmeKey turns a key as the README writes it into Bubble Tea's name for it.
func readmeKey(s string) string {
	switch s {
	case "↑":
		return "up"
	case "↓":
		return "down"
	case "←":
		return "left"
	case "→":
		return "right"
	case "⏎":
		return "enter"
	}
	return s
}

// readmeKeys parses the key table under "## Keys" in README.md: the keys each context documents,
// with the line that documents them. Only the keys column is read; every `code span` in it is
// one key (so `↑`/`k` and `R` (or `r`) are two keys each). A cell without a code span (mouse)
// documents no key.
func readmeKeys(t *testing.T, path string) map[Context]map[string]int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the README: %v", err)
	}
	out := map[Context]map[string]int{}
	inKeys, inTable := false, false
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		switch {
		case strings.HasPrefix(line, "## "):
			inKeys = line == "## Keys"
			continue
		case !inKeys:
			continue
		case !strings.HasPrefix(line, "|"):
			if inTable {
				inKeys = false // the table ended: nothing after it is parsed
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 3 {
			t.Fatalf("README.md:%d: a key table row needs | where | keys | action |: %q", n, line)
		}
		where := strings.TrimSpace(cells[0])
		if !inTable {
			inTable = true // the header row
			continue
		}
		if strings.Trim(where, "-") == "" {
			continue // the separator row
		}
		for _, w := range strings.Split(where, ",") {
			ctxs, ok := readmeWhere[strings.ToLower(strings.TrimSpace(w))]
			if !ok {
				t.Errorf("README.md:%d: %q in the where column is no context the test knows (add it to readmeWhere)", n, w)
				continue
			}
			for _, m := range readmeKeySpan.FindAllStringSubmatch(cells[1], -1) {
				for _, c := range ctxs {
					if out[c] == nil {
						out[c] = map[string]int{}
					}
					out[c][readmeKey(m[1])] = n
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("README.md: no key table found under ## Keys")
	}
	return out
}

// TestReadmeKeyTable keeps README.md's key table and the default keymap in step: every key a user
// can press is documented for its context, and every documented key is bound there.
func TestReadmeKeyTable(t *testing.T) {
	km := Default()
	doc := readmeKeys(t, "../README.md")
	var missing, extra []string
	for c := range km.Bindings {
		if !slices.Contains(Contexts(), c) {
			t.Errorf("context %s has bindings but is not in Contexts(): the README test does not check it", c)
		}
	}
	for _, c := range Contexts() {
		for _, b := range km.Bindings[c] {
			for _, key := range b.Keys {
				if _, ok := doc[c][key]; ok || slices.Contains(readmeUndocumented[c], key) {
					continue
				}
				missing = append(missing, fmt.Sprintf("%s: %q (%s: %s)", c.Title(), key, b.Action, b.Help))
			}
		}
	}
	for _, c := range Contexts() {
		for key, line := range doc[c] {
			if km.Lookup(c, key) == None {
				extra = append(extra, fmt.Sprintf("README.md:%d: %s: %q", line, c.Title(), key))
			}
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("bound in the default keymap but not in README.md's key table (add a row, or a key to a row, for that context):\n  %s",
			strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("in README.md's key table but not bound there by the default keymap (a \"lists\" row must hold for every tab):\n  %s",
			strings.Join(extra, "\n  "))
	}
}
