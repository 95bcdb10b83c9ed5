package model

import (
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

const (
	// followQuiet is how long after the user last moved the cursor a deploy may not take the
	// selection: someone reading another service keeps it.
	followQuiet = 5 * time.Second
	// specChangedReason begins the supervisor's reason for a deploy an edited spec started
	// ("spec changed: deploy revision 4 (web:2)").
	specChangedReason = "spec changed"
)

// follow selects the service whose edited spec just started a deploy (it left Stable), so its
// detail and logs are on screen, unless the user moved the cursor within followQuiet before
// the transition. Times are the events' own, so no timer is needed.
func (m *Deploys) follow(events []supervisor.Event) {
	for _, e := range events {
		tr := e.Transition
		if e.Service == "" || tr.From != supervisor.Stable || tr.To == supervisor.Stable || !strings.HasPrefix(tr.Reason, specChangedReason) {
			continue
		}
		if !m.movedAt.IsZero() && tr.At.Sub(m.movedAt) < followQuiet {
			continue
		}
		for i, s := range m.list.rows {
			if s.Name == e.Service {
				m.list.cursor = i
				m.list.selectCursor()
				break
			}
		}
	}
}
