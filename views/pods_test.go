package views

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/query"
)

func podStates() []pods.PodState {
	db := &pods.Pod{Name: "db", Type: pods.PodPlaceholder, Enabled: true}
	fe := &pods.Pod{Name: "frontend", Type: pods.PodService, Enabled: true}
	off := &pods.Pod{Name: "search", Type: pods.PodService}
	bad := &pods.Pod{Name: "worker", Type: pods.PodService, Enabled: true, Err: errors.New("load pod worker: pods/worker.yml: yaml: line 3: did not find expected key")}
	c := func(name, state, hash string) docker.Container {
		return docker.Container{ID: name, Name: name, Image: "img:" + name, State: state, StartedAt: now().Add(-time.Minute),
			Labels: map[string]string{docker.LabelComposeConfigHash: hash}}
	}
	return []pods.PodState{
		{Pod: db, Services: []pods.ServiceState{{Pod: "db", Service: "db", Hash: "h", Replicas: 1, Containers: []docker.Container{c("shop-db-1", "running", "h")}}}},
		{Pod: fe, Services: []pods.ServiceState{
			{Pod: "frontend", Service: "proxy", Hash: "p", Replicas: 1},
			{Pod: "frontend", Service: "web", Hash: "w", Replicas: 2, Drifted: true, Mounted: []string{"shop-web"},
				Containers: []docker.Container{c("shop-web-1", "running", "old"), c("shop-web-2", "running", "w")}},
		}},
		{Pod: off, Services: []pods.ServiceState{{Pod: "search", Service: "search", Hash: "s", Replicas: 1}}},
		{Pod: bad},
	}
}

func TestPodTree(t *testing.T) {
	label := func(rows []PodTreeRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, strings.Repeat(".", int(r.Kind))+r.Label())
		}
		return out
	}
	rows := PodTree(podStates(), query.New(""))
	want := []string{"db", ".db", "..shop-db-1", "frontend", ".proxy", ".web", "..shop-web-1", "..shop-web-2", "search", ".search", "worker"}
	if got := label(rows); !slices.Equal(got, want) {
		t.Fatalf("tree\n got %v\nwant %v", got, want)
	}
	if fe := rows[3]; fe.Up != 2 || fe.Total != 3 || !fe.Drifted {
		t.Errorf("frontend rolled up %d/%d drifted=%v", fe.Up, fe.Total, fe.Drifted)
	}
	if got := rows[7].Key(); got != "frontend/web/shop-web-2" {
		t.Errorf("key %q", got)
	}
	for filter, want := range map[string][]string{
		"WEB-2":    {"frontend", ".web", "..shop-web-2"},                                             // a container: under its parents
		"proxy":    {"frontend", ".proxy"},                                                           // a service with no containers
		"db":       {"db", ".db", "..shop-db-1"},                                                     // a pod: whole
		"img:shop": {"db", ".db", "..shop-db-1", "frontend", ".web", "..shop-web-1", "..shop-web-2"}, // images
		"nothing":  nil,
	} {
		if got := label(PodTree(podStates(), query.New(filter))); !slices.Equal(got, want) {
			t.Errorf("filter %q: %v, want %v", filter, got, want)
		}
	}
}

