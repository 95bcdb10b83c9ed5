package keymap

import (
	"strings"
	"testing"
)

func TestLookupAndResolve(t *testing.T) {
	km := Default()
	cases := []struct {
		ctx  Context
		key  string
		want Action
	}{
		{CtxContainers, "j", Down},
		{CtxContainers, "down", Down},
		{CtxContainers, "G", Bottom},
		{CtxContainers, "ctrl+d", PageDown},
		{CtxContainers, "enter", Shell},
		{CtxContainers, "x", Shell},
		{CtxContainers, "d", Remove},
		{CtxContainers, "q", Quit},  // from global
		{CtxContainers, "?", Help},  // from global
		{CtxLogs, "s", Stop},        // logs falls back to containers
		{CtxLogs, "k", Up},          // its own binding
		{CtxFilter, "q", None},      // text entry: q is a letter
		{CtxFilter, "ctrl+c", Quit}, // but ctrl+c still quits
		{CtxFilter, "esc", Cancel},  //
		{CtxConfirm, "y", Confirm},  //
		{CtxConfirm, "s", None},     // dialogs are modal
		{CtxHelp, "?", Cancel},      // ? closes the help
		{CtxHelp, "ctrl+c", Quit},   // from global
		{CtxContainers, "space", Mark},
		{CtxContainers, "1", TabPods}, // tabs are global
		{CtxContainers, "4", TabContainers},
		{CtxLogs, "4", TabContainers},
		{CtxFilter, "1", None}, // a digit in the filter is a digit
		{CtxPods, "u", BringUp},
		{CtxPods, "s", Stop},
		{CtxPods, "R", Restart},
		{CtxPods, "r", Restart},
		{CtxPods, "x", Shell},
		{CtxPods, "enter", Shell},
		{CtxPods, "e", Exec},
		{CtxPods, "t", Test},
		{CtxPods, "o", Run},
		{CtxPods, "ctrl+r", Reload},
		{CtxPods, "l", Focus},
		{CtxPods, "/", Filter},
		{CtxPods, "q", Quit},
		{CtxPods, "1", TabPods},
		{CtxPods, "d", Remove},
		{CtxPodsLogs, "k", Up},      // the logs pane's own keys
		{CtxPodsLogs, "u", BringUp}, // then the Pods tab's
		{CtxPodsLogs, "l", Focus},
		{CtxPodsLogs, "q", Quit},
		{CtxLogs, "u", None}, // the Containers tab's logs pane has no up
		{CtxPrompt, "q", None},
		{CtxPrompt, "enter", Confirm},
		{CtxPrompt, "esc", Cancel},
		{CtxPrompt, "ctrl+c", Quit},
		{CtxContainers, "2", TabDeploys},
		{CtxPods, "2", TabDeploys},
		{CtxDeploys, "2", TabDeploys},
		{CtxDeploys, "r", Restart},
		{CtxDeploys, "b", Rollback},
		{CtxDeploys, "p", PauseResume},
		{CtxDeploys, "x", Shell},
		{CtxDeploys, "enter", Shell},
		{CtxDeploys, "l", Focus},
		{CtxDeploys, "tab", Focus},
		{CtxDeploys, "/", Filter},
		{CtxDeploys, "j", Down},
		{CtxDeploys, "q", Quit},
		{CtxDeploys, "d", None},         // nothing is removed from the Deploys tab
		{CtxDeploys, "s", None},         // nor stopped: the supervisor keeps services running
		{CtxDeploysLogs, "k", Up},       // the logs pane's own keys
		{CtxDeploysLogs, "b", Rollback}, // then the Deploys tab's
		{CtxDeploysLogs, "l", Focus},
		{CtxDeploysLogs, "4", TabContainers},
		{CtxLogs, "b", None}, // the Containers tab's logs pane has no rollback
		{CtxFilter, "2", None},
		{CtxPods, "m", Mount},
		{CtxPods, "O", RunScript},
		{CtxPodsLogs, "m", Mount}, // the logs pane has no m: the Pods tab's
		{CtxPipelines, "m", Modify},
		{CtxPipelinesOutput, "m", Modify},
		{CtxContainers, "m", None},
		{CtxPrompt, "m", None}, // typing a script's name or a command
	}
	for _, c := range cases {
		if got := km.Resolve(c.ctx, c.key); got != c.want {
			t.Errorf("Resolve(%s, %q) = %q, want %q", c.ctx, c.key, got, c.want)
		}
	}
	if got := km.Lookup(CtxContainers, "q"); got != None {
		t.Errorf("Lookup must not fall back: got %q", got)
	}
}

func TestWithRebindsOnACopy(t *testing.T) {
	km := Default()
	km2 := km.With(CtxContainers, Stop, "S")
	if got := km2.Lookup(CtxContainers, "S"); got != Stop {
		t.Fatalf("rebound key: got %q", got)
	}
	if got := km2.Lookup(CtxContainers, "s"); got != None {
		t.Fatalf("old key still bound: %q", got)
	}
	if got := km.Lookup(CtxContainers, "s"); got != Stop {
		t.Fatalf("original changed: %q", got)
	}
	km3 := km.With(CtxGlobal, Action("refresh"), "ctrl+r")
	if got := km3.Lookup(CtxGlobal, "ctrl+r"); got != "refresh" {
		t.Fatalf("new binding: %q", got)
	}
	if len(km.Bindings[CtxGlobal]) == len(km3.Bindings[CtxGlobal]) {
		t.Fatal("original global bindings grew")
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("default keymap: %v", err)
	}
}

