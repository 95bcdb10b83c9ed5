package pods

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/readlimit"
)

// Pod is one pods/<pod>.yml merged with its target file: a compose project of its own that
// shares the workspace's compose project name (and so its network) with the other pods.
type Pod struct {
	// Name is the file's stem.
	Name string
	// Type comes from the metadata's pod_type (default service).
	Type PodType
	// EnabledTargets are the targets the pod runs in (default: every target but test);
	// Enabled says whether the current target is one of them. Disabled pods are still loaded,
	// so `run` can use their services.
	EnabledTargets []string
	Enabled        bool
	// RunOnInit are the commands `up --init` runs once the pod is running: each is
	// [service, command...].
	RunOnInit [][]string
	// Scripts are the metadata's services.<service>.scripts.<name>: command lines by service,
	// then script name.
	Scripts map[string]map[string][][]string
	// Files are the absolute compose files used: the base, then the target file when the
	// target has one.
	Files []string
	// Project is the loaded pod: interpolated, paths absolute, environment layered, default
	// tags and mounts applied. Nil when Err is set.
	Project *types.Project
	// Err is why the pod could not be loaded; every command on the pod fails with it, while the
	// rest of the workspace works.
	Err error
	// Warnings are problems that did not stop the load (an unset variable, say).
	Warnings []string
	// UnsetVars are the variables the pod files use that neither the environment nor the
	// project's .env sets, sorted: Compose interpolates them as empty strings.
	UnsetVars []string
	// ObsoleteVersion are the pod's files (relative to the workspace) that still say version:,
	// which Compose ignores: compose-go's own line about it is silenced, Podium says it instead.
	ObsoleteVersion []string
	// HiddenServices are the services of the pod files that no active profile enables, sorted:
	// they are not part of Project.
	HiddenServices []string
	// Mounts maps a service to the aliases of the sources mounted into it.
	Mounts map[string][]string

	services []string       // from the raw files, so a broken pod's services can still be named
	exported *types.Project // Project before mounts: what `export` writes
}

// rawFile is the little of a compose file Podium reads itself: each service's build context,
// in every target (compose-go only sees the current one).
type rawFile struct {
	Version  yaml.Node `yaml:"version"` // obsolete in Compose: said once per file, in Podium's words
	Services map[string]struct {
		Build yaml.Node `yaml:"build"`
	} `yaml:"services"`
}

// rawResult is a raw read of one file: its content (what compose-go loads, so the file is
// read once and with the size limit) and the little Podium parses of it.
type rawResult struct {
	file    rawFile
	data    []byte
	readErr error // the file could not be read (data is nil)
	err     error // readErr, or the file is not YAML
}

// composeError is a compose-go load error reworded for the user (paths relative to the
// workspace, schema jargon explained); it unwraps to compose-go's own error.
type composeError struct {
	msg string
	err error
}

// varRecorder replaces compose-go's interpolation so that an unset variable becomes a pod
// warning instead of a logrus line printed over the terminal.
type varRecorder struct {
	mu      sync.Mutex
	missing map[string]bool
}

// ServiceNames lists the pod's services, sorted. For a pod that failed to load they come from
// a plain read of its files, so the pod's services can still be named (and report Err).
func (p *Pod) ServiceNames() []string {
	if p.Project != nil {
		return p.Project.ServiceNames()
	}
	return slices.Clone(p.services)
}

// Service returns one service of the pod.
func (p *Pod) Service(name string) (types.ServiceConfig, error) {
	if p.Err != nil {
		return types.ServiceConfig{}, p.Err
	}
	svc, ok := p.Project.Services[name]
	if !ok {
		return types.ServiceConfig{}, fmt.Errorf("pod '%s' has no service '%s' (services: %s)", p.Name, name, strings.Join(p.ServiceNames(), ", "))
	}
	return svc, nil
}

func (e *composeError) Error() string { return e.msg }
func (e *composeError) Unwrap() error { return e.err }

// describeComposeError shortens absolute paths under the workspace and says what compose-go's
// "x.y false schema" (a key the compose schema does not allow) means.
func (w *Workspace) describeComposeError(err error) string {
	msg := strings.ReplaceAll(err.Error(), w.Root+string(filepath.Separator), "")
	if rest, ok := strings.CutSuffix(msg, " false schema"); ok {
		i := strings.LastIndexAny(rest, " ")
		msg = rest[:i+1] + "unknown key " + rest[i+1:] + " (not in the compose specification)"
	}
	return msg
}

// readRawFile reads a compose file (with the workspace's size limit) and parses it just far
// enough to list services and build contexts.
func readRawFile(path, rel string) rawResult {
	data, err := readFile(path, rel)
	if err != nil {
		if !readlimit.IsTooLarge(err) {
			err = fmt.Errorf("read %s: %w", rel, err)
		}
		return rawResult{readErr: err, err: err}
	}
	var f rawFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return rawResult{data: data, err: err}
	}
	return rawResult{file: f, data: data}
}

// names lists a raw file's services, sorted.
func (f rawFile) names() []string {
	return sortedKeys(f.Services)
}

