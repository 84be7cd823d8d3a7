// Package logstore keeps the logs of pipeline executions, one log per
// step: written while the step runs, read whole or followed live, sealed
// when the step ends (or when its execution is given up), and deleted with
// the execution. The filesystem store is the default; it keeps logs under
// the server's data directory, so they outlive a restart and a log being
// written when the server died stays readable.
package logstore

import (
	"context"
	"errors"
	"io"
)

// Key names one step's log.
type Key struct {
	// Namespace and Execution name the PipelineExecution.
	Namespace, Execution string
	// Stage and Step are the step's indexes in the execution's config.
	Stage, Step int
}

// ErrNotFound is returned for a log that was never written.
var ErrNotFound = errors.New("log not found")

// Store keeps step logs.
type Store interface {
	// Create starts (or, after a restart, starts again, truncated) the log
	// of key. Writes reach readers and followers as they happen; Close
	// seals the log.
	Create(ctx context.Context, key Key) (io.WriteCloser, error)
	// Open reads the log of key as it is now, from offset.
	Open(ctx context.Context, key Key, offset int64) (io.ReadCloser, error)
	// Follow calls send with the log's bytes from offset as they are
	// written, until the log is sealed (it returns nil) or ctx ends (it
	// returns ctx's error). A log not yet created is waited for.
	Follow(ctx context.Context, key Key, offset int64, send func([]byte) error) error
	// Seal seals every log of the execution that is still open, appending
	// line to each (e.g. why the execution was given up), so that no
	// follower waits for a writer that is gone.
	Seal(ctx context.Context, namespace, execution, line string) error
	// Delete removes every log of the execution.
	Delete(ctx context.Context, namespace, execution string) error
}
