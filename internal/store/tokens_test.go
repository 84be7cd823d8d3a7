package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func newToken(userID uint64, n int, expires *time.Time) *Token {
	return &Token{UserID: userID, Name: fmt.Sprintf("token %d", n), Kind: TokenAPI, Hash: fmt.Sprintf("%064x", n), Prefix: fmt.Sprintf("wh_%04d", n), ExpiresAt: expires}
}

func TestTokens(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		tokens := s.Tokens()
		u := mustCreateUser(t, s, "alice", RoleUser)
		expires := time.Now().Add(time.Hour)
		tok := newToken(u.ID, 1, &expires)
		if err := tokens.Create(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if tok.ID == 0 || tok.CreatedAt.IsZero() {
			t.Fatalf("Create did not fill ID and CreatedAt: %+v", tok)
		}

		t.Run("get", func(t *testing.T) {
			for _, get := range []func() (*Token, error){
				func() (*Token, error) { return tokens.Get(ctx, tok.ID) },
				func() (*Token, error) { return tokens.GetByHash(ctx, tok.Hash) },
			} {
				got, err := get()
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tok, got); diff != "" {
					t.Fatalf("token (-want +got):\n%s", diff)
				}
			}
			if _, err := tokens.Get(ctx, tok.ID+100); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get missing = %v", err)
			}
			if _, err := tokens.GetByHash(ctx, fmt.Sprintf("%064x", 999)); !errors.Is(err, ErrNotFound) {
				t.Fatalf("GetByHash missing = %v", err)
			}
		})

		t.Run("duplicate hash", func(t *testing.T) {
			if err := tokens.Create(ctx, newToken(u.ID, 1, nil)); !errors.Is(err, ErrConflict) {
				t.Fatalf("duplicate hash = %v, want ErrConflict", err)
			}
		})

		t.Run("touch", func(t *testing.T) {
			at := time.Now().Add(-time.Minute)
			if err := tokens.Touch(ctx, tok.ID, at); err != nil {
				t.Fatal(err)
			}
			got, err := tokens.Get(ctx, tok.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.LastUsedAt == nil || !got.LastUsedAt.Equal(at.Truncate(time.Microsecond)) {
				t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, at)
			}
			if err := tokens.Touch(ctx, tok.ID, at); err != nil {
				t.Fatalf("Touch with the same time: %v", err)
			}
			if err := tokens.Touch(ctx, tok.ID+100, at); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Touch missing = %v", err)
			}
		})

		t.Run("revoke", func(t *testing.T) {
			first := time.Now().Add(-time.Second)
			if err := tokens.Revoke(ctx, tok.ID, first); err != nil {
				t.Fatal(err)
			}
			if err := tokens.Revoke(ctx, tok.ID, time.Now()); err != nil {
				t.Fatalf("second Revoke: %v", err)
			}
			got, err := tokens.Get(ctx, tok.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.RevokedAt == nil || !got.RevokedAt.Equal(first.Truncate(time.Microsecond)) {
				t.Fatalf("RevokedAt = %v, want the first revocation %v", got.RevokedAt, first)
			}
			if err := tokens.Revoke(ctx, tok.ID+100, first); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Revoke missing = %v", err)
			}
		})

		t.Run("revoke all for user", func(t *testing.T) {
			bob := mustCreateUser(t, s, "bob", RoleUser)
			carol := mustCreateUser(t, s, "carol", RoleUser)
			for i := range 3 {
				if err := tokens.Create(ctx, newToken(bob.ID, 10+i, nil)); err != nil {
					t.Fatal(err)
				}
			}
			if err := tokens.Create(ctx, newToken(carol.ID, 20, nil)); err != nil {
				t.Fatal(err)
			}
			at := time.Now()
			if err := tokens.RevokeAllForUser(ctx, bob.ID, at); err != nil {
				t.Fatal(err)
			}
			got, _, err := tokens.ListByUser(ctx, bob.ID, ListOptions{})
			if err != nil || len(got) != 3 {
				t.Fatalf("ListByUser: %d, %v", len(got), err)
			}
			for _, tk := range got {
				if tk.RevokedAt == nil {
					t.Fatalf("token %d not revoked", tk.ID)
				}
			}
			other, _, err := tokens.ListByUser(ctx, carol.ID, ListOptions{})
			if err != nil || len(other) != 1 || other[0].RevokedAt != nil {
				t.Fatalf("another user's token was touched: %+v, %v", other, err)
			}
			if err := tokens.RevokeAllForUser(ctx, 99999, at); err != nil {
				t.Fatalf("user without tokens: %v", err)
			}
		})

		t.Run("list by user pages", func(t *testing.T) {
			dave := mustCreateUser(t, s, "dave", RoleUser)
			for i := range 7 {
				if err := tokens.Create(ctx, newToken(dave.ID, 100+i, nil)); err != nil {
					t.Fatal(err)
				}
			}
			got, pages := collect(t, 3, func(o ListOptions) ([]Token, string, error) { return tokens.ListByUser(ctx, dave.ID, o) })
			if len(got) != 7 || pages != 3 {
				t.Fatalf("%d tokens in %d pages, want 7 in 3", len(got), pages)
			}
			for _, tk := range got {
				if tk.UserID != dave.ID {
					t.Fatalf("token of user %d listed", tk.UserID)
				}
			}
			named, _, err := tokens.ListByUser(ctx, dave.ID, ListOptions{Search: "TOKEN 105"})
			if err != nil || len(named) != 1 || named[0].Name != "token 105" {
				t.Fatalf("search: %+v, %v", named, err)
			}
			if _, _, err := tokens.ListByUser(ctx, dave.ID, ListOptions{Continue: "x"}); !errors.Is(err, ErrInvalidContinue) {
				t.Fatalf("invalid continue = %v", err)
			}
		})

		t.Run("delete expired", func(t *testing.T) {
			erin := mustCreateUser(t, s, "erin", RoleUser)
			now := time.Now()
			past, future := now.Add(-time.Hour), now.Add(time.Hour)
			for i, exp := range []*time.Time{&past, &past, &future, nil} {
				if err := tokens.Create(ctx, newToken(erin.ID, 200+i, exp)); err != nil {
					t.Fatal(err)
				}
			}
			n, err := tokens.DeleteExpired(ctx, now)
			if err != nil || n != 2 {
				t.Fatalf("DeleteExpired = %d, %v; want 2", n, err)
			}
			left, _, err := tokens.ListByUser(ctx, erin.ID, ListOptions{})
			if err != nil || len(left) != 2 {
				t.Fatalf("left %d tokens, %v; want the unexpired and the endless one", len(left), err)
			}
			if n, err := tokens.DeleteExpired(ctx, now); err != nil || n != 0 {
				t.Fatalf("second DeleteExpired = %d, %v", n, err)
			}
		})
	})
}
