package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/readlimit"
)

// pipelineRoot is the workspace whose pipelines and runs the commands use. Run records and
// outputs an older podium left readable by others become private.
func (g *globalFlags) pipelineRoot() (string, error) {
	root, err := g.workspaceDir()
	if err != nil {
		return "", err
	}
	tightenPrivate(filepath.Join(root, workspaceStateDir), slog.Default())
	return root, nil
}

// runStore is the workspace's pipeline run store: <workspace>/.podium/runs.
func (g *globalFlags) runStore() (*pipeline.Store, error) {
	root, err := g.pipelineRoot()
	if err != nil {
		return nil, err
	}
	return &pipeline.Store{Root: pipeline.RunsDir(root)}, nil
}

// pipelineCommand is `podium pipeline …`: show a pipeline file, list its runs, read outputs.
func pipelineCommand(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "pipeline", Short: "Show pipelines and their runs"}
	show := &cobra.Command{
		Use:   "show FILE",
		Short: "Print a pipeline's tree as Conducto did (serial children numbered, parallel ones not)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pipeline.ParseFile(args[0])
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), pipeline.Pretty(p))
			return nil
		},
	}
	runs := &cobra.Command{
		Use:   "runs [NAME]",
		Short: "List the runs of a pipeline (or of every pipeline), newest first",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.runStore()
			if err != nil {
				return err
			}
			names := args
			if len(names) == 0 {
				if names, err = st.Pipelines(); err != nil {
					return err
				}
			}
			var all []pipeline.RunSummary
			for _, n := range names {
				rs, err := st.Runs(n)
				if err != nil {
					return err
				}
				all = append(all, rs...)
			}
			writeRuns(cmd.OutOrStdout(), all)
			return nil
		},
	}
	var attempt int
	logs := &cobra.Command{
		Use:   "logs RUN NODE [--attempt N]",
		Short: "Print a node's output in the order it was written (Podium's own messages marked !), from its last attempt or attempt N",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, run, err := g.openRun(args[0])
			if err != nil {
				return err
			}
			node, err := run.Node(args[1])
			if err != nil {
				return err
			}
			if len(node.Attempts) == 0 {
				state := string(node.State)
				if node.Skipped {
					state += ", skipped"
				}
				return fmt.Errorf("run %s node %s never ran (%s): it has no output", run.ID, node.Path, state)
			}
			n := attempt
			if n == 0 {
				n = len(node.Attempts)
			}
			if n < 1 || n > len(node.Attempts) {
				return fmt.Errorf("run %s node %s has %d attempt(s), not %d", run.ID, node.Path, len(node.Attempts), n)
			}
			out := cmd.OutOrStdout()
			return st.ScanOutput(run, node.Path, n, func(l pipeline.OutputLine) {
				if l.Stream == pipeline.StreamStderr {
					fmt.Fprintln(out, "! "+l.Text)
					return
				}
				fmt.Fprintln(out, l.Text)
			})
		},
	}
	logs.Flags().IntVar(&attempt, "attempt", 0, "which attempt (default: the last)")
	var live bool
	debug := &cobra.Command{
		Use:   "debug RUN NODE [--live]",
		Short: "Open a shell in a fresh container of a node's image and env, its command in /podium/cmd.sh",
		Long: `Opens a shell in a new container made from the image NODE ran with in RUN, with its
environment, the node's command written to /podium/cmd.sh. With --live the image's code
(copy_dir, or path_map) is bind-mounted from the host, so edits show inside and persist. The
container is removed when the shell ends.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, run, err := g.openRun(args[0])
			if err != nil {
				return err
			}
			eng, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer eng.Close()
			s, err := pipeline.Debug(cmd.Context(), eng, run, args[1], pipeline.DebugOptions{Live: live})
			if err != nil {
				return err
			}
			s.SetStdin(cmd.InOrStdin())
			s.SetStdout(cmd.OutOrStdout())
			s.SetStderr(cmd.ErrOrStderr())
			return s.Run()
		},
	}
	debug.Flags().BoolVar(&live, "live", false, "bind-mount the image's code from the host")
	var asJSON bool
	runCmd := &cobra.Command{
		Use:   "run FILE [--json]",
		Short: "Run a pipeline: a live tree on a terminal, plain lines otherwise, JSON lines with --json",
		Long: `Runs the pipeline in FILE, storing every node's attempts and output under the workspace's
.podium/runs/. Exits 0 only when the run succeeded.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pipeline.ParseFile(args[0])
			if err != nil {
				return err
			}
			def, err := readlimit.ReadFile(args[0])
			if err != nil {
				return err
			}
			root, err := g.pipelineRoot()
			if err != nil {
				return err
			}
			labels, err := g.extraLabels()
			if err != nil {
				return err
			}
			eng, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer eng.Close()
			pl, changed := runPipelines(eng, root, cmd.ErrOrStderr(), labels)
			sweep(cmd.Context(), pl, cmd.ErrOrStderr())
			run, err := pl.Start(cmd.Context(), p, def)
			if err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprintf(cmd.ErrOrStderr(), "pipeline %s: run %s\n", p.Name, run.ID)
			}
			return followRun(cmd.Context(), pl, run, changed, newRunReporter(cmd.OutOrStdout(), asJSON))
		},
	}
	runCmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per node state change")
	rerun := &cobra.Command{
		Use:   "rerun RUN NODE",
		Short: "Rerun a node or subtree of a run (new attempts; the history is kept)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, run, err := g.openRun(args[0])
			if err != nil {
				return err
			}
			root, err := g.pipelineRoot()
			if err != nil {
				return err
			}
			labels, err := g.extraLabels()
			if err != nil {
				return err
			}
			eng, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer eng.Close()
			pl, changed := runPipelines(eng, root, cmd.ErrOrStderr(), labels)
			sweep(cmd.Context(), pl, cmd.ErrOrStderr())
			if err := pl.Rerun(cmd.Context(), run, args[1]); err != nil {
				return err
			}
			return followRun(cmd.Context(), pl, run, changed, newRunReporter(cmd.OutOrStdout(), asJSON))
		},
	}
	rerun.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per node state change")
	var (
		newCommand string
		envs       []string
	)
	modify := &cobra.Command{
		Use:   "modify RUN NODE [--command CMD] [-e K=V]...",
		Short: "Change a node's command or env for this run only (then rerun it); the file is untouched",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("command") && len(envs) == 0 {
				return fmt.Errorf("modify: give --command or -e K=V")
			}
			var env map[string]string
			for _, kv := range envs {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return fmt.Errorf("-e %q: want K=V", kv)
				}
				if env == nil {
					env = map[string]string{}
				}
				env[k] = v
			}
			_, run, err := g.openRun(args[0])
			if err != nil {
				return err
			}
			root, err := g.pipelineRoot()
			if err != nil {
				return err
			}
			command := ""
			if cmd.Flags().Changed("command") {
				command = newCommand
			}
			// No engine is needed to edit a stored run.
			x := pipeline.NewWorkspace(nil, root, pipeline.WorkspaceOptions{}).Executor()
			if err := x.Modify(run, args[1], command, env); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "modified %s in run %s: now `podium pipeline rerun %s %s`\n", args[1], run.ID, run.ID, args[1])
			return nil
		},
	}
	modify.Flags().StringVar(&newCommand, "command", "", "the node's new command")
	modify.Flags().StringArrayVarP(&envs, "env", "e", nil, "set an environment variable for the node (K=V; repeatable)")
	cmd.AddCommand(show, runs, logs, debug, runCmd, rerun, modify)
	return cmd
}

