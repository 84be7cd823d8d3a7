package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Environment variables naming the test servers (hack/testdb.sh starts
// both and prints them). Without them the suite runs on SQLite only,
// except under CI, where a missing server fails the suite.
const (
	envPostgresDSN = "WHEELHOUSE_TEST_POSTGRES_DSN"
	envMySQLDSN    = "WHEELHOUSE_TEST_MYSQL_DSN"
)

// testDatabase is one database the suite runs against.
type testDatabase struct {
	name string
	// fresh creates an empty database for one test, dropped when the test
	// ends, and returns its DSN.
	fresh func(t *testing.T) string
}

// testDatabases lists SQLite and every server the environment names. In
// CI (CI set) a missing server is a failure, never a skip.
func testDatabases(t *testing.T) []testDatabase {
	t.Helper()
	dbs := []testDatabase{{name: DialectSQLite, fresh: freshSQLite}}
	for _, srv := range []struct{ name, env string }{
		{DialectPostgres, envPostgresDSN},
		{DialectMySQL, envMySQLDSN},
	} {
		admin := os.Getenv(srv.env)
		if admin == "" {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not set: in CI the store suite must run on %s too (hack/test.sh starts it with hack/testdb.sh)", srv.env, srv.name)
			}
			continue
		}
		dbs = append(dbs, testDatabase{name: srv.name, fresh: func(t *testing.T) string { return freshServerDB(t, srv.name, admin) }})
	}
	return dbs
}

func freshSQLite(t *testing.T) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "data", "wheelhouse.db")
}

// freshServerDB creates a uniquely named database on the server that
// adminDSN reaches and drops it in Cleanup.
func freshServerDB(t *testing.T, dialect, adminDSN string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "wh_test_" + hex.EncodeToString(b[:])
	admin, err := Open(t.Context(), adminDSN, Options{})
	if err != nil {
		t.Fatalf("open admin connection: %v", err)
	}
	create := "CREATE DATABASE " + name
	if dialect == DialectMySQL {
		create += " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	}
	if err := admin.DB().Exec(create).Error; err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		drop := "DROP DATABASE IF EXISTS " + name
		if dialect == DialectPostgres {
			drop += " WITH (FORCE)"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.DB().WithContext(ctx).Exec(drop).Error; err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(adminDSN)
	if err != nil {
		t.Fatal("admin DSN is not a URL")
	}
	u.Path = "/" + name
	return u.String()
}

// eachDatabase runs fn as a subtest on every test database, with a store
// on a fresh database; migrated says whether to migrate it first.
func eachDatabase(t *testing.T, migrated bool, fn func(t *testing.T, s *Store, dsn string)) {
	t.Helper()
	for _, db := range testDatabases(t) {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.fresh(t)
			s := openStore(t, dsn)
			if migrated {
				if _, err := s.Migrate(t.Context()); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
			}
			fn(t, s, dsn)
		})
	}
}

// forEachDatabase is eachDatabase with a migrated store.
func forEachDatabase(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	eachDatabase(t, true, func(t *testing.T, s *Store, _ string) { fn(t, s) })
}

func openStore(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, Options{Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testWriter sends log output to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

func mustCreateUser(t *testing.T, s *Store, name, role string) *User {
	t.Helper()
	u := &User{Username: name, DisplayName: "User " + name, Email: name + "@example.com", PasswordHash: "$argon2id$hash", Role: role}
	if err := s.Users().Create(t.Context(), u); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// collect pages through list with the given page size and returns all
// items and the number of pages.
func collect[T any](t *testing.T, limit int, list func(ListOptions) ([]T, string, error)) ([]T, int) {
	t.Helper()
	var all []T
	opts := ListOptions{Limit: limit}
	for pages := 1; ; pages++ {
		items, next, err := list(opts)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(items) > limit {
			t.Fatalf("page %d has %d items, limit %d", pages, len(items), limit)
		}
		all = append(all, items...)
		if next == "" {
			return all, pages
		}
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		opts.Continue = next
	}
}

func ptr[T any](v T) *T { return &v }

func fmtIDs[T any](items []T, id func(T) uint64) string {
	s := ""
	for _, it := range items {
		s += fmt.Sprintf("%d ", id(it))
	}
	return s
}
