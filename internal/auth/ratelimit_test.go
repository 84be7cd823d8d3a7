package auth

import (
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLoginLimiter(3, 2, time.Minute, func() time.Time { return now })
	reserve := func(keys ...string) *Reservation {
		t.Helper()
		r, wait := l.Reserve(keys...)
		if r == nil {
			t.Fatalf("%v refused for %s", keys, wait)
		}
		return r
	}
	refused := func(keys ...string) time.Duration {
		t.Helper()
		r, wait := l.Reserve(keys...)
		if r != nil || wait <= 0 {
			t.Fatalf("%v let through", keys)
		}
		return wait
	}

	// Attempts in flight count as failures at once and are capped per key.
	a1, a2 := reserve("user:a", "addr:1"), reserve("user:a", "addr:1")
	if w := refused("user:b", "addr:1"); w != inFlightRetry {
		t.Errorf("third attempt in flight from addr:1: wait %s, want %s", w, inFlightRetry)
	}
	a1.Fail()
	// A success takes its own failure back and forgets the user's.
	a2.Succeed("user:a")
	if n := len(l.failures["user:a"]); n != 0 {
		t.Errorf("user:a keeps %d failures after a success", n)
	}
	// addr:1 holds the failure and the attempt refused as one too many.
	if n := len(l.failures["addr:1"]); n != 2 {
		t.Errorf("addr:1 holds %d failures, want 2", n)
	}

	for range 3 {
		reserve("user:c", "addr:2").Fail()
		now = now.Add(time.Second)
	}
	// Locked out: even an attempt that would succeed is not let through.
	if w := refused("user:c", "addr:3"); w <= 0 || w > time.Minute {
		t.Errorf("user key locked for %s", w)
	}
	refused("user:d", "addr:2")
	reserve("user:d", "addr:3").Fail()
	// An attempt that could not be decided counts neither way.
	reserve("user:e", "addr:4").Cancel()
	if len(l.failures["user:e"])+len(l.failures["addr:4"]) != 0 {
		t.Error("a cancelled attempt left failures")
	}

	// The first failure leaves the window after a minute.
	now = now.Add(58 * time.Second)
	reserve("user:c", "addr:2").Succeed("user:c")
	if len(l.inFlight) != 0 {
		t.Errorf("attempts still in flight: %v", l.inFlight)
	}
}
