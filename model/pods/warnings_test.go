package pods

import (
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/pods"
)

// A pod's warnings (an unset variable) are counted and listed with the workspace's.
func TestPodWarningsAreShown(t *testing.T) {
	ws := &pods.Workspace{Name: "shop", Target: "development", Warnings: []string{"ws warning"},
		Pods: []*pods.Pod{{Name: "web", Warnings: []string{"pod web: the variable GREETING is not set; it defaults to an empty string"}}}}
	if got := reloadedText(ws); !strings.HasSuffix(got, ", 2 warnings") {
		t.Fatalf("reloadedText = %q", got)
	}
	if got := strings.Join(allWarnings(ws), "|"); got != "ws warning|pod web: the variable GREETING is not set; it defaults to an empty string" {
		t.Fatalf("allWarnings = %q", got)
	}
}
