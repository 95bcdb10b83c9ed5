package pods

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestLoadHello(t *testing.T) {
	w := load(t, fixture(t, "hello"), LoadOptions{})
	if w.Name != "hello" || w.ComposeName != "hello" || w.Target != "development" {
		t.Fatalf("name=%q compose=%q target=%q", w.Name, w.ComposeName, w.Target)
	}
	if want := []string{"development", "production", "test"}; !reflect.DeepEqual(w.Targets, want) {
		t.Fatalf("targets = %v, want %v", w.Targets, want)
	}
	p := w.Pod("frontend")
	if p == nil || p.Err != nil {
		t.Fatalf("frontend: %+v", p)
	}
	if p.Type != PodService || !p.Enabled || len(p.Files) != 1 {
		t.Fatalf("frontend type=%s enabled=%v files=%v", p.Type, p.Enabled, p.Files)
	}
	if got := p.ServiceNames(); !reflect.DeepEqual(got, []string{"proxy", "web"}) {
		t.Fatalf("services = %v", got)
	}
	var aliases []string
	for _, s := range w.Sources {
		aliases = append(aliases, s.Alias)
	}
	if want := []string{"dockercloud-haproxy", "dockercloud-hello-world"}; !reflect.DeepEqual(aliases, want) {
		t.Fatalf("sources = %v, want %v", aliases, want)
	}
	web, proxy := service(t, w, "frontend", "web"), service(t, w, "frontend", "proxy")
	if Shell(web) != "sh" || Shell(proxy) != "/bin/sh" {
		t.Fatalf("shells %q %q", Shell(web), Shell(proxy))
	}
	if env(proxy, "FOO") != "foo" || env(proxy, "ENV") != "development" {
		t.Fatalf("proxy env = %v", proxy.Environment)
	}
	if p.Project.Name != "hello" || p.Project.Networks["default"].Name != "hello_default" {
		t.Fatalf("project %q network %q", p.Project.Name, p.Project.Networks["default"].Name)
	}
	if len(web.Volumes) != 0 {
		t.Fatalf("sources must not be mounted by default: %+v", web.Volumes)
	}
}

// Acceptance 4 (lists append): the production file's proxy port joins the base's.
func TestTargetMergeAppendsPorts(t *testing.T) {
	w := load(t, fixture(t, "hello"), LoadOptions{Target: "production"})
	p := w.Pod("frontend")
	if len(p.Files) != 2 || !strings.HasSuffix(p.Files[1], "pods/targets/production/frontend.yml") {
		t.Fatalf("files = %v", p.Files)
	}
	proxy := service(t, w, "frontend", "proxy")
	var ports []uint32
	for _, port := range proxy.Ports {
		ports = append(ports, port.Target)
	}
	if !reflect.DeepEqual(ports, []uint32{80, 443}) {
		t.Fatalf("proxy ports = %v, want [80 443]", ports)
	}
	if env(proxy, "ENABLE_SSL") != "true" || env(proxy, "ENV") != "production" || env(proxy, "FOO") != "foo" {
		t.Fatalf("proxy env = %v", proxy.Environment)
	}
	if web := service(t, w, "frontend", "web"); len(web.Ports) != 1 {
		t.Fatalf("web ports = %v", web.Ports)
	}
}

