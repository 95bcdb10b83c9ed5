package pods

import (
	"path/filepath"
	"strings"
	"testing"
)

// Acceptance 13: --default-tags rewrites untagged images only.
func TestDefaultTags(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/p.yml": `services:
  a: {image: busybox}
  b: {image: busybox:latest}
  c: {image: "registry.local:5000/team/app"}
  d: {image: "alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000"}
  e: {image: redis}
`,
		"tags.txt": "# pinned for the release\nbusybox:1.36\n\nregistry.local:5000/team/app:v2\nbusybox:1.36\nredis@sha256:1111111111111111111111111111111111111111111111111111111111111111\n",
	})
	tags := filepath.Join(root, "tags.txt")
	w := load(t, root, LoadOptions{DefaultTagsFile: tags})
	for svc, want := range map[string]string{
		"a": "busybox:1.36",
		"b": "busybox:latest",
		"c": "registry.local:5000/team/app:v2",
		"d": "alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000",
		"e": "redis@sha256:1111111111111111111111111111111111111111111111111111111111111111",
	} {
		if got := service(t, w, "p", svc).Image; got != want {
			t.Errorf("%s image = %q, want %q", svc, got, want)
		}
	}
	if len(w.Pod("p").Warnings) != 0 {
		t.Errorf("warnings = %v", w.Pod("p").Warnings)
	}

	writeTree(t, root, map[string]string{"pods/q.yml": "services: {q: {image: nginx}}\n"})
	w = load(t, root, LoadOptions{DefaultTagsFile: tags})
	if ws := strings.Join(w.Pod("q").Warnings, "\n"); !strings.Contains(ws, "could not find a default tag for nginx") {
		t.Errorf("warnings = %q", ws)
	}
	if got := service(t, w, "q", "q").Image; got != "nginx" {
		t.Errorf("image without a default = %q", got)
	}

	writeTree(t, root, map[string]string{"tags.txt": "busybox:1.36\nbusybox:1.35\n"})
	_, err := loadErr(root, LoadOptions{DefaultTagsFile: tags})
	mustErr(t, err, "tags.txt line 2", "busybox:1.35 conflicts with busybox:1.36 on line 1")

	writeTree(t, root, map[string]string{"tags.txt": "busybox\n"})
	_, err = loadErr(root, LoadOptions{DefaultTagsFile: tags})
	mustErr(t, err, "tags.txt line 1", "no tag or digest")

	_, err = loadErr(root, LoadOptions{DefaultTagsFile: filepath.Join(root, "nope.txt")})
	mustErr(t, err, "nope.txt")
}

func TestSplitImageRef(t *testing.T) {
	for in, want := range map[string][3]string{
		"busybox":         {"busybox", "", ""},
		"busybox:1":       {"busybox", "1", ""},
		"host:5000/x/y":   {"host:5000/x/y", "", ""},
		"host:5000/x/y:t": {"host:5000/x/y", "t", ""},
		"x@sha256:ab":     {"x", "", "sha256:ab"},
		"x:t@sha256:ab":   {"x", "t", "sha256:ab"},
	} {
		r, tg, d := splitImageRef(in)
		if [3]string{r, tg, d} != want {
			t.Errorf("%s: %q %q %q", in, r, tg, d)
		}
	}
}
