package deploys

import (
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/supervisor"
)

// A failing revision that the supervisor retries goes TryAgainNext → WaitNext → TryAgainNext:
// while it retries it is still failing, so the tab bar's count and the list's title keep it,
// and the header does not shift at every attempt.
func TestDeploysRetryKeepsCounts(t *testing.T) {
	f := newFakeDeploys()
	r := newDeploysRoot(t, f, nil, nil, 140, 40)
	title := func() string {
		for _, l := range strings.Split(screen(r), "\n") {
			if strings.Contains(l, "Services 7") {
				return strings.TrimSpace(l[:strings.Index(l, "Services 7")+60])
			}
		}
		return ""
	}
	wantAlerts, wantTitle := r.deploys().Alerts(), title()
	st := f.Service(t, "billing")
	st.State, st.Since = supervisor.WaitNext, testNow()
	r = deployEvents(t, r, f, supervisor.Event{Service: "billing", Status: st,
		Transition: tr(testNow(), supervisor.TryAgainNext, supervisor.WaitNext, 4, supervisor.CauseRetry, "retry revision 4 (attempt 2)")})
	if got := r.deploys().Alerts(); got != wantAlerts {
		t.Errorf("while billing retries the tab bar counts %d, before %d", got, wantAlerts)
	}
	if got := title(); got != wantTitle {
		t.Errorf("while billing retries the title is\n%q\nbefore\n%q", got, wantTitle)
	}
}
