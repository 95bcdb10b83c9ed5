package pods

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfilesHideAndShowServices(t *testing.T) {
	root := composeFixture(t, "profiles")
	p := load(t, root, LoadOptions{}).Pod("app")
	if p.Err != nil {
		t.Fatal(p.Err)
	}
	if got := strings.Join(p.ServiceNames(), ","); got != "web,worker" {
		t.Fatalf("no profile: services %s", got)
	}
	if got := strings.Join(p.HiddenServices, ","); got != "debug" ||
		!strings.Contains(strings.Join(p.Warnings, "\n"), "service debug is hidden: its profiles (debug) are not active") {
		t.Fatalf("hidden %q, warnings %q", p.HiddenServices, p.Warnings)
	}
	for name, opts := range map[string]LoadOptions{
		"--profile":        {Profiles: []string{"debug"}},
		"COMPOSE_PROFILES": {Environ: []string{"COMPOSE_PROFILES=other, debug"}},
	} {
		p := load(t, root, opts).Pod("app")
		if got := strings.Join(p.ServiceNames(), ","); p.Err != nil || got != "debug,web,worker" || len(p.HiddenServices) != 0 {
			t.Fatalf("%s: services %s, hidden %v, err %v", name, got, p.HiddenServices, p.Err)
		}
	}
	// COMPOSE_PROFILES from the project's .env counts, as in Compose.
	if err := os.WriteFile(filepath.Join(root, "pods", ".env"), []byte("COMPOSE_PROFILES=debug\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(load(t, root, LoadOptions{}).Pod("app").ServiceNames(), ","); got != "debug,web,worker" {
		t.Fatalf("COMPOSE_PROFILES in pods/.env: services %s", got)
	}
}

// DOCKER_DEFAULT_PLATFORM is the platform of services built without one: their hash is the
// hash of the same file with platform: written on them, and services without build: keep theirs.
func TestDefaultPlatformChangesBuiltServicesOnly(t *testing.T) {
	root := composeFixture(t, "profiles")
	w := load(t, root, LoadOptions{Environ: []string{"DOCKER_DEFAULT_PLATFORM=linux/amd64"}})
	worker, web := service(t, w, "app", "worker"), service(t, w, "app", "web")
	if worker.Platform != "linux/amd64" || strings.Join(worker.Build.Platforms, ",") != "linux/amd64" || web.Platform != "" {
		t.Fatalf("worker platform %q build.platforms %v, web platform %q", worker.Platform, worker.Build.Platforms, web.Platform)
	}
	withDefault, err := w.ConfigHashes("*")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := load(t, root, LoadOptions{}).ConfigHashes("*")
	if err != nil {
		t.Fatal(err)
	}
	written := composeFixture(t, "profiles")
	file := filepath.Join(written, "pods", "app.yml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "    build: ./worker\n", "    build: ./worker\n    platform: linux/amd64\n", 1))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	explicit, err := load(t, written, LoadOptions{}).ConfigHashes("*")
	if err != nil {
		t.Fatal(err)
	}
	// Lines: web, worker.
	if withDefault[0] != plain[0] || withDefault[1] == plain[1] || strings.Join(withDefault, "\n") != strings.Join(explicit, "\n") {
		t.Fatalf("hashes with DOCKER_DEFAULT_PLATFORM %v, without %v, with platform: written %v", withDefault, plain, explicit)
	}
	// A build.platforms list without the default platform is refused, naming the variable.
	data = []byte(strings.Replace(string(data), "    platform: linux/amd64\n", "    build: {context: ./worker, platforms: [linux/arm64]}\n", 1))
	data = []byte(strings.Replace(string(data), "    build: ./worker\n", "", 1))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustErr(t, load(t, written, LoadOptions{Environ: []string{"DOCKER_DEFAULT_PLATFORM=linux/amd64"}}).Pod("app").Err,
		"service worker", "DOCKER_DEFAULT_PLATFORM=linux/amd64")
}
