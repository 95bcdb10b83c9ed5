package deploys

import (
	"github.com/podiumdev/podium/model/list"

	"cmp"
	"context"
	"slices"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/query"
	"github.com/podiumdev/podium/backend/supervisor"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/model/engine"
	"github.com/podiumdev/podium/model/logs"
	"github.com/podiumdev/podium/views"
)

// resubscribeDelay is how long the tab waits before subscribing again to a supervisor whose
// event stream ended soon after it began, so a supervisor that keeps closing it costs nothing.
var resubscribeDelay = time.Second

// Model is the Deploys tab: the supervised services with their state machine, the selected
// one's deploy (old and new containers, timers, timeline, revisions), the logs of its
// containers, and the controls (restart, roll back, pause, shell). Like the other tabs it is
// self-contained: the root sizes it, forwards messages (the index's snapshots included) and
// draws the header around it.
type Model struct {
	common.Common // context, theme, keys, clock, size

	db Backend        // nil: no supervisor
	b  engine.Backend // logs and shells

	sub        *deploySub                             // the supervisor's event stream
	services   []supervisor.ServiceStatus             // every service, by name, as last heard
	health     supervisor.Health                      // the supervisor's own condition, as last heard
	followed   FollowState                            // a followed supervisor's presence; zero for one in-process
	takeOver   func(context.Context) (Backend, error) // nil: taking over is not possible
	takingOver bool                                   // takeOver is running
	snap       docker.Snapshot                        // the index, for the containers' logs
	list       list.Nav[supervisor.ServiceStatus]
	confirm    *deployConfirm
	status     views.Status
	busy       map[string]string // service → the call running on it ("restarting…")
	movedAt    time.Time         // when the user last moved the cursor: follow leaves it alone a while

	logs   logs.Pane
	detail deployDetail // the sub-tabs of the pane under the list: Status, Timeline, Spec, Logs
	shown  bool         // the tab is on screen, so its countdowns must move
	tick   uint64       // the tick under way, 0 for none
}

// deploySub is one subscription to the supervisor's events.
type deploySub struct {
	events <-chan supervisor.Event
	cancel func()
	began  time.Time // wall clock, for the resubscription's backoff
}

// deployRead is what the tab reads of its backend at once: every service, the supervisor's
// health, and whether a supervisor followed in another process is still there.
type deployRead struct {
	all    []supervisor.ServiceStatus
	health supervisor.Health
	follow FollowState
}

// readDeploys reads db's status, health and follow state.
func readDeploys(db Backend) deployRead {
	r := deployRead{all: db.Status(), health: db.Health()}
	if f, ok := db.(Followed); ok {
		r.follow = f.FollowState()
	}
	return r
}

// deployEventMsg carries every event queued on a subscription since the last message. When
// one of them says events were dropped (or the supervisor's health changed), or the stream
// ended, relisted is set and the read is the whole state read after them.
type deployEventMsg struct {
	sub    *deploySub
	events []supervisor.Event
	deployRead
	relisted bool
	ended    bool // the channel was closed: subscribe again
}

// deploySubscribedMsg carries a new subscription to db and the state read just after it.
type deploySubscribedMsg struct {
	db  Backend
	sub *deploySub
	deployRead
}

// deployTickMsg moves the countdowns on screen on by a second.
type deployTickMsg struct{ n uint64 }

var deployTicks atomic.Uint64

// Deps are what the Deploys tab needs from its parent.
type Deps struct {
	Common   common.Common
	Deploys  Backend // nil when there is no supervisor
	Backend  engine.Backend
	Snapshot docker.Snapshot // the index as the root last saw it
	// TakeOver starts a supervisor in this process in place of a followed one that stopped;
	// nil when that is not possible.
	TakeOver func(ctx context.Context) (Backend, error)
}

// deployRows is how listNav moves over the services: every row, kept by name.
var deployRows = list.Spec[supervisor.ServiceStatus]{
	Key: func(s supervisor.ServiceStatus) string { return s.Name },
}

