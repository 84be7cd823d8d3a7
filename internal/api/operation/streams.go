package operation

import (
	"context"
	"fmt"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// DefaultStreamsPerUser bounds the live streams one user holds open: a
// console holds a few per tab.
const DefaultStreamsPerUser = 64

// StreamLimiter bounds the live streams (watches) each user holds open,
// so one user cannot tie up the server's goroutines and memory.
type StreamLimiter struct {
	// PerUser is the bound; default DefaultStreamsPerUser.
	PerUser int

	mu   sync.Mutex
	open map[uint64]int
}

// Acquire takes one stream of the caller's; release gives it back. Over
// the bound it is a 429.
func (l *StreamLimiter) Acquire(ctx context.Context) (release func(), err error) {
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
