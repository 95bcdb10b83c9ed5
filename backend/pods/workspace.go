// Package pods holds the workspace and its cage-style pods.
package pods

import (
	"fmt"
	"os"
	"path/filepath"
)

// workspaceMarkers are the entries whose presence makes a directory a Podium workspace root.
const (
	markerPods      = "pods"
	markerSpecs     = "specs"
	markerPipelines = "pipelines"
	markerConfig    = "podium.yml"
)

// FindWorkspace returns the nearest ancestor of start (start included) that holds pods/, specs/,
// pipelines/ or podium.yml. found is false when there is none; root is then start itself, made
// absolute, so a user outside any workspace still sees where Podium is looking.
func FindWorkspace(start string) (root string, found bool, err error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", false, fmt.Errorf("find workspace from %s: %w", start, err)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		for _, m := range []string{markerPods, markerSpecs, markerPipelines, markerConfig} {
			if _, err := os.Stat(filepath.Join(dir, m)); err == nil {
				return dir, true, nil
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			return abs, false, nil
		}
	}
}
