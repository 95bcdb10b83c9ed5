package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/watch"
)

const (
	// tokenEnv holds the API token, so it need not appear in `ps` output or shell history.
	tokenEnv = "PODIUM_TOKEN"
	// supervisorStateFile is the supervisor's state, under .podium/ or the user's state dir.
	supervisorStateFile = "supervisor.json"
	// workspaceSpecsDir is the workspace's own spec directory.
	workspaceSpecsDir = "specs"
	// workspaceStateDir is the workspace's private directory.
	workspaceStateDir = ".podium"
)

// deployFlags say which supervisor the `podium deploy` commands talk to.
type deployFlags struct {
	remote string
	token  string
}

// superviseFlags are `podium supervise`'s own flags.
type superviseFlags struct {
	specs     []string
	listen    string
	token     string
	state     string
	tlsCert   string
	tlsKey    string
	plainHTTP bool
}

// superviseSetup is what a supervisor runs with, resolved from the flags, the workspace and
// podium.yml.
type superviseSetup struct {
	specDirs   []string
	state      string
	priv       string // the private directory: the workspace's .podium (socket, token), else the state dir
	listen     string // a TCP address for the API; "" serves it on the socket only
	listenFrom string // where listen came from, for messages: --listen or podium.yml listen:
	api        pods.APIConfig
	tlsCert    string
	tlsKey     string
	tlsFrom    string // --tls-cert/--tls-key or podium.yml api: tls:
	plainHTTP  bool
	token      string // the token given (--token, $PODIUM_TOKEN); "" makes one for TCP
	labels     map[string]string
	index      *docker.Index // the process's container index, shared with the TUI; nil: the supervisor runs its own
	watcher    *watch.Hub    // the process's file watcher, shared with the TUI; nil: the supervisor watches alone
}

// deployTarget is a client of the supervisor the flags name. local says nobody gave --remote,
// so when nothing answers the user is told to start the daemon rather than to check a URL.
type deployTarget struct {
	client *deployapi.Client
	local  bool
}

// deployCommands are `podium supervise` (the daemon) and `podium deploy …` (its clients).
func deployCommands(g *globalFlags) []*cobra.Command {
	return []*cobra.Command{newSuperviseCmd(g), newDeployCmd(g)}
}

