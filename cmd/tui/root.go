package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
)

// globalFlags are the flags every command shares.
type globalFlags struct {
	host        string
	context     string
	workspace   string
	project     string
	target      string
	defaultTags string
	keymap      string // the TUI's keymap file; empty means the user's config file
	watch       bool   // the TUI brings up what a pod file change made drift, without a key
	labels      []string
	envFiles    []string // --env-file: the files interpolating pod files, in place of pods/.env
	profiles    []string // --profile: the active compose profiles, in place of COMPOSE_PROFILES
}

// loadOptions are the pods load options the global flags give, in target ("" means the
// workspace default).
func (g *globalFlags) loadOptions(target string) pods.LoadOptions {
	return pods.LoadOptions{ProjectName: g.project, Target: target, DefaultTagsFile: g.defaultTags, EnvFiles: g.envFiles, Profiles: g.profiles}
}

func newRootCmd() *cobra.Command {
	var (
		g      globalFlags
		remote string
	)
	root := &cobra.Command{
		Use:   "podium",
		Short: "A terminal workstation for apps that run on Docker",
		Long: `Podium shows and drives the containers of a Docker engine: pods (compose apps),
deploys (supervised services) and pipelines, in one TUI and a scriptable CLI.

With no subcommand on a terminal, podium opens the TUI.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !term.IsTerminal(int(os.Stdin.Fd())) || !term.IsTerminal(int(os.Stdout.Fd())) {
				return fmt.Errorf("the TUI needs a terminal, and standard input or output is not one; run 'podium --help' for the commands that work without one")
			}
			return runTUI(cmd.Context(), g, remote)
		},
	}
	root.PersistentFlags().StringVarP(&g.host, "host", "H", "", "Docker engine address (default: DOCKER_HOST, then the current docker context)")
	root.PersistentFlags().StringVar(&g.context, "context", "", "docker context to use (default: DOCKER_CONTEXT, then the current one)")
	root.PersistentFlags().StringVarP(&g.workspace, "workspace", "w", "", "workspace directory (default: the nearest ancestor holding pods/, specs/, pipelines/ or podium.yml)")
	root.Flags().StringVar(&remote, "remote", "", "watch the supervisor daemon at this URL (unix:///PATH or http(s)://HOST:PORT) in the Deploys tab instead of supervising in-process")
	root.Flags().BoolVar(&g.watch, "watch", false, "apply pod file changes as they are saved: bring up exactly the services that drifted (a broken file changes nothing)")
	root.Flags().StringVar(&g.keymap, "keymap", "", "key bindings file (default: $XDG_CONFIG_HOME/podium/config.yml, else ~/.config/podium/config.yml)")
	root.PersistentFlags().StringVarP(&g.project, "project-name", "p", "", "project name (default: podium.yml's name, else the workspace directory's name)")
	root.PersistentFlags().StringVar(&g.target, "target", "", "pods target (default: podium.yml's default_target, else development; test for podium test)")
	root.PersistentFlags().StringVar(&g.defaultTags, "default-tags", "", "file of image:tag lines giving untagged images their tag")
	root.PersistentFlags().StringArrayVar(&g.envFiles, "env-file", nil, "a file of variables interpolating the pod files, in place of pods/.env (repeatable; default: COMPOSE_ENV_FILES, else pods/.env; the shell's environment wins)")
	root.PersistentFlags().StringArrayVar(&g.profiles, "profile", nil, "a compose profile whose services run (repeatable; default: COMPOSE_PROFILES)")
	root.PersistentFlags().StringArrayVar(&g.labels, "label", nil, "a label (key=value) on every container Podium creates: pods, supervised services, pipeline steps (repeatable)")
	root.AddCommand(newVersionCmd(&g), newSysinfoCmd(&g), newPsCmd(&g))
	root.AddCommand(podCommands(&g)...)
	root.AddCommand(pipelineCommand(&g))
	root.AddCommand(deployCommands(&g)...)
	root.AddCommand(newKeysCmd())
	return root
}

// extraLabels are the --label flags: the labels every container Podium creates carries.
func (g *globalFlags) extraLabels() (map[string]string, error) {
	out := map[string]string{}
	for _, l := range g.labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--label %q: want key=value", l)
		}
		out[k] = v
	}
	return out, nil
}

// engine builds a client for the engine the flags name, without contacting it.
func (g *globalFlags) engine() (*docker.Engine, error) {
	return docker.New(docker.Options{Host: g.host, Context: g.context})
}

// connect builds a client and checks that the engine answers.
func (g *globalFlags) connect(ctx context.Context) (*docker.Engine, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return docker.Connect(ctx, docker.Options{Host: g.host, Context: g.context})
}

// workspaceDir resolves the workspace from the flag or the working directory.
func (g *globalFlags) workspaceDir() (string, error) {
	start := g.workspace
	if start == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("working directory: %w", err)
		}
		start = wd
	}
	root, found, err := pods.FindWorkspace(start)
	if err != nil {
		return "", err
	}
	if !found && g.workspace != "" {
		if st, err := os.Stat(g.workspace); err != nil || !st.IsDir() {
			return "", fmt.Errorf("workspace %s: not a directory", g.workspace)
		}
	}
	return root, nil
}
