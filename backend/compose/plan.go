package compose

import (
	"github.com/podiumdev/podium/backend/docker"
)

// stepKind is what convergence does with one container number of a service.
type stepKind int

const (
	stepKeep     stepKind = iota // up to date and in the wanted state
	stepStart                    // up to date but stopped
	stepRecreate                 // its config hash or image changed
	stepCreate                   // missing
	stepRemove                   // surplus
)

// step is one planned change; Container is the existing container, zero for stepCreate.
type step struct {
	Kind      stepKind
	Number    int
	Container docker.Container
}

// desired is what one service should look like.
type desired struct {
	Hash     string
	ImageID  string // "" when not known: the image is then not compared
	Replicas int
	OneShot  bool // a one-shot that exited 0 is done, not stopped
	Rerun    bool // start a completed one-shot again (the user named the service)
}

func (k stepKind) String() string {
	return [...]string{"keep", "start", "recreate", "create", "remove"}[k]
}

// planService compares a service's containers with what it should be: numbers 1..Replicas are
// kept, started, recreated or created; any other container (a higher number, a duplicate, no
// number) is removed. Removals come first, so that a name is free before it is reused.
func planService(want desired, existing []docker.Container) []step {
	byNumber := map[int]docker.Container{}
	var steps []step
	for _, c := range existing {
		n := number(c)
		if n < 1 || n > want.Replicas {
			steps = append(steps, step{Kind: stepRemove, Number: n, Container: c})
			continue
		}
		if prev, dup := byNumber[n]; dup {
			// Keep the better of two containers with one number: the up-to-date or running one.
			if score(want, c) > score(want, prev) {
				byNumber[n], c = c, prev
			}
			steps = append(steps, step{Kind: stepRemove, Number: n, Container: c})
			continue
		}
		byNumber[n] = c
	}
	for n := 1; n <= want.Replicas; n++ {
		c, ok := byNumber[n]
		switch {
		case !ok:
			steps = append(steps, step{Kind: stepCreate, Number: n})
		case outdated(want, c):
			steps = append(steps, step{Kind: stepRecreate, Number: n, Container: c})
		case c.Running() || (completed(c, want.OneShot) && !want.Rerun):
			steps = append(steps, step{Kind: stepKeep, Number: n, Container: c})
		default:
			steps = append(steps, step{Kind: stepStart, Number: n, Container: c})
		}
	}
	return steps
}

// outdated: the config hash differs, or the image the container was made from is no longer
// the service's image (as Compose compares com.docker.compose.image).
func outdated(want desired, c docker.Container) bool {
	if c.Labels[docker.LabelComposeConfigHash] != want.Hash {
		return true
	}
	img := c.Labels[docker.LabelComposeImage]
	return want.ImageID != "" && img != "" && img != want.ImageID
}

func score(want desired, c docker.Container) int {
	s := 0
	if !outdated(want, c) {
		s += 2
	}
	if c.Running() {
		s++
	}
	return s
}

// drifted reports whether a service's containers differ from what it should be.
func drifted(want desired, existing []docker.Container) bool {
	for _, st := range planService(want, existing) {
		if st.Kind != stepKeep && st.Kind != stepStart {
			return true
		}
	}
	return false
}

// recreateAll turns every kept or started container of a plan into a recreation.
func recreateAll(steps []step) []step {
	out := make([]step, len(steps))
	for i, st := range steps {
		if st.Kind == stepKeep || st.Kind == stepStart {
			st.Kind = stepRecreate
		}
		out[i] = st
	}
	return out
}