func TestPodListGivesWay(t *testing.T) {
	th := NewTheme(true)
	rows := PodTree(podStates(), query.New(""))
	for _, w := range []int{160, 120, 80, 60, 40, 20, 3} {
		s := ansi.Strip(PodList(th, PodListData{Rows: rows, Cursor: 5, Focused: true, Now: now(), Total: 4}, w, 14))
		lines := strings.Split(s, "\n")
		if len(lines) != 14 {
			t.Fatalf("%d: %d lines", w, len(lines))
		}
		for _, l := range lines {
			if lw := ansi.StringWidth(l); lw != w {
				t.Fatalf("%d: line of %d: %q", w, lw, l)
			}
		}
		if w >= 80 {
			for _, want := range []string{"◐ 2/3 up", "≠ drifted: up recreates", "≠ outdated config", "○ not created", "service · disabled", "✖ broken", "placeholder · enabled"} {
				if !strings.Contains(s, want) {
					t.Errorf("%d columns lack %q:\n%s", w, want, s)
				}
			}
		}
		if w >= 120 && !strings.Contains(s, "mounted: shop-web") {
			t.Errorf("%d columns lack the mounts:\n%s", w, s)
		}
	}
	// The broken pod's row says why, without repeating its name.
	s := ansi.Strip(PodList(th, PodListData{Rows: rows, Cursor: -1, Now: now()}, 140, 14))
	if !strings.Contains(s, "✖ pods/worker.yml: yaml: line 3") {
		t.Errorf("broken row:\n%s", s)
	}
	// Busy rows are marked.
	s = ansi.Strip(PodList(th, PodListData{Rows: rows, Cursor: -1, Now: now(), Busy: map[string]string{"frontend/web": "up…"}}, 140, 14))
	if !strings.Contains(s, "◌ up…") {
		t.Errorf("busy mark:\n%s", s)
	}
}

func TestHeaderTabsAndTarget(t *testing.T) {
	th := NewTheme(true)
	tabs := []Tab{{Key: "1", Title: "Pods", Active: true}, {Key: "4", Title: "Containers"}}
	d := HeaderData{Tabs: tabs, Workspace: "~/src/shop", Target: "production", Status: docker.Status{State: docker.Connected}}
	s := ansi.Strip(Header(th, d, 80))
	if !strings.Contains(s, " podium  [1 Pods]     4 Containers      ~/src/shop · production") {
		t.Errorf("header: %q", s)
	}
	tabs[0].Active, tabs[1].Active = false, true
	s2 := ansi.Strip(Header(th, d, 80))
	if !strings.Contains(s2, "  1 Pods     [4 Containers]") || strings.Index(s2, "~/src") != strings.Index(s, "~/src") {
		t.Errorf("switching tabs moved the header: %q / %q", s, s2)
	}
	for _, w := range []int{60, 40, 20, 1} {
		for _, l := range strings.Split(Header(th, d, w), "\n") {
			if lw := ansi.StringWidth(l); lw != w {
				t.Errorf("%d: width %d: %q", w, lw, ansi.Strip(l))
			}
		}
	}
}

func TestLogsPanePrefixes(t *testing.T) {
	th := NewTheme(true)
	lines := []LogLine{
		{LogLine: docker.LogLine{Stream: docker.Stdout, Text: "hello"}, From: "web-1"},
		{LogLine: docker.LogLine{Stream: docker.Stderr, Text: "boom"}, From: "web-10"},
	}
	s := ansi.Strip(LogsPane(th, LogsData{Name: "frontend/web", Lines: lines, Following: true, Multi: true}, 40, 4))
	if !strings.Contains(s, "  web-1  | hello") || !strings.Contains(s, "▌ web-10 | boom") {
		t.Fatalf("prefixes:\n%s", s)
	}
	s = ansi.Strip(LogsPane(th, LogsData{Name: "frontend/web", Lines: lines, Ended: true, Multi: true}, 50, 5))
	if !strings.Contains(s, "end of log: no container is running") {
		t.Fatalf("ended:\n%s", s)
	}
	s = ansi.Strip(LogsPane(th, LogsData{Empty: "rake has no containers"}, 50, 3))
	if !strings.Contains(s, "rake has no containers") {
		t.Fatalf("empty:\n%s", s)
	}
}

func TestTextPaneWraps(t *testing.T) {
	th := NewTheme(true)
	s := ansi.Strip(TextPane(th, "Pod worker · broken", []Paragraph{
		{Text: "files: pods/worker.yml"},
		{Text: strings.Repeat("a-very-long-path/", 10) + " and more words", Bad: true},
	}, 30, 12, false))
	lines := strings.Split(s, "\n")
	if len(lines) != 12 || !strings.Contains(s, "a-very-long-path/") {
		t.Fatalf("pane:\n%s", s)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 30 {
			t.Fatalf("width %d: %q", ansi.StringWidth(l), l)
		}
	}
}
