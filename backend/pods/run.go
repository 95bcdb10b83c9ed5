package pods

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
)

// RunOptions shape a one-off container (`podium run`, `test`, run_on_init, run-script).
type RunOptions struct {
	Cmd        []string // nil: the service's command
	Entrypoint []string // nil: the service's entrypoint
	Env        []string // K=V
	User       string
	Detach     bool // start it and return its id, as `run -d`
	Remove     bool // remove it when it ends, whatever the outcome
	NoTTY      bool // never give it a terminal, even when stdin is one
	NoDeps     bool // do not start the services it depends on (in its pod) first

	afterRun func(id string) error // called once the attached container has ended, before removal
}

// TestOptions shape `podium test`.
type TestOptions struct {
	NoTTY bool // never give it a terminal
	// ExportOutput copies ./test_output of the test's container (relative to its working
	// directory) to the workspace's test_output afterwards, whatever the test's outcome; an
	// existing test_output is refused before the test runs.
	ExportOutput bool
}

// Command is something that runs with the caller's streams and may take over the terminal:
// it has the method set of Bubble Tea's tea.ExecCommand, and the CLI calls it directly.
type Command struct {
	run            func(stdin io.Reader, stdout, stderr io.Writer) error
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (c *Command) SetStdin(r io.Reader)  { c.stdin = r }
func (c *Command) SetStdout(w io.Writer) { c.stdout = w }
func (c *Command) SetStderr(w io.Writer) { c.stderr = w }

// Run runs the command; a non-zero exit is docker.ExitError.
func (c *Command) Run() error {
	out, errw := c.stdout, c.stderr
	if out == nil {
		out = io.Discard
	}
	if errw == nil {
		errw = io.Discard
	}
	return c.run(c.stdin, out, errw)
}

// isTerminal reports whether r is a terminal the command may take over.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// OneOff prepares a one-off container of service (pod/service or a unique name), as `docker
// compose run`: created when the command runs, with a terminal when stdin is one, removed
// afterwards with Remove whatever happened. A pod not enabled in the target can still be run,
// as cage allowed.
func (r *Runner) OneOff(ctx context.Context, service string, opts RunOptions) *Command {
	return &Command{run: func(stdin io.Reader, stdout, stderr io.Writer) error {
		p, svc, err := r.WS.LookupService(service)
		if err != nil {
			return err
		}
		return r.runOneOff(ctx, p, svc, opts, stdin, stdout, stderr)
	}}
}

func (r *Runner) runOneOff(ctx context.Context, p *Pod, svc string, opts RunOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	tty := !opts.Detach && !opts.NoTTY && isTerminal(stdin)
	env := opts.Env
	if tty {
		// A container's TERM is fixed at creation: give it the user's, so line editing works.
		t := os.Getenv("TERM")
		if t == "" {
			t = "xterm-256color"
		}
		env = append([]string{"TERM=" + t}, env...)
	}
	if !opts.NoDeps {
		// As `docker compose run`: the services it depends on (in its pod) come up first.
		if deps := dependencies(p, svc); len(deps) > 0 {
			err := compose.Up(ctx, r.Engine, p.Project, compose.UpOptions{
				Services: deps, ExtraLabels: r.labels(p), ResourceLabels: r.Labels,
				Progress: r.Progress, Awaiter: r.Awaiter,
			})
			if err != nil {
				return fmt.Errorf("run %s/%s: start its dependencies %s: %w", p.Name, svc, strings.Join(deps, ", "), err)
			}
		}
	}
	id, err := compose.CreateOneOff(ctx, r.Engine, p.Project, svc, compose.OneOffOptions{
		Cmd: opts.Cmd, Entrypoint: opts.Entrypoint, Env: env, User: opts.User,
		Interactive: !opts.Detach && stdin != nil, TTY: tty,
		ExtraLabels: r.podLabels(p), ResourceLabels: r.Labels, Progress: r.Progress,
	})
	if err != nil {
		return fmt.Errorf("run %s/%s: %w", p.Name, svc, err)
	}
	if opts.Detach {
		if err := r.Engine.Start(ctx, id); err != nil {
			_ = r.Engine.Remove(context.WithoutCancel(ctx), id, docker.RemoveOptions{Force: true})
			return fmt.Errorf("run %s/%s: %w", p.Name, svc, err)
		}
		fmt.Fprintln(stdout, id)
		return nil
	}
	if opts.Remove {
		// The test's container goes whatever the outcome: cage leaked it when the test failed.
		defer func() {
			_ = r.Engine.Remove(context.WithoutCancel(ctx), id, docker.RemoveOptions{Force: true, Volumes: true})
		}()
	}
	run := r.Engine.Attached(ctx, id)
	run.SetStdin(stdin)
	run.SetStdout(stdout)
	run.SetStderr(stderr)
	err = run.Run()
	if opts.afterRun != nil {
		if aerr := opts.afterRun(id); aerr != nil {
			return errors.Join(err, aerr)
		}
	}
	return err
}

// dependencies lists the services svc's depends_on names, sorted.
func dependencies(p *Pod, svc string) []string {
	var deps []string
	for d := range p.Project.Services[svc].DependsOn {
		deps = append(deps, d)
	}
	sort.Strings(deps)
	return deps
}

// Test prepares `podium test SERVICE [CMD...]`: a one-off container of the service running
// its io.fdy.cage.test command (or cmd), removed whatever the outcome, its exit code passed
// through. The workspace should be loaded in the test target.
func (r *Runner) Test(ctx context.Context, service string, cmd []string, topts TestOptions) *Command {
	return &Command{run: func(stdin io.Reader, stdout, stderr io.Writer) error {
		p, svc, err := r.WS.LookupService(service)
		if err != nil {
			return err
		}
		if len(cmd) == 0 {
			if cmd, err = TestCommand(p.Name, p.Project.Services[svc]); err != nil {
				return err
			}
		}
		if len(p.Mounts[svc]) == 0 {
			fmt.Fprintf(stderr, "podium: no source code mounted into %s/%s (podium source mount ALIAS)\n", p.Name, svc)
		}
		opts := RunOptions{Cmd: cmd, Remove: true, NoTTY: topts.NoTTY, NoDeps: true}
		if topts.ExportOutput {
			dest, err := r.checkTestOutputFree()
			if err != nil {
				return err
			}
			opts.afterRun = func(id string) error { return r.copyTestOutput(ctx, id, dest) }
		}
		return r.runOneOff(ctx, p, svc, opts, stdin, stdout, stderr)
	}}
}

// ExecOptions shape `podium exec`.
type ExecOptions struct {
	User       string
	Privileged bool
	Detach     bool
	NoTTY      bool
	Env        []string
}

// Exec prepares a command in the service's first running container, with a terminal when
// stdin is one (unless NoTTY).
func (r *Runner) Exec(ctx context.Context, service string, cmd []string, opts ExecOptions) *Command {
	return &Command{run: func(stdin io.Reader, stdout, stderr io.Writer) error {
		p, svc, err := r.WS.LookupService(service)
		if err != nil {
			return err
		}
		id, err := r.runningContainer(ctx, p, svc)
		if err != nil {
			return err
		}
		eo := docker.ExecOptions{Cmd: cmd, User: opts.User, Privileged: opts.Privileged, Env: opts.Env}
		if opts.Detach {
			return r.Engine.ExecDetached(ctx, id, eo)
		}
		if opts.NoTTY && stdin != nil {
			stdin = struct{ io.Reader }{stdin} // not a file: the exec gets no terminal
		}
		x := r.Engine.Interactive(ctx, id, docker.InteractiveOptions{Cmd: cmd, User: opts.User, Privileged: opts.Privileged, Env: opts.Env})
		x.SetStdin(stdin)
		x.SetStdout(stdout)
		x.SetStderr(stderr)
		return x.Run()
	}}
}

// Shell prepares a shell (the service's io.fdy.cage.shell, default sh) in its first running
// container. A shell needs a terminal and cannot be detached.
func (r *Runner) Shell(ctx context.Context, service string, opts ExecOptions) (*Command, error) {
	if opts.Detach {
		return nil, fmt.Errorf("can't run a shell in detached mode")
	}
	if opts.NoTTY {
		return nil, fmt.Errorf("can't run a shell without a TTY")
	}
	p, svc, err := r.WS.LookupService(service)
	if err != nil {
		return nil, err
	}
	return r.Exec(ctx, p.Name+"/"+svc, []string{Shell(p.Project.Services[svc])}, opts), nil
}

// runningContainer finds the service's first running container.
func (r *Runner) runningContainer(ctx context.Context, p *Pod, svc string) (string, error) {
	cs, err := r.Engine.List(ctx, docker.ListOptions{Labels: []string{
		docker.LabelComposeProject + "=" + r.WS.ComposeName,
		docker.LabelComposeService + "=" + svc,
		docker.LabelComposeOneoff + "=False",
	}})
	if err != nil {
		return "", err
	}
	sortByNumber(cs)
	for _, c := range cs {
		if pod := containerPod(c); pod != "" && pod != p.Name {
			continue
		}
		if c.State == "running" {
			return c.ID, nil
		}
	}
	return "", fmt.Errorf("service %s/%s is not running (start it with `podium up %s`)", p.Name, svc, p.Name)
}

// RunScript runs the script name of every selected service that has one (default: every
// enabled pod, tasks included), as cage does: each entry is the command of a one-off container
// of the script's own service, so `routes: [["rake", "routes"]]` in service rake runs
// `rake routes` in rake, which the image's entrypoint receives. The services the script's
// service depends on are started first unless noDeps. A script no enabled service defines runs
// nothing, as in cage: a note on stderr, and no error.
func (r *Runner) RunScript(ctx context.Context, name string, names []string, noDeps bool) *Command {
	return &Command{run: func(_ io.Reader, stdout, stderr io.Writer) error {
		return r.runScript(ctx, name, names, noDeps, stdout, stderr)
	}}
}

func (r *Runner) runScript(ctx context.Context, name string, names []string, noDeps bool, stdout, stderr io.Writer) error {
	sel, err := r.WS.Select(names, ScopeAll)
	if err != nil {
		return err
	}
	ran := 0
	for _, s := range sel {
		if s.Pod.Err != nil {
			return fmt.Errorf("run-script %s: pod %s: %w", name, s.Pod.Name, s.Pod.Err)
		}
		services := s.Services
		if services == nil {
			services = s.Pod.ServiceNames()
		}
		for _, svc := range services {
			for _, entry := range s.Pod.Scripts[svc][name] {
				if len(entry) == 0 {
					continue
				}
				ran++
				opts := RunOptions{Cmd: entry, Remove: true, NoTTY: true, NoDeps: noDeps}
				if err := r.runOneOff(ctx, s.Pod, svc, opts, nil, stdout, stderr); err != nil {
					return fmt.Errorf("run-script %s: %s/%s: %s: %w", name, s.Pod.Name, svc, strings.Join(entry, " "), err)
				}
			}
		}
	}
	if ran == 0 {
		fmt.Fprintf(stderr, "podium: no enabled service defines a script named %q (scripts live in pods/<pod>.metadata.yml under services.<svc>.scripts)\n", name)
	}
	return nil
}
