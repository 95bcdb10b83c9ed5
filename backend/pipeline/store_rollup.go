package pipeline

// Summary is a node's rolled-up view: its derived state and the number of leaf nodes in its
// subtree per state.
type Summary struct {
	State   State
	Skipped bool
	Counts  map[State]int // leaves of the subtree (the node itself for a leaf), skipped folded into their base state
}

// Rollup derives every node's Summary from its subtree. Parents are the nodes with recorded
// descendants; their own stored State is ignored. A leaf's state is its stored State. A
// parent's state comes from its children's rolled-up states, skipped children counting as
// done (that is what lets a serial continue past them), by the first rule that matches:
//
//  1. any child running → running;
//  2. any child queued → queued;
//  3. any child error → error, unless suppressed(parent) (suppress_errors), which counts it done;
//  4. any child killed → killed, likewise suppressible;
//  5. all children done → done (so an all-skipped parent is done);
//  6. some done, some pending → running while the run is running: the group is underway,
//     between two children (a serial's next child, a parallel's next within max_concurrent),
//     not waiting to start; in an ended run nothing is underway, and it is pending;
//  7. otherwise (all pending) → pending.
//
// A skipped parent keeps the base state of its subtree (Conducto's pending_skipped, say): its
// skipped children are not counted as done for it, only for the parents above it.
// So a serial that stopped on an error while later children are pending is error, and a
// parallel with one running child and one failed one is still running. A group suppresses
// its children's errors when the run records it (NodeRun.SuppressErrors) or suppressed says
// so; suppressed may be nil.
// Counts fold skipped nodes into their base state, as Conducto's status line does.
func Rollup(r *Run, suppressed func(path string) bool) map[string]Summary {
	kids := r.children()
	out := make(map[string]Summary, len(r.Nodes))
	// Children follow their parent in Order, so walking it backwards sees children first.
	for i := len(r.Order) - 1; i >= 0; i-- {
		p := r.Order[i]
		n := r.Nodes[p]
		if len(kids[p]) == 0 {
			out[p] = Summary{State: n.State, Skipped: n.Skipped, Counts: map[State]int{n.State: 1}}
			continue
		}
		sum := Summary{Skipped: n.Skipped, Counts: map[State]int{}}
		suppress := n.SuppressErrors || (suppressed != nil && suppressed(p))
		var running, queued, failed, killed, pending, started bool
		for _, k := range kids[p] {
			ks, ok := out[k]
			if !ok { // a child listed before its parent: take its own state
				kn := r.Nodes[k]
				ks = Summary{State: kn.State, Skipped: kn.Skipped, Counts: map[State]int{kn.State: 1}}
			}
			for st, c := range ks.Counts {
				sum.Counts[st] += c
			}
			if ks.Skipped && !n.Skipped {
				continue
			}
			switch ks.State {
			case StateRunning:
				running = true
			case StateQueued:
				queued = true
			case StateError:
				failed = failed || !suppress
			case StateKilled:
				killed = killed || !suppress
			case StateDone:
				started = true
			default:
				pending = true
			}
		}
		switch {
		case running:
			sum.State = StateRunning
		case queued:
			sum.State = StateQueued
		case failed:
			sum.State = StateError
		case killed:
			sum.State = StateKilled
		case pending && started && r.Status == RunRunning:
			sum.State = StateRunning
		case pending:
			sum.State = StatePending
		default:
			sum.State = StateDone
		}
		out[p] = sum
	}
	return out
}

// endStatus is the status of an ended run whose root rolled up to root; killed says a kill
// stopped it, which is what a root left pending is put down to.
func endStatus(root State, killed bool) RunStatus {
	switch root {
	case StateDone:
		return RunDone
	case StateError:
		return RunError
	case StateKilled:
		return RunKilled
	}
	if killed {
		return RunKilled
	}
	return RunPending
}