func newSuperviseCmd(g *globalFlags) *cobra.Command {
	var f superviseFlags
	cmd := &cobra.Command{
		Use:   "supervise",
		Short: "Run the supervisor headless: keep the spec directories' services deployed, serve the HTTP API",
		Long: `Keeps every service of the spec directories deployed, condo-style: one spec file (.edn, .yml,
.yaml or .json) is one service. The directories are the workspace's specs/, podium.yml's
specs: entries and every --specs. State is saved to --state (default .podium/supervisor.json
in the workspace, else $XDG_STATE_HOME/podium/supervisor.json) after every transition.

SIGINT or SIGTERM stops the supervisor and leaves its containers running; the next
` + "`podium supervise`" + ` adopts them.

The HTTP API is served on the workspace's private unix socket, .podium/supervisor.sock (mode
0600: only this user), where the ` + "`podium deploy`" + ` commands and the TUI find it. It listens on
TCP only when --listen (or podium.yml's listen:) asks, and there every request needs a token:
--token (or $PODIUM_TOKEN), else one made at start and written to .podium/api-token. An address
beyond loopback also needs --tls-cert and --tls-key, or --plain-http.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			setup, err := resolveSupervise(g, f)
			if err != nil {
				return err
			}
			if setup.labels, err = g.extraLabels(); err != nil {
				return err
			}
			setup.token = tokenOrEnv(f.token)
			return runSupervise(cmd.Context(), g, setup, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringArrayVar(&f.specs, "specs", nil, "a directory of service specs (repeatable), besides specs/ and podium.yml's specs:")
	cmd.Flags().StringVar(&f.listen, "listen", "", "also serve the HTTP API on this TCP address, HOST:PORT such as "+deployapi.ExampleListen+" (default: podium.yml's listen:, else none: the workspace's socket only)")
	cmd.Flags().StringVar(&f.token, "token", "", "bearer token the TCP listener requires (default: $"+tokenEnv+", else one made at start in .podium/"+deployapi.TokenFile+")")
	cmd.Flags().StringVar(&f.tlsCert, "tls-cert", "", "serve the TCP listener over HTTPS with this certificate (PEM; with --tls-key)")
	cmd.Flags().StringVar(&f.tlsKey, "tls-key", "", "the key of --tls-cert (PEM)")
	cmd.Flags().BoolVar(&f.plainHTTP, "plain-http", false, "allow a TCP listener beyond loopback without TLS: the token crosses the network in clear")
	cmd.Flags().StringVar(&f.state, "state", "", "state file (default: <workspace>/.podium/supervisor.json)")
	return cmd
}

// resolveSupervise finds the spec directories, the state file and the API address. A spec
// directory that does not exist is an error: a typo must not leave a supervisor with nothing
// to do.
func resolveSupervise(g *globalFlags, f superviseFlags) (superviseSetup, error) {
	root, found, err := findWorkspace(g)
	if err != nil {
		return superviseSetup{}, err
	}
	var s superviseSetup
	add := func(dir, from string) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("spec directory %s (%s): %w", dir, from, err)
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return fmt.Errorf("spec directory %s (%s): not a directory", dir, from)
		}
		if !slices.Contains(s.specDirs, abs) {
			s.specDirs = append(s.specDirs, abs)
		}
		return nil
	}
	var cfg pods.Config
	if found {
		if st, err := os.Stat(filepath.Join(root, workspaceSpecsDir)); err == nil && st.IsDir() {
			if err := add(filepath.Join(root, workspaceSpecsDir), "the workspace's specs/"); err != nil {
				return s, err
			}
		}
		if cfg, err = pods.ReadConfig(root); err != nil {
			return s, err
		}
		for _, d := range cfg.Specs {
			if !filepath.IsAbs(d) {
				d = filepath.Join(root, d)
			}
			if err := add(d, "podium.yml specs:"); err != nil {
				return s, err
			}
		}
	}
	for _, d := range f.specs {
		if err := add(d, "--specs"); err != nil {
			return s, err
		}
	}
	if len(s.specDirs) == 0 {
		return s, fmt.Errorf("supervise: no spec directories in %s: create specs/ in a workspace, list `specs:` in podium.yml, or give --specs DIR", root)
	}

	s.priv = filepath.Join(root, workspaceStateDir)
	if !found {
		if s.priv, err = stateDir(); err != nil {
			return s, err
		}
	}
	switch {
	case f.state != "":
		if s.state, err = filepath.Abs(f.state); err != nil {
			return s, fmt.Errorf("state file %s: %w", f.state, err)
		}
	case found:
		s.state = filepath.Join(root, workspaceStateDir, supervisorStateFile)
	default:
		dir, err := stateDir()
		if err != nil {
			return s, err
		}
		s.state = filepath.Join(dir, supervisorStateFile)
	}

	s.api, s.plainHTTP = cfg.API, f.plainHTTP
	s.listen, s.listenFrom = f.listen, "--listen"
	if s.listen == "" {
		s.listen, s.listenFrom = cfg.Listen, "podium.yml listen:"
	}
	switch {
	case f.tlsCert != "" || f.tlsKey != "":
		if f.tlsCert == "" || f.tlsKey == "" {
			return s, errors.New("--tls-cert and --tls-key go together: give both")
		}
		s.tlsCert, s.tlsKey, s.tlsFrom = f.tlsCert, f.tlsKey, "--tls-cert/--tls-key"
	case cfg.API.TLS.Cert != "":
		s.tlsCert, s.tlsKey, s.tlsFrom = cfg.API.TLS.Cert, cfg.API.TLS.Key, "podium.yml api: tls:"
		if !filepath.IsAbs(s.tlsCert) {
			s.tlsCert = filepath.Join(root, s.tlsCert)
		}
		if !filepath.IsAbs(s.tlsKey) {
			s.tlsKey = filepath.Join(root, s.tlsKey)
		}
	}
	if s.listen != "" {
		// Fail before anything starts, naming the flag or the setting.
		if err := deployapi.CheckListen(s.listen, s.listenFrom, s.tlsCert != "", s.plainHTTP); err != nil {
			return s, err
		}
	} else if f.tlsCert != "" || f.plainHTTP {
		return s, errors.New("--tls-cert, --tls-key and --plain-http are about a TCP listener: give --listen HOST:PORT (or podium.yml listen:)")
	}
	return s, nil
}

// runSupervise runs the supervisor and its API until ctx ends (the root's signal context). The
// API's socket (and TCP port) are opened first, so a second daemon fails before it touches any
// container.
func runSupervise(ctx context.Context, g *globalFlags, s superviseSetup, logOut io.Writer) error {
	eng, err := g.engine()
	if err != nil {
		return err
	}
	defer eng.Close()
	log := slog.New(slog.NewTextHandler(logOut, nil))
	ls, err := startLocalSupervisor(ctx, g, eng, s, log)
	if err != nil {
		return err
	}
	log.Info("supervising", "specs", strings.Join(s.specDirs, ","), "state", s.state)
	log.Info("serving the API", "socket", deployapi.SocketURL(ls.socket), "auth", "none needed: the socket is this user's alone (0600)")
	if ls.url != "" {
		auth := "a token is required: the one given (--token or $" + tokenEnv + ")"
		if ls.tokenFile != "" {
			auth = "a token is required: it was made at start and written to " + ls.tokenFile
		}
		log.Info("serving the API", "url", ls.url, "auth", auth)
	}
	<-ls.done
	if ls.err != nil {
		return ls.err
	}
	log.Info("stopped; the supervised containers keep running")
	return nil
}

func newDeployCmd(g *globalFlags) *cobra.Command {
	var (
		f       deployFlags
		asJSON  bool
		image   string
		timeout string
	)
	deploy := &cobra.Command{
		Use:   "deploy",
		Short: "Show and drive supervised services through a supervisor's HTTP API",
		Long: `Talks to the workspace's supervisor (` + "`podium supervise`" + ` or a TUI's): on the workspace's socket,
.podium/supervisor.sock, unless --remote names another (unix:///PATH or http(s)://HOST:PORT). Over
TCP the token is --token, else $PODIUM_TOKEN, else the workspace's .podium/api-token.`,
	}
	deploy.PersistentFlags().StringVar(&f.remote, "remote", "", "supervisor API: unix:///PATH or http(s)://HOST:PORT (default: the workspace's socket; podium.yml's listen: when no socket is there)")
	deploy.PersistentFlags().StringVar(&f.token, "token", "", "bearer token for a TCP API (default: $"+tokenEnv+", else the workspace's .podium/"+deployapi.TokenFile+")")

	status := &cobra.Command{
		Use:   "status",
		Short: "Show every supervised service: state, revision, image, health, last error",
		Args:  cobra.NoArgs,
		RunE: withDeploy(g, &f, func(cmd *cobra.Command, _ []string, t deployTarget) error {
			health, services, err := t.client.State(cmd.Context())
			if err != nil {
				return t.explain(err)
			}
			if asJSON {
				return deployapi.EncodeState(cmd.OutOrStdout(), health, services)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "supervisor: %s\n", t.client.URL())
			writeDeployHealth(cmd.OutOrStdout(), health)
			return writeDeployStatus(cmd.OutOrStdout(), services, time.Now())
		}),
	}
	status.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON ({\"services\": [...]})")

	wait := &cobra.Command{
		Use:   "wait NAME",
		Short: "Wait until a service is stable (with --image, on that image); exit 1 at the timeout",
		Args:  cobra.ExactArgs(1),
		RunE: withDeploy(g, &f, func(cmd *cobra.Command, args []string, t deployTarget) error {
			d, err := deployapi.ParseTimeout(timeout)
			if err != nil {
				return fmt.Errorf("deploy wait: %w", err)
			}
			if err := t.client.WaitFor(cmd.Context(), args[0], image, d); err != nil {
				return t.explain(err)
			}
			if image != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "%s is stable with image %s\n", args[0], image)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s is stable\n", args[0])
			}
			return nil
		}),
	}
	wait.Flags().StringVar(&image, "image", "", "wait until the service runs this image")
	wait.Flags().StringVar(&timeout, "timeout", "60s", "give up after this long (a duration, or seconds; at most 1h)")

	rollback := &cobra.Command{
		Use:   "rollback NAME [REV]",
		Short: "Redeploy an earlier revision (default: the last stable one before the current)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: withDeploy(g, &f, func(cmd *cobra.Command, args []string, t deployTarget) error {
			rev := 0
			if len(args) == 2 {
				n, err := strconv.Atoi(args[1])
				if err != nil || n < 1 {
					return fmt.Errorf("deploy rollback: revision %q: want a number such as 3 (see `podium deploy status`)", args[1])
				}
				rev = n
			}
			if rev == 0 {
				// Pick it here, as the server would, so the message can name it.
				st, err := t.client.Service(cmd.Context(), args[0])
				if err != nil {
					return t.explain(err)
				}
				var ok bool
				if rev, ok = supervisor.PreviousRevision(st); !ok {
					return fmt.Errorf("deploy rollback: %s has no earlier stable revision to roll back to (give REV; see `podium deploy status --json`)", args[0])
				}
			}
			if err := t.client.Rollback(cmd.Context(), args[0], rev); err != nil {
				return t.explain(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: rolling back to revision %d\n", args[0], rev)
			return nil
		}),
	}
	action := func(use, short, done string, call func(*deployapi.Client, context.Context, string) error) *cobra.Command {
		return &cobra.Command{
			Use:   use + " NAME",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: withDeploy(g, &f, func(cmd *cobra.Command, args []string, t deployTarget) error {
				if err := call(t.client, cmd.Context(), args[0]); err != nil {
					return t.explain(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), done+"\n", args[0])
				return nil
			}),
		}
	}
	deploy.AddCommand(status, wait, rollback,
		action("restart", "Replace a service's containers with fresh ones of the same revision", "%s: restarting",
			(*deployapi.Client).Restart),
		action("pause", "Stop deploying a service; its containers keep running", "%s: paused; its containers keep running",
			(*deployapi.Client).Pause),
		action("resume", "Deploy a paused service again", "%s: resumed",
			(*deployapi.Client).Resume))
	return deploy
}