// contexts maps each service with a build: to its context as written (a bare string or
// build.context; compose's default "." when only a dockerfile is given).
func (f rawFile) contexts() map[string]string {
	out := map[string]string{}
	for name, svc := range f.Services {
		b := svc.Build
		switch b.Kind {
		case yaml.ScalarNode:
			if b.Tag != "!!null" && b.Value != "" {
				out[name] = b.Value
			}
		case yaml.MappingNode:
			ctx := "."
			for i := 0; i+1 < len(b.Content); i += 2 {
				if b.Content[i].Value == "context" && b.Content[i+1].Kind == yaml.ScalarNode {
					ctx = b.Content[i+1].Value
				}
			}
			out[name] = ctx
		}
	}
	return out
}

// substitute is compose-go's interpolation without its logging, noting unset variables.
func (r *varRecorder) substitute(s string, m template.Mapping) (string, error) {
	return template.SubstituteWithOptions(s, m, template.WithoutLogging, template.WithReplacementFunction(r.replace))
}

func (r *varRecorder) replace(sub string, m template.Mapping, cfg *template.Config) (string, error) {
	v, applied, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
	if err == nil && !applied {
		name := strings.TrimLeft(sub, "${")
		if i := strings.IndexFunc(name, func(c rune) bool {
			return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
		}); i >= 0 {
			name = name[:i]
		}
		r.mu.Lock()
		if r.missing == nil {
			r.missing = map[string]bool{}
		}
		r.missing[name] = true
		r.mu.Unlock()
	}
	return v, err
}

// loadPod loads one pod for the current target. It never fails: problems land in Pod.Err.
func (w *Workspace) loadPod(ctx context.Context, name string, raws map[string]rawResult, layers envLayers, tags *defaultTags) *Pod {
	p := &Pod{Name: name, Type: PodService, Mounts: map[string][]string{}}
	base := filepath.Join(w.Root, podsDir, name+podFileExt)
	p.Files = []string{base}
	targetFile := filepath.Join(w.Root, w.targetsRel, w.Target, name+podFileExt)
	if fi, err := os.Stat(targetFile); err == nil && !fi.IsDir() {
		p.Files = append(p.Files, targetFile)
	}
	var errs []error

	mdPath := filepath.Join(w.Root, podsDir, name+metadataFileExt)
	md, err := readMetadata(mdPath, w.rel(mdPath))
	if err != nil {
		errs = append(errs, err)
	}
	p.Type = md.PodType
	if p.Type == "" {
		p.Type = PodService
	}
	p.EnabledTargets = md.enabledTargets(w.Targets)
	p.Enabled = slices.Contains(p.EnabledTargets, w.Target)
	p.RunOnInit = md.RunOnInit
	p.Scripts = md.scripts()
	for _, t := range p.EnabledTargets {
		if !slices.Contains(w.Targets, t) {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: enable_in_targets names '%s', which is not a target (targets: %s)", w.rel(mdPath), t, strings.Join(w.Targets, ", ")))
		}
	}

	rawBase := raws[base]
	if rawBase.err == nil {
		p.services = rawBase.file.names()
	}
	// Every target's file is checked, not only the current target's: cage refused a project
	// any of whose target files adds a service, so a bad production file shows in development.
	for _, f := range w.podFiles(name)[1:] {
		if rt := raws[f]; rt.err == nil && rawBase.err == nil {
			var extra []string
			for _, s := range rt.file.names() {
				if _, ok := rawBase.file.Services[s]; !ok {
					extra = append(extra, s)
				}
			}
			if len(extra) > 0 {
				errs = append(errs, fmt.Errorf("services [%s] present in %s but not in %s; a target file may only change services its base pod defines",
					strings.Join(extra, ", "), w.rel(f), w.rel(base)))
			}
		}
	}

	for _, f := range p.Files {
		if err := raws[f].readErr; err != nil {
			errs = append(errs, err)
		}
		if raws[f].err == nil && raws[f].file.Version.Kind != 0 {
			p.ObsoleteVersion = append(p.ObsoleteVersion, w.rel(f))
			p.Warnings = append(p.Warnings, ObsoleteVersionNote(w.rel(f)))
		}
	}
	if len(errs) == 0 {
		project, missing, err := w.composeLoad(ctx, p.Files, raws)
		p.UnsetVars = missing
		if err != nil {
			rels := make([]string, len(p.Files))
			for i, f := range p.Files {
				rels[i] = w.rel(f)
			}
			msg := strings.Join(rels, " + ") + ": " + w.describeComposeError(err)
			if len(missing) > 0 {
				msg += " (" + unsetNames(missing) + " an empty string)"
			}
			errs = append(errs, &composeError{msg: msg, err: err})
		} else {
			p.Project = project
			for _, v := range missing {
				p.Warnings = append(p.Warnings, fmt.Sprintf("pod %s: the variable %s is not set; it defaults to an empty string", name, v))
			}
			for _, svc := range sortedKeys(project.DisabledServices) {
				p.HiddenServices = append(p.HiddenServices, svc)
				p.Warnings = append(p.Warnings, fmt.Sprintf("pod %s: service %s is hidden: its profiles (%s) are not active (--profile or %s)",
					name, svc, strings.Join(project.DisabledServices[svc].Profiles, ", "), composeProfilesVar))
			}
			for _, svc := range sortedKeys(md.Services) {
				if _, hidden := project.DisabledServices[svc]; hidden {
					continue
				}
				if _, ok := project.Services[svc]; !ok {
					errs = append(errs, fmt.Errorf("%s: services.%s: pod %s has no service '%s' (services: %s)",
						w.rel(mdPath), svc, name, svc, strings.Join(project.ServiceNames(), ", ")))
				}
			}
		}
	}
	if len(errs) > 0 {
		p.Project = nil
		p.Err = fmt.Errorf("load pod %s: %w", name, errors.Join(errs...))
		return p
	}

	for _, sname := range p.Project.ServiceNames() {
		svc := p.Project.Services[sname]
		layers.layerEnvironment(w.Target, name, &svc)
		if tags != nil {
			if warn := tags.apply(&svc); warn != "" {
				p.Warnings = append(p.Warnings, fmt.Sprintf("service %s/%s: %s", name, sname, warn))
			}
		}
		p.Project.Services[sname] = svc
	}
	exported, err := p.Project.WithServicesTransform(func(_ string, s types.ServiceConfig) (types.ServiceConfig, error) {
		return s, nil
	})
	if err != nil {
		p.Project, p.Err = nil, fmt.Errorf("load pod %s: copy project: %w", name, err)
		return p
	}
	p.exported = exported
	return p
}

