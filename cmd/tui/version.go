package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// podiumVersion is the release; a build from a checkout adds its VCS revision.
const podiumVersion = "0.1.0-dev"

// versionReport is what `podium version --json` prints.
type versionReport struct {
	Client struct {
		Version   string `json:"version"`
		Revision  string `json:"revision,omitempty"`
		GoVersion string `json:"go"`
		APIMax    string `json:"api_max"`
	} `json:"client"`
	Server *struct {
		Version string `json:"version"`
		API     string `json:"api"`
		MinAPI  string `json:"min_api"`
		OS      string `json:"os"`
		Arch    string `json:"arch"`
	} `json:"server,omitempty"`
	API      string `json:"api,omitempty"`
	Endpoint string `json:"endpoint"`
	Source   string `json:"endpoint_source"`
	Error    string `json:"error,omitempty"`
}

func newVersionCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show Podium's version, the engine's version and the negotiated API version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var r versionReport
			r.Client.Version = podiumVersion
			r.Client.GoVersion = runtime.Version()
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						r.Client.Revision = s.Value[:12]
					}
				}
			}
			eng, err := g.engine()
			if err != nil {
				return err
			}
			defer eng.Close()
			r.Client.APIMax = eng.APIVersion()
			r.Endpoint, r.Source = eng.Endpoint().Host, eng.Endpoint().Source
			v, verr := eng.Versions(cmd.Context())
			if verr == nil {
				r.Server = &struct {
					Version string `json:"version"`
					API     string `json:"api"`
					MinAPI  string `json:"min_api"`
					OS      string `json:"os"`
					Arch    string `json:"arch"`
				}{v.ServerVersion, v.ServerAPI, v.ServerMinAPI, v.OS, v.Arch}
				r.API = v.ClientAPI
			} else {
				r.Error = verr.Error()
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(r); err != nil {
					return err
				}
				return verr
			}
			rev := ""
			if r.Client.Revision != "" {
				rev = " (" + r.Client.Revision + ")"
			}
			fmt.Fprintf(out, "Client:\n  Podium:   %s%s\n  Go:       %s\n  API max:  %s\n", r.Client.Version, rev, r.Client.GoVersion, r.Client.APIMax)
			fmt.Fprintf(out, "Engine:\n  Endpoint: %s (%s)\n", r.Endpoint, r.Source)
			if verr != nil {
				fmt.Fprintf(out, "  Error:    %v\n", verr)
				return verr
			}
			fmt.Fprintf(out, "  Version:  %s\n  API:      %s (min %s)\n  OS/Arch:  %s/%s\nNegotiated API: %s\n",
				r.Server.Version, r.Server.API, r.Server.MinAPI, r.Server.OS, r.Server.Arch, r.API)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// newSysinfoCmd is cage's hidden `sysinfo`: the versions a bug report needs, one per line.
func newSysinfoCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:    "sysinfo",
		Short:  "Print Podium's, the Docker engine's and the OS's versions, for bug reports",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "podium %s (%s)\n", podiumVersion, runtime.Version())
			fmt.Fprintf(out, "OS %s/%s\n", runtime.GOOS, runtime.GOARCH)
			eng, err := g.engine()
			if err != nil {
				return err
			}
			defer eng.Close()
			v, err := eng.Versions(cmd.Context())
			if err != nil {
				return fmt.Errorf("sysinfo: engine at %s: %w", eng.Endpoint().Host, err)
			}
			fmt.Fprintf(out, "Docker Engine %s (API %s), on %s/%s\n", v.ServerVersion, v.ClientAPI, v.OS, v.Arch)
			return nil
		},
	}
}