// withDeploy resolves the supervisor the flags name before fn runs.
func withDeploy(g *globalFlags, f *deployFlags, fn func(cmd *cobra.Command, args []string, t deployTarget) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		t, err := f.target(g)
		if err != nil {
			return err
		}
		return fn(cmd, args, t)
	}
}

// target is --remote, else the workspace's socket, else (when no socket is there) podium.yml's
// listen:. Over TCP the token is --token, else $PODIUM_TOKEN, else the workspace's token file.
func (f *deployFlags) target(g *globalFlags) (deployTarget, error) {
	token := tokenOrEnv(f.token)
	if f.remote != "" {
		u, err := remoteURL(f.remote)
		if err != nil {
			return deployTarget{}, err
		}
		if token == "" && !strings.HasPrefix(u, "unix://") {
			if priv, _, err := privateDir(g); err == nil {
				token = readToken(priv)
			}
		}
		return deployTarget{client: deployapi.NewClient(u, token)}, nil
	}
	priv, cfg, err := privateDir(g)
	if err != nil {
		return deployTarget{}, err
	}
	sock := deployapi.FindSocket(priv)
	if _, err := os.Stat(sock); err == nil || cfg.Listen == "" {
		return deployTarget{client: deployapi.NewClient(deployapi.SocketURL(sock), ""), local: true}, nil
	}
	u, err := listenURL(cfg.Listen, "podium.yml listen:")
	if err != nil {
		return deployTarget{}, err
	}
	if cfg.API.TLS.Cert != "" {
		u = "https" + strings.TrimPrefix(u, "http")
	}
	if token == "" {
		token = readToken(priv)
	}
	return deployTarget{client: deployapi.NewClient(u, token), local: true}, nil
}

