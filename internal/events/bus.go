// Package events is the server's in-process event bus: parts that learn
// something (a registry announcing a push) publish it, and parts that act
// on it (pipelines) subscribe. Delivery is best effort and in order per
// subscriber; a subscriber that falls too far behind loses events rather
// than slowing the publisher, and Dropped counts them.
package events

import (
	"sync"
	"sync/atomic"
	"time"
)

// ImagePushed is an image pushed to a registry Wheelhouse knows.
type ImagePushed struct {
	// RegistryID and Registry name the registry record; Cluster and
	// Project its scope (empty: global).
	RegistryID uint64
	Registry   string
	Cluster    string
	Project    string
	Repository string
	Tag        string
	Digest     string
	Time       time.Time
}

// Bus fans events out to subscribers.
type Bus struct {
	mu      sync.Mutex
	subs    map[int]chan ImagePushed
	next    int
	dropped atomic.Int64
}

// New returns an empty bus.
func New() *Bus { return &Bus{subs: map[int]chan ImagePushed{}} }

// Subscribe returns a channel of the events published from now on, with
// room for buffer of them, and the function that ends the subscription
// (and closes the channel).
func (b *Bus) Subscribe(buffer int) (<-chan ImagePushed, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	ch := make(chan ImagePushed, buffer)
	b.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			delete(b.subs, id)
			close(ch)
		})
	}
}

// Publish hands ev to every subscriber that has room for it.
func (b *Bus) Publish(ev ImagePushed) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		select {
		case ch <- ev:
		default:
			b.dropped.Add(1)
		}
	}
}

// Dropped is how many events subscribers had no room for.
func (b *Bus) Dropped() int64 { return b.dropped.Load() }
