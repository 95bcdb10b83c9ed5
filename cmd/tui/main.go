// Command podium is the Podium CLI: with no subcommand on a terminal it opens the TUI; its
// subcommands script the same backend.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"

	"github.com/podiumdev/podium/backend/docker"
)

func main() {
	// A closed terminal (SIGHUP) ends podium as ^C and SIGTERM do: a pipeline run kills its
	// nodes and removes its containers before it exits.
	// compose-go's version: line is said by Podium itself; its other lines stay on stderr.
	logrus.SetOutput(withoutObsoleteVersion{w: os.Stderr})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err == nil {
		return
	}
	var exit docker.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.Code)
	}
	fmt.Fprintln(os.Stderr, "podium:", err)
	os.Exit(1)
}
