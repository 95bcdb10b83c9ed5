package modeltest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/supervisor"
)

// Tr is a transition of the fixture's timelines.
func Tr(at time.Time, from, to supervisor.State, rev int, cause supervisor.Cause, reason string) supervisor.Transition {
	return supervisor.Transition{At: at, From: from, To: to, Revision: rev, Cause: cause, Reason: reason}
}

// SC is a container of a service as the supervisor reports it.
func SC(name string, rev int, role supervisor.Role, state, health string, started time.Time) supervisor.ContainerStatus {
	id := fmt.Sprintf("%016x", name)
	return supervisor.ContainerStatus{ID: id[len(id)-16:], Name: name, Revision: rev, Role: role,
		State: state, Health: health, StartedAt: started}
}

// DeploysFixture is the Deploys tab's fixed data set, one service per case: api stable (with
// a rolled-back revision in its history), billing's new revision failing (retry in 12s, the
// old one serving), cron's first revision waiting for health (timeout in 40s), mailer never
// deployed, queue paused, search with a spec that does not parse, and web rolling out r12
// beside r11, which stops in 12s (the After delay).
func DeploysFixture(now time.Time) []supervisor.ServiceStatus {
	return []supervisor.ServiceStatus{
		{
			Name: "api", File: "specs/api.yml", State: supervisor.Stable, Since: now.Add(-3 * time.Hour),
			StableAt: now.Add(-3 * time.Hour), Revision: 7, Image: "ghcr.io/acme/api:2.3.1", Desired: 2, Healthy: 2,
			Containers: []supervisor.ContainerStatus{
				SC("api-r7-1", 7, supervisor.RoleCurrent, "running", "healthy", now.Add(-3*time.Hour)),
				SC("api-r7-2", 7, supervisor.RoleCurrent, "running", "healthy", now.Add(-3*time.Hour)),
			},
			Timeline: []supervisor.Transition{
				Tr(now.Add(-26*time.Hour), supervisor.Init, supervisor.Wait, 5, supervisor.CauseNewSpec, "spec added"),
				Tr(now.Add(-26*time.Hour+20*time.Second), supervisor.Wait, supervisor.Stable, 5, supervisor.CauseStable, "2/2 healthy"),
				Tr(now.Add(-5*time.Hour), supervisor.Stable, supervisor.WaitNext, 6, supervisor.CauseSpecChanged, "spec changed: image ghcr.io/acme/api:2.3.0"),
				Tr(now.Add(-5*time.Hour+30*time.Second), supervisor.WaitNext, supervisor.TryAgainNext, 6, supervisor.CauseFailure, "health timeout after 30s"),
				Tr(now.Add(-4*time.Hour), supervisor.TryAgainNext, supervisor.Stable, 5, supervisor.CauseRollback, "rolled back to r5"),
				Tr(now.Add(-3*time.Hour-40*time.Second), supervisor.Stable, supervisor.WaitNext, 7, supervisor.CauseSpecChanged, "spec changed: image ghcr.io/acme/api:2.3.1"),
				Tr(now.Add(-3*time.Hour), supervisor.WaitNext, supervisor.Stable, 7, supervisor.CauseStable, "2/2 healthy, old stopped"),
			},
			History: []supervisor.Revision{
				{N: 5, Hash: "5e1f0a9c77d2", Image: "ghcr.io/acme/api:2.2.9", At: now.Add(-26 * time.Hour), Outcome: "replaced"},
				{N: 6, Hash: "a0c3b1e94f10", Image: "ghcr.io/acme/api:2.3.0", At: now.Add(-5 * time.Hour), Outcome: "rolled back"},
				{N: 7, Hash: "7d41c2f08b3e", Image: "ghcr.io/acme/api:2.3.1", At: now.Add(-3*time.Hour - 40*time.Second), Outcome: "stable"},
			},
		},
		{
			Name: "billing", File: "specs/billing.edn", State: supervisor.TryAgainNext, Since: now.Add(-2 * time.Minute),
			StableAt: now.Add(-26 * time.Hour), Revision: 3, Next: 4, Image: "ghcr.io/acme/billing:1.8.0", Desired: 1, Healthy: 1,
			RetryAt:   now.Add(12 * time.Second),
			LastError: "health check failed: GET /healthz returned 503 (3 of 3 probes)",
			Containers: []supervisor.ContainerStatus{
				SC("billing-r3-1", 3, supervisor.RoleCurrent, "running", "healthy", now.Add(-26*time.Hour)),
				SC("billing-r4-1", 4, supervisor.RoleNext, "exited", "", time.Time{}),
			},
			Timeline: []supervisor.Transition{
				Tr(now.Add(-26*time.Hour), supervisor.WaitNext, supervisor.Stable, 3, supervisor.CauseStable, "1/1 healthy"),
				Tr(now.Add(-3*time.Minute), supervisor.Stable, supervisor.WaitNext, 4, supervisor.CauseSpecChanged, "spec changed: env PAYMENT_API_URL"),
				Tr(now.Add(-2*time.Minute), supervisor.WaitNext, supervisor.TryAgainNext, 4, supervisor.CauseFailure, "health timeout after 30s"),
			},
			History: []supervisor.Revision{
				{N: 2, Hash: "2b9e11d0c4aa", Image: "ghcr.io/acme/billing:1.7.4", At: now.Add(-9 * 24 * time.Hour), Outcome: "replaced"},
				{N: 3, Hash: "3c0d57e2a1f9", Image: "ghcr.io/acme/billing:1.8.0", At: now.Add(-26 * time.Hour), Outcome: "stable"},
				{N: 4, Hash: "4f7a9e3b2c61", Image: "ghcr.io/acme/billing:1.8.0", At: now.Add(-3 * time.Minute), Outcome: supervisor.OutcomeFailed, Failure: "health timeout after 30s"},
			},
		},
		{
			Name: "cron", File: "specs/cron.json", State: supervisor.Wait, Since: now.Add(-20 * time.Second),
			Next: 1, Image: "ghcr.io/acme/cron:0.9.0", Desired: 1, Healthy: 0,
			HealthDeadline: now.Add(40 * time.Second),
			Containers: []supervisor.ContainerStatus{
				SC("cron-r1-1", 1, supervisor.RoleNext, "running", "starting", now.Add(-18*time.Second)),
			},
			Timeline: []supervisor.Transition{Tr(now.Add(-20*time.Second), supervisor.Init, supervisor.Wait, 1, supervisor.CauseNewSpec, "spec added")},
			History:  []supervisor.Revision{{N: 1, Hash: "1aa0f3c9d2e8", Image: "ghcr.io/acme/cron:0.9.0", At: now.Add(-20 * time.Second)}},
		},
		{
			Name: "mailer", File: "specs/mailer.yml", State: supervisor.Init, Since: now.Add(-time.Minute), Desired: 1,
			Timeline: []supervisor.Transition{Tr(now.Add(-time.Minute), "", supervisor.Init, 0, supervisor.CauseNewSpec, "spec added")},
		},
		{
			Name: "queue", File: "specs/queue.yml", State: supervisor.Stable, Since: now.Add(-50 * time.Hour),
			StableAt: now.Add(-50 * time.Hour), Revision: 2, Image: "rabbitmq:3.13-management", Desired: 1, Healthy: 1, Paused: true,
			Containers: []supervisor.ContainerStatus{
				SC("queue-r2-1", 2, supervisor.RoleCurrent, "running", "healthy", now.Add(-50*time.Hour)),
			},
			Timeline: []supervisor.Transition{
				Tr(now.Add(-50*time.Hour-time.Minute), supervisor.Stable, supervisor.WaitNext, 2, supervisor.CauseSpecChanged, "spec changed: image rabbitmq:3.13-management"),
				Tr(now.Add(-50*time.Hour), supervisor.WaitNext, supervisor.Stable, 2, supervisor.CauseStable, "1/1 healthy"),
			},
			History: []supervisor.Revision{
				{N: 1, Image: "rabbitmq:3.12-management", At: now.Add(-9 * 24 * time.Hour), Outcome: "replaced"},
				{N: 2, Image: "rabbitmq:3.13-management", At: now.Add(-50*time.Hour - time.Minute), Outcome: "stable"},
			},
		},
		{
			Name: "search", File: "specs/search.yml", State: supervisor.Stable, Since: now.Add(-6 * time.Hour),
			StableAt: now.Add(-6 * time.Hour), Revision: 5, Image: "opensearchproject/opensearch:2.17.1", Desired: 1, Healthy: 1,
			SpecError: "specs/search.yml: line 4: :deploy must be [:Before] or [:After n], got [:After]",
			Containers: []supervisor.ContainerStatus{
				SC("search-r5-1", 5, supervisor.RoleCurrent, "running", "healthy", now.Add(-6*time.Hour)),
			},
			History: []supervisor.Revision{{N: 5, Image: "opensearchproject/opensearch:2.17.1", At: now.Add(-6 * time.Hour), Outcome: "stable"}},
		},
		{
			Name: "web", File: "specs/web.yml", State: supervisor.WaitNext, Since: now.Add(-25 * time.Second),
			StableAt: now.Add(-49 * time.Hour), Revision: 11, Next: 12, Image: "ghcr.io/acme/web:4.0.2", Desired: 1, Healthy: 1,
			DrainUntil: now.Add(12 * time.Second),
			Containers: []supervisor.ContainerStatus{
				SC("web-r11-1", 11, supervisor.RoleOld, "running", "healthy", now.Add(-49*time.Hour)),
				SC("web-r12-1", 12, supervisor.RoleNext, "running", "healthy", now.Add(-23*time.Second)),
			},
			Timeline: []supervisor.Transition{
				Tr(now.Add(-72*time.Hour), supervisor.Stable, supervisor.WaitNext, 11, supervisor.CauseSpecChanged, "spec changed: image ghcr.io/acme/web:4.0.2"),
				Tr(now.Add(-49*time.Hour), supervisor.WaitNext, supervisor.Stable, 11, supervisor.CauseStable, "1/1 healthy, old stopped"),
				Tr(now.Add(-25*time.Second), supervisor.Stable, supervisor.WaitNext, 12, supervisor.CauseSpecChanged, "spec changed: image ghcr.io/acme/web:4.1.0"),
			},
			History: []supervisor.Revision{
				{N: 10, Hash: "0e5d2c8a1b47", Image: "ghcr.io/acme/web:4.0.1", At: now.Add(-9 * 24 * time.Hour), Outcome: "replaced"},
				{N: 11, Hash: "b11f6e0d93c2", Image: "ghcr.io/acme/web:4.0.2", At: now.Add(-72 * time.Hour), Outcome: "stable"},
				{N: 12, Hash: "c12a8d4f7e05", Image: "ghcr.io/acme/web:4.1.0", At: now.Add(-25 * time.Second)},
			},
		},
	}
}

