// Package docker is Podium's only door to the Docker Engine: typed calls over the moby client,
// the label scheme, a live container index fed by the events stream, logs, exec, images,
// networks and volumes. Nothing else in Podium imports the Docker client.
package docker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/connhelper"
	ctxdocker "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"
	"github.com/moby/moby/client"
)

// DefaultHost is the engine address used when neither DOCKER_HOST nor a docker context names one.
const DefaultHost = "unix:///var/run/docker.sock"

// Options say where the engine is. The zero value resolves it as the docker CLI does.
type Options struct {
	// Host overrides every other source (a --host flag).
	Host string
	// Context names a docker context to use instead of the current one (a --context flag).
	Context string
	// ConfigDir is the docker CLI's config directory; empty means DOCKER_CONFIG or ~/.docker.
	ConfigDir string
	// Dial, when set, replaces the transport's dialer (tests put a proxy between Podium and dockerd).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Endpoint says which engine Podium talks to and how it found it.
type Endpoint struct {
	Host   string // unix:///var/run/docker.sock, tcp://…, ssh://…
	Source string // "flag", "DOCKER_HOST", "context <name>", "default"
}

// Versions are the client and server versions after API negotiation.
type Versions struct {
	ClientAPI     string // negotiated API version the client speaks
	ServerVersion string // engine release, e.g. 20.10.24
	ServerAPI     string // highest API version the engine supports
	ServerMinAPI  string
	OS, Arch      string
}

// Engine is a connection to one Docker Engine. It is safe for concurrent use.
type Engine struct {
	cli      *client.Client
	endpoint Endpoint
}

// Connect resolves the endpoint, builds a client and negotiates the API version with the engine.
// It fails when the engine does not answer, saying where it looked.
func Connect(ctx context.Context, opts Options) (*Engine, error) {
	e, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := e.Ping(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// New builds a client without contacting the engine; the first call negotiates the version.
func New(opts Options) (*Engine, error) {
	ep, clientOpts, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if opts.Dial != nil {
		clientOpts = append(clientOpts, client.WithDialContext(opts.Dial))
	}
	cli, err := client.New(clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("docker client for %s (%s): %w", ep.Host, ep.Source, err)
	}
	return &Engine{cli: cli, endpoint: ep}, nil
}

// resolve follows the docker CLI's order: an explicit host, an explicit context, DOCKER_HOST,
// DOCKER_CONTEXT, the config file's currentContext, then the default socket.
func resolve(opts Options) (Endpoint, []client.Opt, error) {
	base := []client.Opt{client.WithUserAgent("podium")}
	if opts.Host != "" {
		hopts, err := hostOpts(opts.Host)
		if err != nil {
			return Endpoint{}, nil, fmt.Errorf("docker host %s (flag): %w", opts.Host, err)
		}
		return Endpoint{Host: opts.Host, Source: "flag"}, append(append(base, client.WithHost(opts.Host)), hopts...), nil
	}
	name := opts.Context
	if h := os.Getenv("DOCKER_HOST"); h != "" && name == "" {
		hopts, err := hostOpts(h)
		if err != nil {
			return Endpoint{}, nil, fmt.Errorf("docker host %s (DOCKER_HOST): %w", h, err)
		}
		return Endpoint{Host: h, Source: "DOCKER_HOST"}, append(append(base, client.FromEnv), hopts...), nil
	}
	if name == "" {
		name = os.Getenv("DOCKER_CONTEXT")
	}
	dir := opts.ConfigDir
	if dir == "" {
		// config.Dir reads DOCKER_CONFIG once per process; read it here so it is always current.
		dir = os.Getenv("DOCKER_CONFIG")
	}
	if dir == "" {
		dir = config.Dir()
	}
	if name == "" {
		cf, err := config.Load(dir)
		if err == nil {
			name = cf.CurrentContext
		}
	}
	if name == "" || name == "default" {
		return Endpoint{Host: DefaultHost, Source: "default"}, append(base, client.FromEnv, client.WithHost(DefaultHost)), nil
	}
	st := store.New(filepath.Join(dir, "contexts"), store.NewConfig(
		func() any { return &map[string]any{} },
		store.EndpointTypeGetter(ctxdocker.DockerEndpoint, func() any { return &ctxdocker.EndpointMeta{} }),
	))
	meta, err := st.GetMetadata(name)
	if err != nil {
		return Endpoint{}, nil, fmt.Errorf("docker context %q: %w", name, err)
	}
	epMeta, err := ctxdocker.EndpointFromContext(meta)
	if err != nil {
		return Endpoint{}, nil, fmt.Errorf("docker context %q: %w", name, err)
	}
	ep, err := ctxdocker.WithTLSData(st, name, epMeta)
	if err != nil {
		return Endpoint{}, nil, fmt.Errorf("docker context %q: TLS data: %w", name, err)
	}
	copts, err := ep.ClientOpts()
	if err != nil {
		return Endpoint{}, nil, fmt.Errorf("docker context %q: %w", name, err)
	}
	return Endpoint{Host: ep.Host, Source: "context " + name}, append(base, copts...), nil
}

// hostOpts returns the extra client options a host needs: an ssh:// host is reached through
// `ssh … docker system dial-stdio`, as the docker CLI does; other hosts need none.
func hostOpts(host string) ([]client.Opt, error) {
	if !strings.HasPrefix(host, "ssh://") {
		return nil, nil
	}
	helper, err := connhelper.GetConnectionHelper(host)
	if err != nil {
		return nil, err
	}
	return []client.Opt{
		client.WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: helper.Dialer}}),
		client.WithHost(helper.Host),
		client.WithDialContext(helper.Dialer),
	}, nil
}

// Endpoint reports where this engine is.
func (e *Engine) Endpoint() Endpoint { return e.endpoint }

// Close releases the client's idle connections.
func (e *Engine) Close() error { return e.cli.Close() }

// Ping checks that the engine answers and negotiates the API version.
func (e *Engine) Ping(ctx context.Context) error {
	if _, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return fmt.Errorf("ping docker engine at %s (%s): %w", e.endpoint.Host, e.endpoint.Source, err)
	}
	return nil
}

// Versions reports the client's negotiated API version and the engine's versions.
func (e *Engine) Versions(ctx context.Context) (Versions, error) {
	if err := e.Ping(ctx); err != nil {
		return Versions{}, err
	}
	v, err := e.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Versions{}, fmt.Errorf("server version of %s: %w", e.endpoint.Host, err)
	}
	return Versions{
		ClientAPI:     e.cli.ClientVersion(),
		ServerVersion: v.Version,
		ServerAPI:     v.APIVersion,
		ServerMinAPI:  v.MinAPIVersion,
		OS:            v.Os,
		Arch:          v.Arch,
	}, nil
}

// APIVersion is the negotiated API version ("1.41"); before the first call it is the client's maximum.
func (e *Engine) APIVersion() string { return e.cli.ClientVersion() }

// IsNotFound reports whether err says the engine has no such object.
func IsNotFound(err error) bool { return err != nil && cerrdefs.IsNotFound(err) }

// IsConflict reports whether err says the object is in a state that refuses the call
// (a name in use, a container already being removed).
func IsConflict(err error) bool { return err != nil && cerrdefs.IsConflict(err) }
