package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const fixtures = "../../testdata/pipelines"

// mustParse parses src as pipelines/t.yml or fails the test.
func mustParse(t *testing.T, src string) *Pipeline {
	t.Helper()
	p, err := Parse("t", "pipelines/t.yml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// parseErr parses src, which must fail, and returns the message.
func parseErr(t *testing.T, src string) string {
	t.Helper()
	p, err := Parse("t", "pipelines/t.yml", []byte(src))
	if err == nil {
		t.Fatalf("Parse succeeded, want an error; tree:\n%s", Pretty(p))
	}
	return err.Error()
}

// paths lists every node path in Walk order.
func paths(p *Pipeline) []string {
	var out []string
	_ = p.Walk(func(n *Node) error { out = append(out, n.Path); return nil })
	return out
}

func TestParseCI(t *testing.T) {
	p, err := ParseFile(filepath.Join(fixtures, "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "ci" {
		t.Errorf("Name = %q, want ci", p.Name)
	}
	want := []string{"/", "/build", "/test", "/test/unit", "/test/lint", "/test/flaky",
		"/deploy", "/deploy/stage", "/deploy/publish", "/deploy/prod"}
	if got := paths(p); !slices.Equal(got, want) {
		t.Errorf("paths = %q\nwant    %q", got, want)
	}
	flaky, ok := p.Node("/test/flaky")
	if !ok {
		t.Fatal("no /test/flaky")
	}
	if flaky.Params.Retries != 3 || flaky.Params.MaxTime != 30*time.Second || flaky.Params.Image != "base" {
		t.Errorf("flaky params = %+v", flaky.Params)
	}
	if lint, _ := p.Node("test/lint"); lint.Params.Image != "tools" || lint.Params.MaxTime != 10*time.Minute {
		t.Errorf("lint params = %+v", lint.Params)
	}
	test, _ := p.Node("/test")
	if test.Kind != Parallel || test.Params.MaxConcurrent != 2 || test.Line != 24 {
		t.Errorf("test = kind %s, max_concurrent %d, line %d", test.Kind, test.Params.MaxConcurrent, test.Line)
	}
	pub, _ := p.Node("/deploy/publish")
	if pub.Params.Reuse != ReuseNew || pub.ReuseScope().Path != "/deploy" {
		t.Errorf("publish reuse = %s, scope %v", pub.Params.Reuse, pub.ReuseScope())
	}
	if unit, _ := p.Node("/test/unit"); unit.ReuseScope() != nil {
		t.Errorf("a pool node has reuse scope %v", unit.ReuseScope())
	}
	prod, _ := p.Node("/deploy/prod")
	if !prod.Params.Skip || prod.Params.Env["TARGET"] != "prod" || prod.Params.Env["APP"] != "demo" {
		t.Errorf("prod params = %+v", prod.Params)
	}
	if build, _ := p.Node("/build"); build.Command != "mkdir -p /tmp/out\necho \"building $APP\" > /tmp/out/app\n" || build.Params.Doc != "Compile the app." {
		t.Errorf("build = %q doc %q", build.Command, build.Params.Doc)
	}
	if got := p.Images["tools"].Install; len(got) != 2 {
		t.Errorf("tools install = %q", got)
	}
}

func TestOrderKept(t *testing.T) {
	p := mustParse(t, `
parallel:
  zeta: echo z
  alpha: echo a
  mid: {serial: {c: echo c, b: echo b, a: echo a}}
  beta: echo b
`)
	want := []string{"/", "/zeta", "/alpha", "/mid", "/mid/c", "/mid/b", "/mid/a", "/beta"}
	if got := paths(p); !slices.Equal(got, want) {
		t.Errorf("paths = %q, want %q", got, want)
	}
}

func TestDefaults(t *testing.T) {
	p := mustParse(t, "serial: {a: echo a, g: {parallel: {b: echo b}}}")
	for _, path := range []string{"/", "/a", "/g", "/g/b"} {
		n, _ := p.Node(path)
		ps := n.Params
		if ps.MaxTime != 4*time.Hour || ps.CPU != 1 || ps.Mem != 2 || ps.Reuse != ReusePool ||
			ps.Skip || ps.SuppressErrors || ps.RequiresDocker || ps.Retries != 0 || ps.MaxConcurrent != 0 ||
			ps.Image != "" || len(ps.Env) != 0 || ps.Env == nil {
			t.Errorf("%s params = %+v", path, ps)
		}
		if ps.StopOnError != (n.Kind == Serial) {
			t.Errorf("%s (%s) StopOnError = %v", path, n.Kind, ps.StopOnError)
		}
	}
	if a, _ := p.Node("/a"); a.Declared.CPU != nil || a.Declared.Env != nil {
		t.Errorf("undeclared params look declared: %+v", a.Declared)
	}
}

func TestInheritance(t *testing.T) {
	p := mustParse(t, `
images:
  one: {from: "busybox:1"}
  two: {from: "busybox:2"}
image: one
env: {A: root, B: root}
cpu: 2
mem: 4
requires_docker: true
max_time: 1h30m
retries: 1
container_reuse: isolated
skip: true
suppress_errors: true
doc: root doc
stop_on_error: false
serial:
  inner:
    env: {B: inner, C: inner}
    cpu: 0.5
    max_concurrent: 3
    parallel:
      leaf: echo leaf
      over:
        exec: echo over
        image: two
        env: {A: leaf}
        mem: 0.25
        requires_docker: false
        max_time: 90
        retries: 0
        container_reuse: pool
  nested:
    serial:
      x: echo x
`)
	leaf, _ := p.Node("/inner/leaf")
	lp := leaf.Params
	if lp.Image != "one" || lp.CPU != 0.5 || lp.Mem != 4 || !lp.RequiresDocker || lp.MaxTime != 90*time.Minute ||
		lp.Retries != 1 || lp.Reuse != ReuseIsolated {
		t.Errorf("leaf inherited params = %+v", lp)
	}
	if want := map[string]string{"A": "root", "B": "inner", "C": "inner"}; !equalMap(lp.Env, want) {
		t.Errorf("leaf env = %v, want %v", lp.Env, want)
	}
	// Not inherited: skip, suppress_errors, doc, max_concurrent, stop_on_error.
	if lp.Skip || lp.SuppressErrors || lp.Doc != "" || lp.MaxConcurrent != 0 || lp.StopOnError {
		t.Errorf("leaf took a non-inherited param: %+v", lp)
	}
	if x, _ := p.Node("/nested/x"); x.Parent.Params.StopOnError != true {
		t.Error("a nested serial should default stop_on_error to true, not inherit the root's false")
	}
	over, _ := p.Node("/inner/over")
	op := over.Params
	if op.Image != "two" || op.Mem != 0.25 || op.RequiresDocker || op.MaxTime != 90*time.Second || op.Retries != 0 || op.Reuse != ReusePool {
		t.Errorf("over params = %+v", op)
	}
	if want := map[string]string{"A": "leaf", "B": "inner", "C": "inner"}; !equalMap(op.Env, want) {
		t.Errorf("over env = %v, want %v", op.Env, want)
	}
	root := p.Root
	if !root.Params.Skip || !root.Params.SuppressErrors || root.Params.Doc != "root doc" || root.Params.StopOnError {
		t.Errorf("root params = %+v", root.Params)
	}
	// The parent's env map must not be shared with the child's.
	if p.Root.Params.Env["C"] != "" {
		t.Error("child env leaked into the root")
	}
}

func equalMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestShapes(t *testing.T) {
	t.Run("bare exec root", func(t *testing.T) {
		p := mustParse(t, "exec: echo hi\nenv: {X: 1}")
		if p.Root.Kind != Exec || p.Root.Command != "echo hi" || p.Root.Params.Env["X"] != "1" || p.Root.Path != "/" || p.Root.Name != "/" {
			t.Errorf("root = %+v", p.Root)
		}
	})
	t.Run("empty groups allowed", func(t *testing.T) {
		p := mustParse(t, "serial:\n  a: {parallel: {}}\n  b: {serial: }")
		for _, path := range []string{"/a", "/b"} {
			if n, ok := p.Node(path); !ok || len(n.Children) != 0 {
				t.Errorf("%s: %v %+v", path, ok, n)
			}
		}
	})
	t.Run("aliases", func(t *testing.T) {
		p := mustParse(t, "serial:\n  a: {exec: echo a, env: &e {K: v}}\n  b: {exec: echo b, env: *e}")
		if b, _ := p.Node("/b"); b.Params.Env["K"] != "v" {
			t.Errorf("alias env = %v", b.Params.Env)
		}
	})
	t.Run("inline image", func(t *testing.T) {
		p := mustParse(t, "serial:\n  a:\n    exec: echo a\n    image: {from: \"busybox:1\", install: echo hi}")
		a, _ := p.Node("/a")
		def, ok := p.Images[a.Params.Image]
		if !ok || def.From != "busybox:1" || !slices.Equal(def.Install, []string{"echo hi"}) || a.Params.Image != "inline@/a" {
			t.Errorf("inline image %q = %+v", a.Params.Image, def)
		}
	})
	t.Run("lookup", func(t *testing.T) {
		p := mustParse(t, "serial: {a: {serial: {b: echo b}}}")
		for _, path := range []string{"/a/b", "a/b", "/a//b", "//a/b/"} {
			if n, ok := p.Node(path); !ok || n.Path != "/a/b" {
				t.Errorf("Node(%q) = %v, %v", path, n, ok)
			}
		}
		if _, ok := p.Node("/a/c"); ok {
			t.Error("Node(/a/c) found something")
		}
		if n, ok := p.Node("/"); !ok || n != p.Root {
			t.Error("Node(/) is not the root")
		}
	})
	t.Run("walk skip and stop", func(t *testing.T) {
		p := mustParse(t, "serial: {a: {serial: {b: echo b}}, c: echo c, d: echo d}")
		var seen []string
		stop := errors.New("stop")
		err := p.Walk(func(n *Node) error {
			seen = append(seen, n.Path)
			switch n.Path {
			case "/a":
				return SkipChildren
			case "/c":
				return stop
			}
			return nil
		})
		if SkipChildren.Error() != "skip children" {
			t.Error("SkipChildren message")
		}
		if !errors.Is(err, stop) || !slices.Equal(seen, []string{"/", "/a", "/c"}) {
			t.Errorf("Walk = %v, seen %q", err, seen)
		}
	})
}

func TestBrokenFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtures, "broken", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatalf("first line %q is not a # want: comment", first)
			}
			_, err = ParseFile(f)
			if err == nil {
				t.Fatal("ParseFile succeeded")
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.File != f || pe.Line == 0 {
				t.Errorf("errors.As(*Error) = %+v", pe)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"empty file", "", "pipelines/t.yml:1: empty pipeline"},
		{"comment only", "# nothing\n", "pipelines/t.yml:1: empty pipeline"},
		{"no kind", "env: {A: b}\n", "pipelines/t.yml:1: /: missing kind"},
		{"two kinds", "serial: {}\nparallel: {}\n", "pipelines/t.yml:2: /: a node has exactly one kind, but both serial: and parallel: are set"},
		{"lazy with children", "serial:\n  g:\n    parallel: {a: echo}\n    lazy: gen\n", "pipelines/t.yml:4: /g: an exec or lazy node cannot have children (both parallel: and lazy:)"},
		{"unknown key suggestion", "serial:\n  a:\n    exec: x\n    max_tim: 1h\n", `pipelines/t.yml:4: /a: unknown key "max_tim" (did you mean max_time?)`},
		{"unknown key no suggestion", "serial:\n  a:\n    exec: x\n    wibble: 1\n", `pipelines/t.yml:4: /a: unknown key "wibble"`},
		{"command key", "serial:\n  a:\n    command: x\n", `pipelines/t.yml:3: /a: unknown key "command" (did you mean exec:?`},
		{"children key", "serial: {}\nchildren: {a: x}\n", `pipelines/t.yml:2: /: unknown key "children": children go under serial: or parallel:`},
		{"children as list", "serial:\n  - a: echo\n", `pipelines/t.yml:1: /: serial: children are a mapping`},
		{"duplicate sibling", "parallel:\n  a: x\n  b: y\n  a: z\n", `pipelines/t.yml:4: /: duplicate name "a" (first at line 2)`},
		{"duplicate key", "serial: {a: x}\ncpu: 1\ncpu: 2\n", `pipelines/t.yml:3: /: duplicate key "cpu" (first at line 2)`},
		{"slash in name", "serial:\n  ok:\n    serial:\n      x/y: z\n", `pipelines/t.yml:4: /ok/x/y: node name "x/y" may not contain /`},
		{"empty name", "serial:\n  \"\": z\n", `pipelines/t.yml:2: /: empty node name`},
		{"padded name", "serial:\n  \" a\": z\n", `pipelines/t.yml:2: / a: node name " a" has leading or trailing spaces`},
		{"empty node", "serial:\n  a:\n", `pipelines/t.yml:2: /a: empty node`},
		{"empty command", "serial:\n  a: {exec: \"  \"}\n", `pipelines/t.yml:2: /a: exec: empty command`},
		{"command not string", "serial:\n  a: {exec: [x]}\n", `pipelines/t.yml:2: /a: exec: want a command string`},
		{"unknown image", "images: {tools: {from: x}}\nimage: tool\nexec: x\n", `pipelines/t.yml:2: /: unknown image "tool" (did you mean tools?)`},
		{"image number", "image: 3\nexec: x\n", `pipelines/t.yml:1: /: image: want a name from images:`},
		{"images not at top", "serial:\n  a: {exec: x, images: {}}\n", `pipelines/t.yml:2: /a: images: belongs at the top of the file`},
		{"max_concurrent 0", "parallel: {a: x}\nmax_concurrent: 0\n", `pipelines/t.yml:2: /: max_concurrent: must be at least 1 (0 would never run anything), not 0`},
		{"max_concurrent on exec", "serial:\n  a: {exec: x, max_concurrent: 2}\n", `pipelines/t.yml:2: /a: max_concurrent applies to serial, parallel and lazy nodes, not exec`},
		{"stop_on_error on exec", "serial:\n  a: {exec: x, stop_on_error: true}\n", `pipelines/t.yml:2: /a: stop_on_error applies only to serial nodes, not exec`},
		{"quoted bool", "serial: {a: x}\nstop_on_error: \"false\"\n", `pipelines/t.yml:2: /: stop_on_error: want true or false, not "false"`},
		{"negative retries", "serial: {a: x}\nretries: -1\n", `pipelines/t.yml:2: /: retries: must be between 0 and 1000, not -1`},
		{"cpu zero", "serial: {a: x}\ncpu: 0\n", `pipelines/t.yml:2: /: cpu: must be above 0, not 0`},
		{"mem string", "serial: {a: x}\nmem: lots\n", `pipelines/t.yml:2: /: mem: want a number above 0, not "lots"`},
		{"bad reuse", "serial: {a: x}\ncontainer_reuse: nwe\n", `pipelines/t.yml:2: /: container_reuse: want pool, new or isolated, not "nwe" (did you mean new?)`},
		{"bad max_time", "serial: {a: x}\nmax_time: soon\n", `pipelines/t.yml:2: /: max_time: bad duration "soon"`},
		{"zero max_time", "serial: {a: x}\nmax_time: 0s\n", `pipelines/t.yml:2: /: max_time: must be above 0`},
		{"huge max_time", "serial: {a: x}\nmax_time: 99999999d\n", `pipelines/t.yml:2: /: max_time: must be at most`},
		{"env null value", "serial: {a: x}\nenv: {A: }\n", `pipelines/t.yml:2: /: env: A: want a string value`},
		{"env bad name", "serial: {a: x}\nenv: {\"A=B\": c}\n", `pipelines/t.yml:2: /: env: invalid variable name "A=B"`},
		{"env list", "serial: {a: x}\nenv: [A]\n", `pipelines/t.yml:2: /: env: want a mapping`},
		{"merge key", "serial: {a: x}\nenv: {<<: {A: b}}\n", `pipelines/t.yml:2: /: merge keys (<<) are not supported`},
		{"two documents", "exec: x\n---\nexec: y\n", `pipelines/t.yml:2: more than one YAML document`},
		{"yaml syntax", "serial:\n  a: [x\n", `pipelines/t.yml:`},
		{"image bad name", "images: {\"a b\": {from: x}}\nexec: x\n", `pipelines/t.yml:1: images/a b: image name "a b" may use only letters`},
		{"image unknown key", "images:\n  a: {form: x}\nexec: x\n", `pipelines/t.yml:2: images/a: unknown image key "form" (did you mean from?)`},
		{"image dockerfile_text and from", "images:\n  a: {from: x, dockerfile_text: FROM x}\nexec: x\n", `pipelines/t.yml:2: images/a: set at most one of from, dockerfile and dockerfile_text (got from and dockerfile_text)`},
		{"image copy_branch alone", "images:\n  a: {from: x, copy_branch: main}\nexec: x\n", `pipelines/t.yml:2: images/a: copy_branch needs copy_url`},
		{"image context with from", "images:\n  a: {from: x, context: .}\nexec: x\n", `pipelines/t.yml:2: images/a: context and build_args only apply to dockerfile or dockerfile_text`},
		{"image relative workdir", "images:\n  a: {from: x, workdir: src}\nexec: x\n", `pipelines/t.yml:2: images/a: workdir "src" must be an absolute container path`},
		{"image path_map relative", "images:\n  a: {from: x, path_map: {.: src}}\nexec: x\n", `pipelines/t.yml:2: images/a: path_map: .: container path "src" must be absolute`},
		{"image install not list", "images:\n  a: {from: x, install: {a: b}}\nexec: x\n", `pipelines/t.yml:2: images/a: install: want a list of shell lines`},
		{"images not map", "images: [a]\nexec: x\n", `pipelines/t.yml:1: images: want a mapping`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := parseErr(t, c.src); !strings.Contains(got, c.want) {
				t.Errorf("error:\n%s\nwant it to contain:\n%s", got, c.want)
			}
		})
	}
}

func TestAllErrorsReported(t *testing.T) {
	got := parseErr(t, "serial:\n  a: {exec: x, cpu: 0}\n  b: {exec: y, bogus: 1}\n  a: z\n")
	lines := strings.Split(got, "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], ":2:") || !strings.Contains(lines[1], ":3:") || !strings.Contains(lines[2], ":4:") {
		t.Errorf("want three errors in line order, got:\n%s", got)
	}
}

func TestAliasBomb(t *testing.T) {
	// Ten children per level, nine levels of aliases: 10^9 nodes if expanded.
	var b strings.Builder
	b.WriteString("n0: &n0 {exec: x}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "n%d: &n%d {serial: {", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "c%d: *n%d", j, i-1)
		}
		b.WriteString("}}\n")
	}
	b.WriteString("serial: {top: *n9}\n")
	start := time.Now()
	_, err := Parse("t", "t.yml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "document too large") {
		t.Fatalf("alias bomb: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("alias bomb took %s", d)
	}
}
