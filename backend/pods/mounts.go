package pods

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/atomicfile"
)

// mountedKeys is the hint shown next to a bad entry in mounted.yml.
const mountedKeys = "<alias>: true"

// readMounted reads which sources the user mounted (.podium/mounted.yml, {alias: true}). A
// workspace cage used and Podium has not yet written keeps cage's .cage/mounted.yml choices.
func readMounted(root string) (map[string]bool, error) {
	m := map[string]bool{}
	for _, dir := range []string{stateDir, cageStateDir} {
		rel := dir + "/" + mountedFile
		found, err := readStrict(filepath.Join(root, dir, mountedFile), rel, &m, mountedKeys)
		if err != nil {
			return nil, fmt.Errorf("%w (delete %s to forget which sources are mounted)", err, rel)
		}
		if found {
			break
		}
	}
	return m, nil
}

// updateMounted rewrites .podium/mounted.yml with change applied, atomically (temp file then
// rename), so a crash never leaves half a file. Aliases it does not touch are kept, even ones
// this load does not know (their pod may be broken right now).
func updateMounted(root string, change map[string]bool) error {
	m, err := readMounted(root)
	if err != nil {
		return err
	}
	for alias, on := range change {
		if on {
			m[alias] = true
		} else {
			delete(m, alias)
		}
	}
	data, err := yaml.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s/%s: %w", stateDir, mountedFile, err)
	}
	if len(m) == 0 {
		data = []byte("{}\n")
	}
	if err := atomicfile.IgnoredDir(filepath.Join(root, stateDir)); err != nil {
		return fmt.Errorf("write %s/%s: %w", stateDir, mountedFile, err)
	}
	return atomicfile.Write(filepath.Join(root, stateDir, mountedFile), data, 0o600)
}

// Clone makes a git source available locally with `git clone [-b branch] <url> src/<alias>`,
// and marks it mounted (as cage does). Of a source already present it only says so, leaving
// its mounted state as it was, as cage did. Reload the workspace for the pods to see a mount.
func (w *Workspace) Clone(ctx context.Context, alias string, out io.Writer) error {
	src, err := w.Source(alias)
	if err != nil {
		return err
	}
	if out == nil {
		out = io.Discard
	}
	if src.Available {
		fmt.Fprintf(out, "'%s' is already available locally\n", alias)
		return nil
	}
	if err := w.fetch(ctx, src, out); err != nil {
		return err
	}
	src.Mounted = true
	return updateMounted(w.Root, map[string]bool{alias: true})
}

// Mount marks sources mounted (all of them with all), cloning any git source not yet
// available, and saves the choice. Reload the workspace for the pods to see it.
func (w *Workspace) Mount(ctx context.Context, out io.Writer, all bool, aliases ...string) error {
	srcs, err := w.selectSources("mount", all, aliases)
	if err != nil {
		return err
	}
	if out == nil {
		out = io.Discard
	}
	done := map[string]bool{}
	var ferr error
	for _, src := range srcs {
		if !src.Available {
			if ferr = w.fetch(ctx, src, out); ferr != nil {
				break
			}
		}
		src.Mounted = true
		done[src.Alias] = true
	}
	if err := updateMounted(w.Root, done); err != nil {
		return errors.Join(ferr, err)
	}
	return ferr
}

// Unmount marks sources unmounted (all of them with all) and saves the choice; the trees stay
// on disk.
func (w *Workspace) Unmount(all bool, aliases ...string) error {
	srcs, err := w.selectSources("unmount", all, aliases)
	if err != nil {
		return err
	}
	change := map[string]bool{}
	for _, src := range srcs {
		src.Mounted = false
		change[src.Alias] = false
	}
	return updateMounted(w.Root, change)
}

