package supervisor

import (
	"sync"
	"time"
)

const (
	// subscriberBuffer is how many events wait for a slow reader before the oldest are dropped.
	subscriberBuffer = 256
	// laggedReason is the words of the synthetic event (Service "", Cause CauseLagged) that
	// tells a reader it missed events and should read Status again; readers test the Cause.
	laggedReason = "lagged"
)

// subscriber is one reader of the event stream.
type subscriber struct {
	ch chan Event
}

// Subscribe returns every transition of every service from now on. The supervisor never waits
// for a reader: when the buffer is full the oldest events are dropped and an Event with an
// empty Service and Cause CauseLagged says so. The channel is closed by cancel, or when Run
// returns (read Status again and subscribe anew).
func (s *Supervisor) Subscribe() (<-chan Event, func()) {
	sub := &subscriber{ch: make(chan Event, subscriberBuffer)}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if _, ok := s.subs[sub]; ok {
				delete(s.subs, sub)
				close(sub.ch)
			}
		})
	}
}

// publishLocked hands ev to every subscriber without blocking. Only publishers send, and they
// hold s.mu, so after the non-blocking receives below there is room for both sends.
func (s *Supervisor) publishLocked(ev Event) {
	for sub := range s.subs {
		select {
		case sub.ch <- ev:
			continue
		default:
		}
		for range 2 {
			select {
			case <-sub.ch:
			default:
			}
		}
		select {
		case sub.ch <- Event{Transition: Transition{At: time.Now(), Cause: CauseLagged, Reason: laggedReason}}:
		default:
		}
		select {
		case sub.ch <- ev:
		default:
		}
	}
}

// closeSubscribersLocked ends every stream when Run returns.
func (s *Supervisor) closeSubscribersLocked() {
	for sub := range s.subs {
		delete(s.subs, sub)
		close(sub.ch)
	}
}
