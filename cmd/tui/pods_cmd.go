package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/pods"
)

// podsEnv is what a pods command works with: the workspace, loaded at command time (so $VAR
// interpolation sees the current environment), and a runner over the engine.
type podsEnv struct {
	ws     *pods.Workspace
	runner *pods.Runner
	close  func()
}

// loadWorkspace loads the workspace in target (the flag wins; "" means the workspace default)
// and says on errOut, in Compose's words and once each, which variables the pod files use
// unset.
func (g *globalFlags) loadWorkspace(ctx context.Context, target string, errOut io.Writer) (*pods.Workspace, error) {
	root, err := g.workspaceDir()
	if err != nil {
		return nil, err
	}
	if g.target != "" {
		target = g.target
	}
	ws, err := pods.Load(ctx, root, g.loadOptions(target))
	if err != nil {
		return nil, err
	}
	writeUnsetVars(errOut, ws)
	return ws, nil
}

// writeUnsetVars prints Compose's warning for every variable some pod file uses unset, once
// per variable however many pods use it.
func writeUnsetVars(errOut io.Writer, ws *pods.Workspace) {
	seen := map[string]bool{}
	var vars []string
	for _, p := range ws.Pods {
		for _, v := range p.UnsetVars {
			if !seen[v] {
				seen[v] = true
				vars = append(vars, v)
			}
		}
	}
	slices.Sort(vars)
	for _, v := range vars {
		fmt.Fprintf(errOut, "warning: The %q variable is not set. Defaulting to a blank string.\n", v)
	}
}

// pods loads the workspace and connects to the engine; progress lines go to errOut.
func (g *globalFlags) pods(ctx context.Context, target string, errOut io.Writer) (*podsEnv, error) {
	ws, err := g.loadWorkspace(ctx, target, errOut)
	if err != nil {
		return nil, err
	}
	for _, w := range ws.Warnings {
		fmt.Fprintln(errOut, "warning:", w)
	}
	labels, err := g.extraLabels()
	if err != nil {
		return nil, err
	}
	eng, err := g.connect(ctx)
	if err != nil {
		return nil, err
	}
	return &podsEnv{ws: ws, runner: &pods.Runner{Engine: eng, WS: ws, Progress: progressPrinter(errOut), Labels: labels}, close: func() { eng.Close() }}, nil
}

// progressPrinter prints compose steps as `Container demo-web-1  Started` lines.
func progressPrinter(w io.Writer) compose.Progress {
	return func(e compose.Event) {
		what := e.Container
		if what == "" {
			what = e.Service
		}
		if e.Err != nil {
			fmt.Fprintf(w, " %-32s %s: %v\n", what, e.Action, e.Err)
			return
		}
		if e.Action == compose.ActionOutput {
			fmt.Fprintf(w, " %-32s | %s\n", what, e.Detail)
			return
		}
		fmt.Fprintf(w, " %-32s %s\n", what, e.Action)
	}
}

// withPods runs fn with a loaded workspace and engine.
func withPods(g *globalFlags, target string, fn func(cmd *cobra.Command, args []string, env *podsEnv) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		env, err := g.pods(cmd.Context(), target, cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		defer env.close()
		return fn(cmd, args, env)
	}
}

// stdio hands a command the process's own streams, so a shell gets the real terminal.
func stdio(cmd *cobra.Command, c *pods.Command) *pods.Command {
	c.SetStdin(cmd.InOrStdin())
	c.SetStdout(cmd.OutOrStdout())
	c.SetStderr(cmd.ErrOrStderr())
	return c
}

