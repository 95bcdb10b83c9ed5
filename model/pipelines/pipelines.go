// Package pipelines is the Pipelines tab: the workspace's pipeline files and their runs, the
// shown run's tree, the selected node's output and its sub-tabs, and the controls. The root
// builds it with New and holds it as a common.Tab; cmd/tui serves its Backend.
package pipelines

import (
	"context"
	"fmt"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/query"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// pipeFocus is the pane of the Pipelines tab that has the keys.
type pipeFocus uint8

const (
	pipeFocusList   pipeFocus = iota // the files and their runs
	pipeFocusTree                    // the shown run's nodes
	pipeFocusOutput                  // the selected node's output
)

// Model is the Pipelines tab: the workspace's pipeline files with their runs, the shown
// run's tree and the selected node's output, and the controls (start, rerun, skip, kill,
// debug). It follows the backend's Changed channel: no polling.
type Model struct {
	common.Common // context, theme, keys, clock, size

	pb Backend // nil: no pipelines

	files  []File
	runs   map[string][]pipeline.RunSummary
	runErr map[string]error
	failed []common.ErrorMsg // the stored runs that failed, for the recent errors (`!`)
	rows   []views.PipelineRow
	cursor int
	top    int

	filter  string
	editing bool

	run     *pipeline.Run // the run shown, nil for none
	node    int           // index into run.Order
	nodeTop int
	focus   pipeFocus
	split   views.Split // the user's split between the list and the run, and zoom
	confirm bool        // the kill question is open
	status  views.Status
	out     pipeOutput
	detail  pipeDetail // the sub-tabs of the pane under the tree: Output, Attempts, Config

	modify *modifyPrompt // the modify prompt, while it is open
}

// pipeOutput is the output of one node attempt, as read so far, in the log engine that every
// log pane shares (following while the attempt runs, search, wrap, save).
type pipeOutput struct {
	gen     uint64
	key     string // run/path/attempt
	log     logs.View
	done    bool
	err     error
	cancel  context.CancelFunc
	ch      <-chan pipeOutChunk
	attempt int
}

type pipeOutChunk struct {
	line pipeline.OutputLine
	err  error
	end  bool
}

var pipeOutGens atomic.Uint64

// pipelineRunChangedMsg says the backend saved a run.
type pipelineRunChangedMsg struct{ runID string }

// pipelineActionMsg is the result of a control.
type pipelineActionMsg struct {
	what  string
	name  string
	runID string // for start: the new run
	err   error
}

// pipelineDebugMsg carries a prepared debug shell.
type pipelineDebugMsg struct {
	cmd tea.ExecCommand
	err error
}

// OutputMsg carries the output lines read since the last one. Its fields are the tab's; it is
// exported so that the root's tests can follow a node's output read to its end.
type OutputMsg struct {
	gen   uint64
	lines []pipeline.OutputLine
	end   bool
	err   error
}

// Deps are what the Pipelines tab needs from its parent.
type Deps struct {
	Common    common.Common
	Pipelines Backend
}

// New reads the pipeline files and their runs.
func New(d Deps) Model {
	m := Model{pb: d.Pipelines, Common: d.Common,
		detail: pipeDetail{tabs: detail.New(detail.Output, detail.Attempts, detail.Config)}}
	m.reloadAll()
	return m
}

// Init starts waiting for saved runs.
func (m Model) Init() tea.Cmd { return m.watch() }

// watch waits for the next saved run.
func (m Model) watch() tea.Cmd {
	if m.pb == nil {
		return nil
	}
	ch, ctx := m.pb.Changed(), m.Ctx
	return func() tea.Msg {
		select {
		case id, ok := <-ch:
			if !ok {
				return nil
			}
			return pipelineRunChangedMsg{runID: id}
		case <-ctx.Done():
			return nil
		}
	}
}

// setSize gives the tab its area.
func (m *Model) setSize(width, height int) { m.Width, m.Height = width, height }

// Close stops the output stream and drops the output read (its spill file with it).
func (m Model) Close() {
	if m.out.cancel != nil {
		m.out.cancel()
	}
	m.out.log.Close()
}

// Context is the key context the tab is in.
func (m Model) Context() keymap.Context {
	switch {
	case m.confirm:
		return keymap.CtxConfirm
	case m.modify != nil:
		return keymap.CtxPrompt
	case m.editing:
		return keymap.CtxFilter
	case m.focus == pipeFocusOutput && m.out.log.Typing():
		return keymap.CtxSearch
	case m.focus == pipeFocusOutput:
		return keymap.CtxPipelinesOutput
	}
	return keymap.CtxPipelines
}

// reloadAll reads the files and every file's runs again, keeping the cursor on its row.
func (m *Model) reloadAll() {
	if m.pb == nil {
		return
	}
	m.files = m.pb.Files()
	m.runs, m.runErr = map[string][]pipeline.RunSummary{}, map[string]error{}
	for _, f := range m.files {
		m.runs[f.Name], m.runErr[f.Name] = m.pb.Runs(f.Name)
	}
	m.buildRows()
}

// buildRows lays out the list: each file, then its runs, filtered.
func (m *Model) buildRows() {
	var key string
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		key = rowKey(m.rows[m.cursor])
	}
	q := query.New(m.filter)
	m.failed = failedRuns(m.files, m.runs)
	m.rows = m.rows[:0:0]
	for _, f := range m.files {
		fileHit := q.PipelineFile(f.Name)
		var runs []views.PipelineRow
		for i := range m.runs[f.Name] {
			r := &m.runs[f.Name][i]
			if fileHit || q.PipelineRun(r) {
				runs = append(runs, views.PipelineRow{File: f.Name, Run: r})
			}
		}
		if !fileHit && len(runs) == 0 {
			continue
		}
		err := f.Err
		if err == nil {
			err = m.runErr[f.Name]
		}
		m.rows = append(m.rows, views.PipelineRow{File: f.Name, Err: err})
		m.rows = append(m.rows, runs...)
	}
	m.cursor = 0
	for i, r := range m.rows {
		if rowKey(r) == key {
			m.cursor = i
		}
	}
}

