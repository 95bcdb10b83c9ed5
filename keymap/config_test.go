package keymap

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// configErrors returns the problems Parse joined, failing the test when err is not made of
// *ConfigError values for file.
func configErrors(t *testing.T, file string, err error) []*ConfigError {
	t.Helper()
	if err == nil {
		t.Fatal("want errors, got none")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("not a joined error: %v", err)
	}
	var out []*ConfigError
	for _, e := range joined.Unwrap() {
		var ce *ConfigError
		if !errors.As(e, &ce) {
			t.Fatalf("not a ConfigError: %v", e)
		}
		if ce.File != file || !strings.HasPrefix(ce.Error(), file+":") {
			t.Fatalf("error does not name %s: %v", file, ce)
		}
		out = append(out, ce)
	}
	return out
}

func TestConfigOverridesTakeEffect(t *testing.T) {
	km, err := Parse("c.yml", []byte(`
keys:
  global:
    palette: [":", "ctrl+k"]
    help: f1
  containers:
    stop: S
    remove: []
  logs:
    wrap: W
`))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	cases := []struct {
		ctx  Context
		key  string
		want Action
	}{
		{CtxContainers, "ctrl+k", Palette},
		{CtxPods, ":", Palette},
		{CtxContainers, "S", Stop},
		{CtxContainers, "s", None},
		{CtxLogs, "S", Stop}, // the logs pane falls back to the rebound key
		{CtxContainers, "d", None},
		{CtxPods, "d", Remove}, // only containers was unbound
		{CtxPods, "s", Stop},
		{CtxDeploys, "f1", Help},
		{CtxDeploys, "?", None},
		{CtxLogs, "W", Wrap},
		{CtxLogs, "w", None},
		{CtxContainers, "q", Quit}, // untouched actions keep their keys
	}
	for _, c := range cases {
		if got := km.Resolve(c.ctx, c.key); got != c.want {
			t.Errorf("Resolve(%s, %q) = %q, want %q", c.ctx, c.key, got, c.want)
		}
	}
	if keys := km.Keys(CtxContainers, Remove); len(keys) != 0 {
		t.Errorf("remove still has keys %v", keys)
	}
	for _, sec := range km.Help(CtxContainers) {
		for _, r := range sec.Rows {
			if strings.Contains(r.Desc, "remove the container") {
				t.Errorf("unbound remove still on the help screen: %+v", r)
			}
		}
	}
	if Default().Resolve(CtxContainers, "s") != Stop {
		t.Error("Parse changed the default keymap")
	}
}

func TestConfigShadowingAllowedWhileAnotherKeyReaches(t *testing.T) {
	// q stops in containers; ctrl+c still quits there, so nothing is lost.
	km, err := Parse("c.yml", []byte("keys:\n  containers:\n    stop: q\n"))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if km.Resolve(CtxContainers, "q") != Stop || km.Resolve(CtxContainers, "ctrl+c") != Quit || km.Resolve(CtxPods, "q") != Quit {
		t.Fatalf("q/ctrl+c: %q %q %q", km.Resolve(CtxContainers, "q"), km.Resolve(CtxContainers, "ctrl+c"), km.Resolve(CtxPods, "q"))
	}
	// Unbinding on purpose is allowed too, even where keys were shadowed before.
	if _, err := Parse("c.yml", []byte("keys:\n  global:\n    quit: []\n")); err != nil {
		t.Fatalf("unbinding quit: %v", err)
	}
}

