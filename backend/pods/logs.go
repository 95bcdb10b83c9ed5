package pods

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/podiumdev/podium/backend/docker"
)

// LogsOptions shape `podium logs`.
type LogsOptions struct {
	Follow     bool
	Tail       int // lines per container from the end; 0: all
	Timestamps bool
	Color      bool // colour each container's prefix (the CLI sets it on a terminal)
}

// ansiPalette colours container prefixes in turn, as Compose does.
const ansiPalette = "36 33 32 35 34 96 93 92 95 94"

// Logs writes the logs of the named pods or services (default: every enabled pod) to out, one
// line at a time with a `name | ` prefix, several containers multiplexed. With Follow it goes
// on until ctx ends.
func (r *Runner) Logs(ctx context.Context, names []string, opts LogsOptions, out io.Writer) error {
	sel, err := r.WS.Select(names, ScopeAll)
	if err != nil {
		return err
	}
	cs, err := r.Engine.List(ctx, docker.ListOptions{All: true, Labels: []string{docker.LabelComposeProject + "=" + r.WS.ComposeName}})
	if err != nil {
		return err
	}
	state := r.WS.State(cs)
	wanted := map[string]bool{}
	for _, s := range sel {
		if s.Pod.Err != nil {
			return fmt.Errorf("logs %s: %w", s.Pod.Name, s.Pod.Err)
		}
		services := s.Services
		if services == nil {
			services = s.Pod.ServiceNames()
		}
		for _, svc := range services {
			wanted[s.Pod.Name+"/"+svc] = true
		}
	}
	var targets []docker.Container
	for _, ps := range state {
		for _, ss := range ps.Services {
			if wanted[ss.Pod+"/"+ss.Service] {
				targets = append(targets, ss.Containers...)
			}
		}
	}
	if len(targets) == 0 {
		return fmt.Errorf("no containers for %s in project %s (start them with `podium up`)", describeNames(names), r.WS.ComposeName)
	}
	width := 0
	for _, c := range targets {
		width = max(width, len(c.Name))
	}
	colors := strings.Fields(ansiPalette)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(targets))
	for i, c := range targets {
		prefix := fmt.Sprintf("%-*s | ", width, c.Name)
		if opts.Color {
			prefix = "\x1b[" + colors[i%len(colors)] + "m" + prefix + "\x1b[0m"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.Engine.Logs(ctx, c.ID, docker.LogOptions{Follow: opts.Follow, Tail: opts.Tail, Timestamps: opts.Timestamps}, func(l docker.LogLine) {
				text := l.Text
				if opts.Timestamps && !l.Time.IsZero() {
					text = l.Time.Format("2006-01-02T15:04:05.000000000Z07:00") + " " + text
				}
				mu.Lock()
				fmt.Fprintf(out, "%s%s\n", prefix, text)
				mu.Unlock()
			})
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return errors.Join(errs...)
}

func describeNames(names []string) string {
	if len(names) == 0 {
		return "any pod"
	}
	return strings.Join(names, ", ")
}
