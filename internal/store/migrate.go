package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// migrationLockKey names the PostgreSQL advisory lock and the MySQL named
// lock held while migrating ("whmigrat" in ASCII).
const (
	migrationLockKey  int64 = 0x77686d6967726174
	migrationLockName       = "wheelhouse.schema_migrations"
)

// schemaMigration is a row of schema_migrations: one applied migration.
type schemaMigration struct {
	Version   int64     `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"size:255;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

// TableName names the table gorm reads and writes.
func (schemaMigration) TableName() string { return "schema_migrations" }

// MigrationState is one line of MigrationStatus.
type MigrationState struct {
	Version int
	Name    string
	// Applied reports whether the database has the migration.
	Applied   bool
	AppliedAt *time.Time
	// Unknown marks a migration the database has but this binary does not
	// know: a newer Wheelhouse applied it.
	Unknown bool
}

// LatestVersion is the schema version this binary migrates to.
func LatestVersion() int { return Migrations[len(Migrations)-1].Version }

func migrationLabel(version int, name string) string { return fmt.Sprintf("%04d_%s", version, name) }

// Migrate applies every pending migration in order, each in its own
// transaction, and returns the labels ("0001_users_...") of those it
// applied; none means the schema was current. Two processes migrating at
// once are serialized: PostgreSQL by an advisory lock, MySQL by GET_LOCK,
// SQLite by the write lock each migration's transaction takes as it begins
// (and a migration re-checks, inside its transaction, that nobody applied it
// meanwhile). A database migrated by a newer binary is refused with an error
// wrapping ErrSchemaTooNew and is left untouched.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	err = s.withMigrationLock(ctx, func(conn *gorm.DB) error {
		if err := conn.Transaction(func(tx *gorm.DB) error {
			if tx.Migrator().HasTable(&schemaMigration{}) {
				return nil
			}
			return tx.Migrator().CreateTable(&schemaMigration{})
		}); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		done, err := appliedMigrations(conn)
		if err != nil {
			return err
		}
		if err := checkNotNewer(done); err != nil {
			return err
		}
		for _, m := range Migrations {
			if _, ok := done[int64(m.Version)]; ok {
				continue
			}
			ran, err := s.applyMigration(conn, m)
			if err != nil {
				return err
			}
			if ran {
				applied = append(applied, migrationLabel(m.Version, m.Name))
			}
		}
		return nil
	})
	return applied, err
}

func (s *Store) applyMigration(conn *gorm.DB, m Migration) (ran bool, err error) {
	err = conn.Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&schemaMigration{}).Where("version = ?", m.Version).Count(&n).Error; err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		if n > 0 {
			return nil
		}
		if err := m.Up(tx); err != nil {
			return err
		}
		row := schemaMigration{Version: int64(m.Version), Name: m.Name, AppliedAt: now()}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("record migration: %w", err)
		}
		ran = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("migration %s: %w", migrationLabel(m.Version, m.Name), err)
	}
	return ran, nil
}

// MigrationStatus lists every migration this binary knows, applied or
// pending, followed by any the database has that it does not know.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	db := s.withCtx(ctx)
	done := map[int64]schemaMigration{}
	if db.Migrator().HasTable(&schemaMigration{}) {
		var err error
		if done, err = appliedMigrations(db); err != nil {
			return nil, err
		}
	}
	var out []MigrationState
	for _, m := range Migrations {
		st := MigrationState{Version: m.Version, Name: m.Name}
		if row, ok := done[int64(m.Version)]; ok {
			at := row.AppliedAt
			st.Applied, st.AppliedAt = true, &at
			delete(done, int64(m.Version))
		}
		out = append(out, st)
	}
	var unknown []MigrationState
	for _, row := range done {
		at := row.AppliedAt
		unknown = append(unknown, MigrationState{Version: int(row.Version), Name: row.Name, Applied: true, AppliedAt: &at, Unknown: true})
	}
	slices.SortFunc(unknown, func(a, b MigrationState) int { return a.Version - b.Version })
	return append(out, unknown...), nil
}

func appliedMigrations(db *gorm.DB) (map[int64]schemaMigration, error) {
	var rows []schemaMigration
	if err := db.Order("version").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := make(map[int64]schemaMigration, len(rows))
	for _, r := range rows {
		out[r.Version] = r
	}
	return out, nil
}

func checkNotNewer(done map[int64]schemaMigration) error {
	latest := int64(LatestVersion())
	for v, row := range done {
		if v > latest {
			return fmt.Errorf("%w: the database has migration %s but this binary knows migrations up to %d; run a newer wheelhouse",
				ErrSchemaTooNew, migrationLabel(int(v), row.Name), latest)
		}
	}
	return nil
}

// withMigrationLock runs fn while holding the database's migration lock,
// on one pinned connection where the lock belongs to a session.
func (s *Store) withMigrationLock(ctx context.Context, fn func(conn *gorm.DB) error) error {
	db := s.withCtx(ctx)
	// gorm's Connection hands over a chainable instance whose statement
	// would accumulate across calls; a new session starts each statement
	// afresh on the same pinned connection.
	pinned := func(fn func(conn *gorm.DB) error) error {
		return db.Connection(func(conn *gorm.DB) error {
			return fn(conn.Session(&gorm.Session{NewDB: true, Context: ctx}))
		})
	}
	switch s.dialect {
	case DialectPostgres:
		return pinned(func(conn *gorm.DB) error {
			if err := conn.Exec("SELECT pg_advisory_lock(?)", migrationLockKey).Error; err != nil {
				return fmt.Errorf("take migration lock: %w", err)
			}
			defer conn.WithContext(context.WithoutCancel(ctx)).Exec("SELECT pg_advisory_unlock(?)", migrationLockKey)
			return fn(conn)
		})
	case DialectMySQL:
		return pinned(func(conn *gorm.DB) error {
			if err := mysqlGetLock(ctx, conn); err != nil {
				return err
			}
			defer conn.WithContext(context.WithoutCancel(ctx)).Exec("SELECT RELEASE_LOCK(?)", migrationLockName)
			return fn(conn)
		})
	default:
		return fn(db)
	}
}

// mysqlGetLock waits for the named migration lock, a few seconds at a time
// so that ctx can end the wait.
func mysqlGetLock(ctx context.Context, conn *gorm.DB) error {
	for {
		var got *int
		if err := conn.Raw("SELECT GET_LOCK(?, 5)", migrationLockName).Scan(&got).Error; err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		if got != nil && *got == 1 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		if got == nil {
			return errors.New("take migration lock: GET_LOCK failed")
		}
	}
}
