package pods

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// composeFixture copies testdata/compose/<name> to a temp directory.
func composeFixture(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "compose", name)
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// dotenvExported is pods/.env of testdata/compose/dotenv as a shell would export it.
var dotenvExported = []string{
	"PLEX_IMAGE=busybox:latest", "PLEX_MODE=fast", "TZ_NAME=Europe/Paris", "SHELL_WINS=from-dotenv",
	"PLEX_PORT=32400", "PLEX_MEDIA_PATH=/srv/media",
}

func TestDotEnvInterpolatesPodFiles(t *testing.T) {
	root := composeFixture(t, "dotenv")
	w := load(t, root, LoadOptions{})
	if err := w.Pod("media").Err; err != nil {
		t.Fatalf("pod with pods/.env: %v", err)
	}
	s := service(t, w, "media", "plex")
	if s.Image != "busybox:latest" || env(s, "TZ") != "Europe/Paris" || env(s, "SHELL_WINS") != "from-dotenv" ||
		strings.Join(s.Command, " ") != "serve fast" || len(s.Ports) != 1 || s.Ports[0].Published != "32400" ||
		len(s.Volumes) != 1 || s.Volumes[0].Source != "/srv/media" {
		t.Fatalf("not interpolated from pods/.env: image=%q command=%q env=%v ports=%+v volumes=%+v", s.Image, s.Command, s.Environment, s.Ports, s.Volumes)
	}
	fromDotEnv, err := w.ConfigHashes("*")
	if err != nil {
		t.Fatal(err)
	}

	// Compose's hash for the file is the hash of the same file with the variables exported.
	bare := composeFixture(t, "dotenv")
	if err := os.Remove(filepath.Join(bare, "pods", ".env")); err != nil {
		t.Fatal(err)
	}
	exported, err := load(t, bare, LoadOptions{Environ: dotenvExported}).ConfigHashes("*")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(fromDotEnv, "\n") != strings.Join(exported, "\n") {
		t.Fatalf("hash with pods/.env %v, with the variables exported %v", fromDotEnv, exported)
	}

	// The shell's environment wins over .env.
	s = service(t, load(t, root, LoadOptions{Environ: []string{"SHELL_WINS=shell"}}), "media", "plex")
	if env(s, "SHELL_WINS") != "shell" || env(s, "TZ") != "Europe/Paris" {
		t.Fatalf("shell must win over pods/.env: %v", s.Environment)
	}
}

func TestEnvFilesReplaceDotEnv(t *testing.T) {
	root := composeFixture(t, "dotenv")
	other := filepath.Join(root, "other.env")
	for name, opts := range map[string]LoadOptions{
		"--env-file":        {EnvFiles: []string{other}},
		"COMPOSE_ENV_FILES": {Environ: []string{"COMPOSE_ENV_FILES=" + other}},
	} {
		s := service(t, load(t, root, opts), "media", "plex")
		if s.Image != "busybox:other" || env(s, "TZ") != "UTC" || s.Ports[0].Published != "8080" {
			t.Fatalf("%s: want other.env's values, got image=%q env=%v ports=%+v", name, s.Image, s.Environment, s.Ports)
		}
	}
	_, err := Load(t.Context(), root, LoadOptions{Environ: []string{}, EnvFiles: []string{filepath.Join(root, "nosuch.env")}})
	mustErr(t, err, "env file nosuch.env", "not found")
}

func TestDotEnvReadWithLimit(t *testing.T) {
	root := composeFixture(t, "dotenv")
	big := strings.Repeat("# padding line to go over the limit\n", 40000)
	if err := os.WriteFile(filepath.Join(root, "pods", ".env"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(t.Context(), root, LoadOptions{Environ: []string{}})
	mustErr(t, err, "pods/.env")
}

func TestUnsetVariablesAreNamed(t *testing.T) {
	w := load(t, composeFixture(t, "unset"), LoadOptions{})
	// An empty value that breaks the load: the error names the variable.
	mustErr(t, w.Pod("broken").Err, "pods/broken.yml", "empty section between colons",
		"the variable PLEX_MEDIA_PATH is not set, so it is an empty string")
	if got := strings.Join(w.Pod("broken").UnsetVars, ","); got != "PLEX_MEDIA_PATH" {
		t.Fatalf("broken UnsetVars = %q", got)
	}
	// One that does not: the pod loads, and says which variables were blank (a default is set).
	q := w.Pod("quiet")
	if q.Err != nil {
		t.Fatal(q.Err)
	}
	if got := strings.Join(q.UnsetVars, ","); got != "GREETING,PLEX_MEDIA_PATH" {
		t.Fatalf("quiet UnsetVars = %q", got)
	}
	if !strings.Contains(strings.Join(q.Warnings, "\n"), "the variable GREETING is not set") {
		t.Fatalf("quiet warnings: %q", q.Warnings)
	}
}

func TestObsoleteVersionSaidOncePerFile(t *testing.T) {
	w := load(t, composeFixture(t, "dotenv"), LoadOptions{})
	p := w.Pod("media")
	if got := strings.Join(p.ObsoleteVersion, ","); got != "pods/media.yml" ||
		!strings.Contains(strings.Join(p.Warnings, "\n"), ObsoleteVersionNote("pods/media.yml")) {
		t.Fatalf("ObsoleteVersion %q, warnings %q", p.ObsoleteVersion, p.Warnings)
	}
	if q := load(t, composeFixture(t, "unset"), LoadOptions{}).Pod("quiet"); len(q.ObsoleteVersion) != 0 {
		t.Fatalf("no version: in quiet.yml, got %q", q.ObsoleteVersion)
	}
}

func TestDisableEnvFile(t *testing.T) {
	root := composeFixture(t, "dotenv")
	p := load(t, root, LoadOptions{Environ: []string{"COMPOSE_DISABLE_ENV_FILE=true"}}).Pod("media")
	mustErr(t, p.Err, "the variables PLEX_IMAGE, PLEX_MEDIA_PATH, PLEX_PORT, SHELL_WINS, TZ_NAME are not set")
	other := filepath.Join(root, "other.env")
	s := service(t, load(t, root, LoadOptions{Environ: []string{"COMPOSE_DISABLE_ENV_FILE=1"}, EnvFiles: []string{other}}), "media", "plex")
	if s.Image != "busybox:other" {
		t.Fatalf("--env-file must still be read: image %q", s.Image)
	}
	_, err := Load(t.Context(), root, LoadOptions{Environ: []string{"COMPOSE_DISABLE_ENV_FILE=maybe"}})
	mustErr(t, err, "COMPOSE_DISABLE_ENV_FILE", "maybe")
}
