package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// slowQuery is how long a statement may take before it is logged.
const slowQuery = 500 * time.Millisecond

// slogLogger bridges gorm's logger to slog at warn level: gorm's warnings
// and errors, and slow statements. Statements are logged with their
// placeholders, never their parameter values (ParamsFilter drops them),
// since parameters may hold password hashes or ciphertext. Failed
// statements are logged at debug only: the error is returned to the caller,
// who reports it.
type slogLogger struct {
	log *slog.Logger
}

var (
	_ gormlogger.Interface = slogLogger{}
	_ gorm.ParamsFilter    = slogLogger{}
)

// LogMode keeps the level fixed: the slog handler decides what is shown.
func (l slogLogger) LogMode(gormlogger.LogLevel) gormlogger.Interface { return l }

// Info logs gorm's informational messages at debug level.
func (l slogLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, "Database", "message", fmt.Sprintf(msg, args...))
}

// Warn logs gorm's warnings.
func (l slogLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, "Database warning", "message", fmt.Sprintf(msg, args...))
}

// Error logs gorm's internal errors.
func (l slogLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, "Database error", "message", fmt.Sprintf(msg, args...))
}

// Trace logs slow statements at warn and failed ones at debug.
func (l slogLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
		if l.log.Enabled(ctx, slog.LevelDebug) {
			sql, rows := fc()
			l.log.DebugContext(ctx, "Database statement failed", "sql", sql, "rows", rows, "elapsed", elapsed)
		}
	case elapsed > slowQuery:
		sql, rows := fc()
		l.log.WarnContext(ctx, "Slow database statement", "sql", sql, "rows", rows, "elapsed", elapsed)
	}
}

// ParamsFilter drops every parameter value, so logged SQL keeps its
// placeholders.
func (l slogLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
