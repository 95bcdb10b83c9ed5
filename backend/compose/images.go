package compose

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// PullServices pulls, in parallel, the images of the named services (all when empty) that name
// an image: or have no build: section. A service that both builds and names its image gets the
// shared image pulled, as cage did (build only what you work on). Each image is pulled once;
// the error names every service that failed.
func PullServices(ctx context.Context, e *docker.Engine, p *types.Project, services []string, progress Progress) error {
	sel, err := selectServices(p, services, false)
	if err != nil {
		return err
	}
	byImage := map[string][]string{}
	for _, n := range sortedKeys(sel) {
		s := p.Services[n]
		if s.Build == nil || s.Image != "" {
			img := ServiceImage(p, s)
			byImage[img] = append(byImage[img], n)
		}
	}
	r := newReporter(progress)
	return forEach(sortedKeys(byImage), func(img string) error {
		names := byImage[img]
		return pullImage(ctx, e, r, strings.Join(names, ","), img)
	})
}

// BuildServices builds, in parallel, the image of every named service (all when empty) that
// has a build: section, tagged with ServiceImage and build.tags, through the engine's classic
// builder.
func BuildServices(ctx context.Context, e *docker.Engine, p *types.Project, services []string, progress Progress) error {
	sel, err := selectServices(p, services, false)
	if err != nil {
		return err
	}
	var names []string
	for _, n := range sortedKeys(sel) {
		if p.Services[n].Build != nil {
			names = append(names, n)
		}
	}
	r := newReporter(progress)
	return forEach(names, func(n string) error {
		_, err := buildService(ctx, e, r, p, p.Services[n])
		return err
	})
}

func pullImage(ctx context.Context, e *docker.Engine, r *reporter, service, img string) error {
	r.emit(service, img, ActionPulling)
	if err := e.Pull(ctx, img, func(pr docker.Progress) {
		// Layer byte counts would flood the caller; status changes are what a person reads.
		if pr.Total == 0 && pr.Status != "" {
			r.send(Event{Service: service, Container: img, Action: ActionOutput, Detail: strings.TrimSpace(pr.ID + " " + pr.Status)})
		}
	}); err != nil {
		err = fmt.Errorf("service %s: %w", service, err)
		r.fail(service, img, err)
		return err
	}
	r.emit(service, img, ActionPulled)
	return nil
}

func buildService(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, s types.ServiceConfig) (string, error) {
	img := ServiceImage(p, s)
	spec, err := buildSpec(p, s)
	if err != nil {
		err = fmt.Errorf("build image %s for service %s: %w", img, s.Name, err)
		r.fail(s.Name, img, err)
		return "", err
	}
	r.emit(s.Name, img, ActionBuilding)
	id, err := e.Build(ctx, spec, func(pr docker.Progress) {
		if line := strings.TrimRight(pr.Status, " \r\n"); line != "" {
			r.send(Event{Service: s.Name, Container: img, Action: ActionOutput, Detail: line})
		}
	})
	if err != nil {
		err = fmt.Errorf("service %s: %w", s.Name, err)
		r.fail(s.Name, img, err)
		return "", err
	}
	r.emit(s.Name, img, ActionBuilt)
	return id, nil
}

// buildSpec maps build: to the classic builder's options; what only BuildKit offers is refused.
func buildSpec(p *types.Project, s types.ServiceConfig) (docker.BuildSpec, error) {
	b := s.Build
	var bad []string
	add := func(cond bool, key string) {
		if cond {
			bad = append(bad, "build."+key)
		}
	}
	add(b.DockerfileInline != "", "dockerfile_inline")
	add(len(b.SSH) > 0, "ssh")
	add(len(b.Secrets) > 0, "secrets")
	add(len(b.AdditionalContexts) > 0, "additional_contexts")
	add(len(b.CacheTo) > 0, "cache_to")
	add(len(b.Platforms) > 1, "platforms")
	add(strings.Contains(b.Context, "://") || strings.HasPrefix(b.Context, "git@"), "context (remote contexts)")
	if len(bad) > 0 {
		return docker.BuildSpec{}, fmt.Errorf("unsupported with the engine's classic builder: %s", strings.Join(bad, ", "))
	}
	dir := b.Context
	if dir == "" {
		dir = "."
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.WorkingDir, dir)
	}
	dockerfile := b.Dockerfile
	if filepath.IsAbs(dockerfile) {
		rel, err := filepath.Rel(dir, dockerfile)
		if err != nil || strings.HasPrefix(rel, "..") {
			return docker.BuildSpec{}, fmt.Errorf("dockerfile %s is outside the build context %s", dockerfile, dir)
		}
		dockerfile = filepath.ToSlash(rel)
	}
	args := map[string]string{}
	for k, v := range b.Args {
		if v != nil {
			args[k] = *v
		} else if val, ok := p.Environment[k]; ok {
			args[k] = val
		}
	}
	tags := []string{ServiceImage(p, s)}
	for _, t := range b.Tags {
		if t != tags[0] {
			tags = append(tags, t)
		}
	}
	return docker.BuildSpec{ContextDir: dir, Dockerfile: dockerfile, Tags: tags, BuildArgs: args,
		Labels: b.Labels, Target: b.Target, NoCache: b.NoCache}, nil
}

// ensureImages makes every selected service's image present before anything is changed, and
// returns each service's image id: built when build is asked for, pulled when missing (or when
// pull_policy is always); a missing image that must be built, or may not be pulled, is an error
// that says what to do.
func ensureImages(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, names []string, build bool) (map[string]string, error) {
	var mu sync.Mutex
	ids := map[string]string{}
	err := forEach(names, func(n string) error {
		s := p.Services[n]
		id, err := ensureImage(ctx, e, r, p, s, build)
		if err != nil {
			return err
		}
		mu.Lock()
		ids[n] = id
		mu.Unlock()
		return nil
	})
	return ids, err
}

func ensureImage(ctx context.Context, e *docker.Engine, r *reporter, p *types.Project, s types.ServiceConfig, build bool) (string, error) {
	img := ServiceImage(p, s)
	if build && s.Build != nil {
		return buildService(ctx, e, r, p, s)
	}
	policy, _, err := s.GetPullPolicy()
	if err != nil {
		return "", fmt.Errorf("service %s: %w", s.Name, err)
	}
	present, err := e.ImageExists(ctx, img)
	if err != nil {
		return "", fmt.Errorf("service %s: %w", s.Name, err)
	}
	switch {
	case present && (policy != types.PullPolicyAlways || s.Build != nil):
	case s.Build != nil:
		return "", fmt.Errorf("service %s: image %s is not built yet: build it first (podium build %s)", s.Name, img, s.Name)
	case !present && policy == types.PullPolicyNever:
		return "", fmt.Errorf("service %s: image %s is not present locally and pull_policy is never", s.Name, img)
	default:
		if err := pullImage(ctx, e, r, s.Name, img); err != nil {
			return "", err
		}
	}
	id, err := e.ImageID(ctx, img)
	if err != nil {
		return "", fmt.Errorf("service %s: %w", s.Name, err)
	}
	return id, nil
}

// forEach runs fn for every item in parallel and joins the errors of all that failed; unlike an
// errgroup with a context, one failure does not cancel the others, so every error is reported.
func forEach(items []string, fn func(string) error) error {
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Go(func() { errs[i] = fn(it) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
