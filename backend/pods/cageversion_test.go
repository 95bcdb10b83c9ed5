package pods

import (
	"context"
	"strings"
	"testing"
)

// TestCageVersionRequirement: config/project.yml's cage_version is a semver requirement (cage's
// "0.2.3" means ^0.2.3); one the cage layout Podium reads does not meet is an error naming the
// file, and one it meets loads.
func TestCageVersionRequirement(t *testing.T) {
	for _, tc := range []struct {
		req string
		ok  bool
	}{
		{`"0.4.1"`, true},
		{`"0.4"`, true},
		{`"^0.4.0"`, true},
		{`">=0.3.0, <0.5.0"`, true},
		{`"~0.4"`, true},
		{`"0.2.3"`, false},
		{`"0.5.0"`, false},
		{`"1.0"`, false},
		{`">=0.5"`, false},
		{`"not a version"`, false},
	} {
		root := fixture(t, "hello")
		writeTree(t, root, map[string]string{"config/project.yml": "cage_version: " + tc.req + "\n"})
		_, err := Load(context.Background(), root, LoadOptions{})
		if tc.ok && err != nil {
			t.Errorf("cage_version %s: %v", tc.req, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "config/project.yml")) {
			t.Errorf("cage_version %s: want an error naming config/project.yml, got %v", tc.req, err)
		}
	}
}
