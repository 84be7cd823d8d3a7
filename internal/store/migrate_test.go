package store

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestMigrate(t *testing.T) {
	eachDatabase(t, false, func(t *testing.T, s *Store, _ string) {
		ctx := t.Context()
		status, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatalf("MigrationStatus before migrating: %v", err)
		}
		if len(status) != len(Migrations) {
			t.Fatalf("status lists %d migrations, want %d", len(status), len(Migrations))
		}
		for _, st := range status {
			if st.Applied {
				t.Fatalf("migration %d applied on an empty database", st.Version)
			}
		}

		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		var want []string
		for _, m := range Migrations {
			want = append(want, migrationLabel(m.Version, m.Name))
		}
		if !slices.Equal(applied, want) {
			t.Fatalf("Migrate applied %v, want %v", applied, want)
		}
		for _, table := range []string{"schema_migrations", "users", "tokens", "audit_entries", "credentials"} {
			if !s.DB().Migrator().HasTable(table) {
				t.Errorf("table %s missing after Migrate", table)
			}
		}
		for _, idx := range []struct{ table, name string }{
			{"users", "idx_users_username"},
			{"tokens", "idx_tokens_hash"},
			{"credentials", "idx_credentials_owner_name"},
			{"audit_entries", "idx_audit_entries_time"},
		} {
			if !s.DB().Migrator().HasIndex(idx.table, idx.name) {
				t.Errorf("index %s on %s missing", idx.name, idx.table)
			}
		}

		again, err := s.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second Migrate = %v, %v; want nothing applied", again, err)
		}
		status, err = s.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range status {
			if !st.Applied || st.AppliedAt == nil || st.Unknown {
				t.Fatalf("after Migrate: %+v", st)
			}
			if d := time.Since(*st.AppliedAt); d < -time.Minute || d > time.Hour {
				t.Fatalf("applied at %v", st.AppliedAt)
			}
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	eachDatabase(t, true, func(t *testing.T, s *Store, _ string) {
		ctx := t.Context()
		future := schemaMigration{Version: int64(LatestVersion() + 1), Name: "from_the_future", AppliedAt: now()}
		if err := s.DB().Create(&future).Error; err != nil {
			t.Fatal(err)
		}
		_, err := s.Migrate(ctx)
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Migrate on a newer schema = %v, want ErrSchemaTooNew", err)
		}
		status, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		last := status[len(status)-1]
		if !last.Unknown || last.Version != LatestVersion()+1 || last.Name != "from_the_future" {
			t.Fatalf("status does not show the unknown migration: %+v", last)
		}
	})
}

// TestMigrateConcurrent starts several stores migrating the same database
// at once: the lock lets exactly one apply each migration.
func TestMigrateConcurrent(t *testing.T) {
	eachDatabase(t, false, func(t *testing.T, _ *Store, dsn string) {
		const n = 4
		stores := make([]*Store, n)
		for i := range stores {
			stores[i] = openStore(t, dsn)
		}
		results := make([][]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = stores[i].Migrate(t.Context())
			}()
		}
		wg.Wait()
		total := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("store %d: %v", i, errs[i])
			}
			total += len(results[i])
		}
		if total != len(Migrations) {
			t.Fatalf("migrations applied %d times in all, want %d: %v", total, len(Migrations), results)
		}
		var rows int64
		if err := stores[0].DB().Model(&schemaMigration{}).Count(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if rows != int64(len(Migrations)) {
			t.Fatalf("schema_migrations has %d rows", rows)
		}
	})
}
