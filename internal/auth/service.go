package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Errors of authentication. Handlers map them to 401 and 429; their text
// never says whether a user name exists.
var (
	ErrInvalidCredentials = errors.New("invalid user name or password")
	ErrInvalidToken       = errors.New("invalid, expired or revoked token")
)

// RateLimitedError says how long a locked-out caller must wait.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %s", e.RetryAfter.Round(time.Second))
}

// touchInterval limits how often a token's last-used time is written: once
// a minute is precise enough for users and keeps reads free of writes.
const touchInterval = time.Minute

// Config configures a Service.
type Config struct {
	Store      *store.Store
	SessionTTL time.Duration
	// Limiter throttles password checks (logins and the current password
	// of a password change); default 5 failures per 5 minutes and 4
	// attempts at once per user name and per source address.
	Limiter *LoginLimiter
	Now     func() time.Time
}

// Service signs users in and resolves bearer tokens to principals.
type Service struct {
	store      *store.Store
	sessionTTL time.Duration
	limiter    *LoginLimiter
	now        func() time.Time
}

// NewService returns a Service with defaults filled in.
func NewService(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLoginLimiter(5, 4, 5*time.Minute, cfg.Now)
	}
	return &Service{store: cfg.Store, sessionTTL: cfg.SessionTTL, limiter: cfg.Limiter, now: cfg.Now}
}

// Session is what a successful login returns. Token is shown only here.
type Session struct {
	Token     string
	ExpiresAt time.Time
	User      *store.User
}

// Login checks a user name and password from addr and opens a session.
func (s *Service) Login(ctx context.Context, username, password, addr string) (*Session, error) {
	u, err := s.checkPassword(ctx, username, password, addr, func(ctx context.Context) (*store.User, error) {
		return s.store.Users().GetByUsername(ctx, username)
	})
	if err != nil {
		return nil, err
	}
	now := s.now()
	expires := now.Add(s.sessionTTL)
	token, err := s.issue(ctx, u.ID, store.TokenSession, "login from "+addr, &expires)
	if err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
	if err := s.store.Users().Update(ctx, u); err != nil {
		return nil, fmt.Errorf("record login of %q: %w", username, err)
	}
	return &Session{Token: token, ExpiresAt: expires, User: u}, nil
}

// checkPassword checks password against the user get returns (ErrNotFound
// when there is none), under the login limiter's keys of username and
// addr: the attempt is reserved before the hash is computed and counts as
// a failure unless the password is right (or the check cannot be made). A missing or disabled user costs
// the same hash as a real one, so timing does not tell them apart.
func (s *Service) checkPassword(ctx context.Context, username, password, addr string, get func(context.Context) (*store.User, error)) (*store.User, error) {
	userKey := "user:" + username
	attempt, wait := s.limiter.Reserve(userKey, "addr:"+addr)
	if attempt == nil {
		return nil, &RateLimitedError{RetryAfter: wait}
	}
	u, err := get(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		attempt.Cancel()
		return nil, fmt.Errorf("look up user: %w", err)
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		attempt.Cancel()
		return nil, fmt.Errorf("verify password of %q: %w", username, err)
	}
	if !ok || u == nil || u.Disabled {
		attempt.Fail()
		return nil, ErrInvalidCredentials
	}
	attempt.Succeed(userKey)
	return u, nil
}

// ChangePassword sets the password of the user p signed in as, from addr,
// after checking current under the same limits as a login (its failures
// count toward the user's and the address's lockout). Unless keepOthers,
// it revokes every other session and API token of the user in the same
// transaction: a password changed because it leaked must not leave the
// leaker signed in. A wrong current password is ErrInvalidCredentials.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next, addr string, keepOthers bool) error {
	u, err := s.checkPassword(ctx, p.Username, current, addr, func(ctx context.Context) (*store.User, error) {
		return s.store.Users().Get(ctx, p.UserID)
	})
	if err != nil {
		return err
	}
	if u.PasswordHash, err = HashPassword(next); err != nil {
		return err
	}
	return s.store.Transaction(ctx, func(tx *store.Store) error {
		if err := tx.Users().Update(ctx, u); err != nil {
			return fmt.Errorf("update password of %q: %w", u.Username, err)
		}
		if keepOthers {
			return nil
		}
		if err := tx.Tokens().RevokeAllForUser(ctx, u.ID, s.now(), p.TokenID); err != nil {
			return fmt.Errorf("revoke other tokens of %q: %w", u.Username, err)
		}
		return nil
	})
}

