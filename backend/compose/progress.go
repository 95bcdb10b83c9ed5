package compose

import "sync"

// Actions reported through Progress, in the words Compose's progress output uses.
const (
	ActionNetworkCreated = "network created"
	ActionNetworkRemoved = "network removed"
	ActionVolumeCreated  = "volume created"
	ActionVolumeRemoved  = "volume removed"
	ActionPulling        = "pulling"
	ActionPulled         = "pulled"
	ActionBuilding       = "building"
	ActionBuilt          = "built"
	// ActionOutput carries one line of a build's output or a pull's status in Detail.
	ActionOutput     = "output"
	ActionCreating   = "creating"
	ActionCreated    = "created"
	ActionRecreating = "recreating"
	ActionStarting   = "starting"
	ActionStarted    = "started"
	ActionWaiting    = "waiting"
	ActionHealthy    = "healthy"
	ActionExited     = "exited"
	ActionUpToDate   = "up to date"
	ActionStopping   = "stopping"
	ActionStopped    = "stopped"
	ActionRestarting = "restarting"
	ActionRestarted  = "restarted"
	ActionRemoving   = "removing"
	ActionRemoved    = "removed"
	ActionError      = "error"
)

// Event is one step of a lifecycle call, for a UI to show as it happens. Container names the
// container; for network and volume actions it names the network or volume, and Service is "".
// Err is set with ActionError.
type Event struct {
	Service   string
	Container string
	Action    string
	Err       error
	Detail    string // ActionOutput's line
}

// Progress receives events. Calls never overlap (the engine serializes them), but they come
// from several goroutines, so the callback must not block for long.
type Progress func(Event)

// reporter serializes calls to a Progress that may be nil.
type reporter struct {
	mu sync.Mutex
	fn Progress
}

func newReporter(fn Progress) *reporter { return &reporter{fn: fn} }

func (r *reporter) emit(service, name, action string) {
	r.send(Event{Service: service, Container: name, Action: action})
}

func (r *reporter) fail(service, name string, err error) {
	r.send(Event{Service: service, Container: name, Action: ActionError, Err: err})
}

func (r *reporter) send(e Event) {
	if r == nil || r.fn == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fn(e)
}
