package operation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// DefaultStreamsPerUser bounds the live streams one user holds open: a
// console holds a few per tab.
const DefaultStreamsPerUser = 64

// DefaultHeartbeat is how often a stream with nothing to send writes a
// comment: proxies keep an idle stream open, and a client that went away
// is noticed by the write that fails.
const DefaultHeartbeat = 15 * time.Second

// ErrServerStopping is the cause a stream's context ends with when the
// server stops.
var ErrServerStopping = errors.New("the server is stopping")

// StreamLimiter bounds the live streams (watches, followed logs, event
// streams) each user holds open, so one user cannot tie up the server's
// goroutines and memory.
type StreamLimiter struct {
	// PerUser is the bound; default DefaultStreamsPerUser.
	PerUser int
	// Heartbeat is the interval of an idle stream's comments; default
	// DefaultHeartbeat.
	Heartbeat time.Duration

	mu   sync.Mutex
	open map[uint64]int
}

// Stream is one of a user's live streams, taken before the work that
// feeds it is set up (so a 429 costs nothing) and given back when the
// stream ends. It is the one way the API serves Server-Sent Events.
type Stream struct {
	release   func()
	heartbeat time.Duration
	shutdown  <-chan struct{}

	once     sync.Once
	deferred []func()
}

// OpenStream takes one of the caller's live streams: a 429 over the
// caller's bound. A handler that fails before it answers with Events
// closes it.
func (k *Kit) OpenStream(ctx context.Context) (*Stream, error) {
	release, err := k.Streams.acquire(ctx)
	if err != nil {
		return nil, err
	}
	hb := DefaultHeartbeat
	if k.Streams != nil && k.Streams.Heartbeat > 0 {
		hb = k.Streams.Heartbeat
	}
	return &Stream{release: release, heartbeat: hb, shutdown: k.Shutdown}, nil
}

// Defer adds f to what Close runs, last added first: what feeds the
// stream (a watch, a log being read) is released however the stream ends,
// also when the response never starts.
func (s *Stream) Defer(f func()) { s.deferred = append(s.deferred, f) }

// Close runs what was deferred and gives the stream back; it may be
// called more than once.
func (s *Stream) Close() {
	s.once.Do(func() {
		for _, f := range slices.Backward(s.deferred) {
			f()
		}
		s.release()
	})
}

// Events answers with a Server-Sent Events stream that produce writes.
// produce's context ends when the client goes away or the server stops
// (its cause is then ErrServerStopping), and produce must return then.
// While it runs, a heartbeat comment is written whenever the interval
// passes; a failed write ends the context too. The stream is given back
// when produce returns, or at once if the headers cannot be sent. What went wrong after the headers were sent
// cannot reach the client: produce logs it if it matters.
func (s *Stream) Events(produce func(ctx context.Context, sse *SSE)) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer s.Close()
		_, w := humago.Unwrap(hctx)
		sse, err := startSSE(w)
		if err != nil {
			return
		}
		ctx, cancel := context.WithCancelCause(hctx.Context())
		beating := make(chan struct{})
		go func() {
			defer close(beating)
			t := time.NewTicker(s.heartbeat)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-s.shutdown:
					cancel(ErrServerStopping)
					return
				case <-t.C:
					if err := sse.Comment("heartbeat"); err != nil {
						cancel(err)
						return
					}
				}
			}
		}()
		// No write to the response after the handler returns: the
		// heartbeat has stopped before Body does.
		defer func() {
			cancel(nil)
			<-beating
		}()
		produce(ctx, sse)
	}}
}

// acquire counts one more stream of the caller's; release gives it back.
// Over the bound it is a 429.
func (l *StreamLimiter) acquire(ctx context.Context) (release func(), err error) {
	p := auth.PrincipalFrom(ctx)
	if l == nil || p == nil {
		return func() {}, nil
	}
	limit := l.PerUser
	if limit <= 0 {
		limit = DefaultStreamsPerUser
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open == nil {
		l.open = map[uint64]int{}
	}
	if l.open[p.UserID] >= limit {
		return nil, huma.Error429TooManyRequests(fmt.Sprintf("%s holds %d live streams already, the most one user may", p.Username, limit))
	}
	l.open[p.UserID]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.open[p.UserID]--; l.open[p.UserID] == 0 {
				delete(l.open, p.UserID)
			}
		})
	}, nil
}