// Deploys is a fake of deploys.Backend: it serves a fixed set of services (Services) and
// records what the tab asks of it. Like the supervisor, it closes a subscription's channel
// when it is cancelled, or when End says the supervisor stopped. A test may send on Events
// (the current subscription's channel) and set Err (what the controls return).
type Deploys struct {
	mu       sync.Mutex
	Services []supervisor.ServiceStatus
	health   supervisor.Health
	Events   chan supervisor.Event // what the current subscription delivers
	closed   bool                  // events is closed
	Subs     int
	Cancels  int
	calls    []string
	Err      error // what the controls return
}

// NewDeploys is a fake supervisor serving DeploysFixture(now), connected and reconciled.
func NewDeploys(now time.Time) *Deploys {
	return &Deploys{Services: DeploysFixture(now), Events: make(chan supervisor.Event, 64),
		health: supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true}}
}

func (f *Deploys) Health() supervisor.Health {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.health
}

// SetHealth changes what Health reports; the tab hears of it by a lagged event.
func (f *Deploys) SetHealth(h supervisor.Health) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.health = h
}

func (f *Deploys) Status() []supervisor.ServiceStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.Services)
}

func (f *Deploys) Subscribe() (<-chan supervisor.Event, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Subs++
	if f.Subs > 1 {
		f.Events, f.closed = make(chan supervisor.Event, 64), false
	}
	ch := f.Events
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.Cancels++
			if ch == f.Events && !f.closed {
				close(ch)
				f.closed = true
			}
		})
	}
}

