package ctrlkit

import (
	"errors"

	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// StallingError is a failure that no retry can fix: only a change of the
// object's spec (or of the cluster) can, so the reconciler reports
// Stalled and waits for that change instead of retrying (Flux's
// serror.Stalling). Reason is the condition and event reason, a constant
// of the API package.
type StallingError struct {
	Reason string
	Err    error
}

// Error is the message of the wrapped error.
func (e *StallingError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *StallingError) Unwrap() error { return e.Err }

// Stalling wraps err as a StallingError with reason, made terminal
// (reconcile.TerminalError) so that controller-runtime does not retry it.
func Stalling(reason string, err error) error {
	return reconcile.TerminalError(&StallingError{Reason: reason, Err: err})
}

// GenericError is a failure that a retry may fix (the API server was
// unreachable, a write conflicted): controller-runtime retries it with
// backoff and the reconciler reports that it is still reconciling. Reason
// is the condition and event reason, a constant of the API package.
type GenericError struct {
	Reason string
	Err    error
}

// Error is the message of the wrapped error.
func (e *GenericError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *GenericError) Unwrap() error { return e.Err }

// Generic wraps err as a GenericError with reason.
func Generic(reason string, err error) error {
	return &GenericError{Reason: reason, Err: err}
}

// IsStalling reports whether err is terminal: a StallingError, or any
// reconcile.TerminalError.
func IsStalling(err error) bool {
	return err != nil && errors.Is(err, reconcile.TerminalError(nil))
}

// ReasonOf returns the reason err carries: that of a StallingError in its
// chain, else that of a GenericError, else fallback.
func ReasonOf(err error, fallback string) string {
	var stalling *StallingError
	if errors.As(err, &stalling) {
		return stalling.Reason
	}
	var generic *GenericError
	if errors.As(err, &generic) {
		return generic.Reason
	}
	return fallback
}
