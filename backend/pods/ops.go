package pods

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
)

// Runner applies the workspace's commands to one engine. Each command loads nothing: the
// caller loads the workspace (so $VAR interpolation happens at command time) and hands it here.
type Runner struct {
	Engine *docker.Engine
	WS     *Workspace
	// Progress receives every step of up, stop, build, pull…; nil discards them.
	Progress compose.Progress
	// Labels are added to every container, network and volume the runner creates, besides
	// Compose's and Podium's own (tests mark what they made).
	Labels map[string]string
	// Awaiter follows the containers up and start wait on: the process's container index
	// when it has one (the TUI), so no wait opens an events stream of its own. Nil: Engine.
	Awaiter docker.Awaiter
}

// UpOptions shape Up.
type UpOptions struct {
	// Init runs each whole pod's run_on_init entries once its services are running.
	Init bool
	// Wait waits until every started service is running (and healthy, when it has a check).
	Wait bool
	// Out receives the output of run_on_init commands, and with Init the progress lines
	// "waiting for pod P to be running" and "initializing pod P".
	Out io.Writer
}

// Up brings the named pods or services up (default: every enabled pod but tasks), placeholders
// first. A placeholder pod is waited for (running, and healthy when it has a check) before the
// service pods start, which cage never did. A service whose image is missing and that builds
// from a local directory is built first; a git build context is never built implicitly (cage
// issue 69). A pod that fails does not stop the others, but with Init the first failure stops
// up before the next pod, as cage. Nothing running is stopped.
func (r *Runner) Up(ctx context.Context, names []string, opts UpOptions) error {
	sel, err := r.WS.Select(names, ScopeNoTasks)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range sel {
		if err := r.upOne(ctx, s, opts); err != nil {
			if opts.Init {
				// As cage: initialization is ordered (the next pod's init may need this
				// one's), so the first failure stops up before the next pod.
				return err
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Runner) upOne(ctx context.Context, s Selected, opts UpOptions) error {
	p := s.Pod
	if p.Err != nil {
		return fmt.Errorf("up %s: %w", p.Name, p.Err)
	}
	if err := r.buildMissing(ctx, p, s.Services); err != nil {
		return fmt.Errorf("up %s: %w", p.Name, err)
	}
	var orphans []docker.Container
	if s.Whole() {
		// As `docker compose up --remove-orphans`: a whole pod brought up is what its files
		// say, so the containers of services no longer in them go.
		var err error
		if orphans, err = r.orphans(ctx, p, ""); err != nil {
			return fmt.Errorf("up %s: %w", p.Name, err)
		}
	}
	if opts.Init && s.Whole() && len(p.RunOnInit) > 0 && opts.Out != nil {
		fmt.Fprintf(opts.Out, "waiting for pod %s to be running\n", p.Name)
	}
	err := compose.Up(ctx, r.Engine, p.Project, compose.UpOptions{
		Orphans:        orphans,
		Services:       s.Services,
		ExtraLabels:    r.labels(p),
		ResourceLabels: r.Labels,
		Progress:       r.Progress,
		Wait:           opts.Wait || opts.Init || p.Type == PodPlaceholder,
		Awaiter:        r.Awaiter,
	})
	if err != nil {
		return fmt.Errorf("up %s: %w", s.Describe(), err)
	}
	if !opts.Init || !s.Whole() {
		return nil
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	if len(p.RunOnInit) > 0 {
		fmt.Fprintf(out, "initializing pod %s\n", p.Name)
	}
	for _, entry := range p.RunOnInit {
		if len(entry) == 0 {
			continue
		}
		cmd := r.OneOff(ctx, entry[0], RunOptions{Cmd: entry[1:], Remove: true})
		cmd.SetStdout(out)
		cmd.SetStderr(out)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("initialize pod %s: run_on_init %s: %w", p.Name, strings.Join(entry, " "), err)
		}
	}
	return nil
}

// buildMissing builds the images of the selected services that are missing and that build
// from a local directory.
func (r *Runner) buildMissing(ctx context.Context, p *Pod, services []string) error {
	names := services
	if names == nil {
		names = p.Project.ServiceNames()
	}
	var build []string
	for _, n := range names {
		svc := p.Project.Services[n]
		if svc.Build == nil || isRemoteContext(svc.Build.Context) {
			continue
		}
		ok, err := r.Engine.ImageExists(ctx, compose.ServiceImage(p.Project, svc))
		if err != nil {
			return err
		}
		if !ok {
			build = append(build, n)
		}
	}
	if len(build) == 0 {
		return nil
	}
	return compose.BuildServices(ctx, r.Engine, p.Project, build, r.Progress)
}

func isRemoteContext(ctx string) bool {
	return strings.Contains(ctx, "://") || strings.HasPrefix(ctx, "git@")
}

func (r *Runner) labels(p *Pod) func(string) map[string]string {
	l := r.podLabels(p)
	return func(string) map[string]string { return l }
}

// podLabels are Podium's labels for a pod's containers plus the runner's own.
func (r *Runner) podLabels(p *Pod) map[string]string {
	l := r.WS.PodLabels(p.Name)
	for k, v := range r.Labels {
		l[k] = v
	}
	return l
}

// Stop stops the named pods or services (default: every enabled pod but tasks), service pods
// before the placeholders they may need. timeout < 0 uses each container's own.
func (r *Runner) Stop(ctx context.Context, names []string, timeout time.Duration) error {
	return r.eachReverse(names, ScopeNoTasks, "stop", func(s Selected) error {
		return compose.Stop(ctx, r.Engine, s.Pod.Project, s.Services, timeout, r.Progress)
	})
}

// Start starts the named pods' existing containers (default: every enabled pod but tasks).
func (r *Runner) Start(ctx context.Context, names []string) error {
	return r.each(names, ScopeNoTasks, "start", func(s Selected) error {
		return compose.Start(ctx, r.Engine, r.Awaiter, s.Pod.Project, s.Services, r.Progress)
	})
}

// Restart restarts the named pods or services (default: every enabled pod but tasks).
func (r *Runner) Restart(ctx context.Context, names []string, timeout time.Duration) error {
	return r.each(names, ScopeNoTasks, "restart", func(s Selected) error {
		return compose.Restart(ctx, r.Engine, s.Pod.Project, s.Services, timeout, r.Progress)
	})
}

// Remove removes the stopped containers of the named pods (default: all enabled, tasks
// included); force removes running ones too, volumes their anonymous volumes.
func (r *Runner) Remove(ctx context.Context, names []string, force, volumes bool) error {
	return r.eachReverse(names, ScopeRemove, "rm", func(s Selected) error {
		return compose.Remove(ctx, r.Engine, s.Pod.Project, s.Services, force, volumes, r.Progress)
	})
}

// Down stops and removes the named pods' containers (default: every pod), and the project's
// networks once no pod uses them; volumes also removes the named volumes. A whole pod's
// orphans (containers of services no longer in its files) go too, and a named pod whose file
// is broken loses every container its label names (and the unused networks). With no names, every
// container of the compose project in the target goes, whether or not a loaded pod names it
// (a pod whose file is broken or gone), and then every network made for the project.
func (r *Runner) Down(ctx context.Context, names []string, volumes bool, timeout time.Duration) error {
	var to *time.Duration
	if timeout >= 0 {
		to = &timeout
	}
	sel, err := r.WS.Select(names, ScopeRemove)
	if err != nil {
		return err
	}
	if err := r.downStrays(ctx, sel, len(names) == 0, timeout, volumes); err != nil {
		return fmt.Errorf("down: %w", err)
	}
	var errs []error
	broken := false
	for i := len(sel) - 1; i >= 0; i-- {
		s := sel[i]
		if s.Pod.Err != nil {
			broken = true
			continue // its containers went with the strays: down needs no file
		}
		err := compose.Down(ctx, r.Engine, s.Pod.Project, compose.DownOptions{Services: s.Services, Volumes: volumes, RemoveNetworks: true, Timeout: to, Progress: r.Progress})
		if err != nil {
			errs = append(errs, fmt.Errorf("down %s: %w", s.Describe(), err))
		}
	}
	if (len(names) == 0 || broken) && len(errs) == 0 {
		// Whatever networks the pods made that no container uses now, a broken pod's too.
		if err := compose.RemoveUnusedNetworks(ctx, r.Engine, r.WS.ComposeName, r.Progress); err != nil {
			errs = append(errs, fmt.Errorf("down: %w", err))
		}
	}
	return errors.Join(errs...)
}

// downStrays removes, before down takes the pods' services down, the containers no loaded
// pod's service names: a whole selected pod's orphans, or with all every such container of
// the project (a broken or deleted pod's too).
func (r *Runner) downStrays(ctx context.Context, sel []Selected, all bool, timeout time.Duration, volumes bool) error {
	cs, err := r.projectContainers(ctx)
	if err != nil {
		return err
	}
	whole := map[string]*Pod{}
	for _, s := range sel {
		if s.Whole() {
			whole[s.Pod.Name] = s.Pod
		}
	}
	var strays []docker.Container
	for _, c := range cs {
		name := containerPod(c)
		svc := c.Labels[docker.LabelComposeService]
		p, selected := whole[name]
		switch {
		case selected && p.Err == nil:
			if p.orphanService(svc) {
				strays = append(strays, c)
			}
		case selected:
			strays = append(strays, c) // a broken pod's: all of them, by its label
		case all && !r.WS.namesService(name, svc):
			strays = append(strays, c)
		}
	}
	return compose.RemoveContainers(ctx, r.Engine, strays, timeout, volumes, r.Progress)
}

// namesService says a loaded pod has the service a container's labels name: pod's own, or,
// for a container without Podium's pod label (made by Compose from an exported file), any
// loaded pod's.
func (w *Workspace) namesService(pod, svc string) bool {
	for _, p := range w.Pods {
		if p.Project == nil || (pod != "" && p.Name != pod) {
			continue
		}
		if _, ok := p.Project.Services[svc]; ok {
			return true
		}
	}
	return false
}

// Build builds the images of the named pods' services that have a build: section.
func (r *Runner) Build(ctx context.Context, names []string) error {
	return r.each(names, ScopeAll, "build", func(s Selected) error {
		return compose.BuildServices(ctx, r.Engine, s.Pod.Project, s.Services, r.Progress)
	})
}

// PullResult is how one pod's pull went.
type PullResult struct {
	Pod string
	Err error
}

// Pull runs the pull hooks, then pulls the images of the named pods in parallel (default: all
// enabled pods). It returns one result per pod, in pod order, and an error when any failed.
func (r *Runner) Pull(ctx context.Context, names []string, hookOut io.Writer) ([]PullResult, error) {
	sel, err := r.WS.Select(names, ScopeAll)
	if err != nil {
		return nil, err
	}
	if err := r.WS.RunHooks(ctx, "pull", hookOut, hookOut); err != nil {
		return nil, err
	}
	res := make([]PullResult, len(sel))
	var wg sync.WaitGroup
	for i, s := range sel {
		res[i].Pod = s.Describe()
		if s.Pod.Err != nil {
			res[i].Err = s.Pod.Err
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i].Err = compose.PullServices(ctx, r.Engine, s.Pod.Project, s.Services, r.Progress)
		}()
	}
	wg.Wait()
	n := 0
	for _, x := range res {
		if x.Err != nil {
			n++
		}
	}
	if n > 0 {
		return res, fmt.Errorf("%d pull(s) failed", n)
	}
	return res, nil
}

// each runs fn for every selected pod in start order; a pod's failure is reported with the
// others' results.
func (r *Runner) each(names []string, scope Scope, verb string, fn func(Selected) error) error {
	sel, err := r.WS.Select(names, scope)
	if err != nil {
		return err
	}
	return runAll(sel, verb, fn)
}

// eachReverse is each in stop order: tasks, services, then placeholders.
func (r *Runner) eachReverse(names []string, scope Scope, verb string, fn func(Selected) error) error {
	sel, err := r.WS.Select(names, scope)
	if err != nil {
		return err
	}
	for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
		sel[i], sel[j] = sel[j], sel[i]
	}
	return runAll(sel, verb, fn)
}

func runAll(sel []Selected, verb string, fn func(Selected) error) error {
	var errs []error
	for _, s := range sel {
		if s.Pod.Err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", verb, s.Pod.Name, s.Pod.Err))
			continue
		}
		if err := fn(s); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", verb, s.Describe(), err))
		}
	}
	return errors.Join(errs...)
}

