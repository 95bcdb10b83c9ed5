package docker

import (
	"testing"
	"time"
)

func TestEstimateFromStatus(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		status            string
		started, finished time.Duration // before now; -1: zero
		exit              int
	}{
		{"Up 2 minutes (healthy)", 2 * time.Minute, -1, 0},
		{"Up Less than a second", 0, -1, 0},
		{"Up About an hour", time.Hour, -1, 0},
		{"Up 3 days (Paused)", 72 * time.Hour, -1, 0},
		{"Up 5 weeks", 35 * 24 * time.Hour, -1, 0},
		{"Exited (137) 5 seconds ago", -1, 5 * time.Second, 137},
		{"Exited (0) About a minute ago", -1, time.Minute, 0},
		{"Restarting (1) 3 hours ago", -1, 3 * time.Hour, 1},
		{"Created", -1, -1, 0},
		{"Up nonsense", -1, -1, 0},
	}
	for _, tc := range cases {
		c := Container{Status: tc.status}
		estimateFromStatus(&c, now)
		check := func(what string, got time.Time, want time.Duration) {
			if want < 0 {
				if !got.IsZero() {
					t.Errorf("%q: %s = %v, want zero", tc.status, what, got)
				}
				return
			}
			if !got.Equal(now.Add(-want)) {
				t.Errorf("%q: %s = %v, want now-%v", tc.status, what, got, want)
			}
		}
		check("StartedAt", c.StartedAt, tc.started)
		check("FinishedAt", c.FinishedAt, tc.finished)
		if c.ExitCode != tc.exit {
			t.Errorf("%q: ExitCode = %d, want %d", tc.status, c.ExitCode, tc.exit)
		}
	}
}

func TestExitStatusAndFailing(t *testing.T) {
	if got := (Container{Status: "Exited (3) 2 seconds ago"}).ExitStatus(); got != 3 {
		t.Errorf("exit code from status: %d", got)
	}
	if got := (Container{ExitCode: 2, Status: "Exited (3) 2 seconds ago"}).ExitStatus(); got != 2 {
		t.Errorf("exit code set: %d", got)
	}
	for _, tc := range []struct {
		c    Container
		want bool
	}{
		{Container{State: "running"}, false},
		{Container{State: "running", Health: "unhealthy"}, true},
		{Container{State: "dead"}, true},
		{Container{State: "restarting"}, true},
		{Container{State: "exited", Status: "Exited (0) 1s ago"}, false},
		{Container{State: "exited", Status: "Exited (1) 1s ago"}, true},
		{Container{State: "created"}, false},
	} {
		if got := tc.c.Failing(); got != tc.want {
			t.Errorf("%+v failing %v, want %v", tc.c, got, tc.want)
		}
	}
}
