package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
)

// removeSupervised removes the containers the workspace's supervisor (the TUI's in-process one,
// or `podium supervise`) created: they carry the label of its state file.
func removeSupervised(t *testing.T, h *enginetest.Harness, ws string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	state := filepath.Join(ws, workspaceStateDir, supervisorStateFile)
	sel := docker.LabelSupervisor + "=" + supervisorLabels(state, nil)[docker.LabelSupervisor]
	cs, err := h.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{sel}})
	if err != nil {
		t.Logf("cleanup: list %s: %v", sel, err)
	}
	for _, c := range cs {
		if err := h.Engine.Remove(ctx, c.ID, docker.RemoveOptions{Force: true}); err != nil {
			t.Logf("cleanup: remove %s: %v", c.Name, err)
		}
	}
}

// downWorkspace removes what a test's workspace left on the engine under project: its
// supervisor's containers, and in the default and the test target (where `podium test` runs)
// its pods' containers, networks and volumes.
func downWorkspace(t *testing.T, h *enginetest.Harness, ws, project string) {
	t.Helper()
	removeSupervised(t, h, ws)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, target := range []string{"", pods.TestTarget} {
		w, err := pods.Load(ctx, ws, pods.LoadOptions{ProjectName: project, Target: target})
		if err != nil {
			t.Logf("cleanup: load %s (target %q): %v", ws, target, err)
			continue
		}
		if err := (&pods.Runner{Engine: h.Engine, WS: w}).Down(ctx, nil, true, 0); err != nil {
			t.Logf("cleanup: down %s (target %q): %v", project, target, err)
		}
	}
}
