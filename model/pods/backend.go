package pods

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/pods"
)

// Backend is everything the Pods tab asks of the workspace and the engine. Container state
// comes from the live index (Backend.Snapshot) matched with Workspace.State, so this interface
// only loads the workspace and acts. The real one is in backend/pods' adapter; tests use a fake.
type Backend interface {
	// Load reads the workspace from disk anew (pod files may have changed since the last load).
	// A broken pod file is not an error here: that pod carries it in Pod.Err.
	Load(ctx context.Context) (*pods.Workspace, error)
	// Up, Stop and Restart act on a whole pod (service "") or on one service of it.
	Up(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	Stop(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	Restart(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	// Remove removes a pod's or a service's containers, running ones too (the user was asked);
	// volumes are kept.
	Remove(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	// Build builds the images of the services (of a pod, or one) that have a build: section.
	Build(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	// Pull runs the pull hooks, then pulls the images of a pod or a service.
	Pull(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	// Down removes every container of the project (whether or not a pod file still names its
	// service) and the project's networks; volumes stay.
	Down(ctx context.Context, ws *pods.Workspace, progress func(compose.Event)) error
	// RemoveOrphans removes a pod's containers whose service is no longer in its files: those
	// of service, or all of them with service "". What apply does for an orphan.
	RemoveOrphans(ctx context.Context, ws *pods.Workspace, pod, service string, progress func(compose.Event)) error
	// Shell, Exec, Test and Run prepare commands that take over the terminal through tea.Exec:
	// a shell in the service's first container (its io.fdy.cage.shell), a command in it, the
	// service's test command in a fresh test-target container (removed afterwards), and a
	// one-off container of the service running cmd (removed afterwards).
	Shell(ctx context.Context, ws *pods.Workspace, pod, service string) (tea.ExecCommand, error)
	Exec(ctx context.Context, ws *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error)
	Test(ctx context.Context, ws *pods.Workspace, pod, service string) (tea.ExecCommand, error)
	Run(ctx context.Context, ws *pods.Workspace, pod, service string, cmd []string) (tea.ExecCommand, error)
	// RunScript prepares the script name of a pod's services (service "") or of one service,
	// as `podium run-script` runs it, for tea.Exec.
	RunScript(ctx context.Context, ws *pods.Workspace, pod, service, name string) (tea.ExecCommand, error)
	// Mount and Unmount save which source trees are mounted (.podium/mounted.yml), as `podium
	// source mount/unmount` do; Mount clones a git source that is not cloned yet. They work on
	// a fresh load, so the workspace the tab shows is never changed under it: Load again to
	// see the mounts (the services built from them drift). Their errors name the sources.
	Mount(ctx context.Context, aliases []string) error
	Unmount(ctx context.Context, aliases []string) error
}
