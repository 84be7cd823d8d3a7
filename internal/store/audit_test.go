package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestAudit(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		audit := s.Audit()
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		uid := uint64(7)
		type row struct {
			user, action, target, outcome string
		}
		rows := []row{
			{"alice", "clusters.create", "/api/v1/clusters/prod", OutcomeSuccess},
			{"alice", "clusters.delete", "/api/v1/clusters/prod", OutcomeDenied},
			{"bob", "users.create", "/api/v1/users/carol", OutcomeSuccess},
			{"bob", "clusters.create", "/api/v1/clusters/Prod-2", OutcomeFailure},
			{"alice", "registries.update", "/api/v1/registries/hub", OutcomeSuccess},
			{"carol", "clusters.create", "/api/v1/clusters/prod_3", OutcomeSuccess},
		}
		var ids []uint64
		for i, r := range rows {
			e := &AuditEntry{
				Time: base.Add(time.Duration(i) * time.Minute), RequestID: fmt.Sprintf("req-%d", i),
				UserID: &uid, Username: r.user, Action: r.action, Method: "POST", Target: r.target,
				Outcome: r.outcome, StatusCode: 200, SourceAddr: "127.0.0.1", Reason: "",
			}
			if err := audit.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		noTime := &AuditEntry{Username: "sys", Action: "startup", Method: "-", Target: "-", Outcome: OutcomeSuccess}
		if err := audit.Append(ctx, noTime); err != nil {
			t.Fatal(err)
		}
		if noTime.Time.IsZero() || time.Since(noTime.Time) > time.Minute {
			t.Fatalf("Append did not set Time: %v", noTime.Time)
		}

		all, _, err := audit.List(ctx, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(rows)+1 || all[0].ID != noTime.ID || all[len(all)-1].ID != ids[0] {
			t.Fatalf("List is not newest first: %s", fmtIDs(all, func(e AuditEntry) uint64 { return e.ID }))
		}
		if got := all[len(all)-1]; got.UserID == nil || *got.UserID != uid || !got.Time.Equal(base) || got.RequestID != "req-0" {
			t.Fatalf("entry did not read back: %+v", got)
		}

		at := func(i int) *time.Time { return ptr(base.Add(time.Duration(i) * time.Minute)) }
		for _, tc := range []struct {
			name string
			f    AuditFilter
			want []int
		}{
			{"username", AuditFilter{Username: "alice"}, []int{4, 1, 0}},
			{"action", AuditFilter{Action: "clusters.create"}, []int{5, 3, 0}},
			{"outcome", AuditFilter{Outcome: OutcomeDenied}, []int{1}},
			{"target prefix", AuditFilter{Target: "/api/v1/clusters/prod"}, []int{5, 1, 0}},
			{"target prefix is case-sensitive", AuditFilter{Target: "/api/v1/clusters/Prod"}, []int{3}},
			{"target prefix wildcard is literal", AuditFilter{Target: "/api/v1/clusters/prod_"}, []int{5}},
			{"since", AuditFilter{Since: at(4)}, []int{6, 5, 4}},
			{"until", AuditFilter{Until: at(2)}, []int{1, 0}},
			{"since and until", AuditFilter{Since: at(1), Until: at(3)}, []int{2, 1}},
			{"combined", AuditFilter{Username: "alice", Action: "clusters.create", Outcome: OutcomeSuccess}, []int{0}},
			{"search", AuditFilter{ListOptions: ListOptions{Search: "REGISTRIES"}}, []int{4}},
			{"search with username", AuditFilter{Username: "bob", ListOptions: ListOptions{Search: "clusters"}}, []int{3}},
			{"nothing", AuditFilter{Username: "nobody"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, limit := range []int{1, 2, 100} {
					f := tc.f
					got, _ := collect(t, limit, func(o ListOptions) ([]AuditEntry, string, error) {
						f.Limit, f.Continue = o.Limit, o.Continue
						return audit.List(ctx, f)
					})
					var want []uint64
					for _, i := range tc.want {
						if i == 6 {
							want = append(want, noTime.ID)
						} else {
							want = append(want, ids[i])
						}
					}
					gotIDs := fmtIDs(got, func(e AuditEntry) uint64 { return e.ID })
					wantIDs := fmtIDs(want, func(id uint64) uint64 { return id })
					if gotIDs != wantIDs {
						t.Fatalf("limit %d: ids %q, want %q", limit, gotIDs, wantIDs)
					}
				}
			})
		}

		if _, _, err := audit.List(ctx, AuditFilter{ListOptions: ListOptions{Continue: "%%%"}}); !errors.Is(err, ErrInvalidContinue) {
			t.Fatalf("invalid continue = %v", err)
		}
	})
}

// TestAuditConcurrentAppends writes from many goroutines at once: on SQLite
// the writers queue on the write lock rather than failing with "database is
// locked".
func TestAuditConcurrentAppends(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		const writers, each = 8, 40
		errs := make(chan error, writers)
		for w := range writers {
			go func() {
				for i := range each {
					e := &AuditEntry{Username: fmt.Sprintf("w%d", w), Action: "concurrent", Method: "POST", Target: fmt.Sprintf("/%d", i), Outcome: OutcomeSuccess}
					if err := s.Audit().Append(t.Context(), e); err != nil {
						errs <- err
						return
					}
					if _, _, err := s.Audit().List(t.Context(), AuditFilter{Username: e.Username, ListOptions: ListOptions{Limit: 5}}); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range writers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		if err := s.DB().Model(&AuditEntry{}).Count(&n).Error; err != nil || n != writers*each {
			t.Fatalf("%d entries, %v; want %d", n, err, writers*each)
		}
	})
}