// New subscribes to the supervisor's events, then reads its status, so no transition
// between the two is missed.
func New(d Deps) Model {
	m := Model{
		db: d.Deploys, b: d.Backend, Common: d.Common, takeOver: d.TakeOver,
		snap: d.Snapshot, list: list.New(deployRows), detail: deployDetail{tabs: detail.New(detail.Status, detail.Timeline, detail.Spec, detail.Logs)},
	}
	if m.b == nil {
		m.b = engine.None{}
	}
	if m.db != nil {
		events, cancel := m.db.Subscribe()
		m.sub = &deploySub{events: events, cancel: cancel, began: time.Now()}
		m.setRead(readDeploys(m.db))
	}
	return m
}

// Init starts following the supervisor's events. (The countdowns start with SetShown, which
// the root runs at once when the tab starts on screen.)
func (m Model) Init() tea.Cmd { return m.watch() }

// setSize gives the tab its area (the screen below the header).
func (m *Model) setSize(width, height int) {
	m.Width, m.Height = width, height
	m.list.SetSize(width, max(height-m.bannerLines(), 0))
}

// setShown tells the tab whether it is on screen: its countdowns tick only then.
func (m *Model) setShown(shown bool) tea.Cmd {
	m.shown = shown
	return m.armTick()
}

// setSnapshot takes a new state of the container index, for the logs of the services'
// containers.
func (m *Model) setSnapshot(snap docker.Snapshot) tea.Cmd {
	m.snap = snap
	return m.syncLogs()
}

// hasServices says there is a supervisor with at least one service.
func (m Model) hasServices() bool { return m.db != nil && len(m.services) > 0 }

// Context is the key context the tab is in, for the root to resolve global keys against.
func (m Model) Context() keymap.Context {
	if m.confirm != nil {
		return keymap.CtxConfirm
	}
	if m.logs.Typing() {
		return keymap.CtxSearch
	}
	if m.onTimeline() {
		return keymap.CtxDeploysTimeline
	}
	return m.list.Context(keymap.CtxDeploys, keymap.CtxDeploysLogs)
}

// Selected is the selected service, if any.
func (m Model) Selected() (supervisor.ServiceStatus, bool) { return m.list.Selected() }

// Close stops the log readers and the event subscription.
func (m Model) Close() {
	m.logs.Close()
	if m.sub != nil && m.sub.cancel != nil {
		m.sub.cancel()
	}
}

// update handles the tab's messages. Key presses for the root (quit, help, tabs) never get
// here; the root hands every other message to every tab, and each takes what is its own.
func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	if read, ok := msg.(specReadMsg); ok {
		m.detail.spec.onRead(read)
	} else {
		m, cmd = m.handle(msg)
	}
	// Whatever changed, the countdowns on screen keep moving while there are any, and the
	// detail pane follows the selection and its sub-tab.
	return m, tea.Batch(cmd, m.armTick(), m.syncDetail())
}

