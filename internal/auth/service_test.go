package auth

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

func newService(t *testing.T) (*Service, *store.User) {
	t.Helper()
	st, err := store.Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "wh.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := NewService(Config{Store: st})
	if _, _, err := s.EnsureAdmin(t.Context(), "alice", "right-password"); err != nil {
		t.Fatal(err)
	}
	u, err := st.Users().GetByUsername(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	return s, u
}

// outcomes counts the results of attempts made at once.
type outcomes struct {
	mu                      sync.Mutex
	ok, wrong, limited, bad int
}

func (o *outcomes) add(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var limited *RateLimitedError
	switch {
	case err == nil:
		o.ok++
	case errors.Is(err, ErrInvalidCredentials):
		o.wrong++
	case errors.As(err, &limited):
		o.limited++
	default:
		o.bad++
	}
}

// burst runs n attempts at once and waits for them.
func burst(n int, attempt func() error) *outcomes {
	var o outcomes
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			o.add(attempt())
		})
	}
	close(start)
	wg.Wait()
	return &o
}

// TestLoginBurst sends 100 wrong passwords at once: at most the limit (5)
// are checked (401), every other one is refused (429), and then the right
// password is refused too.
func TestLoginBurst(t *testing.T) {
	s, _ := newService(t)
	o := burst(100, func() error {
		_, err := s.Login(t.Context(), "alice", "wrong-guess", "192.0.2.1")
		return err
	})
	if o.wrong > 5 || o.wrong+o.limited != 100 || o.ok+o.bad != 0 {
		t.Errorf("%d wrong, %d limited, %d signed in, %d failed; want at most 5 wrong and the rest limited", o.wrong, o.limited, o.ok, o.bad)
	}
	var limited *RateLimitedError
	if _, err := s.Login(t.Context(), "alice", "right-password", "198.51.100.1"); !errors.As(err, &limited) {
		t.Errorf("right password after the burst, from another address: %v, want refused", err)
	}
}

// TestRightPasswordInsideBurst sends the right password while 40 wrong
// ones are being checked: the attempts already in flight count, so it is
// refused.
func TestRightPasswordInsideBurst(t *testing.T) {
	g := NewWithT(t)
	s, _ := newService(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			_, _ = s.Login(t.Context(), "alice", "wrong-guess", "192.0.2."+string(rune('0'+i%10)))
		})
	}
	// Once five attempts were let through, the user is locked out, whether
	// or not their passwords have been checked yet.
	g.Eventually(func() int {
		s.limiter.mu.Lock()
		defer s.limiter.mu.Unlock()
		return len(s.limiter.failures["user:alice"])
	}).Should(BeNumerically(">=", 5))
	_, err := s.Login(t.Context(), "alice", "right-password", "198.51.100.1")
	var limited *RateLimitedError
	g.Expect(errors.As(err, &limited)).To(BeTrue(), "right password inside the burst: %v", err)
	wg.Wait()
	_, err = s.Login(t.Context(), "alice", "right-password", "198.51.100.1")
	g.Expect(errors.As(err, &limited)).To(BeTrue(), "right password after the burst: %v", err)
}

// TestChangePasswordLimited checks the current password of a password
// change under the login limits: a burst of wrong ones is cut to the
// limit, and the right one is then refused.
func TestChangePasswordLimited(t *testing.T) {
	s, u := newService(t)
	p := &Principal{UserID: u.ID, Username: u.Username}
	o := burst(100, func() error {
		return s.ChangePassword(t.Context(), p, "wrong-guess", "new-password-1", "192.0.2.1", false)
	})
	if o.wrong > 5 || o.wrong+o.limited != 100 {
		t.Errorf("%d wrong, %d limited, %d changed, %d failed; want at most 5 wrong and the rest limited", o.wrong, o.limited, o.ok, o.bad)
	}
	var limited *RateLimitedError
	if err := s.ChangePassword(t.Context(), p, "right-password", "new-password-1", "198.51.100.1", false); !errors.As(err, &limited) {
		t.Errorf("right current password after the burst: %v, want refused", err)
	}
	// The lockout is the login's too.
	if _, err := s.Login(t.Context(), "alice", "right-password", "198.51.100.1"); !errors.As(err, &limited) {
		t.Errorf("login after the burst: %v, want refused", err)
	}
}

// TestChangePasswordRevokes checks that a password change revokes every
// other token of the user unless asked to keep them.
func TestChangePasswordRevokes(t *testing.T) {
	s, u := newService(t)
	ctx := context.Background()
	login := func() string {
		t.Helper()
		sess, err := s.Login(t.Context(), "alice", "right-password", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		return sess.Token
	}
	current, other := login(), login()
	api, _, err := s.CreateAPIToken(t.Context(), u.ID, "ci", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Authenticate(ctx, current)
	if err != nil {
		t.Fatal(err)
	}

	if err := s.ChangePassword(t.Context(), p, "right-password", "second-password", "192.0.2.1", true); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{current, other, api} {
		if _, err := s.Authenticate(ctx, tok); err != nil {
			t.Errorf("keepOtherSessions: a token was revoked: %v", err)
		}
	}

	if err := s.ChangePassword(t.Context(), p, "second-password", "third-password", "192.0.2.1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, current); err != nil {
		t.Errorf("the token of the change was revoked: %v", err)
	}
	for _, tok := range []string{other, api} {
		if _, err := s.Authenticate(ctx, tok); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("another token still works after the change: %v", err)
		}
	}
	if _, err := s.Login(t.Context(), "alice", "third-password", "192.0.2.1"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
}
