package views

import (
	"fmt"

	"github.com/podiumdev/podium/backend/docker"
)

// minCPUTop and minMemTop keep an idle container's sparklines flat: below them, noise would be
// drawn as full blocks.
const (
	minCPUTop = 1.0     // percent
	minMemTop = 1 << 20 // bytes
)

// StatsLines draws a container's resource use from its samples (oldest first): CPU and memory
// now, each with a sparkline of the samples kept, then network and block I/O totals and the
// process count.
func StatsLines(t Theme, samples []docker.Stats, width int) []string {
	if len(samples) == 0 {
		return nil
	}
	last := samples[len(samples)-1]
	cpu := make([]float64, len(samples))
	mem := make([]float64, len(samples))
	peakCPU, peakMem := 0.0, 0.0
	for i, s := range samples {
		cpu[i], mem[i] = s.CPUPercent, float64(s.MemUsage)
		peakCPU, peakMem = max(peakCPU, cpu[i]), max(peakMem, mem[i])
	}
	spark := max(width-4, 1)
	memText := BinaryBytes(last.MemUsage)
	if last.MemLimit > 0 {
		memText += fmt.Sprintf(" / %s (%.1f%%)", BinaryBytes(last.MemLimit), last.MemPercent())
	}
	label := func(s string) string { return t.Dim.Render(Pad(s, 10)) }
	return []string{
		"  " + label("CPU") + t.Text.Render(fmt.Sprintf("%.1f%%", last.CPUPercent)) +
			t.Dim.Render(fmt.Sprintf("  peak %.1f%%", peakCPU)),
		"  " + t.OK.Render(Sparkline(cpu, spark, max(peakCPU, minCPUTop))),
		"  " + label("Memory") + t.Text.Render(memText) + t.Dim.Render("  peak "+BinaryBytes(uint64(peakMem))),
		"  " + t.Service.Render(Sparkline(mem, spark, max(peakMem, minMemTop))),
		"  " + label("Net I/O") + t.Text.Render(fmt.Sprintf("↓ %s received · ↑ %s sent", DecimalBytes(last.NetRx), DecimalBytes(last.NetTx))),
		"  " + label("Block I/O") + t.Text.Render(fmt.Sprintf("%s read · %s written", DecimalBytes(last.BlockRead), DecimalBytes(last.BlockWrite))),
		"  " + label("PIDs") + t.Text.Render(fmt.Sprint(last.PIDs)),
		"  " + t.Dim.Render(fmt.Sprintf("%d samples, about one a second", len(samples))),
	}
}

// BinaryBytes is a size in powers of 1024, as `docker stats` shows memory: 48.2MiB.
func BinaryBytes(n uint64) string {
	return humanBytes(float64(n), 1024, []string{"B", "KiB", "MiB", "GiB", "TiB"})
}

// DecimalBytes is a size in powers of 1000, as `docker stats` shows I/O: 1.2kB.
func DecimalBytes(n uint64) string {
	return humanBytes(float64(n), 1000, []string{"B", "kB", "MB", "GB", "TB"})
}

func humanBytes(v, base float64, units []string) string {
	i := 0
	for v >= base && i < len(units)-1 {
		v /= base
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f%s", v, units[0])
	}
	return fmt.Sprintf("%.1f%s", v, units[i])
}