// RemoveOrphans stops and removes the containers of pod that carry its labels but whose
// service is no longer in its files: those of service, or every orphan with service "".
// Naming a service the files still have is an error: it has no orphans.
func (r *Runner) RemoveOrphans(ctx context.Context, pod, service string) error {
	p := r.WS.Pod(pod)
	if p == nil {
		return fmt.Errorf("remove orphans: no pod '%s' (pods: %s)", pod, strings.Join(r.WS.PodNames(), ", "))
	}
	if p.Err != nil {
		return fmt.Errorf("remove orphans of %s: %w", pod, p.Err)
	}
	if service != "" && !p.orphanService(service) {
		return fmt.Errorf("remove orphans: %s/%s is in the pod's files, not an orphan", pod, service)
	}
	if err := r.removeOrphans(ctx, p, service); err != nil {
		return fmt.Errorf("remove orphans of %s: %w", pod, err)
	}
	return nil
}

// removeOrphans removes the loaded pod p's orphan containers (of service, or all with "").
func (r *Runner) removeOrphans(ctx context.Context, p *Pod, service string) error {
	orphans, err := r.orphans(ctx, p, service)
	if err != nil {
		return err
	}
	return compose.RemoveContainers(ctx, r.Engine, orphans, -1, false, r.Progress)
}

