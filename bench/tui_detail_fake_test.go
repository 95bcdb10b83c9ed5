package bench

import (
	"context"
	"errors"

	"github.com/podiumdev/podium/backend/docker"
)

// Inspect and Stats complete model.Backend for the TUI benchmarks, which draw the logs
// sub-tab only: nothing is inspected, and a stats stream waits until it is stopped.
func (f *tuiBackend) Inspect(context.Context, string) (docker.ContainerDetail, error) {
	return docker.ContainerDetail{}, errors.New("the benchmark data set has no inspect")
}

func (f *tuiBackend) Stats(ctx context.Context, _ string, _ func(docker.Stats)) error {
	<-ctx.Done()
	return nil
}