func TestLoadRailsHello(t *testing.T) {
	w := load(t, fixture(t, "rails_hello"), LoadOptions{})
	if got := w.PodNames(); !reflect.DeepEqual(got, []string{"db", "frontend", "rake"}) {
		t.Fatalf("pods = %v", got)
	}
	db, rake := w.Pod("db"), w.Pod("rake")
	if db.Type != PodPlaceholder || !reflect.DeepEqual(db.EnabledTargets, []string{"development"}) {
		t.Fatalf("db type=%s targets=%v", db.Type, db.EnabledTargets)
	}
	if len(db.RunOnInit) != 3 || !reflect.DeepEqual(db.RunOnInit[1], []string{"rake", "db:create"}) {
		t.Fatalf("run_on_init = %v", db.RunOnInit)
	}
	if rake.Type != PodTask || !reflect.DeepEqual(rake.Scripts["rake"]["routes"], [][]string{{"rake", "routes"}}) {
		t.Fatalf("rake type=%s scripts=%v", rake.Type, rake.Scripts)
	}
	if len(w.Warnings) != 0 {
		t.Fatalf("warnings: %v", w.Warnings)
	}
	web := service(t, w, "frontend", "web")
	if SrcDir(web) != "/usr/src/app" || env(web, "GLOBAL_PASSWORD") != "magic" || env(web, "SOME_PASSWORD") != "secret" {
		t.Fatalf("web srcdir=%s env=%v", SrcDir(web), web.Environment)
	}
	if env(web, "RAILS_ENV") != "development" {
		t.Fatalf("RAILS_ENV = %s", env(web, "RAILS_ENV"))
	}
	src, err := w.Source("rails_hello")
	if err != nil {
		t.Fatal(err)
	}
	if src.Context != "https://github.com/faradayio/rails_hello.git" || src.Mounted || src.Available || src.Local {
		t.Fatalf("rails_hello source = %+v", src)
	}
	if want := map[string]string{"frontend/web": "", "rake/rake": ""}; !reflect.DeepEqual(src.Subdirs, want) {
		t.Fatalf("subdirs = %v", src.Subdirs)
	}
	lib, err := w.Source("coffee-rails")
	if err != nil {
		t.Fatal(err)
	}
	if !lib.Lib || lib.LibKey != "coffee_rails" || lib.LocalPath != filepath.Join(w.Root, "src", "coffee-rails") {
		t.Fatalf("coffee-rails = %+v", lib)
	}

	prod := load(t, w.Root, LoadOptions{Target: "production"})
	if prod.Pod("db").Enabled {
		t.Fatal("db must be disabled in production")
	}
	web = service(t, prod, "frontend", "web")
	if env(web, "GLOBAL_PASSWORD") != "more magic" || env(web, "SOME_PASSWORD") != "production secret" {
		t.Fatalf("production secrets = %v", web.Environment)
	}
}

// Acceptance 1: discovered from a subdirectory; the error names the start directory.
func TestLoadNoPods(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(context.Background(), dir, LoadOptions{Environ: []string{}})
	var np *NoPodsError
	if !errors.As(err, &np) || np.Dir != dir {
		t.Fatalf("err = %v, want NoPodsError for %s", err, dir)
	}
	mustErr(t, err, dir, "pods/")

	root := fixture(t, "hello")
	deep := filepath.Join(root, "pods", "targets", "production")
	found, ok, err := FindWorkspace(deep)
	if err != nil || !ok || found != root {
		t.Fatalf("FindWorkspace = %q %v %v", found, ok, err)
	}
	load(t, found, LoadOptions{})
}

// Acceptance 2.
func TestTargets(t *testing.T) {
	root := workspace(t, map[string]string{"pods/a.yml": "services: {a: {image: busybox:latest}}\n"})
	_, err := Load(context.Background(), root, LoadOptions{Target: "prod", Environ: []string{}})
	if err == nil || err.Error() != "unknown target 'prod' (targets: development, production, test)" {
		t.Fatalf("err = %v", err)
	}
	if err := os.RemoveAll(filepath.Join(root, "pods", "targets", "development")); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), root, LoadOptions{Target: "production", Environ: []string{}})
	mustErr(t, err, "unknown target 'development'", "targets: production, test")

	// podium.yml may choose another default target, which then must exist instead.
	writeTree(t, root, map[string]string{"podium.yml": "default_target: production\n"})
	w := load(t, root, LoadOptions{})
	if w.Target != "production" {
		t.Fatalf("target = %s", w.Target)
	}
}

// conductor's pods/overrides/ is read as targets.
func TestOverridesAlias(t *testing.T) {
	root := filepath.Join(t.TempDir(), "old")
	writeTree(t, root, map[string]string{
		"pods/a.yml":                            "services: {a: {image: busybox:latest}}\n",
		"pods/overrides/development/common.env": "X=dev\n",
		"pods/overrides/test/common.env":        "X=test\n",
		"pods/overrides/development/a.yml":      "services: {a: {environment: {Y: over}}}\n",
		"pods/a.metadata.yml":                   "enable_in_overrides: [development]\n",
	})
	w := load(t, root, LoadOptions{})
	a := service(t, w, "a", "a")
	if env(a, "X") != "dev" || env(a, "Y") != "over" || !reflect.DeepEqual(w.Targets, []string{"development", "test"}) {
		t.Fatalf("env=%v targets=%v", a.Environment, w.Targets)
	}
}

