package pipeline

import (
	"maps"
	"path/filepath"
	"slices"
	"testing"
)

func TestImageDefaults(t *testing.T) {
	p := mustParse(t, `
images:
  plain: {}
  short: "busybox:1.36"
  built:
    dockerfile: docker/app.Dockerfile
    build_args: {V: 1}
  text:
    dockerfile_text: "FROM busybox\nRUN true"
    context: ..
  code:
    from: busybox:latest
    copy_dir: ./src
  git:
    from: busybox:latest
    copy_url: https://example.com/r.git
    copy_branch: main
    workdir: /src
    path_map: {./r: /src}
  bucket: {copy_url: "s3://bucket/code"}
exec: echo hi
`)
	im := p.Images
	if im["plain"].From != DefaultFrom || im["short"].From != "busybox:1.36" {
		t.Errorf("plain %+v short %+v", im["plain"], im["short"])
	}
	if b := im["built"]; b.From != "" || b.Context != "docker" || b.BuildArgs["V"] != "1" {
		t.Errorf("built = %+v", b)
	}
	if b := im["built"]; b.Resolve(b.Dockerfile) != filepath.Join("pipelines", "docker/app.Dockerfile") || b.Resolve("/abs") != "/abs" || b.Resolve("") != "" {
		t.Errorf("Resolve: %q", b.Resolve(b.Dockerfile))
	}
	if x := im["text"]; x.Context != ".." || x.From != "" || x.Line != 8 {
		t.Errorf("text = %+v", x)
	}
	if c := im["code"]; c.Workdir != CopyTarget || !maps.Equal(c.PathMap, map[string]string{"./src": CopyTarget}) {
		t.Errorf("code = %+v", c)
	}
	if g := im["git"]; g.Workdir != "/src" || !maps.Equal(g.PathMap, map[string]string{"./r": "/src"}) || g.CopyBranch != "main" {
		t.Errorf("git = %+v", g)
	}
	if b := im["bucket"]; b.CopyBranch != "" || b.Workdir != CopyTarget {
		t.Errorf("bucket = %+v", b)
	}
	names := slices.Sorted(maps.Keys(im))
	if want := []string{"bucket", "built", "code", "git", "plain", "short", "text"}; !slices.Equal(names, want) {
		t.Errorf("names = %q", names)
	}
	if !im["code"].equal(im["code"]) || im["code"].equal(im["git"]) {
		t.Error("equal is wrong")
	}
}
