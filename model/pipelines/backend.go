package pipelines

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pipeline"
)

// File is one pipelines/<name>.yml of the workspace; Err is its parse error.
type File struct {
	Name string
	Path string
	Err  error
}

// Backend is everything the Pipelines tab asks of the pipeline executor and its
// store. cmd/tui serves it from a pipeline.Workspace; tests use a fake.
type Backend interface {
	// Files are the workspace's pipeline files, sorted by name; broken ones carry their error.
	Files() []File
	// Runs are a pipeline's runs, newest first.
	Runs(name string) ([]pipeline.RunSummary, error)
	// Load reads a run as last saved.
	Load(name, id string) (*pipeline.Run, error)
	// Start runs a pipeline file and returns the new run's id.
	Start(ctx context.Context, name string) (runID string, err error)
	// Rerun resets a node (with its subtree) of a run and runs it again.
	Rerun(ctx context.Context, name, id, path string) error
	// Skip marks a node skipped or not.
	Skip(name, id, path string, skipped bool) error
	// Kill stops a run.
	Kill(name, id string) error
	// Modify changes a node of one run from its next attempt, as `podium pipeline modify`:
	// its command (unless empty) and the env variables given (the node's others are kept).
	// The pipeline file is untouched.
	Modify(name, id, path, command string, env map[string]string) error
	// Debug prepares a shell in a fresh container with the node's image, env and command.
	Debug(ctx context.Context, name, id, path string, live bool) (tea.ExecCommand, error)
	// Output delivers an attempt's output lines, following a live attempt until it ends.
	Output(ctx context.Context, name, id, path string, attempt int, fn func(pipeline.OutputLine)) error
	// Changed delivers the ids of runs that were saved. It coalesces: the producer never blocks.
	Changed() <-chan string
}
