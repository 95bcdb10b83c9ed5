package pods

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

// Acceptance 8 (alias rules).
func TestParseBuildContext(t *testing.T) {
	pods := "/w/pods"
	for _, c := range []struct {
		in                         string
		alias, url, branch, subdir string
		git                        bool
	}{
		{"https://github.com/x/repo.git#dev:sub", "repo_dev", "https://github.com/x/repo.git", "dev", "sub", true},
		{"https://github.com/x/repo.git#dev", "repo_dev", "https://github.com/x/repo.git", "dev", "", true},
		{"https://github.com/x/repo.git#:sub/dir", "repo", "https://github.com/x/repo.git", "", "sub/dir", true},
		{"https://github.com/x/repo.git", "repo", "https://github.com/x/repo.git", "", "", true},
		{"git@github.com:x/repo.git", "repo", "git@github.com:x/repo.git", "", "", true},
		{"github.com/x/repo#feature/y", "repo_feature_y", "github.com/x/repo", "feature/y", "", true},
		{"file:///tmp/r/lib.git#main", "lib_main", "file:///tmp/r/lib.git", "main", "", true},
		{"../src/node_hello", "node_hello", "", "", "", false},
		{"/abs/dir/", "dir", "", "", "", false},
	} {
		got := parseBuildContext(c.in, pods)
		if got.alias() != c.alias || got.git != c.git || got.url != c.url || got.branch != c.branch || got.subdir != c.subdir {
			t.Errorf("%s: got %+v alias %q", c.in, got, got.alias())
		}
	}
	if d := parseBuildContext("../src/node_hello", pods).dir; d != "/w/src/node_hello" {
		t.Errorf("local dir = %s", d)
	}
}

