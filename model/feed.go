package model

import "sync"

// feed hands items from a producer that must never block (a log reader, the progress of an
// up) to the UI. The producer appends to a bounded buffer under a mutex and signals a channel
// of capacity one; one waiter at a time takes everything buffered at once. A slow UI costs the
// oldest items, never the producer's time.
type feed[T any] struct {
	limit int
	sig   chan struct{}

	mu      sync.Mutex
	buf     []T
	dropped int
}

func newFeed[T any](limit int) *feed[T] {
	return &feed[T]{limit: limit, sig: make(chan struct{}, 1)}
}

// push appends x, dropping the oldest item beyond the limit, and never blocks.
func (f *feed[T]) push(x T) {
	f.mu.Lock()
	f.buf = append(f.buf, x)
	if over := len(f.buf) - f.limit; over > 0 {
		f.buf = append(f.buf[:0], f.buf[over:]...)
		f.dropped += over
	}
	f.mu.Unlock()
	select {
	case f.sig <- struct{}{}:
	default:
	}
}

// drain takes everything buffered, and how much was dropped since the last drain.
func (f *feed[T]) drain() ([]T, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	items, dropped := f.buf, f.dropped
	f.buf, f.dropped = nil, 0
	return items, dropped
}

// next blocks until items are buffered, then takes all of them; false once done is closed.
// It runs in a command, off the UI loop.
func (f *feed[T]) next(done <-chan struct{}) ([]T, bool) {
	for {
		select {
		case <-f.sig:
		case <-done:
			return nil, false
		}
		select {
		case <-done:
			return nil, false
		default:
		}
		// A signal can outlive the items it announced (an earlier drain took them). Items
		// dropped while the UI was behind need no mention: the UI keeps no more anyway.
		if items, _ := f.drain(); len(items) > 0 {
			return items, true
		}
	}
}
