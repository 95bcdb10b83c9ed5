package query

import (
	"errors"
	"testing"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pipeline"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/supervisor"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		query  string
		fields []string
		want   bool
	}{
		{"", nil, true},             // the empty query keeps everything
		{"  ", []string{"x"}, true}, // blanks alone are empty
		{"WEB", []string{"shop-web-1"}, true},
		{"Web ", []string{"x", "SHOP-WEB"}, true}, // any field, any case, blanks around ignored
		{"web", []string{"shop-api"}, false},
		{"web", nil, false},
		{"a b", []string{"a", "b"}, false}, // one field holds it all
	} {
		if got := New(c.query).Match(c.fields...); got != c.want {
			t.Errorf("New(%q).Match(%q) = %v, want %v", c.query, c.fields, got, c.want)
		}
	}
	if !New(" \t").Empty() || New("x").Empty() {
		t.Error("Empty")
	}
}

func TestRowFields(t *testing.T) {
	c := docker.Container{Name: "shop-web-1", Image: "nginx:1.27", Labels: map[string]string{
		docker.LabelComposeProject: "shop", docker.LabelComposeService: "frontend",
	}}
	for q, want := range map[string]bool{"WEB-1": true, "nginx": true, "shop": true, "front": true, "db": false} {
		if got := New(q).Container(&c); got != want {
			t.Errorf("Container %q = %v", q, got)
		}
	}
	// In the pods tree a container's project and service are its parents'; it matches by
	// name and image alone.
	if New("front").PodContainer(&c) || !New("nginx").PodContainer(&c) {
		t.Error("PodContainer")
	}
	broken := &pods.Pod{Name: "worker", Err: errors.New("bad")}
	if !New("WORK").Pod(broken) || New("jobs").Pod(&pods.Pod{Name: "worker"}) {
		t.Error("Pod")
	}
	if !New("jobs").PodService(pods.ServiceState{Service: "jobs"}) {
		t.Error("PodService")
	}
	s := supervisor.ServiceStatus{Name: "web", State: supervisor.Stable, Image: "nginx:1", File: "specs/web.edn"}
	for q, want := range map[string]bool{"WEB": true, string(supervisor.Stable): true, "nginx": true, ".edn": true, "api": false} {
		if got := New(q).Deploy(&s); got != want {
			t.Errorf("Deploy %q = %v", q, got)
		}
	}
	r := pipeline.RunSummary{ID: "20260101-1", Status: pipeline.RunDone}
	if !New("-1 "+string(pipeline.RunDone)).PipelineRun(&r) || New("x").PipelineRun(&r) {
		t.Error("PipelineRun")
	}
	if !New("CI").PipelineFile("ci.yml") {
		t.Error("PipelineFile")
	}
}
