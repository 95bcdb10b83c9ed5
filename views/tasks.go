package views

import (
	"fmt"
	"strings"
	"time"
)

// Task is background work shown in the footer: an action on its way, a pod coming up, a run.
type Task struct {
	What  string // "stopping shop-web-1", "up frontend/web", "ci 20261121-1150"
	Since time.Time
}

// maxTaskShare is the part of the footer the tasks may take; the keys keep the rest.
const maxTaskShare = 2

// TasksText is the footer's task part: the spinner, the first task and how long it has run,
// and how many more: "⠋ up frontend/web 3s +2".
func TasksText(t Theme, tasks []Task, frame string, now time.Time, width int) string {
	if len(tasks) == 0 || width <= 0 {
		return ""
	}
	first := tasks[0]
	parts := []string{t.Warn.Render(frame), Clean(first.What, 200)}
	if !first.Since.IsZero() && !now.IsZero() {
		parts = append(parts, t.Dim.Render(Duration(max(now.Sub(first.Since), 0))))
	}
	if n := len(tasks) - 1; n > 0 {
		parts = append(parts, t.Dim.Render(fmt.Sprintf("+%d", n)))
	}
	return Trunc(strings.Join(parts, " "), width)
}
