package logs

import (
	"fmt"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

const (
	// MemLines is how many of the newest lines a log keeps in memory.
	MemLines = 5000
	// memBytes bounds the text a log keeps in memory, for logs of very long lines.
	memBytes = 16 << 20
	// memKeep is the fewest lines kept in memory however long they are: more than a pane
	// shows, so following draws from memory alone.
	memKeep = 256
	// spillChunk is how far below its limit the memory part goes when it spills, so lines
	// go to disk in batches and the memory part is shifted once per batch, not per line.
	spillChunk = 1000
	// lineOverhead is what a line costs in memory besides its text, for the byte bound.
	lineOverhead = 64
)

// limits bound the memory part of a buffer. Tests make them small.
type limits struct {
	lines, bytes, keep, chunk int
	dir                       string // where the spill file goes; "" for os.TempDir()
}

func defaultLimits() limits {
	return limits{lines: MemLines, bytes: memBytes, keep: memKeep, chunk: spillChunk}
}

// buffer holds a log with nothing dropped and memory bounded: the newest lines in memory, the
// older ones in a spill file with an index, so any line can be read back. Lines are numbered
// from 0 in arrival order and keep their number for good. It is used from Update only.
type buffer struct {
	name    string // whose log, for the spill file's errors
	lim     limits
	disk    *spillFile      // nil until the first spill
	lost    int             // lines after the disk's that could not be written to it
	mem     []views.LogLine // the newest lines, from memStart() on
	memSize int             // their cost in bytes
	err     error           // why spilling failed; older lines are lost from then on
	closed  bool
}

func newBuffer(name string, lim limits) *buffer {
	return &buffer{name: name, lim: lim}
}

// onDisk is how many lines the spill file holds.
func (b *buffer) onDisk() int {
	if b.disk == nil {
		return 0
	}
	return b.disk.n
}

// memStart is the number of the oldest line in memory.
func (b *buffer) memStart() int { return b.onDisk() + b.lost }

// len is how many lines the log has had.
func (b *buffer) len() int { return b.memStart() + len(b.mem) }

func lineCost(l views.LogLine) int { return len(l.Text) + len(l.From) + lineOverhead }

// append adds lines at the end, spilling the oldest to disk past the limits.
func (b *buffer) append(lines []views.LogLine) {
	for _, l := range lines {
		b.mem = append(b.mem, l)
		b.memSize += lineCost(l)
	}
	b.trim()
}

// trim spills the oldest lines once memory holds more than its limits: down to a chunk below
// the line limit, and to three quarters of the byte limit, keeping at least lim.keep lines.
func (b *buffer) trim() {
	if len(b.mem) <= b.lim.lines && b.memSize <= b.lim.bytes {
		return
	}
	n := 0
	if over := len(b.mem) - b.lim.lines; over > 0 {
		n = min(over+b.lim.chunk, len(b.mem))
	}
	size := b.memSize
	for _, l := range b.mem[:n] {
		size -= lineCost(l)
	}
	for n < len(b.mem) && size > b.lim.bytes*3/4 {
		size -= lineCost(b.mem[n])
		n++
	}
	n = min(n, len(b.mem)-b.lim.keep)
	if n > 0 {
		b.spill(n)
	}
}

// spill moves the oldest n lines of memory to disk. If the spill file cannot be created or
// written they are lost, counted, and read back as a line that says why.
func (b *buffer) spill(n int) {
	part := b.mem[:n]
	if b.err == nil && !b.closed && b.disk == nil {
		b.disk, b.err = createSpill(b.lim.dir, b.name)
	}
	if b.err == nil && !b.closed {
		b.err = b.disk.write(part)
	}
	if b.err != nil || b.closed {
		b.lost += n
	}
	for _, l := range part {
		b.memSize -= lineCost(l)
	}
	k := copy(b.mem, b.mem[n:])
	clear(b.mem[k:])
	b.mem = b.mem[:k]
}

// lostLine stands for a line that could not be kept.
func (b *buffer) lostLine() views.LogLine {
	why := "the log was closed"
	if b.err != nil {
		why = b.err.Error()
	}
	return views.LogLine{LogLine: docker.LogLine{Stream: docker.Stderr, Text: "(line lost: " + why + ")"}}
}

// line reads line i, from memory or disk.
func (b *buffer) line(i int) (views.LogLine, error) {
	var l views.LogLine
	err := b.each(i, i+1, func(_ int, x views.LogLine) error {
		l = x
		return nil
	})
	return l, err
}

// each calls fn with lines from to to-1 in order, reading the disk part sequentially.
func (b *buffer) each(from, to int, fn func(i int, l views.LogLine) error) error {
	from, to = max(from, 0), min(to, b.len())
	i := from
	if i < b.onDisk() && !b.closed {
		r, err := b.disk.reader(i, to-i)
		if err != nil {
			return err
		}
		for ; i < min(to, b.onDisk()); i++ {
			l, err := r.next()
			if err != nil {
				return err
			}
			if err := fn(i, l); err != nil {
				return err
			}
		}
	}
	for ; i < to; i++ {
		l := b.lostLine()
		if ms := b.memStart(); i >= ms {
			l = b.mem[i-ms]
		}
		if err := fn(i, l); err != nil {
			return err
		}
	}
	return nil
}

// matches are the numbers of the lines from from on whose text q matches, disk part included.
func (b *buffer) matches(q views.LogQuery, from int) ([]int, error) {
	var out []int
	i := max(from, 0)
	if i < b.onDisk() && !b.closed {
		r, err := b.disk.reader(i, b.onDisk()-i)
		if err != nil {
			return nil, err
		}
		for ; i < b.onDisk(); i++ {
			text, err := r.nextText()
			if err != nil {
				return out, err
			}
			if q.Match(string(text)) {
				out = append(out, i)
			}
		}
	}
	ms := b.memStart()
	for i = max(i, ms); i < b.len(); i++ {
		if q.Match(b.mem[i-ms].Text) {
			out = append(out, i)
		}
	}
	return out, nil
}

// close drops the memory part and removes the spill file. The counts stay, so a copy of a
// model that still holds the buffer reads lost lines, never out of range.
func (b *buffer) close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	b.lost += len(b.mem)
	b.mem, b.memSize = nil, 0
	if b.disk == nil {
		return nil
	}
	b.lost += b.disk.n
	n := b.disk.n
	err := b.disk.close()
	b.disk.n = 0
	if err != nil {
		return fmt.Errorf("close the log of %s (%d lines on disk): %w", b.name, n, err)
	}
	return nil
}
