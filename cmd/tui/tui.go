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
	"github.com/podiumdev/podium/model"
)

// runTUI opens the full-screen TUI. The engine need not be up: the header says "disconnected"
// and the index reconnects by itself when it comes.
func runTUI(ctx context.Context, g globalFlags) error {
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

	m := model.New(model.Config{
		Backend:       model.NewEngineBackend(eng, ix),
		Pods:          model.NewPodsBackend(eng, ws, pods.LoadOptions{ProjectName: g.project, Target: g.target, DefaultTagsFile: g.defaultTags}),
		Workspace:     homeRelative(ws),
		Endpoint:      eng.Endpoint().Host,
		ServerVersion: v.ServerVersion,
		API:           v.ClientAPI,
		NoColor:       os.Getenv("NO_COLOR") != "",
	})
	_, err = tea.NewProgram(m, tea.WithContext(ctx)).Run()
	cancel()
	<-indexDone
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
