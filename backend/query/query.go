// Package query is what a list's filter matches, for every tab: one rule (the query, trimmed,
// is a case-insensitive substring of one of a row's fields) and which fields each kind of row
// offers. The tabs turn what matches into rows.
package query

import (
	"strings"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/supervisor"
)

// Query is a filter as typed, ready to match: trimmed and lower-cased once.
type Query struct {
	lower string
}

// New makes the query a user typed; blanks around it do not count.
func New(text string) Query {
	return Query{lower: strings.ToLower(strings.TrimSpace(text))}
}

// Empty says the query keeps everything.
func (q Query) Empty() bool { return q.lower == "" }

// Match says one of fields contains the query, whatever the case; the empty query matches
// anything, even no fields.
func (q Query) Match(fields ...string) bool {
	if q.lower == "" {
		return true
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q.lower) {
			return true
		}
	}
	return false
}

// Container says a container of the Containers tab matches: by name, image, compose project
// or service.
func (q Query) Container(c *docker.Container) bool {
	return q.Match(c.Name, c.Image, c.Project(), c.Service())
}

// Pod says a pod matches whole: by name, or, when it is broken (its services unknown to the
// tree), by the names of the services its files declare.
func (q Query) Pod(p *pods.Pod) bool {
	if q.Match(p.Name) {
		return true
	}
	return p.Err != nil && q.Match(p.ServiceNames()...)
}

// PodService says a service of a pod matches, by name; its containers come with it.
func (q Query) PodService(s pods.ServiceState) bool { return q.Match(s.Service) }

// PodContainer says a container of a pod's service matches, by name or image.
func (q Query) PodContainer(c *docker.Container) bool { return q.Match(c.Name, c.Image) }

// Deploy says a supervised service matches: by name, state, image or spec file.
func (q Query) Deploy(s *supervisor.ServiceStatus) bool {
	return q.Match(s.Name, string(s.State), s.Image, s.File)
}

// PipelineFile says a pipeline file matches, by name; its runs come with it.
func (q Query) PipelineFile(name string) bool { return q.Match(name) }

// PipelineRun says a run matches: by "<id> <status>", so a query may span both.
func (q Query) PipelineRun(r *pipeline.RunSummary) bool {
	return q.Match(r.ID + " " + string(r.Status))
}
