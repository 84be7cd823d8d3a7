package chartrepo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Sentinels every error of the package wraps (through *Error), so callers
// tell the cases apart with errors.Is.
var (
	// ErrNotFound: the repository, chart or version does not exist, or the
	// URL holds no chart repository.
	ErrNotFound = errors.New("not found")
	// ErrUnreachable: the repository cannot be reached: network, TLS, or
	// an answer other than success (5xx, an unexpected status).
	ErrUnreachable = errors.New("unreachable")
	// ErrUnauthorized: the repository refused the credential, or wants one.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrInvalid: a setting is malformed, or the repository answered
	// something that is not an index or a chart (bad YAML, a digest that
	// does not match).
	ErrInvalid = errors.New("invalid")
)

// Error is why a repository call failed, in terms a user can act on.
// Field names the setting at fault (url, credentialId, caBundle), empty
// when none is; Message names the URL (never with credentials) and the
// cause.
type Error struct {
	// Err is one of the sentinels.
	Err     error
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func newError(sentinel error, field, format string, args ...any) *Error {
	return &Error{Err: sentinel, Field: field, Message: fmt.Sprintf(format, args...)}
}

// redact drops the user information of a URL for messages.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// classify turns a failed request to what (a redacted URL) into an
// *Error; a cancelled context stays as it is.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var (
		ce           *Error
		unknownCA    x509.UnknownAuthorityError
		hostname     x509.HostnameError
		invalid      x509.CertificateInvalidError
		verify       *tls.CertificateVerificationError
		recordHeader tls.RecordHeaderError
		te           *transport.Error
		dnsErr       *net.DNSError
		opErr        *net.OpError
	)
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, errTooLarge):
		return newError(ErrInvalid, "url", "%s: %v", what, err)
	case errors.As(err, &verify), errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid):
		return newError(ErrUnreachable, "caBundle", "%s: the repository's certificate is not trusted: %v", what, certCause(err))
	case errors.As(err, &recordHeader):
		return newError(ErrUnreachable, "url", "%s: the server does not speak TLS (an http:// URL needs insecure)", what)
	case errors.As(err, &te):
		return statusError(what, te.StatusCode)
	case errors.As(err, &dnsErr):
		return newError(ErrUnreachable, "url", "%s: no such host %s", what, dnsErr.Name)
	case errors.As(err, &opErr):
		return newError(ErrUnreachable, "url", "%s: unreachable: %v", what, opErr.Err)
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return newError(ErrUnreachable, "url", "%s: unreachable: timed out", what)
	case errors.Is(err, errPlainHTTP):
		return newError(ErrUnreachable, "url", "%s: %v", what, errPlainHTTP)
	}
	return newError(ErrUnreachable, "url", "%s: %v", what, rootCause(err))
}

// statusError is the error for an HTTP answer other than success.
func statusError(what string, status int) error {
	switch status {
	case http.StatusUnauthorized:
		return newError(ErrUnauthorized, "credentialId", "%s: the repository refused the credentials (wrong, expired or missing): %d", what, status)
	case http.StatusForbidden:
		return newError(ErrUnauthorized, "credentialId", "%s: the credentials lack permission: %d", what, status)
	case http.StatusNotFound:
		return newError(ErrNotFound, "url", "%s: not found (404)", what)
	}
	return newError(ErrUnreachable, "url", "%s: the server answered %d %s", what, status, http.StatusText(status))
}

func certCause(err error) error {
	var verify *tls.CertificateVerificationError
	if errors.As(err, &verify) {
		return verify.Err
	}
	return rootCause(err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// rootCause is the innermost error: url.Error's message repeats the URL,
// which the caller names already.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
