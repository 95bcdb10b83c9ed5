package pipelines

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/podiumdev/podium/keymap"
)

func TestParseModify(t *testing.T) {
	cases := []struct {
		line    string
		env     map[string]string
		command string
		err     string
	}{
		{line: "-e K=V go test ./...", env: map[string]string{"K": "V"}, command: "go test ./..."},
		{line: "  -e A=1 --env B=2 -eC=3 --env=D=4=x", env: map[string]string{"A": "1", "B": "2", "C": "3", "D": "4=x"}},
		{line: `-e 'MSG=a b' -e "P=\$HOME" echo "$MSG" | tr a-z A-Z`, env: map[string]string{"MSG": "a b", "P": "$HOME"},
			command: `echo "$MSG" | tr a-z A-Z`},
		{line: "make test -e X=1", command: "make test -e X=1"}, // a -e after the command is the command's
		{line: "-e EMPTY= true", env: map[string]string{"EMPTY": ""}, command: "true"},
		{line: "", err: "give -e K=V or a command"},
		{line: "-e", err: "-e needs K=V"},
		{line: "-e NOPE ls", err: `-e "NOPE": want K=V`},
		{line: "-e =v ls", err: `-e "=v": want K=V`},
		{line: "echo 'unfinished", err: "unfinished quote"},
		{line: "-e 'K=V", err: "unfinished quote"},
	}
	for _, c := range cases {
		got, err := parseModify(c.line)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.line, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.line, err)
		case fmt.Sprint(got.env) != fmt.Sprint(c.env) || got.command != c.command:
			t.Errorf("%q: env %v command %q, want %v %q", c.line, got.env, got.command, c.env, c.command)
		}
	}
}

// TestPipelinesModify: m on an exec node of the shown run opens the prompt; enter calls Modify
// with the line's env and command and says how to rerun; esc, a bad line and nodes that cannot
// be modified call nothing.
func TestPipelinesModify(t *testing.T) {
	const id = "20261121-1150-a1b2"
	fp := newFakePipelines()
	r := openCI(t, newTab(t, fp, 120, 40))
	r, cmd := press(t, r, "n")
	r = runPipeCmd(t, r, cmd)
	r, cmd = press(t, r, "m")
	if cmd != nil || r.Context() != keymap.CtxPrompt {
		t.Fatalf("m opened no prompt: status %q", r.status.Text)
	}
	if s := screen(r); !strings.Contains(s, "modify /test/unit [-e K=V]… [command]:") {
		t.Fatalf("prompt:\n%s", s)
	}
	r = typeText(t, r, "-e CART=v2 go test -run 'TestCart$' ./cart")
	r, cmd = press(t, r, "enter")
	r = runPipeCmd(t, r, cmd)
	want := `modify ci ` + id + ` /test/unit command="go test -run 'TestCart$' ./cart" env=map[CART:v2]`
	if calls := fp.Calls(); calls[len(calls)-1] != want {
		t.Fatalf("calls %q, want %q", calls, want)
	}
	if st := r.status; st.Text != "modified /test/unit: R reruns it" || st.Err {
		t.Fatalf("status %+v", st)
	}
	if !strings.Contains(screen(r), "modified /test/unit: R reruns it") {
		t.Errorf("status not on screen:\n%s", screen(r))
	}

	// The env alone, as the command palette asks it (Do); then a command alone.
	r, _ = do(t, r, keymap.Modify)
	r = typeText(t, r, "-e CART=v3")
	r, cmd = press(t, r, "enter")
	r = runPipeCmd(t, r, cmd)
	r, _ = press(t, r, "m")
	r = typeText(t, r, "make unit")
	r, cmd = press(t, r, "enter")
	r = runPipeCmd(t, r, cmd)
	calls := fp.Calls()
	for _, w := range []string{`modify ci ` + id + ` /test/unit command="" env=map[CART:v3]`, `modify ci ` + id + ` /test/unit command="make unit" env=map[]`} {
		if !slices.Contains(calls, w) {
			t.Errorf("calls %q lack %q", calls, w)
		}
	}

	n := len(fp.Calls())
	r, _ = press(t, r, "m")
	r = typeText(t, r, "-e NOPE")
	r, cmd = press(t, r, "enter")
	if st := r.status; cmd != nil || st.Text != `modify /test/unit: -e "NOPE": want K=V` || !st.Err {
		t.Errorf("bad line: status %+v", st)
	}
	r, _ = press(t, r, "m")
	r = typeText(t, r, "rm -rf /")
	r, _ = press(t, r, "esc")
	if r.modify != nil || r.Context() == keymap.CtxPrompt {
		t.Error("esc kept the prompt")
	}
	r, _ = press(t, r, "k", "m") // /test
	if st := r.status; r.modify != nil || st.Text != "/test is a parallel node: modify changes an exec node's command or env" {
		t.Errorf("m on /test: status %+v", st)
	}
	r, _ = press(t, r, "esc", "m") // back in the list
	if st := r.status; r.modify != nil || st.Text != "select a node of the run to modify (tab moves to the tree)" {
		t.Errorf("m in the list: status %+v", st)
	}
	if got := fp.Calls()[n:]; len(got) != 0 {
		t.Errorf("refusals called %q", got)
	}

	fresh := newTab(t, newFakePipelines(), 80, 24)
	fresh, _ = press(t, fresh, "m")
	if st := fresh.status; st.Text != "select a run first (enter)" || !st.Err {
		t.Errorf("m without a run: status %+v", st)
	}
}