// selectSources resolves the aliases a source command names.
func (w *Workspace) selectSources(verb string, all bool, aliases []string) ([]*Source, error) {
	switch {
	case all && len(aliases) > 0:
		return nil, fmt.Errorf("%s: name sources or use --all, not both", verb)
	case all:
		return w.Sources, nil
	case len(aliases) == 0:
		return nil, fmt.Errorf("%s: name a source (see `podium source ls`) or use --all", verb)
	}
	out := make([]*Source, 0, len(aliases))
	for _, a := range aliases {
		src, err := w.Source(a)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

// fetch clones a git source into src/<alias>. It clones into a temporary directory next to it
// and renames it into place, so an interrupted clone never looks like an available source.
func (w *Workspace) fetch(ctx context.Context, src *Source, out io.Writer) error {
	if src.Local {
		return fmt.Errorf("source '%s' is the local directory %s, which does not exist; create it or fix the build context that names it", src.Alias, src.LocalPath)
	}
	parent := filepath.Dir(src.LocalPath)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("clone %s: %w", src.Alias, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+src.Alias+".clone-")
	if err != nil {
		return fmt.Errorf("clone %s: %w", src.Alias, err)
	}
	args := []string{"clone"}
	if src.Branch != "" {
		args = append(args, "-b", src.Branch)
	}
	args = append(args, "--", src.Context, tmp)
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = w.Root
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(append([]string{}, w.environ...), "GIT_TERMINAL_PROMPT=0")
	if err := cmd.Run(); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("clone source '%s': git %s: %w", src.Alias, strings.Join(args[:len(args)-1], " "), err)
	}
	if err := os.Rename(tmp, src.LocalPath); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("clone source '%s': move into %s: %w", src.Alias, w.rel(src.LocalPath), err)
	}
	src.Available = true
	return nil
}

// applyMounts wires sources into a loaded pod. A service built from a mounted, available
// source gets <tree>/<subdir> bind-mounted at its io.fdy.cage.srcdir (default /app) and its
// build context pointed at the local tree; this holds for every service built from that tree,
// and for local-directory contexts too (cage's #73 claimed those were mounted but added no
// volume). A service with io.fdy.cage.lib.<KEY> gets that library mounted at the label's path.
func (w *Workspace) applyMounts(p *Pod, set *sourceSet) {
	podsAbs := filepath.Join(w.Root, podsDir)
	for _, name := range p.Project.ServiceNames() {
		svc := p.Project.Services[name]
		where := p.Name + "/" + name
		if svc.Build != nil && svc.Build.Context != "" {
			c := parseBuildContext(svc.Build.Context, podsAbs)
			src := set.lookup(c)
			if src == nil {
				// A context the raw scan did not see (extends:, include:): still a source.
				var err error
				if src, err = set.add(c, w.rel(p.Files[0])+" service "+name); err != nil {
					p.Warnings = append(p.Warnings, err.Error())
				}
			}
			if src != nil {
				src.Subdirs[where] = c.subdir
				if src.Mounted && src.Available {
					host := src.LocalPath
					if c.subdir != "" {
						host = filepath.Join(host, filepath.FromSlash(c.subdir))
					}
					addBind(&svc, host, SrcDir(svc))
					if c.git {
						b := *svc.Build
						b.Context = host
						svc.Build = &b
					}
					p.Mounts[name] = append(p.Mounts[name], src.Alias)
				}
			}
		}
		for _, label := range sortedKeys(svc.Labels) {
			key, ok := strings.CutPrefix(label, LabelLibPrefix)
			if !ok {
				continue
			}
			lib := set.libSource(key)
			if lib == nil {
				p.Warnings = append(p.Warnings, fmt.Sprintf("service %s: label %s names no library '%s' in %s/%s", where, label, key, configDir, sourcesFile))
				continue
			}
			if lib.Mounted && lib.Available {
				addBind(&svc, lib.LocalPath, svc.Labels[label])
				p.Mounts[name] = append(p.Mounts[name], lib.Alias)
			}
		}
		sort.Strings(p.Mounts[name])
		p.Project.Services[name] = svc
	}
}

// markAvailable sets Mounted and Available for one source found late.
func (s *Source) markAvailable(mounted map[string]bool) {
	s.Mounted = mounted[s.Alias]
	if fi, err := os.Stat(s.LocalPath); err == nil && fi.IsDir() {
		s.Available = true
	}
}

// addBind bind-mounts host at target, replacing any volume the service had there: the user
// asked for the mount, and Compose refuses two mounts on one path.
func addBind(svc *types.ServiceConfig, host, target string) {
	vols := svc.Volumes[:0:0]
	for _, v := range svc.Volumes {
		if v.Target != target {
			vols = append(vols, v)
		}
	}
	svc.Volumes = append(vols, types.ServiceVolumeConfig{
		Type:   types.VolumeTypeBind,
		Source: host,
		Target: target,
		Bind:   &types.ServiceVolumeBind{CreateHostPath: true},
	})
}