// CreateAPIToken mints a long-lived token for userID that expires after
// lifetime, or lives until revoked when lifetime is zero. The token text is
// returned only here.
func (s *Service) CreateAPIToken(ctx context.Context, userID uint64, name string, lifetime time.Duration) (string, *store.Token, error) {
	var expiresAt *time.Time
	if lifetime > 0 {
		t := s.now().Add(lifetime)
		expiresAt = &t
	}
	token, err := s.issue(ctx, userID, store.TokenAPI, name, expiresAt)
	if err != nil {
		return "", nil, err
	}
	t, err := s.store.Tokens().GetByHash(ctx, HashToken(token))
	if err != nil {
		return "", nil, fmt.Errorf("read new token: %w", err)
	}
	return token, t, nil
}

func (s *Service) issue(ctx context.Context, userID uint64, kind, name string, expiresAt *time.Time) (string, error) {
	token, hash, prefix, err := newToken()
	if err != nil {
		return "", err
	}
	t := &store.Token{UserID: userID, Name: name, Kind: kind, Hash: hash, Prefix: prefix, ExpiresAt: expiresAt}
	if err := s.store.Tokens().Create(ctx, t); err != nil {
		return "", fmt.Errorf("store %s token: %w", kind, err)
	}
	return token, nil
}

// RevokeToken ends a token now; revoking a revoked token changes nothing.
func (s *Service) RevokeToken(ctx context.Context, id uint64) error {
	return s.store.Tokens().Revoke(ctx, id, s.now())
}

// RevokeAll ends every token of a user now (the user was disabled).
func (s *Service) RevokeAll(ctx context.Context, userID uint64) error {
	return s.store.Tokens().RevokeAllForUser(ctx, userID, s.now())
}

// Authenticate resolves a bearer token to its principal.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if !looksLikeToken(token) {
		return nil, ErrInvalidToken
	}
	t, err := s.store.Tokens().GetByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("look up token: %w", err)
	}
	now := s.now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) {
		return nil, ErrInvalidToken
	}
	u, err := s.store.Users().Get(ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("look up user of token: %w", err)
	}
	if u.Disabled {
		return nil, ErrInvalidToken
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchInterval {
		if err := s.store.Tokens().Touch(ctx, t.ID, now); err != nil {
			return nil, fmt.Errorf("record token use: %w", err)
		}
	}
	return &Principal{UserID: u.ID, Username: u.Username, Role: u.Role, TokenID: t.ID, TokenKind: t.Kind}, nil
}

// EnsureAdmin creates the first admin when the database has no users. When
// password is empty one is generated and returned; created says whether a
// user was made.
func (s *Service) EnsureAdmin(ctx context.Context, username, password string) (created bool, generated string, err error) {
	n, err := s.store.Users().Count(ctx)
	if err != nil {
		return false, "", fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return false, "", nil
	}
	if password == "" {
		if password, err = GeneratePassword(); err != nil {
			return false, "", err
		}
		generated = password
	}
	hash, err := HashPassword(password)
	if err != nil {
		return false, "", err
	}
	u := &store.User{Username: username, DisplayName: "Administrator", PasswordHash: hash, Role: store.RoleAdmin}
	if err := s.store.Users().Create(ctx, u); err != nil {
		return false, "", fmt.Errorf("create admin %q: %w", username, err)
	}
	return true, generated, nil
}

// CollectGarbage deletes tokens that expired more than a day ago, so the
// tokens table stays small; revoked tokens are kept for the audit trail
// until they expire too.
func (s *Service) CollectGarbage(ctx context.Context) (int64, error) {
	return s.store.Tokens().DeleteExpired(ctx, s.now().Add(-24*time.Hour))
}