func TestConfigMissingAndEmptyFilesAreDefaults(t *testing.T) {
	dir := t.TempDir()
	km, err := Load(filepath.Join(dir, "none", "config.yml"))
	if err != nil || !reflect.DeepEqual(km, Default()) {
		t.Fatalf("missing file: %v", err)
	}
	for _, text := range []string{"", "# nothing yet\n", "keys:\n", "keys:\n  containers:\n", "~\n"} {
		path := filepath.Join(dir, "config.yml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		km, err := Load(path)
		if err != nil || !reflect.DeepEqual(km, Default()) {
			t.Errorf("file %q: %v", text, err)
		}
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("reading a directory: want an error naming it, got %v", err)
	}
}

func TestConfigLoadReadsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte("keys:\n  pods:\n    bring-up: U\n    quit: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	errs := configErrors(t, path, err)
	if len(errs) != 1 || errs[0].Line != 4 || !strings.Contains(errs[0].Msg, "belongs to global") {
		t.Fatalf("want quit's context error at line 4, got %v", err)
	}
}

func TestConfigPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/xdg/config")
	if p, err := ConfigPath(); err != nil || p != "/xdg/config/podium/config.yml" {
		t.Fatalf("with XDG_CONFIG_HOME: %q, %v", p, err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_CONFIG_HOME", v)
		if p, err := ConfigPath(); err != nil || p != filepath.Join(home, ".config", "podium", "config.yml") {
			t.Fatalf("XDG_CONFIG_HOME=%q: %q, %v", v, p, err)
		}
	}
}

func TestConfigErrorsNameLineAndWhat(t *testing.T) {
	cases := []struct {
		name string
		text string
		line int
		want []string
	}{
		{"unknown top-level key", "keys: {}\ntheme: dark\n", 2, []string{`unknown top-level key "theme"`}},
		{"not a mapping", "- keys\n", 1, []string{"must be a mapping"}},
		{"unknown context", "keys:\n  containres:\n    stop: S\n", 2, []string{`unknown context "containres"`, "containers"}},
		{"unknown action", "keys:\n  containers:\n    stop: S\n    stpo: T\n", 4, []string{`unknown action "stpo" in containers`}},
		{"action of another context", "keys:\n  containers:\n    bring-up: u\n", 3, []string{"bring-up is not in containers", "belongs to pods"}},
		{"action twice", "keys:\n  containers:\n    stop: S\n    stop: T\n", 4, []string{"stop in containers is set twice (first at line 3)"}},
		{"context twice", "keys:\n  pods: {}\n  pods: {}\n", 3, []string{"context pods is set twice"}},
		{"no key", "keys:\n  containers:\n    stop:\n", 3, []string{"stop in containers has no key", "[] to unbind"}},
		{"not a key", "keys:\n  containers:\n    stop: {a: b}\n", 3, []string{"stop in containers: want a key or a list"}},
		{"nested list", "keys:\n  containers:\n    stop:\n      - S\n      - [T]\n", 5, []string{"each key must be a string"}},
		{"modifier without key", "keys:\n  global:\n    quit: \"ctrl+\"\n", 3, []string{`quit in global: key "ctrl+"`, "needs a key after it"}},
		{"modifier order", "keys:\n  global:\n    quit: alt+ctrl+q\n", 3, []string{`key "alt+ctrl+q"`, "ctrl+alt+shift"}},
		{"unknown modifier", "keys:\n  global:\n    quit: cmd+q\n", 3, []string{`unknown modifier "cmd"`}},
		{"shift and a letter", "keys:\n  global:\n    quit: shift+q\n", 3, []string{`write "Q"`}},
		{"ctrl and upper case", "keys:\n  global:\n    quit: ctrl+Q\n", 3, []string{`write "ctrl+shift+q"`}},
		{"key name spelling", "keys:\n  global:\n    help: Escape\n", 3, []string{`key "Escape"`, `"esc"`}},
		{"several characters", "keys:\n  global:\n    help: qq\n", 3, []string{`"qq" is neither a single character nor a key name`}},
		{"a blank", "keys:\n  global:\n    help: \" \"\n", 3, []string{`"space"`}},
		{"a character where text is typed", "keys:\n  filter:\n    cancel: [esc, q]\n", 3, []string{`cancel in filter: key "q" types text there`}},
		{"space where text is typed", "keys:\n  search:\n    confirm: [enter, space]\n", 3, []string{`key "space" types text there`}},
		{"key taken in its context", "keys:\n  containers:\n    stop: [S, r]\n", 3, []string{`key "r" for stop in containers is restart's by default`}},
		{"key given twice", "keys:\n  containers:\n    stop: S\n    restart: [S]\n", 4, []string{`key "S" for restart in containers is also stop's (line 3)`}},
		{"global action shadowed", "keys:\n  global:\n    quit: q\n  containers:\n    stop: q\n", 5,
			[]string{`no key reaches quit in containers, logs (Containers tab)`, `"q" is stop`}},
		{"own key shadowed", "keys:\n  global:\n    palette: p\n", 3,
			[]string{"no key reaches palette in deploys, deploys-timeline, logs (Deploys tab)", `"p" is pause-resume`}},
		{"fallback shadowed in logs", "keys:\n  containers:\n    stop: w\n", 3,
			[]string{"no key reaches stop in logs (Containers tab)", `"w" is wrap`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			km, err := Parse("/cfg/podium/config.yml", []byte(c.text))
			if km.Bindings != nil {
				t.Error("a keymap came back with the errors")
			}
			errs := configErrors(t, "/cfg/podium/config.yml", err)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d:\n%v", len(errs), err)
			}
			if errs[0].Line != c.line {
				t.Errorf("line %d, want %d: %v", errs[0].Line, c.line, errs[0])
			}
			for _, w := range c.want {
				if !strings.Contains(errs[0].Msg, w) {
					t.Errorf("error %q does not say %q", errs[0].Msg, w)
				}
			}
		})
	}
}

