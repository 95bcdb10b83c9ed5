package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/model"
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

	deploys, takeOver, deploysDone := startDeploys(ctx, &g, eng, remote)

	m := model.New(model.Config{
		Deploys:       deploys,
		TakeOver:      takeOver,
		Pipelines:     model.NewPipelinesBackend(eng, ws),
		Backend:       model.NewEngineBackend(eng, ix),
		Pods:          model.NewPodsBackend(eng, ws, pods.LoadOptions{ProjectName: g.project, Target: g.target, DefaultTagsFile: g.defaultTags}),
		Workspace:     homeRelative(ws),
		Endpoint:      eng.Endpoint().Host,
		ServerVersion: v.ServerVersion,
		API:           v.ClientAPI,
		NoColor:       os.Getenv("NO_COLOR") != "",
		Keymap:        km,
		WatchDir:      ws,
		ApplyOnChange: g.watch,
	})
	_, err = tea.NewProgram(m, tea.WithContext(ctx), tea.WithFPS(model.FrameRate)).Run()
	cancel()
	<-indexDone
	<-deploysDone
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

// startDeploys chooses what the Deploys tab shows: the daemon at remote; else a `podium
// supervise` already serving this workspace; else, when the workspace has spec directories, a
// supervisor run in-process until ctx ends (leaving its containers running). It returns nil
// (no Deploys) otherwise; the Deploys tab's take over when it follows this workspace's daemon
// (nil else); and a channel closed once the in-process supervisors have saved their state and
// returned.
func startDeploys(ctx context.Context, g *globalFlags, eng *docker.Engine, remote string) (model.DeploysBackend, func(context.Context) (model.DeploysBackend, error), <-chan struct{}) {
	done := make(chan struct{})
	if remote != "" {
		close(done)
		return model.NewRemoteDeploys(ctx, supervisor.NewClient(remote, tokenOrEnv(""))), nil, done
	}
	setup, err := resolveSupervise(g, superviseFlags{})
	if err != nil {
		slog.Info("no supervisor in the TUI", "reason", err)
		close(done)
		return nil, nil, done
	}
	daemon := supervisor.NewClient("http://"+setup.listen, tokenOrEnv(""))
	pctx, pcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, perr := daemon.Status(pctx)
	pcancel()
	if perr == nil {
		slog.Info("following the supervisor daemon", "url", daemon.URL())
		t := &takeOvers{ctx: ctx, eng: eng, setup: setup}
		go func() {
			defer close(done)
			t.wait()
		}()
		return model.NewRemoteDeploys(ctx, daemon), t.start, done
	}
	sup, supDone, err := startSupervisor(ctx, eng, setup)
	if err != nil {
		slog.Error("supervisor", "err", err)
		close(done)
		return nil, nil, done
	}
	return sup, nil, supDone
}
