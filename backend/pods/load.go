package pods

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"golang.org/x/sync/errgroup"
)

// Load reads the workspace at root for one target: podium.yml, the targets, every pod (base
// merged with its target file by compose-go), environment layering, default tags, sources and
// which of them are mounted. Workspace-wide problems (no pods/, an unknown target, a bad
// podium.yml, common.env, secrets.yml or sources.yml, two sources with one alias) fail the
// load; a broken pod only sets that pod's Err.
func Load(ctx context.Context, root string, opts LoadOptions) (*Workspace, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("load workspace %s: %w", root, err)
	}
	if fi, err := os.Stat(filepath.Join(abs, podsDir)); err != nil || !fi.IsDir() {
		return nil, &NoPodsError{Dir: abs}
	}
	cfg, err := ReadConfig(abs)
	if err != nil {
		return nil, err
	}
	if err := checkCageVersion(abs); err != nil {
		return nil, err
	}
	w := &Workspace{Root: abs, Config: cfg, opts: opts, environ: opts.Environ}
	if w.environ == nil {
		w.environ = os.Environ()
	}
	if err := w.selectTarget(); err != nil {
		return nil, err
	}
	w.Name = opts.ProjectName
	if w.Name == "" {
		w.Name = cfg.Name
	}
	if w.Name == "" {
		w.Name = filepath.Base(abs)
	}
	w.ComposeName = ComposeProjectName(w.Name, w.Target)
	if w.ComposeName == "" {
		return nil, fmt.Errorf("project name %q has no letters or digits to make a compose project name from; pass -p NAME or set name: in %s", w.Name, markerConfig)
	}

	if w.interp, err = w.projectEnvironment(); err != nil {
		return nil, err
	}
	lookup := environLookup(w.environ)
	var layers envLayers
	commonPath := filepath.Join(abs, podsDir, commonEnvFile)
	if layers.common, err = readEnvFile(commonPath, w.rel(commonPath), lookup); err != nil {
		return nil, err
	}
	targetCommon := filepath.Join(abs, w.targetsRel, w.Target, commonEnvFile)
	if layers.targetCommon, err = readEnvFile(targetCommon, w.rel(targetCommon), lookup); err != nil {
		return nil, err
	}
	if layers.secrets, err = readSecrets(abs); err != nil {
		return nil, err
	}
	w.secrets = layers.secrets
	var tags *defaultTags
	if opts.DefaultTagsFile != "" {
		if tags, err = readDefaultTags(opts.DefaultTagsFile); err != nil {
			return nil, err
		}
	}
	mounted, err := readMounted(abs)
	if err != nil {
		return nil, err
	}

	names, err := w.findPods()
	if err != nil {
		return nil, err
	}
	raws := w.readRawFiles(names)
	set := newSourceSet(abs, mounted)
	if err := w.discoverSources(set, names, raws, w.interp.Resolve); err != nil {
		return nil, err
	}
	libs, err := readLibraries(abs)
	if err != nil {
		return nil, err
	}
	if err := set.addLibraries(libs); err != nil {
		return nil, err
	}

	w.Pods = make([]*Pod, len(names))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		g.Go(func() error {
			w.Pods[i] = w.loadPod(gctx, name, raws, layers, tags)
			return nil
		})
	}
	_ = g.Wait() // loadPod reports through Pod.Err, never here
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load workspace %s: %w", abs, err)
	}
	for _, p := range w.Pods {
		if p.Err == nil {
			w.applyMounts(p, set)
		}
	}
	w.Sources = set.sorted()
	sort.SliceStable(w.Pods, func(i, j int) bool {
		a, b := w.Pods[i], w.Pods[j]
		if a.Type.rank() != b.Type.rank() {
			return a.Type.rank() < b.Type.rank()
		}
		return a.Name < b.Name
	})
	w.checkRunOnInit()
	return w, nil
}

// Reload loads the workspace again with the same options, to pick up edited files or a
// changed mount.
func (w *Workspace) Reload(ctx context.Context) (*Workspace, error) {
	return Load(ctx, w.Root, w.opts)
}

