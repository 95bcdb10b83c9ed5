package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/podiumdev/podium/backend/pods"
)

// sourceCommand is `podium source ls|clone|mount|unmount`: the source trees services are
// built from, and which of them are bind-mounted into their containers.
func sourceCommand(g *globalFlags, all *bool) *cobra.Command {
	src := &cobra.Command{Use: "source", Short: "List, clone, mount and unmount source trees"}
	ls := &cobra.Command{
		Use:   "ls",
		Short: "List source trees and whether they are cloned and mounted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := g.loadWorkspace(cmd.Context(), "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			writeSources(cmd.OutOrStdout(), ws)
			return nil
		},
	}
	clone := &cobra.Command{
		Use:   "clone ALIAS",
		Short: "Clone a git source into src/ALIAS (and mark it mounted)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := g.loadWorkspace(cmd.Context(), "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return ws.Clone(cmd.Context(), args[0], cmd.OutOrStdout())
		},
	}
	mount := &cobra.Command{
		Use:   "mount ALIAS...|--all",
		Short: "Mount sources into the services built from them (cloning when needed)",
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := g.loadWorkspace(cmd.Context(), "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := ws.Mount(cmd.Context(), cmd.OutOrStdout(), *all, args...); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Now run `podium up` for these changes to take effect.")
			return nil
		},
	}
	unmount := &cobra.Command{
		Use:   "unmount ALIAS...|--all",
		Short: "Stop mounting sources (the clone stays in src/)",
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := g.loadWorkspace(cmd.Context(), "", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := ws.Unmount(*all, args...); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Now run `podium up` for these changes to take effect.")
			return nil
		},
	}
	for _, c := range []*cobra.Command{mount, unmount} {
		c.Flags().BoolVarP(all, "all", "a", false, "every source")
	}
	src.AddCommand(ls, clone, mount, unmount)
	return src
}

// repoCommand is conductor's older name for sources: `repo list` and `repo clone`.
func repoCommand(g *globalFlags) *cobra.Command {
	repo := &cobra.Command{Use: "repo", Short: "conductor's name for `source`: list and clone", Hidden: true}
	var all bool
	s := sourceCommand(g, &all)
	for _, c := range s.Commands() {
		switch c.Name() {
		case "ls":
			c.Use, c.Aliases = "list", []string{"ls"}
			repo.AddCommand(c)
		case "clone":
			repo.AddCommand(c)
		}
	}
	return repo
}

// writeSources prints cage's `source ls`: the alias and context (a git URL with its #branch, a
// directory relative to the workspace), then where it is and whether it is mounted when it
// exists locally.
func writeSources(w io.Writer, ws *pods.Workspace) {
	rel := func(path string) string {
		if r, err := filepath.Rel(ws.Root, path); err == nil {
			return r
		}
		return path
	}
	for _, s := range ws.Sources {
		context := s.Context
		switch {
		case s.Local:
			context = rel(s.Context)
		case s.Branch != "":
			context += "#" + s.Branch
		}
		fmt.Fprintf(w, "%-25s %s\n", s.Alias, context)
		if !s.Available {
			continue
		}
		state := "NOT MOUNTED"
		if s.Mounted {
			state = "mounted"
		}
		fmt.Fprintf(w, "  Available at %s (%s)\n", rel(s.LocalPath), state)
	}
}