// openRun opens the workspace's run store and finds the run id (or a unique prefix) names.
func (g *globalFlags) openRun(id string) (*pipeline.Store, *pipeline.Run, error) {
	st, err := g.runStore()
	if err != nil {
		return nil, nil, err
	}
	run, err := findRun(st, id)
	return st, run, err
}

// findRun finds a run by id (or a unique id prefix) among every pipeline's runs.
func findRun(st *pipeline.Store, id string) (*pipeline.Run, error) {
	names, err := st.Pipelines()
	if err != nil {
		return nil, err
	}
	var hits []pipeline.RunSummary
	for _, n := range names {
		rs, err := st.Runs(n)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.ID == id || strings.HasPrefix(r.ID, id) {
				hits = append(hits, r)
			}
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("no run %q (see `podium pipeline runs`)", id)
	case 1:
		return st.Load(hits[0].Pipeline, hits[0].ID)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Pipeline + "/" + h.ID
	}
	return nil, fmt.Errorf("run %q is ambiguous: %s", id, strings.Join(ids, ", "))
}

// writeRuns prints runs as a table with their counts per state.
func writeRuns(w io.Writer, runs []pipeline.RunSummary) {
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Created.After(runs[j].Created) })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PIPELINE\tRUN\tSTATUS\tSTARTED\tDURATION\tNODES")
	for _, r := range runs {
		dur := "-"
		if !r.Ended.IsZero() {
			dur = r.Ended.Sub(r.Created).Round(100 * time.Millisecond).String()
		}
		var counts []string
		for _, s := range []pipeline.State{pipeline.StateDone, pipeline.StateError, pipeline.StateKilled, pipeline.StateRunning, pipeline.StateQueued, pipeline.StatePending} {
			if n := r.Counts[s]; n > 0 {
				counts = append(counts, fmt.Sprintf("%s:%d", s, n))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Pipeline, r.ID, r.Status, r.Created.Local().Format("2006-01-02 15:04:05"), dur, strings.Join(counts, " "))
	}
	tw.Flush()
}
