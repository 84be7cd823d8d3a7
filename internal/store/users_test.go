package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUsersCRUD(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		users := s.Users()
		alice := mustCreateUser(t, s, "alice", RoleAdmin)
		if alice.ID == 0 || alice.CreatedAt.IsZero() || alice.UpdatedAt.IsZero() {
			t.Fatalf("Create did not fill ID and times: %+v", alice)
		}

		for _, tc := range []struct {
			name string
			get  func() (*User, error)
			want *User
			err  error
		}{
			{"by id", func() (*User, error) { return users.Get(ctx, alice.ID) }, alice, nil},
			{"by name", func() (*User, error) { return users.GetByUsername(ctx, "alice") }, alice, nil},
			{"by name other case", func() (*User, error) { return users.GetByUsername(ctx, "Alice") }, nil, ErrNotFound},
			{"missing id", func() (*User, error) { return users.Get(ctx, alice.ID+1000) }, nil, ErrNotFound},
			{"missing name", func() (*User, error) { return users.GetByUsername(ctx, "nobody") }, nil, ErrNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := tc.get()
				if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Fatalf("user (-want +got):\n%s", diff)
				}
			})
		}

		t.Run("conflict", func(t *testing.T) {
			dup := &User{Username: "alice", PasswordHash: "x", Role: RoleUser}
			if err := users.Create(ctx, dup); !errors.Is(err, ErrConflict) {
				t.Fatalf("duplicate Create = %v, want ErrConflict", err)
			}
			// User names compare exactly on every database.
			if err := users.Create(ctx, &User{Username: "ALICE", PasswordHash: "x", Role: RoleUser}); err != nil {
				t.Fatalf("Create ALICE beside alice: %v", err)
			}
		})

		t.Run("update", func(t *testing.T) {
			u := mustCreateUser(t, s, "bob", RoleUser)
			login := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("X", 3600))
			u.DisplayName, u.Email, u.Role, u.Disabled, u.LastLoginAt = "Robert", "", RoleAdmin, true, &login
			if err := users.Update(ctx, u); err != nil {
				t.Fatal(err)
			}
			got, err := users.Get(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.DisplayName != "Robert" || got.Email != "" || got.Role != RoleAdmin || !got.Disabled {
				t.Fatalf("Update did not save every field: %+v", got)
			}
			if got.LastLoginAt == nil || !got.LastLoginAt.Equal(login.Truncate(time.Microsecond)) {
				t.Fatalf("LastLoginAt = %v, want %v", got.LastLoginAt, login)
			}
			if !got.CreatedAt.Equal(u.CreatedAt) || got.UpdatedAt.Before(got.CreatedAt) {
				t.Fatalf("times: created %v (was %v), updated %v", got.CreatedAt, u.CreatedAt, got.UpdatedAt)
			}
			// An update that changes nothing still finds the row.
			if err := users.Update(ctx, got); err != nil {
				t.Fatalf("no-op Update: %v", err)
			}
			got.Username = "alice"
			if err := users.Update(ctx, got); !errors.Is(err, ErrConflict) {
				t.Fatalf("rename to a taken name = %v, want ErrConflict", err)
			}
			missing := *got
			missing.ID, missing.Username = got.ID+1000, "ghost"
			if err := users.Update(ctx, &missing); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Update of a missing user = %v, want ErrNotFound", err)
			}
		})

		t.Run("delete removes tokens", func(t *testing.T) {
			u := mustCreateUser(t, s, "carol", RoleUser)
			other := mustCreateUser(t, s, "dave", RoleUser)
			for i, owner := range []uint64{u.ID, u.ID, other.ID} {
				tok := &Token{UserID: owner, Kind: TokenAPI, Hash: fmt.Sprintf("%064d", 100+i), Prefix: "wh_"}
				if err := s.Tokens().Create(ctx, tok); err != nil {
					t.Fatal(err)
				}
			}
			if err := users.Delete(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := users.Get(ctx, u.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get after Delete = %v", err)
			}
			left, _, err := s.Tokens().ListByUser(ctx, u.ID, ListOptions{})
			if err != nil || len(left) != 0 {
				t.Fatalf("deleted user's tokens: %d, %v", len(left), err)
			}
			kept, _, err := s.Tokens().ListByUser(ctx, other.ID, ListOptions{})
			if err != nil || len(kept) != 1 {
				t.Fatalf("other user's tokens: %d, %v", len(kept), err)
			}
			if err := users.Delete(ctx, u.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("second Delete = %v, want ErrNotFound", err)
			}
		})
	})
}