func (m Model) handle(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.ContainersChangedMsg:
		return m, m.setSnapshot(msg.Snap)
	case deployEventMsg:
		return m.onEvents(msg)
	case deploySubscribedMsg:
		if msg.db != m.db { // the backend was replaced while it subscribed
			msg.sub.cancel()
			return m, nil
		}
		m.sub = msg.sub // the one it replaces ended, and was cancelled then
		m.setRead(msg.deployRead)
		return m, tea.Batch(m.watch(), m.syncLogs())
	case deployTakenOverMsg:
		return m.takenOver(msg)
	case deployTickMsg:
		if msg.n != m.tick {
			return m, nil // a tick of an earlier run
		}
		m.tick = 0 // Update arms the next one if a deadline is still ahead
		return m, nil
	case logs.Msg: // the pane's own work: older lines, a save
		cmd, st := m.logs.Update(msg)
		if st.Text != "" {
			m.status = st
		}
		return m, cmd
	case logs.LinesMsg:
		return m, m.logs.OnLines(msg)
	case logs.EndedMsg:
		if !m.logs.OnEnded(msg) {
			return m, nil
		}
		return m, m.syncLogs()
	case deployActionDoneMsg:
		return m.actionDone(msg)
	case deployShellExitedMsg:
		m.status = msg.Status()
		return m, nil
	case tea.PasteMsg:
		if m.list.Editing {
			m.setFilter(m.list.Filter + msg.Content)
			return m, m.syncLogs()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

// watch waits for the next events of the subscription and takes every one queued behind
// them, so a burst of transitions is one message and one frame. The tab issues it again after
// each message: exactly one waits at a time, and nothing runs while nothing happens.
func (m Model) watch() tea.Cmd {
	sub, db, ctx := m.sub, m.db, m.Ctx
	if sub == nil || sub.events == nil {
		return nil
	}
	return func() tea.Msg {
		msg := deployEventMsg{sub: sub}
		select {
		case e, ok := <-sub.events:
			if !ok {
				msg.ended = true
			} else {
				msg.events = append(msg.events, e)
			}
		case <-ctx.Done():
			return nil
		}
	drain:
		for !msg.ended {
			select {
			case e, ok := <-sub.events:
				if !ok {
					msg.ended = true
					break drain
				}
				msg.events = append(msg.events, e)
			default:
				break drain
			}
		}
		if msg.ended && ctx.Err() != nil {
			return nil // our own cancel, on quit
		}
		// Dropped events leave holes only a fresh read fills. It is newer than every event
		// taken above, so it replaces them.
		if msg.ended || slices.ContainsFunc(msg.events, lagged) {
			msg.deployRead, msg.relisted = readDeploys(db), true
		}
		return msg
	}
}

// lagged says an event names no service: events were dropped, or the supervisor's own health
// changed (its engine, its first reconcile, its saves). Either way the tab reads everything.
func lagged(e supervisor.Event) bool {
	return e.Service == "" || e.Transition.Cause == supervisor.CauseLagged
}

// resubscribe subscribes again after the stream ended, then reads the whole status; it waits
// a little first when the stream that ended was young.
func (m Model) resubscribe(delay time.Duration) tea.Cmd {
	db, ctx := m.db, m.Ctx
	return func() tea.Msg {
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return nil
			}
		}
		events, cancel := db.Subscribe()
		if ctx.Err() != nil {
			cancel()
			return nil
		}
		return deploySubscribedMsg{db: db, sub: &deploySub{events: events, cancel: cancel, began: time.Now()}, deployRead: readDeploys(db)}
	}
}

// onEvents takes a batch of events: each carries its service's whole status after the
// transition, so the newest one of a service is all that counts.
func (m Model) onEvents(msg deployEventMsg) (Model, tea.Cmd) {
	if msg.sub != m.sub {
		return m, nil // an earlier subscription's
	}
	if msg.relisted {
		m.setRead(msg.deployRead)
	} else {
		services := slices.Clone(m.services)
		for _, e := range msg.events {
			st := e.Status
			if st.Name == "" {
				st.Name = e.Service
			}
			i, found := slices.BinarySearchFunc(services, st.Name, func(s supervisor.ServiceStatus, name string) int {
				return cmp.Compare(s.Name, name)
			})
			if found {
				services[i] = st
			} else {
				services = slices.Insert(services, i, st)
			}
		}
		m.services = services
		m.rebuild()
	}
	m.follow(msg.events)
	next := m.watch()
	if msg.ended {
		delay := time.Duration(0)
		if time.Since(m.sub.began) < resubscribeDelay {
			delay = resubscribeDelay
		}
		if m.sub.cancel != nil {
			m.sub.cancel()
		}
		next = m.resubscribe(delay)
	}
	return m, tea.Batch(next, m.syncLogs(), reportErrors(msg.events))
}

// setRead takes everything read of the backend: the services, the health, the follow state.
// The banner may come or go, and the list's height with it.
func (m *Model) setRead(r deployRead) {
	m.health, m.followed = r.health, r.follow
	m.setServices(r.all)
	m.list.SetSize(m.Width, max(m.Height-m.bannerLines(), 0))
}

// banner is what the banner above the list says of the supervisor.
func (m Model) banner() views.DeployBannerData {
	d := views.DeployBannerData{Health: m.health}
	if m.followed.Gone {
		d.Gone, d.URL, d.GoneErr = true, m.followed.URL, m.followed.Err
		if ks := m.Keys.Keys(keymap.CtxDeploys, keymap.TakeOver); m.takeOver != nil && len(ks) > 0 {
			d.TakeOverKey = keymap.KeyName(ks[0])
		}
	}
	return d
}

// bannerLines is the height of the banner: one line while it has something to say.
func (m Model) bannerLines() int {
	if m.db == nil || !m.banner().Shown() {
		return 0
	}
	return 1
}

// trusted says the services' states were checked against a reachable engine and come from a
// supervisor that is still there: only then are containers shown as running and healthy, and
// countdowns run.
func (m Model) trusted() bool { return m.banner().Trusted() }

