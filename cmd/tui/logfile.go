package main

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"
)

// stateDir is where Podium keeps per-user state that is not a workspace's: its log file.
// It follows the XDG base directory spec ($XDG_STATE_HOME, else ~/.local/state).
func stateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "podium"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "podium"), nil
}

// redirectLogs sends every logger Podium and its libraries use (slog, log, logrus from
// compose-go) to a file, so nothing is printed over the TUI. It returns the file's path.
func redirectLogs() (path string, closeFn func(), err error) {
	dir, err := stateDir()
	if err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("create state directory %s: %w", dir, err)
	}
	path = filepath.Join(dir, "podium.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("open log file %s: %w", path, err)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.SetOutput(f)
	logrus.SetOutput(withoutObsoleteVersion{w: f})
	return path, func() {
		logrus.SetOutput(io.Discard)
		f.Close()
	}, nil
}
