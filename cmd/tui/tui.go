package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/deployapi"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model"
	"github.com/podiumdev/podium/model/deploys"
	"github.com/podiumdev/podium/watch"
)

// runTUI opens the full-screen TUI. The engine need not be up: the header says "disconnected"
// and the index reconnects by itself when it comes.
func runTUI(ctx context.Context, g globalFlags, remote string) error {
	km, err := tuiKeymap(os.Stderr, g.keymap)
	if err != nil {
		return err
	}
	ws, err := g.workspaceDir()
	if err != nil {
		return err
	}
	logPath, closeLog, err := redirectLogs()
	if err != nil {
		return err
	}
	defer closeLog()
	// What an older podium left readable by others becomes private: its log and saved logs,
	// the workspace's state, run records and outputs.
	if sd, err := stateDir(); err == nil {
		tightenPrivate(sd, slog.Default())
	}
	if st, err := os.Stat(filepath.Join(ws, workspaceStateDir)); err == nil && st.IsDir() {
		tightenPrivate(filepath.Join(ws, workspaceStateDir), slog.Default())
	}

	labels, err := g.extraLabels()
	if err != nil {
		return err
	}
	eng, err := g.engine()
	if err != nil {
		return err
	}
	defer eng.Close()
	slog.Info("podium starting", "workspace", ws, "endpoint", eng.Endpoint().Host, "source", eng.Endpoint().Source)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ix := docker.NewIndex(eng, docker.IndexOptions{})
	indexDone := make(chan struct{})
	go func() {
		defer close(indexDone)
		ix.Run(ctx)
	}()

	vctx, vcancel := context.WithTimeout(ctx, 2*time.Second)
	v, verr := eng.Versions(vctx)
	vcancel()
	if verr != nil {
		slog.Warn("engine version unknown", "err", verr)
	}

	// One file watcher for the process: the TUI's files, the supervisor's specs and the
	// pipeline outputs followed all subscribe to it.
	hub := watch.NewHub()
	defer hub.Close()
	deploys, takeOver, deploysDone := startDeploys(ctx, &g, eng, ix, hub, remote)
	pipes := newPipelinesBackend(eng, ws, hub, labels)
	pipesDone := make(chan struct{})
	go func() {
		defer close(pipesDone)
		pipes.followRuns(ctx, hub, ws) // runs started outside the TUI, and their ends
	}()

	m := model.New(model.Config{
		Deploys:       deploys,
		TakeOver:      takeOver,
		Pipelines:     pipes,
		Backend:       containersBackend{docker.NewLive(eng, ix)},
		Pods:          podsBackend{pods.NewController(eng, ws, g.loadOptions(g.target)).WaitingOn(ix).WithLabels(labels)},
		Workspace:     homeRelative(ws),
		Endpoint:      eng.Endpoint().Host,
		ServerVersion: v.ServerVersion,
		API:           v.ClientAPI,
		NoColor:       os.Getenv("NO_COLOR") != "",
		Keymap:        km,
		WatchDir:      ws,
		Watcher:       hub,
		ApplyOnChange: g.watch,
	})
	_, err = tea.NewProgram(m, tea.WithContext(ctx), tea.WithFPS(model.FrameRate)).Run()
	cancel()
	<-indexDone
	<-deploysDone
	<-pipesDone
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("tui: %w (log: %s)", err, logPath)
	}
	slog.Info("podium stopped")
	return nil
}

// homeRelative shortens a path under the user's home to ~/…, as shells print it.
func homeRelative(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return p
	}
	if p == home {
		return "~"
	}
	if rel, ok := strings.CutPrefix(p, home+string(filepath.Separator)); ok {
		return "~/" + rel
	}
	return p
}

// startDeploys chooses what the Deploys tab shows: the daemon at remote; else a supervisor
// already serving this workspace's socket (`podium supervise`, another TUI); else, when the
// workspace has spec directories, a supervisor run in-process until ctx ends (leaving its
// containers running), serving the same API on the workspace's socket and sharing the TUI's
// container index ix and file watcher hub. It returns nil (no Deploys) otherwise; the Deploys tab's take over when it
// follows this workspace's supervisor (nil else); and a channel closed once the in-process
// supervisors have saved their state and returned.
func startDeploys(ctx context.Context, g *globalFlags, eng *docker.Engine, ix *docker.Index, hub *watch.Hub, remote string) (deploys.Backend, func(context.Context) (deploys.Backend, error), <-chan struct{}) {
	done := make(chan struct{})
	if remote != "" {
		close(done)
		u, err := remoteURL(remote)
		if err != nil {
			slog.Error("no Deploys", "err", err)
			return nil, nil, done
		}
		token := tokenOrEnv("")
		if priv, _, err := privateDir(g); err == nil && token == "" && !strings.HasPrefix(u, "unix://") {
			token = readToken(priv)
		}
		return deploys.NewRemote(ctx, deployapi.NewClient(u, token)), nil, done
	}
	setup, err := resolveSupervise(g, superviseFlags{})
	if err != nil {
		slog.Info("no supervisor in the TUI", "reason", err)
		close(done)
		return nil, nil, done
	}
	setup.token = tokenOrEnv("")
	setup.labels, _ = g.extraLabels() // runTUI checked them
	setup.index = ix                  // one events stream per process: the supervisor shares the TUI's index
	setup.watcher = hub               // and one file watcher
	daemon := deployapi.NewClient(deployapi.SocketURL(deployapi.FindSocket(setup.priv)), "")
	follow := func(why string) (deploys.Backend, func(context.Context) (deploys.Backend, error), <-chan struct{}) {
		slog.Info("following the workspace's supervisor", "url", daemon.URL(), "why", why)
		t := &takeOvers{ctx: ctx, g: g, eng: eng, setup: setup}
		go func() {
			defer close(done)
			t.wait()
		}()
		return deploys.NewRemote(ctx, daemon), t.start, done
	}
	if probeSupervisor(ctx, daemon) {
		return follow("it answers on the socket")
	}
	ls, err := startLocalSupervisor(ctx, g, eng, setup, slog.Default())
	var busy *deployapi.BusyError
	if errors.As(err, &busy) {
		// Another supervisor took the socket meanwhile (or is starting): follow it.
		return follow(err.Error())
	}
	if err != nil {
		slog.Error("supervisor", "err", err)
		close(done)
		return nil, nil, done
	}
	slog.Info("supervising in-process", "socket", ls.socket, "url", ls.url, "token_file", ls.tokenFile)
	go func() {
		<-ls.done
		if ls.err != nil {
			slog.Error("supervisor stopped", "err", ls.err)
		}
		close(done)
	}()
	return ls.sup, nil, done
}

// probeSupervisor says whether a supervisor answers at c, quickly.
func probeSupervisor(ctx context.Context, c *deployapi.Client) bool {
	pctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err := c.Status(pctx)
	return err == nil
}
