package pipeline

import (
	"strings"
	"testing"
)

const lazySrc = `
images:
  base: {from: "busybox:latest"}
image: base
env: {CI: "1"}
serial:
  prep: echo prep
  shards:
    lazy: ./gen.sh
    env: {SHARDS: "2"}
    cpu: 2
  done: echo done
`

func TestGraft(t *testing.T) {
	p := mustParse(t, lazySrc)
	lazy, _ := p.Node("/shards")
	if lazy.Kind != Lazy || lazy.Command != "./gen.sh" || len(lazy.Children) != 0 {
		t.Fatalf("lazy = %+v", lazy)
	}
	out := `
images:
  big: {from: "busybox:1.36"}
parallel:
  s1: echo one
  s2:
    exec: echo two
    image: big
    env: {CI: "0"}
`
	if err := Graft(lazy, []byte(out)); err != nil {
		t.Fatal(err)
	}
	s1, ok := p.Node("/shards/execute/s1")
	if !ok {
		t.Fatalf("no /shards/execute/s1; tree:\n%s", Pretty(p))
	}
	if s1.Params.Image != "base" || s1.Params.CPU != 2 || s1.Params.Env["SHARDS"] != "2" || s1.Params.Env["CI"] != "1" {
		t.Errorf("s1 params = %+v", s1.Params)
	}
	if s2, _ := p.Node("/shards/execute/s2"); s2.Params.Image != "big" || s2.Params.Env["CI"] != "0" {
		t.Errorf("s2 params = %+v", s2.Params)
	}
	if ex := lazy.Children[0]; ex.Parent != lazy || ex.Name != GraftName || ex.Kind != Parallel {
		t.Errorf("execute = %+v", ex)
	}
	if _, ok := p.Images["big"]; !ok {
		t.Error("grafted image not merged into the pipeline")
	}
	want := `/
├─0 prep   echo prep
├─1 shards   ./gen.sh
│ └─0 execute
│   ├─ s1   echo one
│   └─ s2   echo two
└─2 done   echo done
`
	if got := Pretty(p); got != want {
		t.Errorf("Pretty:\n%s\nwant:\n%s", got, want)
	}

	// A second graft (a reset rerun) replaces the first; a bare command is
	// an exec, and the grafted nodes can graft again.
	if err := Graft(lazy, []byte("lazy: ./more.sh\n")); err != nil {
		t.Fatal(err)
	}
	inner, ok := p.Node("/shards/execute")
	if !ok || inner.Kind != Lazy || len(lazy.Children) != 1 {
		t.Fatalf("regraft: %+v", inner)
	}
	if err := Graft(inner, []byte("echo deep")); err != nil {
		t.Fatal(err)
	}
	if n, ok := p.Node("/shards/execute/execute"); !ok || n.Command != "echo deep" || n.Params.CPU != 2 {
		t.Errorf("nested graft = %+v", n)
	}
}

func TestGraftErrors(t *testing.T) {
	cases := []struct{ name, out, want string }{
		{"unknown key", "parallel:\n  a: {exec: x, comand: y}\n", `pipelines/t.yml: output of lazy /shards:2: /shards/execute/a: unknown key "comand"`},
		{"empty", "", `output of lazy /shards:1: /shards: empty output`},
		{"bad yaml", "parallel: [", `output of lazy /shards:1: invalid YAML`},
		{"unknown image", "exec: x\nimage: nope\n", `output of lazy /shards:2: /shards/execute: unknown image "nope"`},
		{"image redefined", "images:\n  base: {from: \"alpine:3\"}\nexec: x\n", `output of lazy /shards:2: images/base: image "base" is already defined differently`},
		{"duplicate", "parallel: {a: x, a: y}\n", `/shards/execute: duplicate name "a"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustParse(t, lazySrc)
			lazy, _ := p.Node("/shards")
			before := Pretty(p)
			err := Graft(lazy, []byte(c.out))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Graft error:\n%v\nwant it to contain:\n%s", err, c.want)
			}
			if Pretty(p) != before || len(lazy.Children) != 0 {
				t.Error("a failed graft changed the tree")
			}
		})
	}
	t.Run("same image definition is fine", func(t *testing.T) {
		p := mustParse(t, lazySrc)
		lazy, _ := p.Node("/shards")
		if err := Graft(lazy, []byte("images:\n  base: {from: \"busybox:latest\"}\nexec: x\n")); err != nil {
			t.Error(err)
		}
	})
	t.Run("not lazy", func(t *testing.T) {
		p := mustParse(t, lazySrc)
		prep, _ := p.Node("/prep")
		if err := Graft(prep, []byte("exec: x")); err == nil || !strings.Contains(err.Error(), "/prep: graft: a exec node") {
			t.Errorf("Graft on exec = %v", err)
		}
		if err := Graft(&Node{Kind: Lazy}, []byte("exec: x")); err == nil {
			t.Error("Graft on a detached node succeeded")
		}
		if err := Graft(nil, nil); err == nil {
			t.Error("Graft(nil) succeeded")
		}
	})
}
