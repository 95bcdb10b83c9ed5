package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
)

// Tab is one entry of the header's tab bar: "1 Pods".
type Tab struct {
	Key    string
	Title  string
	Active bool
	// Alerts is how many of the tab's things are failing (unhealthy, exited, a broken file):
	// shown beside the title so trouble on another tab is seen.
	Alerts int
}

// HeaderData is what the two header lines show.
type HeaderData struct {
	Tabs          []Tab
	Workspace     string // shown as given; the caller shortens $HOME to ~
	Target        string // the workspace's target (development); "" when none is loaded
	Endpoint      string // unix:///var/run/docker.sock
	ServerVersion string // 20.10.24
	API           string // 1.41
	Status        docker.Status
	Now           time.Time
}

// Header renders two lines: the app, the tab bar, the workspace and its target, and the
// connection state; then which engine, or why it is unreachable.
func Header(t Theme, d HeaderData, width int) string {
	if width <= 0 {
		return "\n"
	}
	var state string
	switch d.Status.State {
	case docker.Connected:
		state = t.OK.Render(t.G.Running + " connected")
	case docker.Disconnected:
		state = t.Bad.Render(t.G.Failed + " disconnected")
	default:
		state = t.Warn.Render(t.G.Pending + " connecting")
	}
	left := " " + t.Brand.Render("podium")
	if len(d.Tabs) > 0 {
		left += "  " + tabBar(t, d.Tabs)
	}
	room := width - ansi.StringWidth(left) - ansi.StringWidth(state) - 4
	where := Clean(d.Workspace, 4096)
	target := ""
	if d.Target != "" {
		target = t.G.Sep + Clean(d.Target, 40)
		if where == "" {
			target = Clean(d.Target, 40)
		}
	}
	if where != "" && ansi.StringWidth(target) > room/2 {
		target = "" // the path matters more
	}
	if room -= ansi.StringWidth(target); (where != "" || target != "") && room > 3 {
		left += "  " + t.Text.Render(TruncLeft(where, room)) + t.Project.Render(target)
	}
	line1 := spread(left, state+" ", width)

	var line2 string
	if d.Status.State == docker.Disconnected {
		msg := "disconnected"
		if d.Status.Err != nil {
			msg += ": " + d.Status.Err.Error()
		}
		msg += ", retrying"
		if d.Status.Attempts > 0 {
			msg += fmt.Sprintf(" (attempt %d", d.Status.Attempts)
			if !d.Status.Since.IsZero() && !d.Now.IsZero() {
				msg += ", down " + Duration(d.Now.Sub(d.Status.Since))
			}
			msg += ")"
		}
		line2 = " " + t.Bad.Render(oneLine(msg, width-2))
	} else {
		var parts []string
		if d.Endpoint != "" {
			parts = append(parts, d.Endpoint)
		}
		if d.ServerVersion != "" {
			parts = append(parts, "Docker "+d.ServerVersion)
		}
		if d.API != "" {
			parts = append(parts, "API "+d.API)
		}
		line2 = " " + t.Dim.Render(oneLine(strings.Join(parts, t.G.Sep), width-2))
	}
	return Fit(line1, width) + "\n" + Fit(line2, width)
}

// alertSlot is the room each tab keeps for its alert count (" ✖3"), shown or not, so a count
// that comes and goes (a deploy retrying) moves nothing after it.
const alertSlot = 3

// tabBar draws the tabs as "[1 Pods]  4 Containers ": the active one in brackets (and
// colour), the others padded to the same place, so switching moves nothing; and each with
// its alert's room, so an alert appearing moves nothing either.
func tabBar(t Theme, tabs []Tab) string {
	parts := make([]string, len(tabs))
	for i, tb := range tabs {
		label := t.Key.Render(tb.Key) + " " + tb.Title
		alert := strings.Repeat(" ", alertSlot)
		if tb.Alerts > 0 {
			count := fmt.Sprintf("%s%d", t.G.Failed, tb.Alerts)
			alert = " " + t.Bad.Render(count) + strings.Repeat(" ", max(alertSlot-1-ansi.StringWidth(count), 0))
		}
		if tb.Active {
			parts[i] = t.TabActive.Render("[") + t.TabActive.Render(tb.Key+" "+tb.Title) + t.TabActive.Render("]") + alert
		} else {
			parts[i] = " " + label + alert + " "
		}
	}
	return strings.Join(parts, " ")
}

// spread puts left and right on one line of width cells, the gap between them blank.
// When both do not fit, right wins and left is cut.
func spread(left, right string, width int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if rw >= width {
		return Trunc(right, width)
	}
	if lw+rw+1 > width {
		left = Trunc(left, width-rw-1)
		lw = ansi.StringWidth(left)
	}
	return left + strings.Repeat(" ", width-lw-rw) + right
}

// rule draws a separator line with a title on the left and a note on the right:
// "─ Containers 8 ──────────── filter: web ─".
func rule(t Theme, title, note string, width int, focused bool) string {
	if width <= 0 {
		return ""
	}
	ts := t.Title
	if focused {
		ts = t.TitleFocused
	}
	left := t.Rule.Render(t.G.Rule+" ") + ts.Render(title) + " "
	right := ""
	if note != "" {
		right = " " + note + t.Rule.Render(" "+t.G.Rule)
	}
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw > width {
		right, rw = "", 0
	}
	if lw > width {
		return Trunc(left, width)
	}
	return left + t.Rule.Render(strings.Repeat(t.G.Rule, width-lw-rw)) + right
}
