package handoff

import (
	"slices"
	"testing"
	"time"
)

func TestPushDropsTheOldest(t *testing.T) {
	q := New[int](3)
	for i := range 5 {
		q.Push(i)
	}
	items, dropped := q.Drain()
	if !slices.Equal(items, []int{2, 3, 4}) || dropped != 2 {
		t.Fatalf("drained %v, %d dropped", items, dropped)
	}
}

func TestNextTakesABatchAtATime(t *testing.T) {
	q := NewBatch[int](10, 4)
	done := make(chan struct{})
	for i := range 10 {
		if !q.PushWait(done, i) {
			t.Fatal("PushWait failed with room left")
		}
	}
	var got []int
	for len(got) < 10 {
		items, ok := q.Next(done)
		if !ok || len(items) > 4 {
			t.Fatalf("Next: %v, %v", items, ok)
		}
		got = append(got, items...)
	}
	if !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("got %v", got)
	}
	close(done)
	if _, ok := q.Next(done); ok {
		t.Fatal("Next after done")
	}
}

func TestPushWaitWaitsForRoom(t *testing.T) {
	q := New[int](1)
	done := make(chan struct{})
	q.Push(0)
	pushed := make(chan bool)
	go func() { pushed <- q.PushWait(done, 1) }()
	select {
	case <-pushed:
		t.Fatal("PushWait did not wait while full")
	case <-time.After(50 * time.Millisecond):
	}
	if items, _ := q.Drain(); !slices.Equal(items, []int{0}) {
		t.Fatalf("drained %v", items)
	}
	if !<-pushed {
		t.Fatal("PushWait failed after room was made")
	}
	// A writer waiting on a full queue lets go once done is closed.
	go func() { pushed <- q.PushWait(done, 2) }()
	close(done)
	if <-pushed {
		t.Fatal("PushWait succeeded after done")
	}
}

func TestPushAllWaitKeepsOrderAndWaitsForRoom(t *testing.T) {
	q := New[int](4)
	done := make(chan struct{})
	pushed := make(chan bool)
	go func() { pushed <- q.PushAllWait(done, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) }()
	var got []int
	for len(got) < 10 {
		items, ok := q.Next(done)
		if !ok || len(items) > 4 {
			t.Fatalf("Next: %v, %v", items, ok)
		}
		got = append(got, items...)
	}
	if !<-pushed || !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("got %v", got)
	}
	// A writer waiting on a full queue lets go once done is closed.
	q.PushAllWait(done, []int{1, 2, 3, 4})
	go func() { pushed <- q.PushAllWait(done, []int{5}) }()
	close(done)
	if <-pushed {
		t.Fatal("PushAllWait went on after done with no room")
	}
}
