package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests set environment variables, so they do not run in parallel.

// configDir makes a docker config directory with currentContext set to current (if not "")
// and a context store holding contexts (name → host), and points DOCKER_CONFIG at it.
func configDir(t *testing.T, current string, contexts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if current != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"`+current+`"}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, host := range contexts {
		sum := sha256.Sum256([]byte(name))
		meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
		if err := os.MkdirAll(meta, 0o700); err != nil {
			t.Fatal(err)
		}
		doc := `{"Name":"` + name + `","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
		if err := os.WriteFile(filepath.Join(meta, "meta.json"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DOCKER_CONFIG", dir)
	return dir
}

func cleanEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_API_VERSION", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func mustResolve(t *testing.T, opts Options) Endpoint {
	t.Helper()
	ep, _, err := resolve(opts)
	if err != nil {
		t.Fatalf("resolve(%+v): %v", opts, err)
	}
	// New must accept what resolve found, without contacting anything.
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	defer e.Close()
	if e.Endpoint() != ep {
		t.Fatalf("New's endpoint %+v differs from resolve's %+v", e.Endpoint(), ep)
	}
	return ep
}

func TestResolveDockerHost(t *testing.T) {
	cleanEnv(t)
	configDir(t, "foo", map[string]string{"foo": "unix:///tmp/x.sock"})
	t.Setenv("DOCKER_HOST", "unix:///tmp/from-env.sock")
	if ep := mustResolve(t, Options{}); ep != (Endpoint{Host: "unix:///tmp/from-env.sock", Source: "DOCKER_HOST"}) {
		t.Errorf("got %+v, want DOCKER_HOST's socket", ep)
	}
	// DOCKER_HOST beats DOCKER_CONTEXT and the config file...
	t.Setenv("DOCKER_CONTEXT", "foo")
	if ep := mustResolve(t, Options{}); ep.Source != "DOCKER_HOST" {
		t.Errorf("with DOCKER_CONTEXT too: got %+v, want DOCKER_HOST", ep)
	}
	// ...but an explicit context beats DOCKER_HOST, as `docker --context` does...
	if ep := mustResolve(t, Options{Context: "foo"}); ep != (Endpoint{Host: "unix:///tmp/x.sock", Source: "context foo"}) {
		t.Errorf("explicit context: got %+v", ep)
	}
	// ...and an explicit host beats everything.
	if ep := mustResolve(t, Options{Host: "tcp://127.0.0.1:1", Context: "foo"}); ep != (Endpoint{Host: "tcp://127.0.0.1:1", Source: "flag"}) {
		t.Errorf("explicit host: got %+v", ep)
	}
}

func TestResolveCurrentContext(t *testing.T) {
	cleanEnv(t)
	configDir(t, "foo", map[string]string{"foo": "unix:///tmp/x.sock", "bar": "unix:///tmp/bar.sock"})
	if ep := mustResolve(t, Options{}); ep != (Endpoint{Host: "unix:///tmp/x.sock", Source: "context foo"}) {
		t.Errorf("currentContext: got %+v", ep)
	}
	t.Setenv("DOCKER_CONTEXT", "bar")
	if ep := mustResolve(t, Options{}); ep != (Endpoint{Host: "unix:///tmp/bar.sock", Source: "context bar"}) {
		t.Errorf("DOCKER_CONTEXT: got %+v", ep)
	}
	t.Setenv("DOCKER_CONTEXT", "default")
	if ep := mustResolve(t, Options{}); ep != (Endpoint{Host: DefaultHost, Source: "default"}) {
		t.Errorf("DOCKER_CONTEXT=default: got %+v", ep)
	}
}

func TestResolveConfigDirOption(t *testing.T) {
	cleanEnv(t)
	dir := configDir(t, "foo", map[string]string{"foo": "unix:///tmp/x.sock"})
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // empty: Options.ConfigDir must win
	if ep := mustResolve(t, Options{ConfigDir: dir}); ep.Source != "context foo" {
		t.Errorf("ConfigDir option: got %+v", ep)
	}
}

func TestResolveUnknownContext(t *testing.T) {
	cleanEnv(t)
	configDir(t, "nosuchctx", nil)
	_, _, err := resolve(Options{})
	if err == nil || !strings.Contains(err.Error(), `"nosuchctx"`) {
		t.Fatalf("resolve with an unknown current context: err = %v, want one naming it", err)
	}
	if _, err := New(Options{Context: "other-missing"}); err == nil || !strings.Contains(err.Error(), "other-missing") {
		t.Fatalf("New with an unknown context: err = %v, want one naming it", err)
	}
}

func TestResolveDefault(t *testing.T) {
	cleanEnv(t)
	configDir(t, "", nil)
	if ep := mustResolve(t, Options{}); ep != (Endpoint{Host: DefaultHost, Source: "default"}) {
		t.Errorf("no config: got %+v, want the default socket", ep)
	}
	// A config file without currentContext is the same.
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if err := os.WriteFile(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), []byte(`{"auths":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if ep := mustResolve(t, Options{}); ep.Source != "default" {
		t.Errorf("config without a context: got %+v", ep)
	}
}

func TestResolveSSHHost(t *testing.T) {
	cleanEnv(t)
	configDir(t, "", nil)
	t.Setenv("DOCKER_HOST", "ssh://someone@host.invalid")
	if ep := mustResolve(t, Options{}); ep != (Endpoint{Host: "ssh://someone@host.invalid", Source: "DOCKER_HOST"}) {
		t.Errorf("ssh DOCKER_HOST: got %+v", ep)
	}
	if ep := mustResolve(t, Options{Host: "ssh://host.invalid:2222"}); ep.Source != "flag" {
		t.Errorf("ssh flag: got %+v", ep)
	}
	if _, err := New(Options{Host: "ssh://"}); err == nil {
		t.Error("New with an ssh host without a host name should fail")
	}
}