func rowKey(r views.PipelineRow) string {
	if r.Run == nil {
		return r.File
	}
	return r.File + "/" + r.Run.ID
}

// selectedRow is the row under the cursor.
func (m Model) selectedRow() (views.PipelineRow, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return views.PipelineRow{}, false
	}
	return m.rows[m.cursor], true
}

// selectedNode is the path of the node under the tree's cursor ("/" when none).
func (m Model) selectedNode() string {
	if m.run == nil || m.node < 0 || m.node >= len(m.run.Order) {
		return "/"
	}
	return m.run.Order[m.node]
}

// update handles the tab's keys and messages; after each one the pane under the tree
// follows the selected node and its sub-tab (syncDetail).
func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	m, cmd := m.handle(msg)
	m.syncDetail()
	return m, cmd
}

func (m Model) handle(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.FilesChangedMsg:
		return m.filesChanged(msg.Under("pipelines"))
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.modify != nil {
			p := *m.modify
			p.text += msg.Content
			m.modify = &p
			return m, nil
		}
		if m.editing {
			m.filter += msg.Content
			m.buildRows()
		}
		return m, nil
	case pipelineRunChangedMsg:
		return m, tea.Batch(m.changed(msg.runID), m.watch())
	case pipelineActionMsg:
		if msg.err != nil {
			m.status = views.Status{Text: msg.what + ": " + msg.err.Error(), Err: true}
			return m, nil
		}
		m.status = views.Status{Text: msg.what}
		if msg.runID != "" {
			m.reloadAll()
			return m, m.show(msg.name, msg.runID)
		}
		return m, nil
	case pipelineDebugMsg:
		if msg.err != nil {
			m.status = views.Status{Text: "debug: " + msg.err.Error(), Err: true}
			return m, nil
		}
		return m, tea.Exec(msg.cmd, func(err error) tea.Msg {
			return pipelineActionMsg{what: "debug shell ended", err: err}
		})
	case OutputMsg:
		if msg.gen != m.out.gen {
			return m, nil
		}
		m.out.log.Add(outputLines(msg.lines))
		m.out.err = msg.err
		m.out.done = msg.end
		if !msg.end {
			return m, readOutput(m.out.gen, m.out.ch)
		}
	}
	return m, nil
}

