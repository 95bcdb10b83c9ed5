package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/keymap"
)

// badKeymap has three problems, on lines 3, 5 and 6.
const badKeymap = `keys:
  containers:
    stpo: S
    restart: R
    stop: "ctrl+"
  nowhere: {}
`

// writeKeymap writes text to dir/rel, making its directories, and returns its path.
func writeKeymap(t *testing.T, dir, rel, text string) string {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, text)
	return path
}

func TestKeysCheck(t *testing.T) {
	dir := t.TempDir()
	good := writeKeymap(t, dir, "good.yml", "keys:\n  containers:\n    stop: S\n    remove: []\n")
	out, err := runCLI(t, "keys", "--check", good)
	if err != nil || strings.TrimSpace(out) != "ok" {
		t.Fatalf("good file: %v\n%s", err, out)
	}

	bad := writeKeymap(t, dir, "bad.yml", badKeymap)
	out, err = runCLI(t, "keys", "--check", bad)
	if !errors.Is(err, docker.ExitError{Code: keymapInvalid}) {
		t.Fatalf("bad file: want exit status %d, got %v\n%s", keymapInvalid, err, out)
	}
	for _, want := range []string{bad + `:3: unknown action "stpo"`, bad + `:5: stop in containers: key "ctrl+"`, bad + `:6: unknown context "nowhere"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ok") {
		t.Errorf("a bad file printed ok:\n%s", out)
	}

	missing := filepath.Join(dir, "missing.yml")
	if out, err := runCLI(t, "keys", "--check", missing); err == nil || !strings.Contains(out, missing) {
		t.Fatalf("a named file that is missing: want an error naming it, got %v\n%s", err, out)
	}

	// Without a file it checks the user's config, which need not exist.
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if out, err := runCLI(t, "keys", "--check"); err != nil || !strings.HasPrefix(out, "ok") {
		t.Fatalf("no config file: %v\n%s", err, out)
	}
}

func TestKeysPrintsTheEffectiveBindings(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	writeKeymap(t, cfg, "podium/config.yml", "keys:\n  containers:\n    stop: S\n    remove: []\n")
	out, err := runCLI(t, "keys")
	if err != nil {
		t.Fatalf("keys: %v\n%s", err, out)
	}
	containers := out[strings.Index(out, "\n  containers:"):]
	containers = containers[:strings.Index(containers, "\n  pipelines:")]
	for _, re := range []string{`\n    stop: +\["S"\] +# stop the container`, `\n    remove: +\[\] +#`, `\n    restart: +\["r"\]`} {
		if !regexp.MustCompile(re).MatchString(containers) {
			t.Errorf("containers section does not match %s:\n%s", re, containers)
		}
	}
	if !regexp.MustCompile(`\n    stop: +\["s"\]`).MatchString(out) {
		t.Errorf("pods' stop should keep s:\n%s", out)
	}

	// What it prints is a config file giving the same keymap.
	printed := writeKeymap(t, t.TempDir(), "printed.yml", out)
	if check, err := runCLI(t, "keys", "--check", printed); err != nil || strings.TrimSpace(check) != "ok" {
		t.Fatalf("printed keymap does not check: %v\n%s", err, check)
	}
	want, err := keymap.Load(filepath.Join(cfg, "podium", "config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := keymap.Load(printed)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range keymap.Contexts() {
		for _, b := range want.Bindings[c] {
			if keys := got.Keys(c, b.Action); !reflect.DeepEqual(keys, b.Keys) && len(keys)+len(b.Keys) > 0 {
				t.Errorf("%s in %s: printed %v, effective %v", b.Action, c, keys, b.Keys)
			}
		}
	}

	// A bad config is refused here too.
	writeKeymap(t, cfg, "podium/config.yml", badKeymap)
	if out, err := runCLI(t, "keys"); !errors.Is(err, docker.ExitError{Code: keymapInvalid}) || !strings.Contains(out, "config.yml:6:") {
		t.Fatalf("keys with a bad config: %v\n%s", err, out)
	}
}

// TestTUIRefusesABadKeymap runs the binary on a terminal with a bad config: it must print the
// problems to stderr and exit 2 without ever switching to the TUI's alternate screen.
func TestTUIRefusesABadKeymap(t *testing.T) {
	bin := buildBinary(t)
	cfg := t.TempDir()
	path := writeKeymap(t, cfg, "podium/config.yml", badKeymap)

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pty: %v", err)
	}
	defer ptmx.Close()
	// The deadline only ends a TUI that wrongly started; nothing is asserted about time.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--workspace", t.TempDir())
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+cfg, "XDG_STATE_HOME="+t.TempDir(), "TERM=xterm-256color")
	var stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen := readScreen(ptmx, cancel)
	err = cmd.Wait()

	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != keymapInvalid {
		t.Fatalf("want exit status %d, got %v\nstderr:\n%s", keymapInvalid, err, stderr.String())
	}
	for _, want := range []string{"not starting", path + ":3:", path + ":5:", path + ":6:"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if bytes.Contains(screen, []byte(altScreen)) {
		t.Errorf("the TUI opened its screen before refusing:\n%q", screen)
	}
}

// altScreen is what a terminal program writes to switch to the alternate screen, as the TUI does.
const altScreen = "\x1b[?1049h"

// readScreen reads what the program wrote to the terminal until it has gone (the pty then
// reads EIO). Should the TUI open its screen, stop ends it at once rather than at the deadline.
func readScreen(ptmx io.Reader, stop func()) []byte {
	var screen []byte
	buf := make([]byte, 4096)
	for {
		n, err := ptmx.Read(buf)
		screen = append(screen, buf[:n]...)
		if bytes.Contains(screen, []byte(altScreen)) {
			stop()
		}
		if err != nil {
			return screen
		}
	}
}

// TestTUIUsesTheUserKeymap runs the binary in tmux with quit moved from q to Q: the footer and
// the help show Q, q no longer quits, and Q does.
func TestTUIUsesTheUserKeymap(t *testing.T) {
	enginetest.New(t)
	bin := buildBinary(t)
	cfg := t.TempDir()
	writeKeymap(t, cfg, "podium/config.yml", "keys:\n  global:\n    quit: [Q, ctrl+c]\n")
	env := []string{"XDG_CONFIG_HOME=" + cfg, "XDG_STATE_HOME=" + t.TempDir(), "TERM=xterm-256color"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	s := startTmux(t, 120, 40, env, bin, "--workspace", t.TempDir())
	s.waitText("Q quit", 20*time.Second)

	// q is typed before ?, so once the help shows, q has been handled and did not quit.
	s.keys("q", "?")
	s.waitText("Q/ctrl+c", 10*time.Second)
	s.keys("Escape")
	s.waitFor("help closed", 10*time.Second, func(sc string) bool { return !strings.Contains(sc, "Q/ctrl+c") })

	s.keys("Q")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for s.alive() {
		select {
		case <-ctx.Done():
			t.Fatalf("podium did not quit on Q; screen:\n%s", s.capture())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
