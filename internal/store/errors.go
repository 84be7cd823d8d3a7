package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	gosqlite "github.com/glebarez/go-sqlite"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// ErrNotFound is wrapped by every repository error for a record that does
// not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by every repository error for a write that would
// break a uniqueness rule (a taken user name, a duplicate token hash).
var ErrConflict = errors.New("already exists")

// ErrInvalidContinue is wrapped by the error a List returns for a continue
// token it did not issue.
var ErrInvalidContinue = errors.New("invalid continue token")

// ErrSchemaTooNew is wrapped by the error Migrate and Open's checks return
// when the database was migrated by a newer Wheelhouse than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// SQLite extended result codes for uniqueness violations.
const (
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// isUniqueViolation reports whether err is a unique or primary-key
// violation, on any of the three drivers.
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return myErr.Number == 1062 || myErr.Number == 1586
	}
	var liteErr *gosqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqliteConstraintUnique || liteErr.Code() == sqliteConstraintPrimaryKey
	}
	return false
}

// dbError wraps a driver error with what was being done, turning unique
// violations into ErrConflict and a missing record into ErrNotFound. The
// driver's own message is dropped for conflicts: MySQL's repeats the
// duplicate value.
func dbError(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case isUniqueViolation(err):
		return fmt.Errorf("%s: %w", what, ErrConflict)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// connectError is the one-line error for a database that cannot be reached
// or refuses us: "connect to postgres at 127.0.0.1:5432: connection
// refused". It never contains the DSN or its password.
func connectError(d *dsn, err error) error {
	return &ConnectError{Dialect: d.dialect, Where: d.where, Reason: d.scrub(connectReason(err)), err: err}
}

// ConnectError reports a database that Open could not reach or that
// refused the connection. Its message names the database by dialect and
// address only.
type ConnectError struct {
	Dialect string
	Where   string
	Reason  string
	err     error
}

// Error returns the one-line message: "connect to DIALECT at WHERE: REASON".
func (e *ConnectError) Error() string {
	return fmt.Sprintf("connect to %s at %s: %s", e.Dialect, e.Where, e.Reason)
}

// Unwrap returns the cause's kind (a context error, a syscall.Errno), never
// an error whose message could hold the DSN.
func (e *ConnectError) Unwrap() error {
	var errno syscall.Errno
	switch {
	case errors.Is(e.err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	case errors.Is(e.err, context.Canceled):
		return context.Canceled
	case errors.As(e.err, &errno):
		return errno
	}
	return nil
}

func connectReason(err error) string {
	var (
		pgErr   *pgconn.PgError
		myErr   *mysql.MySQLError
		errno   syscall.Errno
		dnsErr  *net.DNSError
		opErr   *net.OpError
		liteErr *gosqlite.Error
	)
	switch {
	case errors.As(err, &pgErr):
		return pgErr.Message
	case errors.As(err, &myErr):
		return myErr.Message
	case errors.As(err, &errno):
		return errno.Error()
	case errors.As(err, &dnsErr):
		return "no such host " + dnsErr.Name
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &opErr):
		return opErr.Err.Error()
	case errors.As(err, &liteErr):
		return liteErr.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
