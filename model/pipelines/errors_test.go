package pipelines

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/model/common"
)

// E on a node opens its attempts in full, each reason whole, however long; the failed attempts
// of the run on screen go to the root's recent errors.
func TestPipelinesNodeErrorInFull(t *testing.T) {
	fp := newDetailPipelines()
	long := `could not start: create container podium-pipe-ci-unit-3 (image ci-unit:9f2c): Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /home/dev/acme/src/checkout/unit/fixtures/golden-files`
	fp.Run("20261121-1150-a1b2").Nodes["/test/unit"].Attempts[1].Reason = long
	m := newTab(t, fp, 120, 40)
	m, cmd := press(t, m, "j", "enter")
	var reported []common.ErrorMsg
	var collect func(cmd tea.Cmd)
	collect = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				collect(c)
			}
		case common.ErrorMsg:
			reported = append(reported, msg)
		}
	}
	collect(cmd)
	m = runPipeCmd(t, m, cmd)
	found := false
	for _, e := range reported {
		found = found || (strings.Contains(e.Text, long) && strings.Contains(e.Origin, "/test/unit"))
	}
	if !found {
		t.Fatalf("the failed attempt is not reported whole: %+v", reported)
	}
	m, _ = press(t, m, "n")
	m, cmd = press(t, m, "E")
	if cmd == nil {
		t.Fatal("E does nothing")
	}
	msg, ok := cmd().(common.ShowTextMsg)
	if !ok || !strings.Contains(msg.Text, long) || !strings.Contains(msg.Text, "attempt 2") || !strings.Contains(msg.Origin, "/test/unit") {
		t.Fatalf("E shows %+v", msg)
	}
	_ = m
}
