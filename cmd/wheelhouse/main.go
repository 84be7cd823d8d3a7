// Command wheelhouse is the Wheelhouse management server and its tools:
// serve, sandbox, migrate and version.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "wheelhouse: %v\n", err)
		os.Exit(exitCode(err))
	}
}

// usageError marks a command-line mistake (unknown flag, bad argument):
// like a configuration error it exits with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue usageError
	if settings.IsError(err) || errors.As(err, &ue) {
		return 2
	}
	return 1
}
