package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Stats is one sample of a container's resource use, computed as `docker stats` does.
type Stats struct {
	Time       time.Time
	CPUPercent float64 // of one core × cores: 200% is two cores busy
	MemUsage   uint64  // bytes, page cache excluded
	MemLimit   uint64
	NetRx      uint64
	NetTx      uint64
	BlockRead  uint64
	BlockWrite uint64
	PIDs       uint64
}

// MemPercent is memory use as a share of the limit.
func (s Stats) MemPercent() float64 {
	if s.MemLimit == 0 {
		return 0
	}
	return float64(s.MemUsage) / float64(s.MemLimit) * 100
}

// StreamStats follows a container's stats, calling sink about once a second, until ctx is done
// or the container stops. The engine's first sample has no previous CPU reading, so the first
// sample sink sees is the second one.
func (e *Engine) StreamStats(ctx context.Context, id string, sink func(Stats)) error {
	res, err := e.cli.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: true})
	if err != nil {
		return fmt.Errorf("stats of container %s: %w", id, err)
	}
	defer res.Body.Close()
	stop := context.AfterFunc(ctx, func() { res.Body.Close() })
	defer stop()
	dec := json.NewDecoder(res.Body)
	for {
		var r container.StatsResponse
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("stats of container %s: %w", id, err)
		}
		// A stopped container's stream goes on with empty samples (no read time) once a
		// second until the container is removed: the container has stopped, so stop here.
		if r.Read.IsZero() {
			return nil
		}
		if r.PreCPUStats.SystemUsage == 0 {
			continue
		}
		sink(statsFrom(r))
	}
}

func statsFrom(r container.StatsResponse) Stats {
	s := Stats{Time: r.Read, MemLimit: r.MemoryStats.Limit, PIDs: r.PidsStats.Current}
	cpuDelta := float64(r.CPUStats.CPUUsage.TotalUsage) - float64(r.PreCPUStats.CPUUsage.TotalUsage)
	sysDelta := float64(r.CPUStats.SystemUsage) - float64(r.PreCPUStats.SystemUsage)
	cpus := float64(r.CPUStats.OnlineCPUs)
	if cpus == 0 {
		cpus = float64(len(r.CPUStats.CPUUsage.PercpuUsage))
	}
	if sysDelta > 0 && cpuDelta > 0 {
		s.CPUPercent = cpuDelta / sysDelta * cpus * 100
	}
	// cgroup v1 counts page cache as usage; docker CLI subtracts the inactive file pages.
	usage := r.MemoryStats.Usage
	for _, k := range []string{"total_inactive_file", "inactive_file"} {
		if v, ok := r.MemoryStats.Stats[k]; ok && v < usage {
			usage -= v
			break
		}
	}
	s.MemUsage = usage
	for _, n := range r.Networks {
		s.NetRx += n.RxBytes
		s.NetTx += n.TxBytes
	}
	for _, b := range r.BlkioStats.IoServiceBytesRecursive {
		switch b.Op {
		case "Read", "read":
			s.BlockRead += b.Value
		case "Write", "write":
			s.BlockWrite += b.Value
		}
	}
	return s
}