// Acceptance 3, and a pod that fails to load leaves the others working.
func TestTargetMayNotAddServices(t *testing.T) {
	root := fixture(t, "hello")
	writeTree(t, root, map[string]string{
		"pods/targets/production/frontend.yml": "services:\n  proxy: {environment: {A: b}}\n  extra: {image: busybox:latest}\n  more: {image: busybox:latest}\n",
		"pods/other.yml":                       "services: {other: {image: busybox:latest}}\n",
	})
	// Caught whatever the target in use, as cage checked every target's files on load.
	if p := load(t, root, LoadOptions{}).Pod("frontend"); p.Err == nil ||
		!strings.Contains(p.Err.Error(), "services [extra, more] present in pods/targets/production/frontend.yml but not in pods/frontend.yml") {
		t.Fatalf("development load of a pod whose production file adds services: %v", p.Err)
	}
	w := load(t, root, LoadOptions{Target: "production"})
	p := w.Pod("frontend")
	mustErr(t, p.Err, "load pod frontend", "services [extra, more] present in pods/targets/production/frontend.yml but not in pods/frontend.yml")
	if p.Project != nil {
		t.Fatal("a broken pod has no project")
	}
	if o := w.Pod("other"); o.Err != nil {
		t.Fatal(o.Err)
	}
	if _, _, err := w.Lookup("frontend/web"); err != p.Err {
		t.Fatalf("lookup on a broken pod = %v", err)
	}
}

func TestBrokenPodFiles(t *testing.T) {
	root := fixture(t, "hello")
	writeTree(t, root, map[string]string{
		"pods/bad.yml":              "services:\n  x: [unclosed\n",
		"pods/typo.yml":             "services: {t: {imagee: busybox}}\n",
		"pods/noimage.yml":          "services: {n: {command: [\"true\"]}}\n",
		"pods/meta.yml":             "services: {m: {image: busybox:latest}}\n",
		"pods/meta.metadata.yml":    "pod_type: service\nenable_in_target: [development]\n",
		"pods/scripts.yml":          "services: {s: {image: busybox:latest}}\n",
		"pods/scripts.metadata.yml": "services: {nope: {scripts: {x: [[a]]}}}\n",
	})
	w := load(t, root, LoadOptions{})
	for pod, frags := range map[string][]string{
		"bad":     {"load pod bad", "pods/bad.yml"},
		"typo":    {"load pod typo", "pods/typo.yml", "imagee"},
		"noimage": {"load pod noimage", "pods/noimage.yml", "neither an image nor a build context"},
		"meta":    {"load pod meta", "pods/meta.metadata.yml", "unknown key 'enable_in_target'", "enable_in_targets"},
		"scripts": {"pods/scripts.metadata.yml", "services.nope", "no service 'nope'"},
	} {
		mustErr(t, w.Pod(pod).Err, frags...)
	}
	if p := w.Pod("frontend"); p.Err != nil || p.Project == nil {
		t.Fatalf("frontend must still load: %v", p.Err)
	}
	if _, _, err := w.Lookup("bad"); err == nil {
		t.Fatal("commands on a broken pod must fail")
	}
	// The broken pod's services are still known from the raw file.
	if p, svc, err := w.Lookup("t"); p == nil || p.Name != "typo" || svc != "t" || err == nil {
		t.Fatalf("lookup t = %v %q %v", p, svc, err)
	}
}

// Acceptance 5.
func TestEnableInTargetsDefault(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/a.yml":          "services: {a: {image: busybox:latest}}\n",
		"pods/b.yml":          "services: {b: {image: busybox:latest}}\n",
		"pods/b.metadata.yml": "enable_in_targets: [development, test, staging]\n",
	})
	for target, want := range map[string][2]bool{"development": {true, true}, "production": {true, false}, "test": {false, true}} {
		w := load(t, root, LoadOptions{Target: target})
		if got := [2]bool{w.Pod("a").Enabled, w.Pod("b").Enabled}; got != want {
			t.Errorf("%s: enabled a,b = %v, want %v", target, got, want)
		}
		if !reflect.DeepEqual(w.Pod("a").EnabledTargets, []string{"development", "production"}) {
			t.Errorf("default enable_in_targets = %v", w.Pod("a").EnabledTargets)
		}
		if ws := w.Pod("b").Warnings; len(ws) != 1 || !strings.Contains(ws[0], "'staging'") {
			t.Errorf("warnings = %v", ws)
		}
	}
}

