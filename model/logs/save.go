package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/views"
)

// saveTries is how many names a save tries when a log was saved more than once a second.
const saveTries = 100

// savedLogsDir is where saved logs go: $XDG_STATE_HOME/podium/saved, by default
// ~/.local/state/podium/saved.
func savedLogsDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "podium", "saved"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find where to save logs: %w", err)
	}
	return filepath.Join(home, ".local", "state", "podium", "saved"), nil
}

// save writes the whole log, disk part included, to a new file of the saved logs, and says
// where for the status line.
func (v *View) save() views.Status {
	dir, err := savedLogsDir()
	if err == nil {
		var path string
		var n int
		path, n, err = v.saveTo(dir, time.Now())
		if err == nil {
			return views.Status{Text: fmt.Sprintf("saved to %s (%s)", path, views.Plural(n, "line"))}
		}
	}
	return views.Status{Text: err.Error(), Err: true}
}

// saveTo writes the log to dir, in a file named after the log and now. Lines are as they came
// (colours included), with their container's name when the log mixes several, and with their
// time when timestamps are shown.
func (v *View) saveTo(dir string, now time.Time) (string, int, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("save the log of %s: %w", v.label, err)
	}
	f, err := createSaved(dir, fileLabel(v.label)+"-"+now.Format("20060102-150405"))
	if err != nil {
		return "", 0, fmt.Errorf("save the log of %s: %w", v.label, err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	n := v.Lines()
	if v.buf != nil {
		err = v.buf.each(0, n, func(_ int, l views.LogLine) error {
			return writeLine(w, l, v.stamps)
		})
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name()) // a partial copy would pass for the whole log
		return "", 0, fmt.Errorf("save the log of %s to %s: %w", v.label, f.Name(), err)
	}
	return f.Name(), n, nil
}

// createSaved creates base.log in dir, or base-2.log and so on if it exists.
func createSaved(dir, base string) (*os.File, error) {
	for i := 1; i <= saveTries; i++ {
		name := base + ".log"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.log", base, i)
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("%s: %d saved copies exist", filepath.Join(dir, base+".log"), saveTries)
}

// fileLabel makes a log's name safe as part of a file name: "frontend/web" → "frontend-web".
func fileLabel(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		return "log"
	}
	return out
}

// writeLine writes a line as a saved log has it: its time when stamps, its container's name
// when it has one, its text.
func writeLine(w *bufio.Writer, l views.LogLine, stamps bool) error {
	if stamps && !l.Time.IsZero() {
		w.WriteString(l.Time.Format(time.RFC3339Nano))
		w.WriteByte(' ')
	}
	if l.From != "" {
		w.WriteString(l.From)
		w.WriteString(" | ")
	}
	w.WriteString(l.Text)
	return w.WriteByte('\n')
}

// SavedMsg says a pane's whole log was saved (Path, N lines), or why not.
type SavedMsg struct {
	Gen  uint64 // the stream of the pane that asked
	Name string
	Path string
	N    int
	Err  error
}

func (m SavedMsg) status() views.Status {
	if m.Err != nil {
		return views.Status{Text: m.Err.Error(), Err: true}
	}
	return views.Status{Text: fmt.Sprintf("saved to %s (%s)", m.Path, views.Plural(m.N, "line"))}
}

// saveWhole saves the whole log of the pane's containers as the engine has it now, merged in
// time order when there are several, streamed to the file: nothing of it is held in memory.
func (p *Pane) saveWhole() tea.Cmd {
	var srcs []olderSource
	for _, s := range p.srcs {
		srcs = append(srcs, olderSource{id: s.ID, from: s.From})
	}
	if len(srcs) == 0 {
		return nil
	}
	gen, b, ctx := p.stream.gen, p.b, p.ctx
	label, name, stamps := p.label, p.name, p.stamps
	p.saves = append(p.saves, gen)
	return func() tea.Msg {
		msg := SavedMsg{Gen: gen, Name: name}
		dir, err := savedLogsDir()
		if err == nil {
			msg.Path, msg.N, err = saveMerged(ctx, b, srcs, dir, label, stamps, time.Now())
		}
		msg.Err = err
		return msg
	}
}

// saveMerged writes the whole log of srcs to a new file of dir named after label and now.
func saveMerged(ctx context.Context, b Backend, srcs []olderSource, dir, label string, stamps bool, now time.Time) (string, int, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("save the log of %s: %w", label, err)
	}
	f, err := createSaved(dir, fileLabel(label)+"-"+now.Format("20060102-150405"))
	if err != nil {
		return "", 0, fmt.Errorf("save the log of %s: %w", label, err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	n := 0
	var werr error
	err = readMerged(ctx, b, srcs, func(ls []views.LogLine) bool {
		for _, l := range ls {
			if werr = writeLine(w, l, stamps); werr != nil {
				return false
			}
			n++
		}
		return true
	})
	if werr != nil {
		err = werr
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name()) // a partial copy would pass for the whole log
		return "", 0, fmt.Errorf("save the log of %s to %s: %w", label, f.Name(), err)
	}
	return f.Name(), n, nil
}
