package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// runCLI runs podium's root command in-process with args and returns what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestVersionReportsEngine(t *testing.T) {
	enginetest.New(t)
	out, err := runCLI(t, "version", "--json")
	if err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	var r versionReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("version --json is not JSON: %v\n%s", err, out)
	}
	if r.Server == nil || r.Server.Version == "" || r.API == "" || r.Client.Version != podiumVersion {
		t.Fatalf("incomplete version report: %+v", r)
	}
	text, err := runCLI(t, "version")
	if err != nil || !strings.Contains(text, "Negotiated API: "+r.API) || !strings.Contains(text, r.Server.Version) {
		t.Fatalf("version text: %v\n%s", err, text)
	}
}

func TestVersionUnreachableEngine(t *testing.T) {
	out, err := runCLI(t, "--host", "unix:///nonexistent/podium.sock", "version")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/podium.sock") {
		t.Fatalf("want an error naming the socket, got %v\n%s", err, out)
	}
}

func TestPsJSONListsLabelledContainer(t *testing.T) {
	h := enginetest.New(t)
	id := h.Run("ps", &container.Config{
		Cmd:    []string{"sleep", "300"},
		Labels: map[string]string{"com.docker.compose.project": "psproj", "com.docker.compose.service": "svc"},
	}, nil)
	out, err := runCLI(t, "ps", "--json", "-l", h.Label())
	if err != nil {
		t.Fatalf("ps: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("want exactly our container, got %d lines:\n%s", len(lines), out)
	}
	var row psRow
	if err := json.Unmarshal([]byte(lines[0]), &row); err != nil {
		t.Fatal(err)
	}
	if row.ID != id || row.Project != "psproj" || row.Service != "svc" || row.State != "running" || row.Name != h.Name("ps") {
		t.Fatalf("unexpected row: %+v", row)
	}
	table, err := runCLI(t, "ps", "-l", h.Label())
	if err != nil || !strings.Contains(table, "psproj") || !strings.Contains(table, h.Name("ps")) {
		t.Fatalf("ps table: %v\n%s", err, table)
	}
}

func TestTUINeedsATerminal(t *testing.T) {
	out, err := runCLI(t)
	if err == nil || !strings.Contains(err.Error(), "--help") {
		t.Fatalf("want an error pointing at --help without a terminal, got %v\n%s", err, out)
	}
}

func TestCompletion(t *testing.T) {
	out, err := runCLI(t, "completion", "bash")
	if err != nil || !strings.Contains(out, "podium") {
		t.Fatalf("completion bash: %v\n%.200s", err, out)
	}
}