// Acceptance 6.
func TestComposeProjectName(t *testing.T) {
	for _, c := range []struct{ name, target, want string }{
		{"My-App", "development", "myapp"},
		{"My-App", "test", "myapptest"},
		{"hello_world.2", "production", "helloworld2"},
		{"rails_hello", "test", "railshellotest"},
	} {
		if got := ComposeProjectName(c.name, c.target); got != c.want {
			t.Errorf("ComposeProjectName(%q, %q) = %q, want %q", c.name, c.target, got, c.want)
		}
	}
	root := fixture(t, "hello")
	w := load(t, root, LoadOptions{ProjectName: "My-App", Target: "test"})
	if w.ComposeName != "myapptest" || w.Pod("frontend").Project.Networks["default"].Name != "myapptest_default" {
		t.Fatalf("compose name %q", w.ComposeName)
	}
	writeTree(t, root, map[string]string{"podium.yml": "name: Shop.Front\n"})
	if w := load(t, root, LoadOptions{}); w.Name != "Shop.Front" || w.ComposeName != "shopfront" {
		t.Fatalf("name from podium.yml: %q %q", w.Name, w.ComposeName)
	}
	_, err := Load(context.Background(), root, LoadOptions{ProjectName: "--", Environ: []string{}})
	mustErr(t, err, "no letters or digits", "-p NAME")
}

func TestPodOrder(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/a.yml":          "services: {a: {image: busybox:latest}}\n",
		"pods/a.metadata.yml": "pod_type: task\n",
		"pods/b.yml":          "services: {b: {image: busybox:latest}}\n",
		"pods/c.yml":          "services: {c: {image: busybox:latest}}\n",
		"pods/c.metadata.yml": "pod_type: placeholder\n",
		"pods/d.yml":          "services: {d: {image: busybox:latest}}\n",
		"pods/e.yml":          "services: {e: {image: busybox:latest}}\n",
		"pods/e.metadata.yml": "pod_type: placeholder\n",
	})
	w := load(t, root, LoadOptions{})
	if got, want := w.PodNames(), []string{"c", "e", "b", "d", "a"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

func TestPodiumYML(t *testing.T) {
	root := fixture(t, "hello")
	writeTree(t, root, map[string]string{"podium.yml": "name: x\nlisten: 127.0.0.1:7070\nspecs: [ops/specs]\ncolour: blue\n"})
	_, err := Load(context.Background(), root, LoadOptions{Environ: []string{}})
	mustErr(t, err, "podium.yml", "line 4", "unknown key 'colour'", "known keys: name, default_target")
	writeTree(t, root, map[string]string{"podium.yml": "name: x\nlisten: 127.0.0.1:7070\nspecs: [ops/specs]\n"})
	w := load(t, root, LoadOptions{})
	if w.Config.Listen != "127.0.0.1:7070" || !reflect.DeepEqual(w.Config.Specs, []string{"ops/specs"}) || w.Name != "x" {
		t.Fatalf("config = %+v", w.Config)
	}
	if w := load(t, root, LoadOptions{ProjectName: "flag"}); w.Name != "flag" {
		t.Fatalf("-p must win: %q", w.Name)
	}
}

func TestOrphanFilesWarn(t *testing.T) {
	root := fixture(t, "hello")
	writeTree(t, root, map[string]string{
		"pods/targets/test/ghost.yml": "services: {g: {image: busybox:latest}}\n",
		"pods/lost.metadata.yml":      "pod_type: task\n",
	})
	w := load(t, root, LoadOptions{})
	all := strings.Join(w.Warnings, "\n")
	if !strings.Contains(all, "pods/targets/test/ghost.yml has no base pod") || !strings.Contains(all, "pods/lost.metadata.yml has no pod") {
		t.Fatalf("warnings = %v", w.Warnings)
	}
	if len(w.Pods) != 1 {
		t.Fatalf("pods = %v", w.PodNames())
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, fixture(t, "hello"), LoadOptions{Environ: []string{}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestRunOnInitUnknownService(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/db.yml":          "services: {db: {image: busybox:latest}}\n",
		"pods/db.metadata.yml": "pod_type: placeholder\nrun_on_init: [[db, echo, ok], [migrate, up]]\n",
	})
	w := load(t, root, LoadOptions{})
	if len(w.Warnings) != 1 || !strings.Contains(w.Warnings[0], "pods/db.metadata.yml: run_on_init[1] runs in 'migrate': unknown service 'migrate'") {
		t.Fatalf("warnings = %q", w.Warnings)
	}
}
