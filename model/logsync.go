package model

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/views"
)

// syncLogs makes the logs pane follow the selection: a new selection cancels the old stream
// and starts one with the last logTail lines; a stream that ended because its container
// stopped resumes, from the new start, once the container runs again; a stream that failed
// because the engine went away starts afresh once the index has resynced.
func (m *Containers) syncLogs() tea.Cmd {
	c, ok := m.Selected()
	p := &m.logs
	st := m.snap.Status
	reconnected := p.stream != nil && p.ended && p.err != "" && c.Running() &&
		st.State == docker.Connected && st.Resyncs > p.stream.resyncs
	if p.stream != nil && ok && p.stream.id == c.ID && !reconnected {
		p.name = c.Name
		// The index re-inspects a container on its start event, so a restart shows as a later
		// StartedAt; list-only data (zero StartedAt) never looks restarted.
		if !c.Running() || !p.ended || !c.StartedAt.After(p.stream.startedAt) {
			return nil
		}
		m.logsGen++
		p.stream = newLogStream(m.ctx, c.ID, m.logsGen, c.StartedAt, st.Resyncs)
		p.ended, p.err = false, ""
		return tea.Batch(p.stream.run(m.b, docker.LogOptions{Follow: true, Since: resumeFrom(c)}), p.stream.wait())
	}
	if p.stream != nil {
		p.stream.cancel()
	}
	*p = logPane{following: true}
	if !ok {
		return nil
	}
	m.logsGen++
	p.stream = newLogStream(m.ctx, c.ID, m.logsGen, c.StartedAt, st.Resyncs)
	p.name = c.Name
	return m.startLogsCmd()
}

// startLogsCmd starts the pane's current stream from its tail.
func (m Containers) startLogsCmd() tea.Cmd {
	s := m.logs.stream
	if s == nil {
		return nil
	}
	return tea.Batch(s.run(m.b, docker.LogOptions{Follow: true, Tail: logTail}), s.wait())
}

// scrollLogs moves the paused view by n lines; reaching the newest line resumes following.
func (m *Containers) scrollLogs(n int) {
	p := &m.logs
	rows := m.layout().LogLines()
	start := m.logStart()
	p.top = max(start+n, 0)
	p.following = false
	if p.top >= len(p.lines)-rows {
		p.following = n > 0 || len(p.lines) <= rows
		p.top = max(len(p.lines)-rows, 0)
	}
}

// logStart is the first log line on screen now.
func (m Containers) logStart() int {
	return views.LogStart(len(m.logs.lines), m.layout().LogLines(), m.logs.top, m.logs.following)
}

// resumeFrom is where a restarted container's log picks up. The engine records StartedAt after
// the process may already have written, so it starts just after the previous run finished
// (inspect keeps that FinishedAt), else a second before StartedAt.
func resumeFrom(c docker.Container) time.Time {
	if !c.FinishedAt.IsZero() && c.FinishedAt.Before(c.StartedAt) {
		return c.FinishedAt.Add(time.Nanosecond)
	}
	return c.StartedAt.Add(-time.Second)
}
