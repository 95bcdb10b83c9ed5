package deploys

import (
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

const (
	// followQuiet is how long after the user last moved the cursor a deploy may not take the
	// selection: someone reading another service keeps it.
	followQuiet = 5 * time.Second
)

// follow selects the service whose edited spec just started a deploy (it left Stable, with
// Cause CauseSpecChanged: a first spec, CauseNewSpec, leaves Init), so its detail and logs are
// on screen, unless the user moved the cursor within followQuiet before the transition. Times
// are the events' own, so no timer is needed.
func (m *Model) follow(events []supervisor.Event) {
	for _, e := range events {
		tr := e.Transition
		if e.Service == "" || tr.From != supervisor.Stable || tr.To == supervisor.Stable || tr.Cause != supervisor.CauseSpecChanged {
			continue
		}
		if !m.movedAt.IsZero() && tr.At.Sub(m.movedAt) < followQuiet {
			continue
		}
		for i, s := range m.list.Rows {
			if s.Name == e.Service {
				m.list.Cursor = i
				m.list.SelectCursor()
				break
			}
		}
	}
}
