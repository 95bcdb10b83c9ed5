package pipeline

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrettyConductoFixture(t *testing.T) {
	p, err := ParseFile(filepath.Join(fixtures, "pretty.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want := `/
├─0 Build   echo docker build, make, npm i, etc.
└─1 Test
  ├─ app   echo run test for app
  ├─ backend   echo run test for backend
  └─ metrics   echo run test for metrics
`
	if got := Pretty(p); got != want {
		t.Errorf("Pretty:\n%s\nwant:\n%s", got, want)
	}
}

func TestPrettyCI(t *testing.T) {
	p, err := ParseFile(filepath.Join(fixtures, "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want := `/
├─0 build   mkdir -p /tmp/out\necho "building $APP" > /tmp/out/app
├─1 test
│ ├─ unit   echo "unit tests pass"
│ ├─ lint   /opt/ci/lint
│ └─ flaky   test "$(od -An -N1 -tu1 /dev/urandom)" -lt 128 || { echo flaked; exit 1; }
└─2 deploy
  ├─0 stage   echo "$APP to $TARGET" > /tmp/release
  ├─1 publish   cat /tmp/release
  └─2 prod   echo "deploy $APP to prod"
`
	if got := Pretty(p); got != want {
		t.Errorf("Pretty:\n%s\nwant:\n%s", got, want)
	}
}

func TestPrettyPaddingAndKinds(t *testing.T) {
	var b strings.Builder
	b.WriteString("serial:\n")
	for i := range 11 {
		fmt.Fprintf(&b, "  s%d: echo %d\n", i, i)
	}
	b.WriteString("  gen: {lazy: \"  ./gen.sh  \"}\n  empty: {parallel: {}}\n  nested:\n    serial:\n      a: {parallel: {x: echo x}}\n")
	p := mustParse(t, b.String())
	got := Pretty(p)
	for _, want := range []string{
		"├─00 s0   echo 0\n",
		"├─10 s10   echo 10\n",
		"├─11 gen   ./gen.sh\n",
		"├─12 empty\n",
		"└─13 nested\n  └─0 a\n    └─ x   echo x\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Pretty lacks %q:\n%s", want, got)
		}
	}
	if root := mustParse(t, "exec: echo hi"); Pretty(root) != "/   echo hi\n" {
		t.Errorf("exec root = %q", Pretty(root))
	}
	if Pretty(nil) != "" || Pretty(&Pipeline{}) != "" {
		t.Error("Pretty of nothing should be empty")
	}
}