// ComposeProjectName is cage's compose project name: the project name, plus "test" for the
// test target, lowercased with everything outside [a-z0-9] removed ("My-App" → "myapp",
// under the test target "myapptest").
func ComposeProjectName(name, target string) string {
	if target == TestTarget {
		name += TestTarget
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// selectTarget lists the targets and picks the current one. The default target
// (podium.yml's default_target, else development) must exist, as cage requires development.
func (w *Workspace) selectTarget() error {
	dirs := []string{filepath.Join(podsDir, targetsDir), filepath.Join(podsDir, overridesDir)}
	w.targetsRel = filepath.ToSlash(dirs[0])
	for i, d := range dirs {
		entries, err := os.ReadDir(filepath.Join(w.Root, d))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("list targets: %w", err)
		}
		if i == 1 && w.Targets != nil {
			w.Warnings = append(w.Warnings, "pods/overrides/ is ignored because pods/targets/ exists (overrides/ is conductor's old name for targets/)")
			break
		}
		w.targetsRel = filepath.ToSlash(d)
		w.Targets = []string{}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				w.Targets = append(w.Targets, e.Name())
			}
		}
	}
	sort.Strings(w.Targets)
	def, where := w.Config.DefaultTarget, " (default_target in "+markerConfig+")"
	if def == "" {
		def, where = DefaultTarget, ""
	}
	if !slices.Contains(w.Targets, def) {
		return fmt.Errorf("unknown target '%s'%s (%s); create %s/%s/", def, where, w.describeTargets(), w.targetsRel, def)
	}
	w.Target = w.opts.Target
	if w.Target == "" {
		w.Target = def
	}
	if !slices.Contains(w.Targets, w.Target) {
		return fmt.Errorf("unknown target '%s' (%s)", w.Target, w.describeTargets())
	}
	return nil
}

// describeTargets lists the targets for an error message.
func (w *Workspace) describeTargets() string {
	if len(w.Targets) == 0 {
		return "no targets: " + w.targetsRel + "/ has no directories"
	}
	return "targets: " + strings.Join(w.Targets, ", ")
}

// findPods lists the pods: pods/*.yml except metadata files, sorted. Target files and metadata
// files without a base pod are reported as warnings.
func (w *Workspace) findPods() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(w.Root, podsDir))
	if err != nil {
		return nil, fmt.Errorf("list pods: %w", err)
	}
	var names []string
	isPod := map[string]bool{}
	var metas []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.HasSuffix(n, podFileExt) {
			continue
		}
		if strings.HasSuffix(n, metadataFileExt) {
			metas = append(metas, strings.TrimSuffix(n, metadataFileExt))
			continue
		}
		name := strings.TrimSuffix(n, podFileExt)
		names = append(names, name)
		isPod[name] = true
	}
	for _, m := range metas {
		if !isPod[m] {
			w.Warnings = append(w.Warnings, fmt.Sprintf("%s/%s%s has no pod %s/%s%s; it is ignored", podsDir, m, metadataFileExt, podsDir, m, podFileExt))
		}
	}
	for _, t := range w.Targets {
		entries, err := os.ReadDir(filepath.Join(w.Root, w.targetsRel, t))
		if err != nil {
			return nil, fmt.Errorf("list target %s: %w", t, err)
		}
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() || !strings.HasSuffix(n, podFileExt) || strings.HasPrefix(n, ".") {
				continue
			}
			if name := strings.TrimSuffix(n, podFileExt); !isPod[name] {
				w.Warnings = append(w.Warnings, fmt.Sprintf("%s/%s/%s has no base pod %s/%s; it is ignored", w.targetsRel, t, n, podsDir, n))
			}
		}
	}
	return names, nil
}

// podFiles lists a pod's base file and every target's file that exists.
func (w *Workspace) podFiles(name string) []string {
	files := []string{filepath.Join(w.Root, podsDir, name+podFileExt)}
	for _, t := range w.Targets {
		f := filepath.Join(w.Root, w.targetsRel, t, name+podFileExt)
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
			files = append(files, f)
		}
	}
	return files
}

// readRawFiles reads every pod file of every target once, for source discovery and the
// target-adds-a-service check.
func (w *Workspace) readRawFiles(names []string) map[string]rawResult {
	raws := map[string]rawResult{}
	for _, name := range names {
		for _, f := range w.podFiles(name) {
			raws[f] = readRawFile(f, w.rel(f))
		}
	}
	return raws
}

// discoverSources finds the sources in every service's build context, in the base files and
// every target's files (cage §1.4), in a fixed order so messages are stable.
func (w *Workspace) discoverSources(set *sourceSet, names []string, raws map[string]rawResult, lookup func(string) (string, bool)) error {
	podsAbs := filepath.Join(w.Root, podsDir)
	for _, name := range names {
		for _, f := range w.podFiles(name) {
			r := raws[f]
			if r.err != nil {
				continue // the pod's load reports it
			}
			ctxs := r.file.contexts()
			for _, svc := range sortedKeys(ctxs) {
				raw := ctxs[svc]
				if v, err := template.SubstituteWithOptions(raw, template.Mapping(lookup), template.WithoutLogging); err == nil {
					raw = v
				}
				if _, err := set.add(parseBuildContext(raw, podsAbs), w.rel(f)+" service "+svc); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkRunOnInit warns about run_on_init entries whose first word names no service.
func (w *Workspace) checkRunOnInit() {
	for _, p := range w.Pods {
		for i, argv := range p.RunOnInit {
			// A service in a broken pod is found (with the pod's error): that is reported already.
			if target, _, err := w.LookupService(argv[0]); target == nil && err != nil {
				w.Warnings = append(w.Warnings, fmt.Sprintf("%s/%s%s: run_on_init[%d] runs in '%s': %v", podsDir, p.Name, metadataFileExt, i, argv[0], err))
			}
		}
	}
}
