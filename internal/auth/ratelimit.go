package auth

import (
	"sync"
	"time"
)

// LoginLimiter counts failed logins per user name and per source address in
// a sliding window. Once either reaches the limit, further attempts on that
// key are refused (even with the right password) until the oldest failure
// leaves the window, which turns password guessing into a crawl.
type LoginLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewLoginLimiter allows max failures per key within window.
func NewLoginLimiter(max int, window time.Duration, now func() time.Time) *LoginLimiter {
	if now == nil {
		now = time.Now
	}
	return &LoginLimiter{max: max, window: window, now: now, failures: map[string][]time.Time{}}
}

// Check returns how long the caller must wait before trying keys again, or
// zero when an attempt is allowed.
func (l *LoginLimiter) Check(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		times := l.prune(k, now)
		if len(times) >= l.max {
			if w := times[0].Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait
}

// Fail records a failed attempt on every key.
func (l *LoginLimiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		l.failures[k] = append(l.prune(k, now), now)
	}
	// Bound memory against a flood of distinct keys: drop whatever has aged
	// out once the map grows large.
	if len(l.failures) > 10000 {
		for k := range l.failures {
			l.prune(k, now)
		}
	}
}

// Reset forgets the failures of key (after a successful login).
func (l *LoginLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *LoginLimiter) prune(key string, now time.Time) []time.Time {
	times := l.failures[key]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = times
	return times
}
