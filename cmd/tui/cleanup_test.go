package main

import (
	"context"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker/enginetest"
	"github.com/podiumdev/podium/backend/pods"
)

// downWorkspace removes what a test's workspace left on the engine under project, in the
// default and the test target (where `podium test` runs): containers, networks, volumes.
func downWorkspace(t *testing.T, h *enginetest.Harness, ws, project string) {
	t.Helper()
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
