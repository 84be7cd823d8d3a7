// Package store keeps Wheelhouse's own records in a SQL database through
// gorm: SQLite (a file, the default), PostgreSQL or MySQL/MariaDB.
//
// Open connects and checks the connection; Migrate brings the schema up to
// date with the versioned migrations in migrations.go. Records are read and
// written through small repositories (Users, Tokens, Audit, Credentials)
// whose errors wrap ErrNotFound, ErrConflict and ErrInvalidContinue, so
// callers can tell those cases apart with errors.Is on every database.
//
// Times are stored in UTC with microsecond precision on every database.
//
// SQLite runs in WAL mode with synchronous=NORMAL: a transaction that has
// committed survives the process being killed (its pages are in the WAL
// file, which the operating system writes out even after the process dies;
// TestSIGKILLDurability checks this), but the last transactions before a
// power loss or kernel crash may be lost. Add ?synchronous=FULL to the DSN
// to fsync the WAL at every commit and survive power loss too.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"time"

	gormsqlite "github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	gormmysql "gorm.io/driver/mysql"
	gormpostgres "gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// DefaultConnectTimeout bounds Open's first connection when
// Options.ConnectTimeout is zero.
const DefaultConnectTimeout = 10 * time.Second

// Options configure Open.
type Options struct {
	// Logger receives gorm's warnings and slow statements (never parameter
	// values). Nil discards them.
	Logger *slog.Logger
	// ConnectTimeout bounds the first connection and ping; zero means
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect string
	where   string
}

// Open connects to the database named by dsn: sqlite://PATH,
// postgres://USER:PASS@HOST:PORT/DB?sslmode=... (or postgresql://), or
// mysql://USER:PASS@HOST:PORT/DB?PARAMS. It pings the database within
// opts.ConnectTimeout; an unreachable or refusing database gives a
// *ConnectError such as "connect to postgres at 127.0.0.1:5432: connection
// refused". No error Open returns contains the DSN's password.
//
// Open does not migrate; call Migrate.
func Open(ctx context.Context, dsnString string, opts Options) (*Store, error) {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d, err := parseDSN(dsnString, opts.ConnectTimeout)
	if err != nil {
		return nil, err
	}
	sqlDB, dialector, err := openSQL(d)
	if err != nil {
		return nil, err
	}
	configurePool(sqlDB, d.dialect)

	pingCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, connectError(d, err)
	}

	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 slogLogger{log: logger},
		NowFunc:                now,
		SkipDefaultTransaction: true,
		DisableAutomaticPing:   true,
	})
	if err != nil {
		_ = sqlDB.Close()
		return nil, connectError(d, err)
	}
	return &Store{db: db, sqlDB: sqlDB, dialect: d.dialect, where: d.where}, nil
}

// openSQL opens (without connecting) the database/sql pool and the gorm
// dialector over it.
func openSQL(d *dsn) (*sql.DB, gorm.Dialector, error) {
	switch d.dialect {
	case DialectSQLite:
		if err := d.prepareSQLiteFile(); err != nil {
			return nil, nil, err
		}
		sqlDB, err := sql.Open(gormsqlite.DriverName, d.sqliteDriverDSN())
		if err != nil {
			return nil, nil, fmt.Errorf("open sqlite database %s: %w", d.where, err)
		}
		return sqlDB, &gormsqlite.Dialector{Conn: sqlDB}, nil
	case DialectPostgres:
		cfg, err := pgx.ParseConfig(d.postgres)
		if err != nil {
			return nil, nil, fmt.Errorf("postgres DSN: %s", d.scrub(connectReason(err)))
		}
		sqlDB := stdlib.OpenDB(*cfg)
		return sqlDB, gormpostgres.New(gormpostgres.Config{Conn: sqlDB}), nil
	case DialectMySQL:
		connector, err := mysql.NewConnector(d.mysql)
		if err != nil {
			return nil, nil, fmt.Errorf("mysql DSN: %s", d.scrub(err.Error()))
		}
		sqlDB := sql.OpenDB(connector)
		precision := 6
		return sqlDB, gormmysql.New(gormmysql.Config{Conn: sqlDB, DefaultDatetimePrecision: &precision}), nil
	}
	return nil, nil, fmt.Errorf("unsupported dialect %q", d.dialect)
}

// configurePool sizes the connection pool. SQLite in WAL mode serves many
// readers beside one writer; writers queue on the write lock (busy_timeout)
// since every transaction begins IMMEDIATE, so a few connections suffice.
func configurePool(db *sql.DB, dialect string) {
	switch dialect {
	case DialectSQLite:
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	default:
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxLifetime(30 * time.Minute)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
}

// now is gorm's clock: UTC at microsecond precision, the finest all three
// databases keep, so a record reads back exactly as it was written.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// dbTime normalizes a time given by a caller the way now does.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// dbTimePtr is dbTime for optional times.
func dbTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s at %s: %s", s.dialect, s.where, connectReason(err))
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	if err := s.sqlDB.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// DB returns the gorm handle, for queries the repositories do not offer.
// Bind it to a context with WithContext.
func (s *Store) DB() *gorm.DB { return s.db }

// Dialect returns "sqlite", "postgres" or "mysql".
func (s *Store) Dialect() string { return s.dialect }

// Where returns where the database is: the SQLite file path or the
// server's HOST:PORT. It never contains credentials.
func (s *Store) Where() string { return s.where }

// withCtx returns the gorm handle bound to ctx.
func (s *Store) withCtx(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }
