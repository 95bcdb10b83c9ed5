package pods

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Acceptance 14: the new tree loads, with its three targets and pod types.
func TestNew(t *testing.T) {
	parent := t.TempDir()
	if err := New(parent, "myapp"); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(parent, "myapp")
	w := load(t, root, LoadOptions{})
	if !reflect.DeepEqual(w.Targets, []string{"development", "production", "test"}) || w.Name != "myapp" {
		t.Fatalf("targets=%v name=%s", w.Targets, w.Name)
	}
	if got := w.PodNames(); !reflect.DeepEqual(got, []string{"db", "frontend", "rake"}) {
		t.Fatalf("pods = %v", got)
	}
	for _, p := range w.Pods {
		if p.Err != nil || len(p.Warnings) > 0 {
			t.Fatalf("pod %s: %v %v", p.Name, p.Err, p.Warnings)
		}
	}
	if w.Pod("db").Type != PodPlaceholder || w.Pod("frontend").Type != PodService || w.Pod("rake").Type != PodTask {
		t.Fatal("pod types")
	}
	if len(w.Warnings) != 0 {
		t.Fatalf("warnings: %v", w.Warnings)
	}
	for _, p := range w.Pods {
		for _, name := range p.ServiceNames() {
			if img := service(t, w, p.Name, name).Image; img != "busybox:latest" {
				t.Fatalf("%s/%s image %s: the scaffold must run on busybox:latest only", p.Name, name, img)
			}
		}
	}
	web := service(t, w, "frontend", "web")
	if web.Build != nil || len(web.Ports) != 1 || web.Ports[0].HostIP != "127.0.0.1" || web.HealthCheck == nil {
		t.Fatalf("web = %+v", web)
	}
	if env(web, "ENV") != "development" || env(web, "APP_NAME") != "myapp" || env(web, "ADMIN_PASSWORD") != "development-password" {
		t.Fatalf("web env = %v", web.Environment)
	}
	if cmd, err := TestCommand("frontend", web); err != nil || len(cmd) != 3 {
		t.Fatalf("test command %q %v", cmd, err)
	}
	src, err := w.Source("frontend")
	if err != nil || !src.Local || !src.Available || !src.Lib || src.Mounted {
		t.Fatalf("frontend source = %+v %v", src, err)
	}
	if !w.Pod("db").Enabled || w.Pod("db").RunOnInit[0][0] != "rake" {
		t.Fatalf("db = %+v", w.Pod("db"))
	}

	test := load(t, root, LoadOptions{Target: "test"})
	if !test.Pod("db").Enabled || test.Pod("frontend").Enabled || test.ComposeName != "myapptest" {
		t.Fatal("test target: db enabled, frontend not (default enable_in_targets)")
	}
	prod := load(t, root, LoadOptions{Target: "production"})
	if env(service(t, prod, "frontend", "web"), "ENABLE_CACHE") != "true" || prod.Pod("db").Enabled {
		t.Fatal("production override")
	}

	// Mounting the local source puts it at /app.
	if err := w.Mount(t.Context(), nil, false, "frontend"); err != nil {
		t.Fatal(err)
	}
	w = load(t, root, LoadOptions{})
	if !hasBind(service(t, w, "frontend", "web"), filepath.Join(root, "src", "frontend"), "/app") {
		t.Fatal("mounted frontend source")
	}

	gi, _ := os.ReadFile(filepath.Join(root, ".gitignore"))
	for _, line := range []string{"/.podium/", "/src/*", "/config/secrets.yml"} {
		if !strings.Contains(string(gi), line+"\n") {
			t.Fatalf(".gitignore lacks %s: %q", line, gi)
		}
	}

	mustErr(t, New(parent, "myapp"), "already exists")
	mustErr(t, New(parent, "a/b"), "not a usable workspace name")
	mustErr(t, New(parent, "--"), "no letters or digits")
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("New left temporary files: %v", entries)
	}
}
