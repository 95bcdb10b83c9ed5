package views

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
)

// LogLine is a line of the logs pane: a container's output, and when the pane mixes several
// containers (a service, a pod) the name of the one that wrote it.
type LogLine struct {
	docker.LogLine
	From string
}

// LogsData is what the logs pane shows.
type LogsData struct {
	Name      string    // whose logs these are (a container, pod/service); "" when nothing is selected
	Lines     []LogLine // everything buffered, oldest first
	Top       int       // first line shown while paused
	Following bool      // show the newest lines as they come
	Focused   bool
	Ended     bool   // the stream ended (every container it follows stopped)
	Err       string // why the stream failed, if it did
	Multi     bool   // the pane mixes several containers, each line prefixed with its name
	Empty     string // what to say when Name is ""; "no container selected" if empty
}

// LogsPane renders a title rule and the visible lines: the newest while following, from Top
// while paused. Lines are cut at the pane's width, never wrapped; stderr lines get a red mark.
func LogsPane(t Theme, d LogsData, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	rows := height - 1
	start := LogStart(len(d.Lines), rows, d.Top, d.Following)
	title := "Logs"
	if d.Name != "" {
		title = "Logs" + t.G.Sep + Clean(d.Name, 100)
	}
	var note string
	switch {
	case d.Name == "":
	case d.Ended:
		note = t.Muted.Render(t.G.Stopped + " ended")
	case d.Following:
		note = t.OK.Render(t.G.Running + " following")
	default:
		note = t.Warn.Render("‖ paused")
		if below := len(d.Lines) - start - rows; below > 0 {
			note += t.Dim.Render(fmt.Sprintf(" ↓%d", below))
		}
	}
	lines := []string{rule(t, title, note, width, d.Focused)}
	// Prefixes line up on the widest name on screen, as docker compose logs does.
	fromW := 0
	for i := start; i < len(d.Lines) && i < start+rows; i++ {
		fromW = max(fromW, ansi.StringWidth(Clean(d.Lines[i].From, 40)))
	}
	for i := start; i < len(d.Lines) && len(lines) <= rows; i++ {
		l := d.Lines[i]
		mark := " "
		style := t.Text
		if l.Stream == docker.Stderr {
			mark = t.Stderr.Render(t.G.Stderr)
			style = t.Stderr
		}
		prefix, room := "", width-2
		if fromW > 0 {
			p := Pad(Clean(l.From, 40), fromW) + " | "
			prefix, room = t.Service.Render(p), room-ansi.StringWidth(p)
		}
		lines = append(lines, mark+" "+prefix+style.Render(Clean(l.Text, max(room, 1))))
	}
	msg, style := "", t.Dim
	switch {
	case d.Name == "":
		msg = d.Empty
		if msg == "" {
			msg = "no container selected"
		}
	case d.Err != "":
		msg, style = "logs: "+d.Err, t.Bad
	case len(d.Lines) == 0 && d.Ended:
		msg = "no output"
	case len(d.Lines) == 0:
		msg = "waiting for output…"
	case d.Ended && d.Multi:
		msg = "end of log: no container is running"
	case d.Ended:
		msg = "end of log: the container is not running"
	}
	if msg != "" && len(lines) <= rows {
		lines = append(lines, "  "+style.Render(oneLine(msg, width-2)))
	}
	return Block(lines, width, height)
}

// LogStart is the index of the first line shown in a pane of rows lines: the newest rows while
// following, else top clamped so the pane never scrolls past its last line.
func LogStart(n, rows, top int, following bool) int {
	last := max(n-rows, 0)
	if following {
		return last
	}
	return min(max(top, 0), last)
}