// setServices replaces every service's status (sorted by name, whatever the backend did).
func (m *Model) setServices(all []supervisor.ServiceStatus) {
	m.services = slices.SortedStableFunc(slices.Values(all), func(a, b supervisor.ServiceStatus) int {
		return cmp.Compare(a.Name, b.Name)
	})
	m.rebuild()
}

func (m *Model) shownServices() []supervisor.ServiceStatus {
	q := query.New(m.list.Filter)
	var out []supervisor.ServiceStatus
	for i, s := range m.services {
		if q.Deploy(&m.services[i]) {
			out = append(out, s)
		}
	}
	return out
}

// rebuild recomputes the rows after the services changed, keeping the selection by name.
func (m *Model) rebuild() { m.list.SetRows(m.shownServices(), m.list.Cursor) }

// setFilter changes the filter; a hidden selection moves to the first match.
func (m *Model) setFilter(f string) {
	m.list.Filter = f
	m.list.Refilter(m.shownServices())
}

// counting says a service on screen has a deadline still ahead: its countdown moves.
func (m Model) counting() bool {
	if !m.shown || m.db == nil || !m.trusted() {
		return false
	}
	now := m.Now()
	for _, s := range m.list.Rows {
		if s.HealthDeadline.After(now) || s.DrainUntil.After(now) || s.RetryAt.After(now) {
			return true
		}
	}
	return false
}

// armTick starts a one-second tick when a countdown is on screen and none is under way. Each
// tick ends its run; Update arms the next while there is still something to count, so no
// timer runs while nothing moves.
func (m *Model) armTick() tea.Cmd {
	if m.tick != 0 || !m.counting() {
		return nil
	}
	n := deployTicks.Add(1)
	m.tick = n
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return deployTickMsg{n: n} })
}

// deployPanes is how the tab divides its area: the list, then under it (or beside it, on a
// wide screen) the selected service's detail over its logs, or the one with focus when both
// do not fit.
type deployPanes struct {
	views.Layout
	detail, logs int // the heights of the two panes sharing the area under the list
}

func (m Model) panes() deployPanes {
	l := m.list.Layout()
	if p, ok := m.detailPanes(l); ok {
		return p
	}
	natural := views.DeployDetailHeight(m.Theme, m.detailData(), l.LogsWidth)
	d, g := views.DeploySplit(l.LogsHeight, natural, m.list.Focus == list.FocusLogs)
	return deployPanes{Layout: l, detail: d, logs: g}
}

// logsOnScreen says the logs pane is drawn: beside the detail when there is room, else
// instead of it while it has focus. Only then do its readers run.
func (m Model) logsOnScreen() bool {
	if p, ok := m.detailPanes(m.list.Layout()); ok {
		return p.logs > 0
	}
	_, logs := views.DeploySplit(m.list.Layout().LogsHeight, 0, m.list.Focus == list.FocusLogs)
	return logs > 0
}

// logLines is how many lines the logs pane shows.
func (p deployPanes) logLines() int { return max(p.logs-1, 0) }

func (m Model) detailData() views.DeployDetailData {
	s, ok := m.Selected()
	return views.DeployDetailData{Service: s, OK: ok, Now: m.Now(), Unconfirmed: !m.trusted()}
}

// syncLogs makes the logs pane follow the selected service's containers, multiplexed (old and
// new side by side during a deploy), while the pane is on screen.
func (m *Model) syncLogs() tea.Cmd {
	return m.logs.Sync(m.Ctx, m.b, m.logWant(), m.snap.Status)
}

func (m Model) logWant() logs.Want {
	s, ok := m.Selected()
	switch {
	case !ok:
		return logs.Want{Empty: "no service selected"}
	case !m.logsOnScreen():
		return logs.Want{} // not on screen: no readers
	case len(s.Containers) == 0:
		return logs.Want{Empty: s.Name + " has no containers"}
	}
	cs := make([]docker.Container, 0, len(s.Containers))
	for _, c := range s.Containers {
		if dc, ok := m.snap.ByID(c.ID); ok {
			cs = append(cs, dc)
			continue
		}
		cs = append(cs, docker.Container{ID: c.ID, Name: c.Name, State: c.State, Health: c.Health, StartedAt: c.StartedAt})
	}
	return logs.Want{Key: "deploys/" + s.Name, Title: s.Name, Containers: cs, Multi: true}
}
