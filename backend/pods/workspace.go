// Package pods holds the workspace and its cage-style pods: podium.yml, pods/ with its targets,
// config/ (sources, secrets, hooks), src/ and the private .podium/ state. It is pure workspace
// logic: it reads and writes files and runs `git clone` and hook scripts, and never talks to
// Docker; backend/compose applies a loaded pod's project to the engine.
package pods

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"
)

// workspaceMarkers are the entries whose presence makes a directory a Podium workspace root.
const (
	markerPods      = "pods"
	markerSpecs     = "specs"
	markerPipelines = "pipelines"
	markerConfig    = "podium.yml"
)

// The workspace layout (DESIGN.md §1, cage's tree in originals.md §1.2).
const (
	podsDir         = "pods"
	targetsDir      = "targets"
	overridesDir    = "overrides" // conductor's name for targets/, still read
	configDir       = "config"
	srcDir          = "src"
	stateDir        = ".podium"
	cageStateDir    = ".cage" // cage's private dir: its mounted.yml is read when Podium has none yet
	commonEnvFile   = "common.env"
	podFileExt      = ".yml"
	metadataFileExt = ".metadata.yml"
	secretsFile     = "secrets.yml"
	sourcesFile     = "sources.yml"
	mountedFile     = "mounted.yml"
	hooksDir        = "hooks"
	hookExt         = ".hook"

	// DefaultTarget is the target used when neither --target nor podium.yml's default_target
	// names one. Like cage, a workspace must have it.
	DefaultTarget = "development"
	// TestTarget is the target whose compose project name gets the "test" suffix, so tests
	// never touch the development containers.
	TestTarget = "test"
)

// LoadOptions are the command-line choices that shape a load.
type LoadOptions struct {
	// ProjectName overrides the project name (-p); empty means podium.yml's name:, else the
	// root directory's base name.
	ProjectName string
	// Target selects the target (--target); empty means podium.yml's default_target, else
	// "development".
	Target string
	// DefaultTagsFile is --default-tags: one image:tag or image@digest per line, used for
	// untagged images.
	DefaultTagsFile string
	// Environ is the environment for $VAR interpolation and env file expansion, as KEY=VALUE;
	// nil means os.Environ(). Interpolation happens at every load and is never written back.
	Environ []string
	// EnvFiles are --env-file: the files whose variables interpolate the pod files, in place
	// of COMPOSE_ENV_FILES or pods/.env (relative to the current directory).
	EnvFiles []string
	// Profiles are --profile: the compose profiles whose services run; empty means
	// COMPOSE_PROFILES (from the environment or the project's .env), as in Compose.
	Profiles []string
}

// Workspace is a cage workspace loaded for one target: a snapshot of the files at load time.
// Loading never fails because of one broken pod file: that pod carries the error in Pod.Err
// and the others work. Clone, Mount and Unmount update Sources and .podium/mounted.yml but not
// the pods' projects: Reload for those. A Workspace is not safe for concurrent use while one
// of those three runs.
type Workspace struct {
	// Root is the absolute workspace root (the directory holding pods/).
	Root string
	// Name is the project name: -p, else podium.yml's name:, else Root's base name.
	Name string
	// ComposeName is the Compose project every pod shares, as cage computes it: Name (plus
	// "test" for the test target) lowercased with everything outside [a-z0-9] removed. Sharing
	// it puts all pods on the one network <ComposeName>_default.
	ComposeName string
	// Target is the selected target.
	Target string
	// Targets are the directories under pods/targets/ (or conductor's pods/overrides/), sorted.
	Targets []string
	// Pods are sorted placeholders first, then services, then tasks, each group by name: the
	// order `up` starts them in.
	Pods []*Pod
	// Sources are the source trees found in build contexts and config/sources.yml, by alias.
	Sources []*Source
	// Config is podium.yml (zero when there is none).
	Config Config
	// Warnings are problems that do not stop anything (an unset variable, a target file with no
	// base pod, a missing default tag), for the UI to show.
	Warnings []string

	opts       LoadOptions
	environ    []string
	interp     types.Mapping // environ plus the project's .env: what pod files interpolate with
	targetsRel string        // "pods/targets" or "pods/overrides", relative to Root
	secrets    secrets       // config/secrets.yml, so views can mask what came from it
}

// SecretKeys are the variables config/secrets.yml gives a service for the current target:
// their values are secrets whatever their names look like.
func (w *Workspace) SecretKeys(pod, service string) map[string]bool {
	out := map[string]bool{}
	for _, layer := range w.secrets.layers(w.Target, pod, service) {
		for k := range layer {
			out[k] = true
		}
	}
	return out
}

// NoPodsError says a directory has no pods/ directory, so there is no cage workspace to load.
// Callers that also handle specs/ or pipelines/ can tell it apart with errors.As.
type NoPodsError struct {
	Dir string
}

func (e *NoPodsError) Error() string {
	return fmt.Sprintf("no pods/ directory in %s: a workspace keeps its pods in pods/<pod>.yml (create one with `podium new NAME`)", e.Dir)
}

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

// Pod returns the pod called name, or nil.
func (w *Workspace) Pod(name string) *Pod {
	for _, p := range w.Pods {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// PodNames lists the pods in load order (placeholders, services, tasks).
func (w *Workspace) PodNames() []string {
	names := make([]string, len(w.Pods))
	for i, p := range w.Pods {
		names[i] = p.Name
	}
	return names
}

// Source returns the source with that alias, or an error that says how to list them.
func (w *Workspace) Source(alias string) (*Source, error) {
	for _, s := range w.Sources {
		if s.Alias == alias {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown source '%s' (try `podium source ls`)", alias)
}

// rel turns an absolute path under Root into the short form errors show ("pods/web.yml").
func (w *Workspace) rel(path string) string {
	return relTo(w.Root, path)
}

// relTo is rel for a root that may not be loaded yet.
func relTo(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !filepath.IsAbs(r) && r != ".." && !startsWithDotDot(r) {
		return filepath.ToSlash(r)
	}
	return path
}

func startsWithDotDot(p string) bool {
	return len(p) >= 3 && p[:3] == ".."+string(filepath.Separator)
}

// sortedKeys returns a map's keys in order, for stable output and messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
