package pods

import (
	"context"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/modeltest"
)

// frontendScripts gives the shop's web two scripts; proxy has none.
const frontendScripts = `services:
  web:
    scripts:
      migrate: [[rake, "db:migrate"]]
      seed: [["bin/seed", "--demo"]]
`

// shopWithScripts is the shop fixture with frontendScripts as the frontend's metadata.
func shopWithScripts(t *testing.T) (*fakePods, *modeltest.Containers) {
	t.Helper()
	fp, fb := newShop(t)
	writeFile(t, fp.WS.Root, "pods/frontend.metadata.yml", frontendScripts)
	ws, err := pods.Load(context.Background(), fp.WS.Root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	fp.WS = ws
	fb.Snap = connected(shopContainers(ws))
	return fp, fb
}

// TestPodsRunScript: O asks for the script's name (naming the scripts there are), runs it on
// the pod or the service through the backend as the other interactive commands do, and
// refuses a name no service there defines before calling anything.
func TestPodsRunScript(t *testing.T) {
	fp, fb := shopWithScripts(t)
	r := newPodsRoot(t, fp, fb, 120, 40)

	r = selectRow(t, r, "frontend")
	r, cmd := press(t, r, "O")
	if cmd != nil || r.pods().Context() != keymap.CtxPrompt {
		t.Fatalf("O opened no prompt; status %q", r.pods().status.Text)
	}
	if s := screen(r); !strings.Contains(s, "run-script on frontend (migrate, seed):") {
		t.Fatalf("prompt:\n%s", s)
	}
	r = typeText(t, r, "migrate")
	r, cmd = press(t, r, "enter")
	if cmd == nil {
		t.Fatalf("enter ran nothing; status %q", r.pods().status.Text)
	}
	ready, ok := runCmd(t, cmd).(execReadyMsg)
	if !ok || ready.Err != nil {
		t.Fatalf("got %+v", ready)
	}
	if calls := fp.Calls(); calls[len(calls)-1] != "run-script migrate frontend" {
		t.Fatalf("calls %q", calls)
	}
	if _, cmd = r.Update(ready); cmd == nil {
		t.Fatal("no tea.Exec for the script")
	}
	r = update(t, r, ExecDoneMsg{Action: ready.Action, Target: ready.Target, Err: ready.Cmd.Run()})
	if st := r.pods().status; st.Text != "run-script migrate frontend exited (code 0)" || st.Err {
		t.Fatalf("status %+v", st)
	}

	// On one service, and through the command palette (the root's: it does the action as the
	// key would; TestPodsRunScriptFromThePalette in model goes through the palette itself).
	r = selectRow(t, r, "frontend/web")
	r.m, _ = r.m.Do(keymap.RunScript)
	r = typeText(t, r, "seed")
	r, cmd = press(t, r, "enter")
	if cmd == nil {
		t.Fatalf("seed ran nothing; status %q", r.pods().status.Text)
	}
	r = update(t, r, runCmd(t, cmd))
	if calls := fp.Calls(); calls[len(calls)-1] != "run-script seed frontend/web" {
		t.Fatalf("calls %q", calls)
	}

	n := len(fp.Calls())
	for _, c := range []struct{ row, name, want string }{
		{"frontend", "deploy", "no service of frontend has a script called deploy"},
		{"frontend/web", "deploy", "frontend/web has no script called deploy"},
		{"frontend/web", "", "run-script needs a script's name"},
	} {
		r = selectRow(t, r, c.row)
		r, _ = press(t, r, "O")
		r = typeText(t, r, c.name)
		r, cmd = press(t, r, "enter")
		if st := r.pods().status; cmd != nil || st.Text != c.want || !st.Err {
			t.Errorf("%q on %s: status %+v", c.name, c.row, st)
		}
	}
	// A service without scripts gets no prompt; esc closes one.
	r = selectRow(t, r, "frontend/proxy")
	r, _ = press(t, r, "O")
	if st := r.pods().status; r.pods().prompt != nil || st.Text != "frontend/proxy has no scripts: they are services.<service>.scripts in pods/frontend.metadata.yml" {
		t.Errorf("O on proxy: prompt %v, status %+v", r.pods().prompt != nil, st)
	}
	r = selectRow(t, r, "frontend/web")
	r, _ = press(t, r, "O", "esc")
	if r.pods().prompt != nil {
		t.Error("esc kept the prompt")
	}
	if calls := fp.Calls()[n:]; len(calls) != 0 {
		t.Errorf("refused scripts called the backend: %q", calls)
	}
	checkFits(t, screen(r), 120, 40)
}
