package pods

import (
	"strings"
	"testing"

	"github.com/podiumdev/podium/model/common"
)

// E on a broken pod opens its whole error, which its row only has room to start.
func TestPodsBrokenPodErrorInFull(t *testing.T) {
	fp, fb := newShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "worker")
	full := "pods/worker.yml: validating pods/worker.yml: unknown key services.jobs.restart_policy (not in the compose specification)"
	if strings.Contains(screen(r), full) {
		t.Fatalf("the row has the whole error already:\n%s", screen(r))
	}
	r, cmd := press(t, r, "E")
	if cmd == nil {
		t.Fatalf("E does nothing: %q", r.pods().status.Text)
	}
	msg, ok := runCmd(t, cmd).(common.ShowTextMsg)
	if !ok || !strings.Contains(msg.Text, full) || msg.Origin != "Pods worker" {
		t.Fatalf("E shows %+v", msg)
	}
}