func TestValidateReportsConflicts(t *testing.T) {
	km := Default().With(CtxContainers, Stop, "r", "") // r is restart's
	err := km.Validate()
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	for _, want := range []string{`key "r" is bound to both`, "empty key"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	// The same key in two contexts is fine: contexts shadow one another on purpose.
	if err := Default().With(CtxLogs, Stop, "f").With(CtxLogs, LogsFollow, "F").Validate(); err != nil {
		t.Errorf("shadowing across contexts flagged: %v", err)
	}
	dup := Keymap{Bindings: map[Context][]Binding{CtxGlobal: {
		{Action: Quit, Keys: []string{"q"}}, {Action: Quit, Keys: []string{"x"}}, {Keys: []string{"z"}},
	}}}
	err = dup.Validate()
	if err == nil || !strings.Contains(err.Error(), "bound twice") || !strings.Contains(err.Error(), "no action") {
		t.Errorf("duplicate action / missing action not reported: %v", err)
	}
}

func TestHelpSections(t *testing.T) {
	secs := Default().Help()
	if len(secs) != len(Contexts()) {
		t.Fatalf("got %d sections, want %d", len(secs), len(Contexts()))
	}
	if secs[0].Title != "Global" || secs[1].Title != "Pods" || secs[2].Title != "Deploys" || secs[3].Title != "Containers" {
		t.Fatalf("order: %q, %q, %q, %q", secs[0].Title, secs[1].Title, secs[2].Title, secs[3].Title)
	}
	var found bool
	for _, r := range secs[3].Rows {
		if r.Keys == "↓/j" && strings.Contains(r.Desc, "down") {
			found = true
		}
	}
	if !found {
		t.Fatalf("containers section lacks ↓/j: %+v", secs[3].Rows)
	}
	// Help follows the keymap, so a rebinding shows up in it.
	secs = Default().With(CtxContainers, Stop, "S").Help(CtxContainers)
	if len(secs) != 1 {
		t.Fatalf("one context asked, got %d", len(secs))
	}
	for _, r := range secs[0].Rows {
		if r.Desc == "stop the container" && r.Keys != "S" {
			t.Fatalf("stop shows keys %q", r.Keys)
		}
	}
	// Unbound actions are left out.
	secs = Default().With(CtxGlobal, Help).Help(CtxGlobal)
	if len(secs[0].Rows) != len(Default().Bindings[CtxGlobal])-1 {
		t.Fatalf("unbound help still listed: %+v", secs[0].Rows)
	}
}

func TestHints(t *testing.T) {
	h := Default().Hints(CtxContainers)
	var got []string
	for _, x := range h {
		got = append(got, x.Keys+" "+x.Label)
	}
	want := "↑↓ move,⏎ shell,s stop,r restart,d remove,/ filter,? help,: commands,q quit"
	if strings.Join(got, ",") != want {
		t.Fatalf("hints\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	h = Default().Hints(CtxLogs)
	if h[0].Label != "scroll" || h[0].Keys != "↑↓" {
		t.Fatalf("logs hints start with %+v", h[0])
	}
	for _, x := range h {
		if x.Label == "move" {
			t.Fatal("logs context shows the list's move hint")
		}
	}
}

func TestPodsHints(t *testing.T) {
	var got []string
	for _, x := range Default().Hints(CtxPods) {
		got = append(got, x.Keys+" "+x.Label)
	}
	want := "↑↓ move,u up,s stop,R restart,⏎ shell,e exec,t test,o run,a apply,/ filter,? help,: commands,q quit"
	if strings.Join(got, ",") != want {
		t.Fatalf("hints\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	got = nil
	for _, x := range Default().Hints(CtxPodsLogs) {
		got = append(got, x.Keys+" "+x.Label)
	}
	if !strings.HasPrefix(strings.Join(got, ","), "↑↓ scroll,f follow,/ search,tab list,u up") {
		t.Fatalf("pods logs hints %v", got)
	}
}

func TestDeploysHints(t *testing.T) {
	var got []string
	for _, x := range Default().Hints(CtxDeploys) {
		got = append(got, x.Keys+" "+x.Label)
	}
	want := "↑↓ move,r restart,b rollback,p pause,⏎ shell,/ filter,? help,: commands,q quit"
	if strings.Join(got, ",") != want {
		t.Fatalf("hints\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	got = nil
	for _, x := range Default().Hints(CtxDeploysLogs) {
		got = append(got, x.Keys+" "+x.Label)
	}
	if !strings.HasPrefix(strings.Join(got, ","), "↑↓ scroll,f follow,/ search,tab list,r restart") {
		t.Fatalf("deploys logs hints %v", got)
	}
}

func TestHintsLeaveOutShadowedKeys(t *testing.T) {
	var got []string
	for _, h := range Default().Hints(CtxHelp) {
		got = append(got, h.Keys+" "+h.Label)
	}
	// ? closes the help there, so the global "? help" hint must not show.
	if want := "↑↓ scroll,esc close,: commands,q quit"; strings.Join(got, ",") != want {
		t.Fatalf("help hints %q, want %q", strings.Join(got, ","), want)
	}
}