// orphans lists the loaded pod p's containers whose service left its files (those of
// service, or all with "").
func (r *Runner) orphans(ctx context.Context, p *Pod, service string) ([]docker.Container, error) {
	cs, err := r.podContainers(ctx, p.Name)
	if err != nil {
		return nil, err
	}
	var out []docker.Container
	for _, c := range cs {
		svc := c.Labels[docker.LabelComposeService]
		if p.orphanService(svc) && (service == "" || svc == service) {
			out = append(out, c)
		}
	}
	return out, nil
}

// podContainers lists the containers labelled with pod (one-offs included) in the target.
func (r *Runner) podContainers(ctx context.Context, pod string) ([]docker.Container, error) {
	cs, err := r.projectContainers(ctx)
	if err != nil {
		return nil, err
	}
	var out []docker.Container
	for _, c := range cs {
		if containerPod(c) == pod {
			out = append(out, c)
		}
	}
	return out, nil
}

// projectContainers lists every container of the workspace's compose project in its target.
func (r *Runner) projectContainers(ctx context.Context) ([]docker.Container, error) {
	cs, err := r.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + r.WS.ComposeName}})
	if err != nil {
		return nil, fmt.Errorf("containers of project %s: %w", r.WS.ComposeName, err)
	}
	out := cs[:0]
	for _, c := range cs {
		if r.WS.owns(c) {
			out = append(out, c)
		}
	}
	return out, nil
}