// One repository built from two subdirectories is one source with two subdirs (cage's
// with_repo_subdir fixture).
func TestRepoSubdirsShareOneSource(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/p.yml": `services:
  a: {image: busybox:latest, build: "https://h/x/mono.git#:myfolder"}
  b: {image: busybox:latest, build: {context: "https://h/x/mono.git#:otherfolder"}}
  c: {image: busybox:latest, build: "https://h/x/mono.git#dev:third"}
`,
	})
	w := load(t, root, LoadOptions{})
	if len(w.Sources) != 2 {
		t.Fatalf("sources = %+v", w.Sources)
	}
	mono, _ := w.Source("mono")
	if want := map[string]string{"p/a": "myfolder", "p/b": "otherfolder"}; !reflect.DeepEqual(mono.Subdirs, want) {
		t.Fatalf("subdirs = %v", mono.Subdirs)
	}
	dev, err := w.Source("mono_dev")
	if err != nil || dev.Branch != "dev" || dev.LocalPath != filepath.Join(w.Root, "src", "mono_dev") {
		t.Fatalf("mono_dev = %+v %v", dev, err)
	}
}

// Acceptance 8 (collision), also across targets and with a local directory.
func TestAliasCollision(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/a.yml":                    "services: {a: {image: busybox:latest, build: \"https://one.example/x/repo.git\"}}\n",
		"pods/b.yml":                    "services: {b: {image: busybox:latest}}\n",
		"pods/targets/production/b.yml": "services: {b: {build: \"https://two.example/y/repo.git#:sub\"}}\n",
	})
	_, err := loadErr(root, LoadOptions{})
	mustErr(t, err, "https://one.example/x/repo.git (pods/a.yml service a) and https://two.example/y/repo.git (pods/targets/production/b.yml service b) would both alias to repo")

	root = workspace(t, map[string]string{
		"pods/a.yml": "services: {a: {image: busybox:latest, build: \"https://one.example/x/app.git\"}}\n",
		"pods/b.yml": "services: {b: {image: busybox:latest, build: ../other/app}}\n",
	})
	_, err = loadErr(root, LoadOptions{})
	mustErr(t, err, "would both alias to app")
}

// Acceptance 8 (libraries).
func TestLibraries(t *testing.T) {
	root := fixture(t, "rails_hello")
	writeTree(t, root, map[string]string{"config/sources.yml": "bad: {context: \"https://github.com/x/lib.git#main:sub\"}\n"})
	_, err := loadErr(root, LoadOptions{})
	mustErr(t, err, "config/sources.yml", "library 'bad' may not specify a subdirectory")

	writeTree(t, root, map[string]string{"config/sources.yml": "bad: {url: x}\n"})
	_, err = loadErr(root, LoadOptions{})
	mustErr(t, err, "config/sources.yml", "unknown key 'url'")

	writeTree(t, root, map[string]string{"config/sources.yml": "coffee_rails: {context: \"https://github.com/rails/coffee-rails.git\"}\nghost: {context: \"https://h/x/ghost.git\"}\n"})
	writeTree(t, root, map[string]string{"pods/targets/development/frontend.yml": "services: {web: {labels: {io.fdy.cage.lib.nothere: /x}}}\n"})
	w := load(t, root, LoadOptions{})
	if ws := strings.Join(w.Pod("frontend").Warnings, "\n"); !strings.Contains(ws, "io.fdy.cage.lib.nothere names no library 'nothere'") {
		t.Fatalf("warnings = %q", ws)
	}
}

// hasBind reports whether a service bind-mounts host at target.
func hasBind(s types.ServiceConfig, host, target string) bool {
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && v.Source == host && v.Target == target {
			return true
		}
	}
	return false
}

// Acceptance 8 (clone -b) and 9: mounting clones, persists across a reload, and mounts the
// tree into every service built from the repository; unmounting takes it away again.
func TestCloneMountPersist(t *testing.T) {
	url := bareRepo(t, "shop")
	root := workspace(t, map[string]string{
		"pods/frontend.yml":      "services:\n  web:\n    image: busybox:latest\n    build: \"" + url + "#dev\"\n    labels: {io.fdy.cage.srcdir: /usr/src/app}\n",
		"pods/rake.yml":          "services:\n  rake:\n    image: busybox:latest\n    build: \"" + url + "#dev:sub\"\n",
		"pods/rake.metadata.yml": "pod_type: task\n",
	})
	w := load(t, root, LoadOptions{})
	src, err := w.Source("shop_dev")
	if err != nil {
		t.Fatal(err)
	}
	if src.Mounted || src.Available || src.Context != url {
		t.Fatalf("before mount: %+v", src)
	}
	var out bytes.Buffer
	if err := w.Mount(context.Background(), &out, false, "shop_dev"); err != nil {
		t.Fatalf("mount: %v\n%s", err, out.String())
	}
	local := filepath.Join(w.Root, "src", "shop_dev")
	if _, err := os.Stat(filepath.Join(local, "DEV")); err != nil {
		t.Fatalf("clone must check out the dev branch (-b dev): %v", err)
	}
	head, _ := exec.Command("git", "-C", local, "rev-parse", "--abbrev-ref", "HEAD").Output()
	if strings.TrimSpace(string(head)) != "dev" {
		t.Fatalf("HEAD = %s", head)
	}
	data, err := os.ReadFile(filepath.Join(w.Root, ".podium", "mounted.yml"))
	if err != nil || strings.TrimSpace(string(data)) != "shop_dev: true" {
		t.Fatalf("mounted.yml = %q %v", data, err)
	}

	w2 := load(t, root, LoadOptions{})
	src, _ = w2.Source("shop_dev")
	if !src.Mounted || !src.Available {
		t.Fatalf("after reload: %+v", src)
	}
	web, rake := service(t, w2, "frontend", "web"), service(t, w2, "rake", "rake")
	if !hasBind(web, local, "/usr/src/app") || web.Build.Context != local {
		t.Fatalf("web volumes=%+v build=%+v", web.Volumes, web.Build)
	}
	if !hasBind(rake, filepath.Join(local, "sub"), "/app") || rake.Build.Context != filepath.Join(local, "sub") {
		t.Fatalf("rake volumes=%+v build=%+v", rake.Volumes, rake.Build)
	}
	if got := w2.Pod("frontend").Mounts["web"]; !reflect.DeepEqual(got, []string{"shop_dev"}) {
		t.Fatalf("mounts = %v", got)
	}

	if err := w2.Unmount(false, "shop_dev"); err != nil {
		t.Fatal(err)
	}
	w3, err := w2.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if web := service(t, w3, "frontend", "web"); len(web.Volumes) != 0 || web.Build.Context != url+"#dev" {
		t.Fatalf("after unmount: volumes=%+v build=%+v", web.Volumes, web.Build)
	}
	if _, err := os.Stat(local); err != nil {
		t.Fatal("unmount must keep the tree on disk")
	}

	// Clone of a present source only says so, and leaves it unmounted (cage).
	out.Reset()
	if err := w3.Clone(context.Background(), "shop_dev", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "'shop_dev' is already available locally") {
		t.Fatalf("clone output = %q", out.String())
	}
	if w4 := load(t, root, LoadOptions{}); w4.Sources[0].Mounted {
		t.Fatal("clone of a source already present must leave its mounted state alone")
	}
}

func TestCloneFailureLeavesNothing(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	url := "file://" + filepath.Join(t.TempDir(), "missing.git")
	root := workspace(t, map[string]string{"pods/a.yml": "services: {a: {image: busybox:latest, build: \"" + url + "\"}}\n"})
	w := load(t, root, LoadOptions{})
	var out bytes.Buffer
	err := w.Clone(context.Background(), "missing", &out)
	mustErr(t, err, "clone source 'missing'")
	entries, _ := os.ReadDir(filepath.Join(root, "src"))
	if len(entries) != 0 {
		t.Fatalf("src/ after a failed clone: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(root, ".podium", "mounted.yml")); err == nil {
		t.Fatal("a failed clone must not mount")
	}
}

func TestSourceCommandsErrors(t *testing.T) {
	w := load(t, fixture(t, "hello"), LoadOptions{})
	var out bytes.Buffer
	err := w.Mount(context.Background(), &out, false, "nope")
	if err == nil || err.Error() != "unknown source 'nope' (try `podium source ls`)" {
		t.Fatalf("err = %v", err)
	}
	mustErr(t, w.Clone(context.Background(), "nope", &out), "unknown source 'nope'")
	mustErr(t, w.Unmount(false), "name a source")
	mustErr(t, w.Unmount(true, "x"), "not both")
}

// Beyond cage #73: a local build context that is mounted really gets its volume.
func TestLocalSourceMount(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/node.yml":         "services: {web: {image: busybox:latest, build: ../src/node_hello}}\n",
		"src/node_hello/app.js": "x\n",
	})
	w := load(t, root, LoadOptions{})
	src, _ := w.Source("node_hello")
	dir := filepath.Join(w.Root, "src", "node_hello")
	if !src.Local || !src.Available || src.Mounted || src.LocalPath != dir {
		t.Fatalf("source = %+v", src)
	}
	if web := service(t, w, "node", "web"); len(web.Volumes) != 0 {
		t.Fatalf("unmounted: %+v", web.Volumes)
	}
	if err := w.Mount(context.Background(), &bytes.Buffer{}, true); err != nil {
		t.Fatal(err)
	}
	w = load(t, root, LoadOptions{})
	web := service(t, w, "node", "web")
	if !hasBind(web, dir, "/app") || web.Build.Context != dir {
		t.Fatalf("mounted: volumes=%+v build=%+v", web.Volumes, web.Build)
	}
}

// A library is mounted at its label's path once mounted and available; it replaces a volume
// the service already had there.
func TestLibraryMount(t *testing.T) {
	root := fixture(t, "rails_hello")
	writeTree(t, root, map[string]string{
		"src/coffee-rails/lib.rb":               "x\n",
		"pods/targets/development/frontend.yml": "services: {web: {volumes: [\"./vendor:/usr/src/app/vendor/coffee-rails\"]}}\n",
	})
	w := load(t, root, LoadOptions{})
	lib, _ := w.Source("coffee-rails")
	if !lib.Available || lib.Mounted {
		t.Fatalf("lib = %+v", lib)
	}
	if err := w.Mount(context.Background(), &bytes.Buffer{}, false, "coffee-rails"); err != nil {
		t.Fatal(err)
	}
	w = load(t, root, LoadOptions{})
	web := service(t, w, "frontend", "web")
	target := "/usr/src/app/vendor/coffee-rails"
	if !hasBind(web, filepath.Join(w.Root, "src", "coffee-rails"), target) || len(web.Volumes) != 1 {
		t.Fatalf("web volumes = %+v", web.Volumes)
	}
	if hasBind(service(t, w, "rake", "rake"), filepath.Join(w.Root, "src", "coffee-rails"), target) {
		t.Fatal("rake has no lib label")
	}
}

// A workspace cage used keeps cage's mount choices until Podium writes its own.
func TestCageMountedFile(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/node.yml":         "services: {web: {image: busybox:latest, build: ../src/node_hello}}\n",
		"src/node_hello/app.js": "x\n",
		".cage/mounted.yml":     "node_hello: true\n",
	})
	w := load(t, root, LoadOptions{})
	if src, _ := w.Source("node_hello"); !src.Mounted {
		t.Fatal("cage's mounted.yml must be read")
	}
	if err := w.Unmount(true); err != nil {
		t.Fatal(err)
	}
	if src, _ := load(t, root, LoadOptions{}).Source("node_hello"); src.Mounted {
		t.Fatal(".podium/mounted.yml must win once written")
	}
	writeTree(t, root, map[string]string{".podium/mounted.yml": "node_hello: yes please\n"})
	_, err := loadErr(root, LoadOptions{})
	mustErr(t, err, ".podium/mounted.yml", "delete .podium/mounted.yml")
}