func podCommands(g *globalFlags) []*cobra.Command {
	var (
		init, wait          bool
		timeout             time.Duration
		force, volumes      bool
		detach, noTTY       bool
		user, entrypoint    string
		envs                []string
		privileged, rmAfter bool
		follow, timestamps  bool
		tail                int
		all                 bool
		hash                string
		noDeps, quiet       bool
		exportOutput        bool
	)
	up := &cobra.Command{
		Use:   "up [POD|SERVICE...]",
		Short: "Create and start pods (default: every enabled pod but tasks), placeholders first",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Up(cmd.Context(), args, pods.UpOptions{Init: init, Wait: wait, Out: cmd.OutOrStdout()})
		}),
	}
	up.Flags().BoolVar(&init, "init", false, "run each pod's run_on_init commands once its services run")
	up.Flags().BoolVar(&wait, "wait", false, "wait until every service runs (and is healthy when it has a check)")

	stop := &cobra.Command{
		Use:   "stop [POD|SERVICE...]",
		Short: "Stop pods' containers (default: every enabled pod but tasks)",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Stop(cmd.Context(), args, timeout)
		}),
	}
	start := &cobra.Command{
		Use:   "start [POD|SERVICE...]",
		Short: "Start pods' existing containers",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Start(cmd.Context(), args)
		}),
	}
	restart := &cobra.Command{
		Use:   "restart [POD|SERVICE...]",
		Short: "Restart pods' containers (default: every enabled pod but tasks)",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Restart(cmd.Context(), args, timeout)
		}),
	}
	for _, c := range []*cobra.Command{stop, restart} {
		c.Flags().DurationVarP(&timeout, "timeout", "t", -1, "how long to wait before killing (default: each container's stop_grace_period)")
	}
	rm := &cobra.Command{
		Use:   "rm [POD|SERVICE...]",
		Short: "Remove pods' stopped containers (default: every enabled pod)",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Remove(cmd.Context(), args, force, volumes)
		}),
	}
	rm.Flags().BoolVarP(&force, "force", "f", false, "remove running containers too")
	rm.Flags().BoolVarP(&volumes, "volumes", "v", false, "remove their anonymous volumes")
	down := &cobra.Command{
		Use:   "down [POD|SERVICE...]",
		Short: "Stop and remove pods' containers and, once unused, the project's networks",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Down(cmd.Context(), args, volumes, timeout)
		}),
	}
	down.Flags().BoolVarP(&volumes, "volumes", "v", false, "remove the project's named volumes too")
	down.Flags().DurationVarP(&timeout, "timeout", "t", -1, "how long to wait before killing")

	build := &cobra.Command{
		Use:   "build [POD|SERVICE...]",
		Short: "Build the images of services that have a build: section",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return env.runner.Build(cmd.Context(), args)
		}),
	}
	pull := &cobra.Command{
		Use:   "pull [POD|SERVICE...]",
		Short: "Run the pull hooks, then pull pods' images in parallel",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			out := cmd.OutOrStdout()
			if quiet {
				env.runner.Progress = nil // the summary below still says how each pod went
			}
			res, err := env.runner.Pull(cmd.Context(), args, cmd.ErrOrStderr())
			if res != nil {
				fmt.Fprintf(out, "Pulled %d pod(s) in parallel\n", len(res))
			}
			for _, r := range res {
				if r.Err != nil {
					fmt.Fprintf(out, "  [error] %s: %v\n", r.Pod, r.Err)
				} else {
					fmt.Fprintf(out, "  [ok] %s\n", r.Pod)
				}
			}
			if err == nil {
				fmt.Fprintln(out, "Pull complete.")
			}
			return err
		}),
	}
	pull.Flags().BoolVarP(&quiet, "quiet", "q", false, "print no pull progress, only how each pod went")

	run := &cobra.Command{
		Use:   "run [flags] SERVICE [CMD...]",
		Short: "Run a one-off container of a service, attached; its exit code is podium's",
		Args:  cobra.MinimumNArgs(1),
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			opts := pods.RunOptions{Env: envs, User: user, Detach: detach, Remove: rmAfter, NoTTY: noTTY, NoDeps: noDeps}
			if len(args) > 1 {
				opts.Cmd = args[1:]
			}
			if cmd.Flags().Changed("entrypoint") {
				opts.Entrypoint = []string{entrypoint}
			}
			return stdio(cmd, env.runner.OneOff(cmd.Context(), args[0], opts)).Run()
		}),
	}
	run.Flags().SetInterspersed(false)
	run.Flags().BoolVarP(&detach, "detach", "d", false, "start it in the background and print its id")
	run.Flags().StringArrayVarP(&envs, "env", "e", nil, "set an environment variable (K=V; repeatable)")
	run.Flags().StringVarP(&user, "user", "u", "", "run as this user")
	run.Flags().StringVar(&entrypoint, "entrypoint", "", "override the image's entrypoint")
	run.Flags().BoolVar(&rmAfter, "rm", false, "remove the container when it exits")
	run.Flags().BoolVarP(&noTTY, "no-tty", "T", false, "do not allocate a terminal")
	run.Flags().BoolVar(&noDeps, "no-deps", false, "do not start the services it depends on")

	runScript := &cobra.Command{
		Use:   "run-script NAME [POD|SERVICE...]",
		Short: "Run a named script (services.<svc>.scripts.<NAME> in pod metadata)",
		Args:  cobra.MinimumNArgs(1),
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return stdio(cmd, env.runner.RunScript(cmd.Context(), args[0], args[1:], noDeps)).Run()
		}),
	}
	runScript.Flags().BoolVar(&noDeps, "no-deps", false, "do not start the services the scripts' services depend on")

	execCmd := &cobra.Command{
		Use:   "exec [flags] SERVICE CMD...",
		Short: "Run a command in a service's running container",
		Args:  cobra.MinimumNArgs(2),
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return stdio(cmd, env.runner.Exec(cmd.Context(), args[0], args[1:], pods.ExecOptions{User: user, Privileged: privileged, Detach: detach, NoTTY: noTTY, Env: envs})).Run()
		}),
	}
	shell := &cobra.Command{
		Use:   "shell [flags] SERVICE",
		Short: "Open the service's shell (its io.fdy.cage.shell label, default sh) in its container",
		Args:  cobra.ExactArgs(1),
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			c, err := env.runner.Shell(cmd.Context(), args[0], pods.ExecOptions{User: user, Privileged: privileged, Detach: detach, NoTTY: noTTY})
			if err != nil {
				return err
			}
			return stdio(cmd, c).Run()
		}),
	}
	for _, c := range []*cobra.Command{execCmd, shell} {
		c.Flags().SetInterspersed(false)
		c.Flags().BoolVarP(&detach, "detach", "d", false, "run in the background")
		c.Flags().StringVarP(&user, "user", "u", "", "run as this user")
		c.Flags().BoolVar(&privileged, "privileged", false, "give the command extended privileges")
		c.Flags().BoolVarP(&noTTY, "no-tty", "T", false, "do not allocate a terminal")
	}
	execCmd.Flags().StringArrayVarP(&envs, "env", "e", nil, "set an environment variable (K=V; repeatable)")

	test := &cobra.Command{
		Use:   "test SERVICE [CMD...]",
		Short: "Run a service's tests (its io.fdy.cage.test label) in a fresh test-target container",
		Long: `Runs the service's io.fdy.cage.test command (or CMD) in a new one-off container of the
service, loaded in the test target unless --target says otherwise. The container is removed
whatever the outcome, and the test's exit code is podium's.`,
		Args: cobra.MinimumNArgs(1),
		RunE: withPods(g, pods.TestTarget, func(cmd *cobra.Command, args []string, env *podsEnv) error {
			return stdio(cmd, env.runner.Test(cmd.Context(), args[0], args[1:], pods.TestOptions{NoTTY: noTTY, ExportOutput: exportOutput})).Run()
		}),
	}
	test.Flags().SetInterspersed(false)
	test.Flags().BoolVarP(&noTTY, "no-tty", "T", false, "do not allocate a terminal")
	test.Flags().BoolVar(&exportOutput, "export-test-output", false, "copy ./test_output out of the test's container to the workspace's test_output")

	logs := &cobra.Command{
		Use:   "logs [POD|SERVICE...]",
		Short: "Show pods' logs, several services multiplexed with prefixes",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			color := false
			if f, ok := cmd.OutOrStdout().(*os.File); ok {
				color = term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
			}
			return env.runner.Logs(cmd.Context(), args, pods.LogsOptions{Follow: follow, Tail: tail, Timestamps: timestamps, Color: color}, cmd.OutOrStdout())
		}),
	}
	logs.Flags().BoolVarP(&follow, "follow", "f", false, "follow the logs")
	logs.Flags().IntVar(&tail, "tail", 0, "lines per container from the end (0: all)")
	logs.Flags().BoolVar(&timestamps, "timestamps", false, "show timestamps")

	status := &cobra.Command{
		Use:   "status [POD|SERVICE...]",
		Short: "Show pods, services and containers: state, health, ports, mounted sources, drift",
		RunE: withPods(g, "", func(cmd *cobra.Command, args []string, env *podsEnv) error {
			states, err := env.runner.Status(cmd.Context())
			if err != nil {
				return err
			}
			only := map[string][]string{}
			for _, a := range args {
				p, svc, err := env.ws.Lookup(a)
				if p == nil {
					return err
				}
				switch list, seen := only[p.Name]; {
				case svc == "":
					only[p.Name] = nil
				case !seen || list != nil:
					only[p.Name] = append(list, svc)
				}
			}
			for _, p := range env.ws.Pods {
				if _, shown := only[p.Name]; len(only) == 0 || shown {
					for _, f := range p.ObsoleteVersion {
						fmt.Fprintln(cmd.ErrOrStderr(), "note:", pods.ObsoleteVersionNote(f))
					}
				}
			}
			pods.WriteStatus(cmd.OutOrStdout(), env.ws.Target, states, only)
			return pods.StatusError(states, only)
		}),
	}

	config := &cobra.Command{
		Use:   "config --hash SERVICE|'*'",
		Short: "Print services' config hashes as `docker compose config --hash` does",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if hash == "" {
				return errors.New("config: give --hash SERVICE or --hash '*'")
			}
			ws, err := g.loadWorkspace(cmd.Context(), "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			lines, err := ws.ConfigHashes(hash)
			if err != nil {
				return err
			}
			for _, l := range lines {
				fmt.Fprintln(cmd.OutOrStdout(), l)
			}
			return nil
		},
	}
	config.Flags().StringVar(&hash, "hash", "", "a service, or '*' for all")

	newCmd := &cobra.Command{
		Use:   "new NAME",
		Short: "Create a workspace NAME that runs on busybox out of the box",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			if err := pods.New(wd, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created %s. Next: cd %s && podium up --init && podium status\n", args[0], args[0])
			return nil
		},
	}

	export := &cobra.Command{
		Use:   "export DIR",
		Short: "Write every enabled pod's merged compose file to DIR (task pods under DIR/tasks)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := g.loadWorkspace(cmd.Context(), "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if g.defaultTags == "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: export without --default-tags: untagged images are exported as the pod files name them")
			}
			return ws.Export(args[0])
		},
	}

	return []*cobra.Command{newCmd, status, up, stop, start, restart, rm, down, build, pull, run, runScript,
		execCmd, shell, test, logs, sourceCommand(g, &all), repoCommand(g), export, config}
}
