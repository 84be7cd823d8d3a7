package auth

import (
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLoginLimiter(3, time.Minute, func() time.Time { return now })

	for i := 0; i < 3; i++ {
		if w := l.Check("user:a", "addr:1"); w != 0 {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail("user:a", "addr:1")
		now = now.Add(time.Second)
	}
	if w := l.Check("user:a"); w <= 0 || w > time.Minute {
		t.Fatalf("user key not locked: %s", w)
	}
	if w := l.Check("user:b", "addr:1"); w <= 0 {
		t.Fatal("address key not locked for another user")
	}
	if w := l.Check("user:b", "addr:2"); w != 0 {
		t.Fatal("unrelated keys locked")
	}

	// The first failure leaves the window after a minute.
	now = now.Add(58 * time.Second)
	if w := l.Check("user:a"); w != 0 {
		t.Fatalf("still locked after the window: %s", w)
	}

	l.Fail("user:c")
	l.Reset("user:c")
	if len(l.failures["user:c"]) != 0 {
		t.Error("reset kept failures")
	}
}
