package multicluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"
)

// Types of watch events.
const (
	EventAdded    = "ADDED"
	EventModified = "MODIFIED"
	EventDeleted  = "DELETED"
)

// feedSize is how many recent changes a kind's feed keeps for watchers that
// resume from a cursor; one further back must list again.
const feedSize = 1024

// subscriberBuffer is how many changes a slow watcher may fall behind
// before it is told to list again rather than hold the feed up.
const subscriberBuffer = 256

// ErrCursorGone says a watch cannot resume from its cursor: it is too old,
// from another connection, or not a cursor at all. List again and watch
// from the list's cursor.
var ErrCursorGone = errors.New("cursor too old: list again")

// change is one change of a cached object, numbered in its feed.
type change struct {
	seq  uint64
	typ  string
	obj  runtime.Object
	prev runtime.Object // the state before, for a modification
}

// feed numbers the changes of one kind's cache and fans them out to
// watchers, keeping the recent ones so a watcher that reconnects resumes
// where it was. Its cursors carry an epoch, random per connection, so a
// cursor of an older connection (or of another server) is never taken for
// one of this.
type feed struct {
	epoch string

	mu     sync.Mutex
	seq    uint64
	recent []change // oldest first, at most feedSize
	subs   map[*subscription]struct{}
}

// subscription is one watcher of a feed.
type subscription struct {
	ch chan change
	// lost is closed when the watcher fell too far behind.
	lost   chan struct{}
	lostMu sync.Once
}

func newFeed() *feed {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &feed{epoch: hex.EncodeToString(b), subs: map[*subscription]struct{}{}}
}

// handler feeds the informer's notifications into f.
func (f *feed) handler() cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { f.publish(EventAdded, obj, nil) },
		UpdateFunc: func(old, obj any) {
			// A relist or resync notifies every object again, unchanged:
			// no watcher needs to hear of those.
			if sameVersion(old, obj) {
				return
			}
			f.publish(EventModified, obj, old)
		},
		DeleteFunc: func(obj any) {
			if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = d.Obj
			}
			f.publish(EventDeleted, obj, nil)
		},
	}
}

func (f *feed) publish(typ string, obj, prev any) {
	o, ok := obj.(runtime.Object)
	if !ok {
		return
	}
	p, _ := prev.(runtime.Object)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	ch := change{seq: f.seq, typ: typ, obj: o, prev: p}
	if len(f.recent) == feedSize {
		f.recent = append(f.recent[:0], f.recent[1:]...)
	}
	f.recent = append(f.recent, ch)
	for s := range f.subs {
		select {
		case s.ch <- ch:
		default:
			s.lostMu.Do(func() { close(s.lost) })
		}
	}
}

// cursor is the position after the latest change.
func (f *feed) cursor() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.epoch + "." + strconv.FormatUint(f.seq, 10)
}

// subscribe starts a watcher after cursor ("": from now on). The changes
// made since cursor come first.
func (f *feed) subscribe(cursor string) (*subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	after := f.seq
	if cursor != "" {
		epoch, n, ok := strings.Cut(cursor, ".")
		seq, err := strconv.ParseUint(n, 10, 64)
		if !ok || err != nil || epoch != f.epoch || seq > f.seq {
			return nil, ErrCursorGone
		}
		// The changes after seq must all still be kept.
		if seq < f.seq && (len(f.recent) == 0 || f.recent[0].seq > seq+1) {
			return nil, ErrCursorGone
		}
		after = seq
	}
	s := &subscription{ch: make(chan change, subscriberBuffer+feedSize), lost: make(chan struct{})}
	for _, c := range f.recent {
		if c.seq > after {
			s.ch <- c
		}
	}
	f.subs[s] = struct{}{}
	return s, nil
}

func (f *feed) unsubscribe(s *subscription) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, s)
}

// closeAll tells every watcher to list again: the connection is closing
// (a new one, with its own feed, may replace it).
func (f *feed) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		s.lostMu.Do(func() { close(s.lost) })
	}
}

// EventReset ends a watch whose watcher must list again: it fell too far
// behind, or the cluster's connection was replaced.
const EventReset = "RESET"

// WatchEvent is a change of an object a watch selects.
type WatchEvent struct {
	// Type is EventAdded, EventModified, EventDeleted or, last, EventReset.
	Type   string
	Object runtime.Object
	// Cursor resumes a watch after this event.
	Cursor string
}

// Watch streams the changes of kind's cached objects that q selects (its
// namespace, name and selectors; not its paging) made after cursor (""
// from now on; a List's Page.Cursor makes the watch miss nothing after the
// page), until ctx ends. An object that starts or stops matching q comes
// as EventAdded or EventDeleted. A cursor that cannot be resumed is
// ErrCursorGone; a watch that must list again ends with EventReset.
func (c *Cluster) Watch(ctx context.Context, kind string, q Query, cursor string) (<-chan WatchEvent, error) {
	if err := c.Available(); err != nil {
		return nil, err
	}
	_, k, err := c.informer(kind)
	if err != nil {
		return nil, err
	}
	sel, err := parseSelectors(k, q)
	if err != nil {
		return nil, err
	}
	f := c.feeds[kind]
	sub, err := f.subscribe(cursor)
	if err != nil {
		return nil, err
	}
	m := matcher{kind: k, query: q, sel: sel}
	out := make(chan WatchEvent)
	go func() {
		defer close(out)
		defer f.unsubscribe(sub)
		send := func(ev WatchEvent) bool {
			select {
			case out <- ev:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-sub.lost:
				send(WatchEvent{Type: EventReset})
				return
			case ch := <-sub.ch:
				typ := ch.typ
				_, now := m.matches(ch.obj)
				was := false
				if ch.prev != nil {
					_, was = m.matches(ch.prev)
				}
				switch {
				case typ == EventModified && now && !was:
					typ = EventAdded
				case typ == EventModified && !now && was:
					typ, now = EventDeleted, true
				}
				if !now {
					continue
				}
				if !send(WatchEvent{Type: typ, Object: ch.obj, Cursor: f.epoch + "." + strconv.FormatUint(ch.seq, 10)}) {
					return
				}
			}
		}
	}()
	return out, nil
}

// sameVersion reports whether two states of an object have the same
// resourceVersion.
func sameVersion(a, b any) bool {
	x, errA := meta.Accessor(a)
	y, errB := meta.Accessor(b)
	return errA == nil && errB == nil && x.GetResourceVersion() != "" && x.GetResourceVersion() == y.GetResourceVersion()
}