func TestUsersCount(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		counts := func() (int64, int64) {
			t.Helper()
			all, err := s.Users().Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			admins, err := s.Users().CountAdmins(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return all, admins
		}
		if all, admins := counts(); all != 0 || admins != 0 {
			t.Fatalf("empty database: %d users, %d admins", all, admins)
		}
		root := mustCreateUser(t, s, "root", RoleAdmin)
		mustCreateUser(t, s, "ops", RoleAdmin)
		mustCreateUser(t, s, "dev", RoleUser)
		if all, admins := counts(); all != 3 || admins != 2 {
			t.Fatalf("%d users, %d admins; want 3, 2", all, admins)
		}
		root.Disabled = true
		if err := s.Users().Update(ctx, root); err != nil {
			t.Fatal(err)
		}
		if all, admins := counts(); all != 3 || admins != 1 {
			t.Fatalf("after disabling an admin: %d users, %d admins; want 3, 1", all, admins)
		}
	})
}

func TestUsersList(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		var created []uint64
		for i := range 25 {
			name := fmt.Sprintf("user%02d", i)
			if i%5 == 0 {
				name = fmt.Sprintf("Ops_%02d", i)
			}
			created = append(created, mustCreateUser(t, s, name, RoleUser).ID)
		}
		list := func(search string) func(ListOptions) ([]User, string, error) {
			return func(o ListOptions) ([]User, string, error) {
				o.Search = search
				return s.Users().List(ctx, o)
			}
		}
		for _, tc := range []struct {
			name   string
			search string
			limit  int
			want   int
			pages  int
		}{
			{"all in one page", "", 100, 25, 1},
			{"pages of 10", "", 10, 25, 3},
			{"exact pages", "", 5, 25, 5},
			{"pages of 1", "", 1, 25, 25},
			{"search ignores case", "OPS_", 2, 5, 3},
			{"search email", "user07@example", 10, 1, 1},
			{"search wildcard is literal", "%", 10, 0, 1},
			{"search underscore is literal", "s_", 10, 5, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, pages := collect(t, tc.limit, list(tc.search))
				if len(got) != tc.want || pages != tc.pages {
					t.Fatalf("%d users in %d pages, want %d in %d: %s", len(got), pages, tc.want, tc.pages, fmtIDs(got, func(u User) uint64 { return u.ID }))
				}
				for i := 1; i < len(got); i++ {
					if got[i].ID <= got[i-1].ID {
						t.Fatalf("not in id order: %s", fmtIDs(got, func(u User) uint64 { return u.ID }))
					}
				}
				if tc.search == "" && got[0].ID != created[0] {
					t.Fatalf("first user %d, want %d", got[0].ID, created[0])
				}
			})
		}

		t.Run("default and max limit", func(t *testing.T) {
			items, next, err := s.Users().List(ctx, ListOptions{Limit: -1})
			if err != nil || len(items) != 25 || next != "" {
				t.Fatalf("Limit -1: %d items, next %q, %v", len(items), next, err)
			}
			if (ListOptions{Limit: MaxLimit + 1}).limit() != MaxLimit {
				t.Fatal("limit not capped")
			}
		})

		t.Run("invalid continue", func(t *testing.T) {
			for _, token := range []string{"garbage!", "bm90LWEtdG9rZW4", encodeContinue(0), "djE6LTE"} {
				if _, _, err := s.Users().List(ctx, ListOptions{Continue: token}); !errors.Is(err, ErrInvalidContinue) {
					t.Errorf("Continue %q: err %v, want ErrInvalidContinue", token, err)
				}
			}
		})
	})
}
