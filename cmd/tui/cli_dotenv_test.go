package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
)

// composeFixture copies testdata/compose/<name> to a temp directory.
func composeFixture(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("..", "..", "testdata", "compose", name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestConfigHashReadsDotEnv: `config --hash` of a pod file interpolated from pods/.env is the
// hash of the same file with the variables exported, which is what Compose computes.
func TestConfigHashReadsDotEnv(t *testing.T) {
	root := composeFixture(t, "dotenv")
	fromDotEnv, err := runCLI(t, "-w", root, "config", "--hash", "*")
	if err != nil {
		t.Fatalf("config --hash with pods/.env: %v\n%s", err, fromDotEnv)
	}
	withFile, err := runCLI(t, "-w", root, "--env-file", filepath.Join(root, "pods", ".env"), "config", "--hash", "*")
	if err != nil || withFile != fromDotEnv {
		t.Fatalf("--env-file pods/.env: %v\n%s\nwant\n%s", err, withFile, fromDotEnv)
	}
	if err := os.Remove(filepath.Join(root, "pods", ".env")); err != nil {
		t.Fatal(err)
	}
	for _, kv := range []string{"PLEX_IMAGE=busybox:latest", "PLEX_MODE=fast", "TZ_NAME=Europe/Paris",
		"SHELL_WINS=from-dotenv", "PLEX_PORT=32400", "PLEX_MEDIA_PATH=/srv/media"} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	exported, err := runCLI(t, "-w", root, "config", "--hash", "*")
	if err != nil || exported != fromDotEnv || !strings.HasPrefix(exported, "plex ") {
		t.Fatalf("exported: %v\n%s\nwant (from pods/.env)\n%s", err, exported, fromDotEnv)
	}
}

// TestUnsetVariablesWarnOnce: Compose's warning, on stderr, once per variable although two
// pods use PLEX_MEDIA_PATH; the pod it breaks names it in its error.
func TestUnsetVariablesWarnOnce(t *testing.T) {
	root := composeFixture(t, "unset")
	for _, k := range []string{"PLEX_MEDIA_PATH", "GREETING", "WEB_TAG", "COMPOSE_ENV_FILES"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs([]string{"-w", root, "config", "--hash", "web"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("config --hash web: %v\n%s", err, errOut.String())
	}
	want := "warning: The \"GREETING\" variable is not set. Defaulting to a blank string.\n" +
		"warning: The \"PLEX_MEDIA_PATH\" variable is not set. Defaulting to a blank string.\n"
	if errOut.String() != want || !strings.HasPrefix(out.String(), "web ") {
		t.Fatalf("stderr:\n%s\nwant:\n%s\nstdout:\n%s", errOut.String(), want, out.String())
	}
	_, err := runCLI(t, "-w", root, "config", "--hash", "plex")
	if err == nil || !strings.Contains(err.Error(), "the variable PLEX_MEDIA_PATH is not set, so it is an empty string") {
		t.Fatalf("config --hash plex: want the error to name PLEX_MEDIA_PATH, got %v", err)
	}
}

// TestProfileFlag: --profile (repeatable) and COMPOSE_PROFILES choose the services config
// --hash lists, as in Compose.
func TestProfileFlag(t *testing.T) {
	root := composeFixture(t, "profiles")
	t.Setenv("COMPOSE_PROFILES", "")
	names := func(out string) string {
		var n []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			n = append(n, strings.Fields(l)[0])
		}
		return strings.Join(n, ",")
	}
	out, err := runCLI(t, "-w", root, "config", "--hash", "*")
	if err != nil || names(out) != "web,worker" {
		t.Fatalf("no profile: %v\n%s", err, out)
	}
	out, err = runCLI(t, "-w", root, "--profile", "other", "--profile", "debug", "config", "--hash", "*")
	if err != nil || names(out) != "debug,web,worker" {
		t.Fatalf("--profile debug: %v\n%s", err, out)
	}
	t.Setenv("COMPOSE_PROFILES", "debug")
	out, err = runCLI(t, "-w", root, "config", "--hash", "*")
	if err != nil || names(out) != "debug,web,worker" {
		t.Fatalf("COMPOSE_PROFILES=debug: %v\n%s", err, out)
	}
}

// TestObsoleteVersionLineSilenced: compose-go's logrus line about version: is dropped, other
// logrus lines are kept, and `podium status` says it once per file in Podium's words.
func TestObsoleteVersionLineSilenced(t *testing.T) {
	h := enginetest.New(t)
	var logged bytes.Buffer
	logrus.SetOutput(withoutObsoleteVersion{w: &logged})
	t.Cleanup(func() { logrus.SetOutput(os.Stderr) })
	root := composeFixture(t, "dotenv")
	out, err := runCLI(t, "-w", root, "-p", "obsv"+h.Label()[len(h.Label())-6:], "status")
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	if strings.Contains(logged.String(), "obsolete") {
		t.Fatalf("compose-go's version: line was printed:\n%s", logged.String())
	}
	note := "note: " + pods.ObsoleteVersionNote("pods/media.yml")
	if strings.Count(out, note) != 1 {
		t.Fatalf("status: want %q once:\n%s", note, out)
	}
	if out, err = runCLI(t, "-w", root, "config", "--hash", "*"); err != nil || strings.Contains(out, "obsolete") {
		t.Fatalf("config --hash says it too: %v\n%s", err, out)
	}
	logrus.Warn("another compose-go warning")
	if !strings.Contains(logged.String(), "another compose-go warning") {
		t.Fatalf("other logrus lines must stay: %q", logged.String())
	}
}

// TestUpWithDotEnv: a pod interpolated from pods/.env runs on the engine with those values,
// and its container's config-hash label is what config --hash says.
func TestUpWithDotEnv(t *testing.T) {
	h := enginetest.New(t)
	ws := composeFixture(t, "dotenvup")
	project := "dotenv" + strings.ReplaceAll(h.Name("")[len("podium-t-"):], "-", "")
	t.Cleanup(func() { downWorkspace(t, h, ws, project) })
	podium := func(args ...string) (string, error) {
		return runCLI(t, append([]string{"-w", ws, "-p", project}, args...)...)
	}
	if out, err := podium("up", "--wait"); err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}
	out, err := podium("exec", "-T", "app", "sh", "-c", "echo greeting=$GREETING")
	if err != nil || !strings.Contains(out, "greeting=hello from .env") {
		t.Fatalf("exec: %v\n%s", err, out)
	}
	out, err = podium("config", "--hash", "app")
	if err != nil {
		t.Fatalf("config --hash: %v\n%s", err, out)
	}
	cs, err := h.Engine.List(h.Ctx(), docker.ListOptions{Labels: []string{docker.LabelComposeProject + "=" + project, docker.LabelComposeService + "=app"}})
	if err != nil || len(cs) != 1 || "app "+cs[0].Labels[docker.LabelComposeConfigHash] != strings.TrimSpace(out) {
		t.Fatalf("config --hash %q does not match the container's label (%v, %d containers)", out, err, len(cs))
	}
}
