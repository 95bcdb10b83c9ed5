package pipelines

import (
	"github.com/podiumdev/podium/model/common"

	"fmt"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// modifyPrompt is the one-line prompt of modify: the node of the shown run it changes, and
// the line typed so far.
type modifyPrompt struct {
	name, id, path string
	text           string
}

// nodeChange is what a modify line asks for, in the CLI's terms: -e K=V pairs (env) and the
// rest, the new command ("" keeps the node's).
type nodeChange struct {
	env     map[string]string
	command string
}

// label is what the prompt line says before the text.
func (p modifyPrompt) label() string {
	return "modify " + p.path + " [-e K=V]… [command]"
}

// askModify opens the prompt on the tree's selected node. Only an exec node runs a command,
// and only its env reaches a container, so only it can be modified.
func (m Model) askModify() (Model, tea.Cmd) {
	path := m.selectedNode()
	n := m.run.Nodes[path]
	switch {
	case m.focus == pipeFocusList:
		m.status = views.Status{Text: "select a node of the run to modify (" + m.keyName(keymap.Focus) + " moves to the tree)", Err: true}
		return m, nil
	case n == nil || n.Kind != "exec":
		kind := "unknown"
		if n != nil {
			kind = n.Kind
		}
		m.status = views.Status{Text: fmt.Sprintf("%s is a %s node: modify changes an exec node's command or env", path, kind), Err: true}
		return m, nil
	}
	m.modify = &modifyPrompt{name: m.run.Pipeline, id: m.run.ID, path: path}
	m.status = views.Status{}
	return m, nil
}

// modifyKey edits the prompt's line; enter modifies the node, esc closes the prompt.
func (m Model) modifyKey(msg tea.KeyPressMsg, a keymap.Action) (Model, tea.Cmd) {
	p := *m.modify
	switch a {
	case keymap.Confirm:
		m.modify = nil
		c, err := parseModify(p.text)
		if err != nil {
			m.status = views.Status{Text: "modify " + p.path + ": " + err.Error(), Err: true}
			return m, nil
		}
		pb, done := m.pb, fmt.Sprintf("modified %s: %s reruns it", p.path, m.keyName(keymap.Rerun))
		return m, func() tea.Msg {
			if err := pb.Modify(p.name, p.id, p.path, c.command, c.env); err != nil {
				return pipelineActionMsg{what: "modify " + p.path, err: err}
			}
			return pipelineActionMsg{what: done}
		}
	case keymap.Cancel:
		m.modify = nil
		m.status = views.Status{}
		return m, nil
	}
	p.text = common.EditLine(p.text, msg)
	m.modify = &p
	return m, nil
}

// keyName is how the first key of a Pipelines action is shown ("R"), for messages that teach it.
func (m Model) keyName(a keymap.Action) string {
	if ks := m.Keys.Keys(keymap.CtxPipelines, a); len(ks) > 0 {
		return keymap.KeyName(ks[0])
	}
	return string(a)
}

// parseModify reads a modify line as the CLI's arguments: leading -e K=V (or --env K=V,
// -eK=V, --env=K=V) pairs, shell-word split, then the command. The command is kept as typed,
// quotes, $VARs and operators included, since the node runs it with sh -c.
func parseModify(line string) (nodeChange, error) {
	var c nodeChange
	rest := line
	for {
		word, after, err := nextWord(rest)
		if err != nil {
			return nodeChange{}, err
		}
		var kv string
		switch {
		case word == "-e" || word == "--env":
			if kv, after, err = nextWord(after); err != nil {
				return nodeChange{}, err
			}
			if kv == "" {
				return nodeChange{}, fmt.Errorf("%s needs K=V", word)
			}
		case strings.HasPrefix(word, "--env="):
			kv = strings.TrimPrefix(word, "--env=")
		case strings.HasPrefix(word, "-e") && len(word) > 2:
			kv = strings.TrimPrefix(word, "-e")
		default:
			c.command = strings.TrimSpace(rest)
			if c.command == "" && c.env == nil {
				return nodeChange{}, fmt.Errorf("give -e K=V or a command")
			}
			for w := c.command; w != ""; {
				if _, w, err = nextWord(w); err != nil {
					return nodeChange{}, fmt.Errorf("command %q: %w", c.command, err)
				}
			}
			return c, nil
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nodeChange{}, fmt.Errorf("-e %q: want K=V", kv)
		}
		if c.env == nil {
			c.env = map[string]string{}
		}
		c.env[k] = v
		rest = after
	}
}

// nextWord splits the first shell word off s, with its quotes and backslashes resolved as sh
// does, and returns what follows it; "" when s holds no more words.
func nextWord(s string) (word, rest string, err error) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	var b strings.Builder
	var quote rune // the open quote, or 0
	escaped := false
	for i, r := range s {
		switch {
		case escaped:
			if quote == '"' && !strings.ContainsRune("\"\\$`", r) {
				b.WriteRune('\\') // in double quotes, a backslash escapes only these
			}
			b.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				b.WriteRune(r)
			}
		case r == '\\':
			escaped = true
		case quote == '"':
			if r == '"' {
				quote = 0
			} else {
				b.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote = r
		case unicode.IsSpace(r):
			return b.String(), s[i:], nil
		default:
			b.WriteRune(r)
		}
	}
	if quote != 0 || escaped {
		return "", "", fmt.Errorf("unfinished quote or escape in %q", s)
	}
	return b.String(), "", nil
}
