package compose

import (
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
)

// changedSet records the services whose containers an Up changed, so that a dependent with
// depends_on restart: true is restarted after its dependency was, as Compose does.
type changedSet struct {
	mu  sync.Mutex
	set map[string]bool
}

func newChangedSet() *changedSet { return &changedSet{set: map[string]bool{}} }

func (c *changedSet) mark(service string) {
	c.mu.Lock()
	c.set[service] = true
	c.mu.Unlock()
}

// restartNeeded reports whether a dependency of s marked restart: true changed. Dependencies
// are visited first, so they are all settled when s asks.
func (c *changedSet) restartNeeded(s types.ServiceConfig) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for dep, d := range s.DependsOn {
		if d.Restart && c.set[dep] {
			return true
		}
	}
	return false
}

// anyOf reports whether any of the services changed.
func (c *changedSet) anyOf(services []string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range services {
		if c.set[s] {
			return true
		}
	}
	return false
}
