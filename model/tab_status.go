package model

import (
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/views"
)

// What each tab reports to the root for the header's counts and the footer's tasks: the
// tabs own their state, the root only asks.

// Alerts counts the containers that are failing.
func (m Containers) Alerts() int {
	n := 0
	for _, c := range m.snap.Containers {
		if c.Failing() {
			n++
		}
	}
	return n
}

// Alerts counts the pod files that do not load and the services with a failing container.
func (m Pods) Alerts() int {
	n := 0
	for _, ps := range m.states {
		if ps.Pod != nil && ps.Pod.Err != nil {
			n++
			continue
		}
		for _, s := range ps.Services {
			for _, c := range s.Containers {
				if c.Failing() {
					n++
					break
				}
			}
		}
	}
	return n
}

// Tasks are the pod operations on their way.
func (m Pods) Tasks() []views.Task {
	out := make([]views.Task, 0, len(m.ops))
	for _, op := range m.ops {
		out = append(out, views.Task{What: op.verb + " " + op.target, Since: op.started})
	}
	return out
}

// Alerts counts the services whose deploy failed or whose spec does not parse. A service in
// Unknown (not yet compared with the engine) is not ok, but not failing either: the banner
// says why, and it is not counted.
func (m Deploys) Alerts() int {
	n := 0
	for _, s := range m.services {
		if s.State == supervisor.TryAgain || s.State == supervisor.TryAgainNext || s.SpecError != "" {
			n++
		}
	}
	return n
}

// Tasks are the deploys rolling out; none while the states are not confirmed (a deploy a gone
// or disconnected supervisor last reported is not under way here, and no spinner should turn).
func (m Deploys) Tasks() []views.Task {
	if !m.trusted() {
		return nil
	}
	var out []views.Task
	for _, s := range m.services {
		if s.State == supervisor.Wait || s.State == supervisor.WaitNext {
			out = append(out, views.Task{What: "deploy " + s.Name, Since: s.Since})
		}
	}
	return out
}

// Alerts counts the pipelines whose latest run failed, and the files that do not parse.
func (m Pipelines) Alerts() int {
	n := 0
	for _, f := range m.files {
		if f.Err != nil {
			n++
			continue
		}
		if rs := m.runs[f.Name]; len(rs) > 0 && rs[0].Status == pipeline.RunError {
			n++
		}
	}
	return n
}

// Tasks are the runs in progress.
func (m Pipelines) Tasks() []views.Task {
	var out []views.Task
	for _, f := range m.files {
		for _, r := range m.runs[f.Name] {
			if r.Status == pipeline.RunRunning {
				out = append(out, views.Task{What: "run " + r.Pipeline + " " + r.ID, Since: r.Created})
			}
		}
	}
	return out
}
