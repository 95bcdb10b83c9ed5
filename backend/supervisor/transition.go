package supervisor

import (
	"time"

	"github.com/podiumdev/podium/backend/secret"
)

// Every change of a service goes through setState or note, which append to its timeline, save
// the state file and publish the event, in that order.

// setState moves the state machine and records why.
func (in *instance) setState(to State, cause Cause, reason string) {
	from := in.rec.State
	if from != to {
		in.rec.State = to
		in.rec.Since = time.Now()
		in.log.Info("state", "from", from, "to", to, "cause", cause, "reason", in.masked(reason))
	}
	in.commit(from, cause, reason)
}

// note records a step that keeps the state (a container started, healthy, removed…).
func (in *instance) note(cause Cause, reason string) {
	in.commit(in.rec.State, cause, reason)
}

// commit appends the transition to the timeline, saves the state and publishes it.
func (in *instance) commit(from State, cause Cause, reason string) {
	tr := Transition{At: time.Now(), From: from, To: in.rec.State, Revision: in.target(), Cause: cause, Reason: in.masked(reason)}
	in.rec.Timeline = append(in.rec.Timeline, timelineRecord{At: tr.At, From: tr.From, To: tr.To, Revision: tr.Revision, Cause: tr.Cause, Reason: tr.Reason})
	if n := len(in.rec.Timeline) - maxTimeline; n > 0 {
		in.rec.Timeline = append([]timelineRecord(nil), in.rec.Timeline[n:]...)
	}
	in.s.update(in.name, in.rec.clone(), in.status(), &tr)
}

// refresh publishes live container data without a transition (and without saving).
func (in *instance) refresh() {
	in.s.update(in.name, in.rec.clone(), in.status(), nil)
}

// masked is a message with the secret values of the service's specs masked wherever they
// appear (an engine's error may quote one, as a mount source or a command's argument): what
// the timeline, the last error, the history, the log and the API hold.
func (in *instance) masked(msg string) string {
	for _, sp := range in.specs {
		if sp != nil && sp.Create.Config != nil {
			msg = secret.Masker{}.MaskValues(msg, sp.Create.Config.Env)
		}
	}
	return msg
}

// setError keeps err as the service's last error, masked.
func (in *instance) setError(msg string) { in.rec.LastError = in.masked(msg) }
