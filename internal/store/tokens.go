package store

import (
	"context"
	"fmt"
	"time"
)

// TokenRepo reads and writes bearer tokens (their hashes). Get it from
// (*Store).Tokens.
type TokenRepo struct{ s *Store }

// Tokens returns the token repository.
func (s *Store) Tokens() *TokenRepo { return &TokenRepo{s: s} }

// Create inserts t and sets its ID and CreatedAt. A duplicate hash gives an
// error wrapping ErrConflict.
func (r *TokenRepo) Create(ctx context.Context, t *Token) error {
	t.ID = 0
	t.ExpiresAt = dbTimePtr(t.ExpiresAt)
	t.LastUsedAt = dbTimePtr(t.LastUsedAt)
	t.RevokedAt = dbTimePtr(t.RevokedAt)
	return dbError(fmt.Sprintf("create token for user %d", t.UserID), r.s.withCtx(ctx).Create(t).Error)
}

// Get returns the token with the given id.
func (r *TokenRepo) Get(ctx context.Context, id uint64) (*Token, error) {
	var t Token
	if err := r.s.withCtx(ctx).Where("id = ?", id).Take(&t).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get token %d", id), err)
	}
	return &t, nil
}

// GetByHash returns the token whose Hash is hash, whether or not it is
// expired or revoked: the caller decides. The hash is not put in errors.
func (r *TokenRepo) GetByHash(ctx context.Context, hash string) (*Token, error) {
	var t Token
	if err := r.s.withCtx(ctx).Where("hash = ?", hash).Take(&t).Error; err != nil {
		return nil, dbError("get token by hash", err)
	}
	return &t, nil
}

// ListByUser returns the user's tokens in id order, a page at a time.
// opts.Search keeps tokens whose name contains it, ignoring case.
func (r *TokenRepo) ListByUser(ctx context.Context, userID uint64, opts ListOptions) (items []Token, next string, err error) {
	q := r.s.withCtx(ctx).Model(&Token{}).Where("user_id = ?", userID)
	if opts.Search != "" {
		q = q.Where("LOWER(name) LIKE ? ESCAPE '!'", containsPattern(opts.Search))
	}
	items, next, err = page(q, opts, false, func(t *Token) uint64 { return t.ID })
	if err != nil {
		return nil, "", listError(fmt.Sprintf("list tokens of user %d", userID), err)
	}
	return items, next, nil
}

// Revoke marks the token revoked at the given time. Revoking a revoked
// token succeeds and keeps the first revocation time; a missing token gives
// ErrNotFound.
func (r *TokenRepo) Revoke(ctx context.Context, id uint64, at time.Time) error {
	db := r.s.withCtx(ctx)
	res := db.Model(&Token{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", dbTime(at))
	if res.Error != nil {
		return dbError(fmt.Sprintf("revoke token %d", id), res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	var n int64
	if err := db.Model(&Token{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return dbError(fmt.Sprintf("revoke token %d", id), err)
	}
	if n == 0 {
		return fmt.Errorf("revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}

// RevokeAllForUser revokes every token of the user that is not revoked
// yet, except those whose ids are in except (the token of the request
// that changed the password). A user with no tokens is not an error.
func (r *TokenRepo) RevokeAllForUser(ctx context.Context, userID uint64, at time.Time, except ...uint64) error {
	q := r.s.withCtx(ctx).Model(&Token{}).Where("user_id = ? AND revoked_at IS NULL", userID)
	if len(except) > 0 {
		q = q.Where("id NOT IN ?", except)
	}
	err := q.Update("revoked_at", dbTime(at)).Error
	return dbError(fmt.Sprintf("revoke tokens of user %d", userID), err)
}

// Touch records that the token was used at the given time: one UPDATE of
// one column, no read. A missing token gives ErrNotFound.
func (r *TokenRepo) Touch(ctx context.Context, id uint64, at time.Time) error {
	res := r.s.withCtx(ctx).Model(&Token{}).Where("id = ?", id).UpdateColumn("last_used_at", dbTime(at))
	if res.Error != nil {
		return dbError(fmt.Sprintf("touch token %d", id), res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("touch token %d: %w", id, ErrNotFound)
	}
	return nil
}

// DeleteExpired deletes every token that expired before the given time
// and returns how many it deleted.
func (r *TokenRepo) DeleteExpired(ctx context.Context, before time.Time) (int64, error) {
	res := r.s.withCtx(ctx).Where("expires_at IS NOT NULL AND expires_at < ?", dbTime(before)).Delete(&Token{})
	if res.Error != nil {
		return 0, dbError("delete expired tokens", res.Error)
	}
	return res.RowsAffected, nil
}
