package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/podiumdev/podium/backend/docker"
)

// psRow is one container as `podium ps --json` prints it (one JSON object per line).
type psRow struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Project string            `json:"project,omitempty"`
	Service string            `json:"service,omitempty"`
	Image   string            `json:"image"`
	State   string            `json:"state"`
	Health  string            `json:"health,omitempty"`
	Status  string            `json:"status"`
	Ports   []string          `json:"ports,omitempty"`
	Labels  map[string]string `json:"labels,omitempty"`
}

func newPsCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON  bool
		running bool
		labels  []string
	)
	cmd := &cobra.Command{
		Use:   "ps",
		Short: "List containers, grouped by compose project",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := g.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer eng.Close()
			cs, err := eng.List(cmd.Context(), docker.ListOptions{All: !running, Labels: labels})
			if err != nil {
				return err
			}
			docker.SortContainers(cs)
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				for _, c := range cs {
					r := psRow{ID: c.ID, Name: c.Name, Project: c.Project(), Service: c.Service(), Image: c.Image,
						State: c.State, Health: c.Health, Status: c.Status, Labels: c.Labels}
					for _, p := range c.Ports {
						r.Ports = append(r.Ports, p.String())
					}
					if err := enc.Encode(r); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PROJECT\tSERVICE\tNAME\tSTATE\tHEALTH\tIMAGE\tPORTS\tSTATUS")
			for _, c := range cs {
				ports := make([]string, 0, len(c.Ports))
				for _, p := range c.Ports {
					ports = append(ports, p.String())
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(c.Project()), orDash(c.Service()), c.Name,
					c.State, orDash(c.Health), c.Image, orDash(strings.Join(ports, ",")), c.Status)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per container")
	cmd.Flags().BoolVar(&running, "running", false, "only running containers")
	cmd.Flags().StringArrayVarP(&labels, "filter-label", "l", nil, "only containers with this label (key or key=value; repeatable)")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