func TestConfigSyntaxErrorNamesFileAndLine(t *testing.T) {
	_, err := Parse("/cfg/config.yml", []byte("keys:\n  global:\n    quit: [q\n  containers:\n"))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.File != "/cfg/config.yml" || ce.Line < 1 || !strings.Contains(ce.Msg, "YAML") {
		t.Fatalf("want a syntax error naming the file and a line, got %v", err)
	}
	_, err = Parse("/cfg/config.yml", []byte("keys:\n\tglobal: {}\n"))
	if !errors.As(err, &ce) || ce.Line != 2 {
		t.Fatalf("a tab for indentation: want line 2, got %v", err)
	}
}

func TestConfigReportsEveryErrorInLineOrder(t *testing.T) {
	// The clash (line 4) is found after the parse errors (lines 3, 6, 8): the report still
	// reads top to bottom, and the good override between them is not applied.
	text := `keys:
  containers:
    stpo: S
    stop: [r]
    restart: R
    remove: "ctrl+"
  nowhere:
    quit: q
`
	km, err := Parse("c.yml", []byte(text))
	if km.Bindings != nil {
		t.Fatal("a half-applied keymap came back")
	}
	errs := configErrors(t, "c.yml", err)
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, []int{3, 6, 7}) {
		t.Fatalf("lines %v, want [3 6 7]:\n%v", lines, err)
	}
	// restart: R frees r, so stop: [r] is fine; with restart left alone it clashes.
	_, err = Parse("c.yml", []byte(strings.Replace(text, "    restart: R\n", "", 1)))
	errs = configErrors(t, "c.yml", err)
	lines = lines[:0]
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, []int{3, 4, 5, 6}) {
		t.Fatalf("lines %v, want [3 4 5 6]:\n%v", lines, err)
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != 4 {
		t.Fatalf("want one line per error, got %d:\n%v", got, err)
	}
}

func TestConfigAnchorsAndScalars(t *testing.T) {
	km, err := Parse("c.yml", []byte(`
keys:
  global:
    tab-pods: 1
    quit: &quit [Q, ctrl+c]
  confirm:
    quit: *quit
`))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if km.Resolve(CtxPods, "1") != TabPods || km.Resolve(CtxPods, "Q") != Quit || km.Resolve(CtxConfirm, "Q") != Quit {
		t.Fatal("an anchored or numeric key did not take effect")
	}
}