// changed reloads what a saved run affects: its pipeline's runs, and the run if it is shown.
func (m *Model) changed(id string) tea.Cmd {
	if m.pb == nil {
		return nil
	}
	for _, f := range m.files {
		for _, r := range m.runs[f.Name] {
			if r.ID == id {
				m.runs[f.Name], m.runErr[f.Name] = m.pb.Runs(f.Name)
				m.buildRows()
				goto listed
			}
		}
	}
	m.reloadAll() // a new run
listed:
	if m.run == nil || m.run.ID != id {
		return nil
	}
	run, err := m.pb.Load(m.run.Pipeline, id)
	if err != nil {
		m.status = views.Status{Text: "load " + id + ": " + err.Error(), Err: true}
		return nil
	}
	path := m.selectedNode()
	m.run = run
	m.node = max(orderIndex(run.Order, path), 0)
	return tea.Batch(m.syncOutput(), reportRunErrors(run))
}

func orderIndex(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

// show loads a run into the tree, on its first node in error (or its root).
func (m *Model) show(name, id string) tea.Cmd {
	run, err := m.pb.Load(name, id)
	if err != nil {
		m.status = views.Status{Text: "load " + id + ": " + err.Error(), Err: true}
		return nil
	}
	m.run, m.node, m.nodeTop = run, 0, 0
	m.focus = pipeFocusTree
	return tea.Batch(m.syncOutput(), reportRunErrors(run))
}

// syncOutput starts reading the selected node's last attempt unless it is already being read
// (a running attempt's stream is followed; a finished one is read again only once).
func (m *Model) syncOutput() tea.Cmd {
	if m.run == nil {
		return nil
	}
	path := m.selectedNode()
	n := m.run.Nodes[path]
	attempt := 0
	if n != nil && len(n.Attempts) > 0 {
		attempt = n.Attempts[len(n.Attempts)-1].N
	}
	key := fmt.Sprintf("%s/%s#%d", m.run.ID, path, attempt)
	if key == m.out.key {
		return nil
	}
	prev := m.out.log // how the user likes output shown (timestamps, wrap) carries over
	m.Close()
	m.out = pipeOutput{key: key, gen: pipeOutGens.Add(1), attempt: attempt, log: prev}
	m.out.log.Reset(fmt.Sprintf("%s %s %s #%d", m.run.Pipeline, m.run.ID, path, attempt))
	if attempt == 0 || m.pb == nil {
		m.out.done = true
		return nil
	}
	ctx, cancel := context.WithCancel(m.Ctx)
	ch := make(chan pipeOutChunk, 256)
	m.out.cancel, m.out.ch = cancel, ch
	pb, name, id := m.pb, m.run.Pipeline, m.run.ID
	go func() {
		err := pb.Output(ctx, name, id, path, attempt, func(l pipeline.OutputLine) {
			select {
			case ch <- pipeOutChunk{line: l}:
			case <-ctx.Done():
			}
		})
		if ctx.Err() != nil {
			err = nil
		}
		select {
		case ch <- pipeOutChunk{end: true, err: err}:
		case <-ctx.Done():
		}
	}()
	return readOutput(m.out.gen, ch)
}

// outputLines are a node's output lines as the log engine keeps them.
func outputLines(ls []pipeline.OutputLine) []views.LogLine {
	out := make([]views.LogLine, len(ls))
	for i, l := range ls {
		s := docker.Stdout
		if l.Stream == pipeline.StreamStderr {
			s = docker.Stderr
		}
		out[i] = views.LogLine{LogLine: docker.LogLine{Stream: s, Text: l.Text}}
	}
	return out
}

// readOutput waits for the next output line, then takes every line already queued (at most
// logs.Batch, so one message never makes a long Update).
func readOutput(gen uint64, ch <-chan pipeOutChunk) tea.Cmd {
	return func() tea.Msg {
		msg := OutputMsg{gen: gen}
		c, ok := <-ch
		for {
			if !ok || c.end {
				msg.end, msg.err = true, c.err
				return msg
			}
			msg.lines = append(msg.lines, c.line)
			if len(msg.lines) >= logs.Batch {
				return msg
			}
			select {
			case c, ok = <-ch:
			default:
				return msg
			}
		}
	}
}
