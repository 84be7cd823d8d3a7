package forge

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels every error of the package wraps, so that callers (the
// controllers, the HTTP API) tell the cases apart with errors.Is and answer
// a user with what to fix.
var (
	// ErrNotFound: the repository, branch, file or webhook does not exist,
	// or the token may not see it (forges answer 404 for both).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the forge refused the token (expired, revoked,
	// wrong), or an OAuth code or client secret.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the token is valid but may not do this (scope, role,
	// or a rate limit).
	ErrForbidden = errors.New("forbidden")
	// ErrConflict: the change was based on something that has moved: a
	// stale blob sha, a file created meanwhile, a webhook that exists.
	ErrConflict = errors.New("conflict")
	// ErrUnreachable: the forge could not be reached or did not answer
	// sensibly: network, TLS, a 5xx, a body that is not what its API
	// documents.
	ErrUnreachable = errors.New("unreachable")
	// ErrInvalid: the forge refused the request's content (a bad path,
	// branch or URL), or the caller passed something this package cannot
	// send (an unknown kind, a malformed host).
	ErrInvalid = errors.New("invalid")
	// ErrSignature: a webhook delivery carries no signature or token, or
	// one that does not match the secret. Nothing of its body was parsed.
	ErrSignature = errors.New("webhook signature does not match")
	// ErrIgnored: a webhook delivery whose signature is good but which
	// has nothing for pipelines (an issue comment, a closed pull request).
	// Answer it with success, so the forge does not mark the hook failing.
	ErrIgnored = errors.New("webhook event ignored")
)

// Error is a forge call that failed. Its message names the call and what
// the forge said, never the token: the forge's own error text is kept
// (it says which field is wrong), but only after the token has been cut
// out of it.
type Error struct {
	// Err is one of the sentinels.
	Err error
	// Status is the HTTP status the forge answered, 0 when none.
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func newError(sentinel error, format string, args ...any) *Error {
	return &Error{Err: sentinel, Message: fmt.Sprintf(format, args...)}
}

// maxErrorText bounds how much of a forge's error body a message repeats.
const maxErrorText = 300

// statusError turns a forge's non-success answer into an *Error. what names
// the call ("list repositories"); detail is the forge's own message.
func statusError(what string, status int, detail string) *Error {
	var sentinel error
	switch {
	case status == http.StatusUnauthorized:
		sentinel = ErrUnauthorized
	case status == http.StatusForbidden || status == http.StatusTooManyRequests:
		sentinel = ErrForbidden
	case status == http.StatusNotFound || status == http.StatusGone:
		sentinel = ErrNotFound
	case status == http.StatusConflict:
		sentinel = ErrConflict
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		sentinel = ErrInvalid
	default:
		sentinel = ErrUnreachable
	}
	msg := fmt.Sprintf("%s: %d %s", what, status, http.StatusText(status))
	if detail = strings.TrimSpace(detail); detail != "" {
		if len(detail) > maxErrorText {
			detail = detail[:maxErrorText] + "…"
		}
		msg += ": " + detail
	}
	return &Error{Err: sentinel, Status: status, Message: msg}
}

// transportError wraps a failure to reach the forge at all. A certificate
// the forge's TLS settings do not trust says so, since that is what the
// user must change (caCertificates). secret is cut out of the message
// (a URL in it may carry one).
func transportError(what string, err error, secret string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, contextError{err: err, msg: redact(err.Error(), secret)})
	}
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
	)
	if errors.As(err, &verify) || errors.As(err, &authority) || errors.As(err, &hostname) {
		return newError(ErrUnreachable, "%s: the forge's certificate is not trusted (set tls.caCertificates): %s", what, redact(err.Error(), secret))
	}
	return newError(ErrUnreachable, "%s: %s", what, redact(err.Error(), secret))
}

// contextError keeps a cancelled call's context error for errors.Is with
// a message that went through redact.
type contextError struct {
	err error
	msg string
}

func (e contextError) Error() string { return e.msg }
func (e contextError) Unwrap() error { return e.err }

// redact cuts every occurrence of secret out of s. Forges echo request
// URLs and, in OAuth errors, submitted values; a message built from their
// answers goes through it before it leaves the package.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}
