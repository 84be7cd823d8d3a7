package auth

import (
	"sync"
	"time"
)

// LoginLimiter throttles password checks per user name and per source
// address. An attempt is reserved before the password is hashed: it counts
// as a failure from that moment, so parallel attempts see each other (100
// wrong passwords sent at once get at most max 401s, then 429s), and a
// success takes its failure back. Once a key holds max failures in the
// sliding window, further attempts on it are refused, even with the right
// password, until the oldest failure leaves the window: password guessing
// becomes a crawl. Besides, at most maxInFlight attempts per key are
// checked at once, so a burst cannot occupy the server's CPU with hashing;
// an attempt refused for that counts as a failure too (no person signs in
// that many times at once: it is guessing).
type LoginLimiter struct {
	max         int
	maxInFlight int
	window      time.Duration
	now         func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
	inFlight map[string]int
}

// NewLoginLimiter allows max failures per key within window and at most
// maxInFlight attempts per key at once.
func NewLoginLimiter(max, maxInFlight int, window time.Duration, now func() time.Time) *LoginLimiter {
	if now == nil {
		now = time.Now
	}
	return &LoginLimiter{max: max, maxInFlight: maxInFlight, window: window, now: now,
		failures: map[string][]time.Time{}, inFlight: map[string]int{}}
}

// inFlightRetry is the wait a caller refused for too many attempts in
// flight is told: they end within a password hash.
const inFlightRetry = time.Second

// Reservation is an attempt that Reserve let through. The caller ends it
// exactly once, with Succeed, Fail or Cancel.
type Reservation struct {
	l    *LoginLimiter
	keys []string
	at   time.Time
}

// Reserve claims an attempt on every key, counting it as a failure now. It
// returns the reservation, or nil and how long the caller must wait when a
// key is locked out or has too many attempts in flight.
func (l *LoginLimiter) Reserve(keys ...string) (*Reservation, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var locked time.Duration
	busy := false
	for _, k := range keys {
		times := l.prune(k, now)
		if len(times) >= l.max {
			locked = max(locked, times[0].Add(l.window).Sub(now))
		}
		busy = busy || l.inFlight[k] >= l.maxInFlight
	}
	if locked > 0 {
		return nil, locked
	}
	for _, k := range keys {
		l.failures[k] = append(l.failures[k], now)
		if !busy {
			l.inFlight[k]++
		}
	}
	l.bound(now)
	if busy {
		return nil, inFlightRetry
	}
	return &Reservation{l: l, keys: keys, at: now}, 0
}

// Fail ends the attempt as a failure: the failure it counted stays.
func (r *Reservation) Fail() {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	r.l.release(r.keys)
}

// Succeed ends the attempt as a success: the failure it counted is taken
// back, and the failures of reset (the user name's key) are forgotten.
func (r *Reservation) Succeed(reset string) {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	r.takeBack()
	delete(r.l.failures, reset)
}

// Cancel ends an attempt that could not be decided (the database did not
// answer): it counts neither way.
func (r *Reservation) Cancel() {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	r.takeBack()
}

// takeBack releases the attempt and removes the failure it counted; l.mu
// must be held.
func (r *Reservation) takeBack() {
	r.l.release(r.keys)
	for _, k := range r.keys {
		times := r.l.failures[k]
		for i, t := range times {
			if t.Equal(r.at) {
				times = append(times[:i:i], times[i+1:]...)
				break
			}
		}
		r.l.failures[k] = times
		if len(times) == 0 {
			delete(r.l.failures, k)
		}
	}
}

// release ends the attempt in flight on keys; l.mu must be held.
func (l *LoginLimiter) release(keys []string) {
	for _, k := range keys {
		if l.inFlight[k]--; l.inFlight[k] <= 0 {
			delete(l.inFlight, k)
		}
	}
}

// bound keeps memory bounded against a flood of distinct keys: once the
// map grows large, whatever has aged out is dropped. l.mu must be held.
func (l *LoginLimiter) bound(now time.Time) {
	if len(l.failures) > 10000 {
		for k := range l.failures {
			l.prune(k, now)
		}
	}
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