// End closes the current subscription's channel, as the supervisor does when it stops.
func (f *Deploys) End() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		close(f.Events)
		f.closed = true
	}
}

func (f *Deploys) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return f.Err
}

func (f *Deploys) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *Deploys) Rollback(_ context.Context, name string, rev int) error {
	return f.record(fmt.Sprintf("rollback %s %d", name, rev))
}
func (f *Deploys) Restart(_ context.Context, name string) error {
	return f.record("restart " + name)
}
func (f *Deploys) Pause(name string) error  { return f.record("pause " + name) }
func (f *Deploys) Resume(name string) error { return f.record("resume " + name) }

// Service is a copy of the fixture's status of name, to change at will.
func (f *Deploys) Service(t testing.TB, name string) supervisor.ServiceStatus {
	t.Helper()
	for _, s := range f.Status() {
		if s.Name == name {
			s.Containers, s.Timeline, s.History = slices.Clone(s.Containers), slices.Clone(s.Timeline), slices.Clone(s.History)
			return s
		}
	}
	t.Fatalf("no service %q", name)
	return supervisor.ServiceStatus{}
}

// DeployContainers are the engine's side of web's deploy: its two containers, as the index
// has them, so the logs follow the index's view of them.
func DeployContainers(now time.Time) []docker.Container {
	var cs []docker.Container
	for _, c := range []supervisor.ContainerStatus{
		SC("web-r11-1", 11, supervisor.RoleOld, "running", "healthy", now.Add(-49*time.Hour)),
		SC("web-r12-1", 12, supervisor.RoleNext, "running", "healthy", now.Add(-23*time.Second)),
	} {
		cs = append(cs, docker.Container{ID: c.ID, Name: c.Name, Image: "ghcr.io/acme/web", State: c.State,
			Health: c.Health, StartedAt: c.StartedAt, Labels: map[string]string{docker.LabelDeploy: "web"}})
	}
	return cs
}

