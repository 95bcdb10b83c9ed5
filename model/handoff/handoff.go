// Package handoff hands items from a producer (a log reader, a stats stream, the progress of
// an up) to the UI, without the producer ever waiting on the UI loop unless it asks to.
package handoff

import (
	"slices"
	"sync"
)

// Queue hands items from a producer to the UI. The producer appends to a bounded buffer under
// a mutex and signals a channel of capacity one; one waiter at a time takes what is buffered,
// at most batch items, so one message never makes a long Update. Beyond the limit, Push (for
// a producer that must never block: the progress of an up) drops the oldest items, while
// PushWait (for a log reader, whose lines must all arrive) waits for room: the engine keeps
// the rest of the log until the reader asks for it.
type Queue[T any] struct {
	limit int
	batch int           // most items one Next takes; 0 for all
	sig   chan struct{} // items are buffered
	room  chan struct{} // items were taken: a waiting PushWait may go on

	mu      sync.Mutex
	buf     []T
	dropped int
}

// New is a Queue that buffers up to limit items and hands them all over at once.
func New[T any](limit int) *Queue[T] {
	return &Queue[T]{limit: limit, sig: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

// NewBatch is a Queue whose Next hands over at most batch items at a time.
func NewBatch[T any](limit, batch int) *Queue[T] {
	f := New[T](limit)
	f.batch = batch
	return f
}

// signal wakes whoever waits on c, without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Push appends x, dropping the oldest item beyond the limit, and never blocks.
func (f *Queue[T]) Push(x T) {
	f.mu.Lock()
	f.buf = append(f.buf, x)
	if over := len(f.buf) - f.limit; over > 0 {
		f.buf = append(f.buf[:0], f.buf[over:]...)
		f.dropped += over
	}
	f.mu.Unlock()
	signal(f.sig)
}

// PushWait appends x, waiting while the buffer is full; false if done closed first.
func (f *Queue[T]) PushWait(done <-chan struct{}, x T) bool {
	for {
		f.mu.Lock()
		if len(f.buf) < f.limit {
			f.buf = append(f.buf, x)
			more := len(f.buf) < f.limit
			f.mu.Unlock()
			signal(f.sig)
			if more {
				signal(f.room) // another writer may be waiting too
			}
			return true
		}
		f.mu.Unlock()
		select {
		case <-f.room:
		case <-done:
			return false
		}
	}
}

// PushAllWait appends xs in order, waiting for room as PushWait does, so a producer with a
// batch pays for the lock and the signal once per batch, not per item; false if done closed
// before all of them went in.
func (f *Queue[T]) PushAllWait(done <-chan struct{}, xs []T) bool {
	for len(xs) > 0 {
		f.mu.Lock()
		if room := f.limit - len(f.buf); room > 0 {
			k := min(room, len(xs))
			f.buf = append(f.buf, xs[:k]...)
			xs = xs[k:]
			more := len(f.buf) < f.limit
			f.mu.Unlock()
			signal(f.sig)
			if more {
				signal(f.room) // another writer may be waiting too
			}
			continue
		}
		f.mu.Unlock()
		select {
		case <-f.room:
		case <-done:
			return false
		}
	}
	return true
}

// Ready blocks until items are buffered, without taking them (TakeUpTo does); false once
// done is closed. A waiter that must not hold items while it waits (so that a Drain meanwhile
// takes them in order) uses it instead of Next.
func (f *Queue[T]) Ready(done <-chan struct{}) bool {
	for {
		select {
		case <-f.sig:
		case <-done:
			return false
		}
		f.mu.Lock()
		n := len(f.buf)
		f.mu.Unlock()
		if n > 0 {
			signal(f.sig) // they are still there for whoever takes them
			return true
		}
	}
}

// TakeUpTo takes at most n items, oldest first, without waiting.
func (f *Queue[T]) TakeUpTo(n int) []T {
	f.mu.Lock()
	defer f.mu.Unlock()
	n = min(n, len(f.buf))
	if n <= 0 {
		return nil
	}
	items := f.buf[:n:n]
	if n < len(f.buf) {
		f.buf = slices.Clone(f.buf[n:])
	} else {
		f.buf = nil
	}
	signal(f.room)
	return items
}

// Drain takes everything buffered, and how much was dropped since the last drain.
func (f *Queue[T]) Drain() ([]T, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	items, dropped := f.buf, f.dropped
	f.buf, f.dropped = nil, 0
	signal(f.room)
	return items, dropped
}

// take takes at most batch items, oldest first, and says whether more are left.
func (f *Queue[T]) take() ([]T, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.buf)
	if f.batch > 0 && n > f.batch {
		n = f.batch
	}
	items := f.buf[:n:n]
	if n < len(f.buf) {
		f.buf = slices.Clone(f.buf[n:])
	} else {
		f.buf = nil
	}
	f.dropped = 0
	signal(f.room)
	return items, len(f.buf) > 0
}

// Next blocks until items are buffered, then takes them (at most batch); false once done is
// closed. It runs in a command, off the UI loop.
func (f *Queue[T]) Next(done <-chan struct{}) ([]T, bool) {
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
		// A signal can outlive the items it announced (an earlier Drain took them). Items
		// dropped while the UI was behind need no mention: the UI keeps no more anyway.
		items, more := f.take()
		if more {
			signal(f.sig) // the next waiter takes the rest at once
		}
		if len(items) > 0 {
			return items, true
		}
	}
}