// privateDir is the private directory of the workspace (its .podium) and its podium.yml; with
// no workspace, Podium's state directory.
func privateDir(g *globalFlags) (string, pods.Config, error) {
	root, found, err := findWorkspace(g)
	if err != nil {
		return "", pods.Config{}, err
	}
	if !found {
		dir, err := stateDir()
		return dir, pods.Config{}, err
	}
	cfg, err := pods.ReadConfig(root)
	if err != nil {
		return "", pods.Config{}, err
	}
	return filepath.Join(root, workspaceStateDir), cfg, nil
}

// readToken is the token a supervisor made for its TCP listener, or "".
func readToken(priv string) string {
	b, err := os.ReadFile(filepath.Join(priv, deployapi.TokenFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// remoteURL checks a --remote value: unix:///PATH, http(s)://HOST:PORT, or HOST:PORT (http).
func remoteURL(remote string) (string, error) {
	if path, ok := strings.CutPrefix(remote, "unix://"); ok {
		if !filepath.IsAbs(path) {
			return "", fmt.Errorf("--remote %s: want unix:///ABSOLUTE/PATH of a socket", remote)
		}
		return "unix://" + filepath.Clean(path), nil
	}
	u := strings.TrimRight(remote, "/")
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return "", fmt.Errorf("--remote %s: want unix:///PATH or http(s)://HOST:PORT", remote)
	}
	return u, nil
}

// explain turns client errors into what a CLI user should read: the hint to start the daemon,
// or the supervisor's own message.
func (t deployTarget) explain(err error) error {
	var ue *deployapi.UnreachableError
	if errors.As(err, &ue) {
		if t.local {
			return fmt.Errorf("no supervisor at %s: start one with `podium supervise` (or open the TUI in the workspace)", ue.URL)
		}
		return err
	}
	var ae *deployapi.StatusError
	if errors.As(err, &ae) && ae.Code == http.StatusUnauthorized {
		return fmt.Errorf("supervisor at %s refused the request: give its token with --token or $%s (%s)", t.client.URL(), tokenEnv, ae.Message)
	}
	if errors.As(err, &ae) {
		return fmt.Errorf("supervisor at %s: %s", t.client.URL(), ae.Message)
	}
	return err
}

// listenURL is the URL a client uses for a daemon listening on addr (from names where the
// address came from, for the message): a wildcard host is reached through loopback.
func listenURL(addr, from string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("%s %q: want HOST:PORT such as %s", from, addr, deployapi.ExampleListen)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// findWorkspace is workspaceDir that also says whether a workspace was found: supervise puts its
// state in the workspace only when there is one.
func findWorkspace(g *globalFlags) (string, bool, error) {
	if g.workspace != "" {
		root, err := g.workspaceDir()
		return root, err == nil, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false, fmt.Errorf("working directory: %w", err)
	}
	return pods.FindWorkspace(wd)
}

// writeDeployHealth prints, above the table, what makes the table less than the truth: an
// engine the supervisor cannot reach, a state not yet checked against it, a state file that
// cannot be saved.
func writeDeployHealth(w io.Writer, h supervisor.Health) {
	switch {
	case h.Engine != supervisor.EngineConnected:
		fmt.Fprintf(w, "engine %s%s: the states below are not confirmed\n", h.Engine, prefixed(": ", h.EngineError))
	case !h.Reconciled:
		fmt.Fprintln(w, "reconciling with the engine: the states below are not confirmed yet")
	}
	if h.SaveError != "" {
		fmt.Fprintf(w, "state not saved since %s: %s\n", h.SaveErrorAt.Format(time.TimeOnly), h.SaveError)
	}
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

// writeDeployStatus prints the `deploy status` table, services by name.
func writeDeployStatus(w io.Writer, services []supervisor.ServiceStatus, now time.Time) error {
	services = slices.Clone(services)
	slices.SortFunc(services, func(a, b supervisor.ServiceStatus) int { return strings.Compare(a.Name, b.Name) })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tREV\tIMAGE\tHEALTHY/DESIRED\tSINCE\tLAST-ERROR")
	for _, s := range services {
		state := string(s.State)
		if s.Paused {
			state += " (paused)"
		}
		rev := "-"
		if s.Revision > 0 {
			rev = strconv.Itoa(s.Revision)
		}
		if s.Next > 0 {
			rev += "→" + strconv.Itoa(s.Next)
		}
		since := "-"
		if !s.Since.IsZero() {
			since = ago(now.Sub(s.Since))
		}
		var errs []string
		if s.SpecError != "" {
			errs = append(errs, "spec: "+s.SpecError)
		}
		if s.LastError != "" {
			errs = append(errs, s.LastError)
		}
		lastErr := strings.Join(strings.Fields(strings.Join(errs, "; ")), " ") // one line per service
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", s.Name, state, rev, orDash(s.Image), s.Healthy, s.Desired, since, orDash(lastErr))
	}
	return tw.Flush()
}

// ago is an age the way `docker ps` shows one: the largest whole unit.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", max(0, int(d/time.Second)))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// tokenOrEnv is the --token flag, else $PODIUM_TOKEN.
func tokenOrEnv(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(tokenEnv)
}

// supervisorLabels are the labels a supervisor puts on its containers: the caller's, plus one
// naming this supervisor by its state file, so that two workspaces' supervisors on one engine
// never take each other's containers for orphans.
func supervisorLabels(stateFile string, extra map[string]string) map[string]string {
	abs, err := filepath.Abs(stateFile)
	if err != nil {
		abs = stateFile
	}
	sum := sha256.Sum256([]byte(abs))
	out := map[string]string{docker.LabelSupervisor: hex.EncodeToString(sum[:6])}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