// Lock and Unlock hold the fake while a test changes Services, which the tab may be reading.
func (f *Deploys) Lock()   { f.mu.Lock() }
func (f *Deploys) Unlock() { f.mu.Unlock() }

// UnknownDeploysFixture is DeploysFixture as a supervisor started with its engine down has
// it: every service read from the state file, Unknown until the engine confirms it.
func UnknownDeploysFixture(now time.Time) []supervisor.ServiceStatus {
	ss := DeploysFixture(now)
	for i := range ss {
		ss[i].State = supervisor.Unknown
	}
	return ss
}

// DeploysBanner is one condition the Deploys tab's banner reports: what the fake supervisor
// says (its health, its services, whether a followed one is gone) and the banner's words.
type DeploysBanner struct {
	Name   string
	Health supervisor.Health
	States []supervisor.ServiceStatus
	Gone   bool
	Want   string
}

// DeploysBanners are the four conditions the banner reports.
func DeploysBanners(now time.Time) []DeploysBanner {
	return []DeploysBanner{
		{"unreachable", supervisor.Health{Engine: supervisor.EngineUnreachable,
			EngineError: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock"}, UnknownDeploysFixture(now), false,
			"engine unreachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock — states not confirmed"},
		{"reconciling", supervisor.Health{Engine: supervisor.EngineConnected}, DeploysFixture(now), false,
			"reconciling with the engine…"},
		{"save-error", supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true,
			SaveError: "write specs/.podium-state.json: no space left on device", SaveErrorAt: now.Add(-3 * time.Minute)}, DeploysFixture(now), false,
			"state not saved since 11:57:00: write specs/.podium-state.json: no space left on device"},
		{"gone", supervisor.Health{Engine: supervisor.EngineConnected, Reconciled: true}, DeploysFixture(now), true,
			"supervisor at http://127.0.0.1:7070 stopped — press T to take over"},
	}
}