// composeLoad loads compose files with compose-go: the override merge of the base and target
// files, relative paths resolved against pods/ (as cage does), $VARs interpolated from the
// workspace's environment and env_file (and label_file) contents folded in. compose-go is
// handed the files' content as read (with the size limit) in raws, and the env and label
// files are read with the limit before compose-go reads them, so no file it opens can be
// endless. It returns the variables that were unset.
func (w *Workspace) composeLoad(ctx context.Context, files []string, raws map[string]rawResult) (*types.Project, []string, error) {
	rec := &varRecorder{}
	environment := maps.Clone(w.interp) // compose-go writes to it, and pods load in parallel
	if environment == nil {
		environment = types.Mapping{}
	}
	details := types.ConfigDetails{
		WorkingDir:  filepath.Join(w.Root, podsDir),
		Environment: environment,
	}
	seen := map[string]bool{}
	for _, f := range files {
		details.ConfigFiles = append(details.ConfigFiles, types.ConfigFile{Filename: f, Content: raws[f].data})
		if err := w.checkReferencedFiles(details.WorkingDir, raws[f].data, seen, 0); err != nil {
			return nil, nil, err
		}
	}
	project, err := loader.LoadWithContext(ctx, details, func(o *loader.Options) {
		o.SetProjectName(w.ComposeName, true)
		o.SkipInterpolation = false
		o.ResolvePaths = true
		o.SkipResolveEnvironment = true // below, once the files are known to be small
		o.SkipResolveLabels = true
		o.Profiles = w.profiles()
		if o.Interpolate != nil {
			o.Interpolate.Substitute = rec.substitute
		}
	}, loader.WithDiscardEnvFiles)
	if err != nil {
		return nil, sortedKeys(rec.missing), err // the unset variables may be why it failed
	}
	if err := w.checkMappingFiles(project); err != nil {
		return nil, nil, err
	}
	if err := applyDefaultPlatform(project, w.interp[defaultPlatformVar]); err != nil {
		return nil, nil, err
	}
	if project, err = project.WithServicesEnvironmentResolved(true); err != nil {
		return nil, nil, err
	}
	if project, err = project.WithServicesLabelsResolved(false); err != nil {
		return nil, nil, err
	}
	project.ComposeFiles = slices.Clone(files)
	return project, sortedKeys(rec.missing), nil
}

// checkMappingFiles reads every env_file and label_file of the project's services with the
// size limit, so that compose-go, which opens them itself, only ever reads small files.
func (w *Workspace) checkMappingFiles(p *types.Project) error {
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		paths := slices.Clone(s.LabelFiles)
		for _, ef := range s.EnvFiles {
			paths = append(paths, ef.Path)
		}
		for _, path := range paths {
			_, err := readFile(path, w.rel(path))
			if readlimit.IsTooLarge(err) {
				return fmt.Errorf("service %s: %w", name, err)
			}
		}
	}
	return nil
}

// unsetNames names unset variables for an error: "the variable X", "the variables X, Y".
func unsetNames(vars []string) string {
	if len(vars) == 1 {
		return "the variable " + vars[0] + " is not set, so it is"
	}
	return "the variables " + strings.Join(vars, ", ") + " are not set, so they are"
}

// ObsoleteVersionNote says, in Podium's words, that a file's version: does nothing.
func ObsoleteVersionNote(rel string) string {
	return rel + ": version: is obsolete in Compose files and ignored (Podium and Compose read the file the same without it); it can be removed"
}
