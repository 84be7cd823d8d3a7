package registry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Reasons a registry call fails.
const (
	ReasonUnreachable  = "Unreachable"
	ReasonUntrusted    = "UntrustedCertificate"
	ReasonUnauthorized = "Unauthorized"
	ReasonForbidden    = "Forbidden"
	ReasonNotFound     = "NotFound"
	ReasonInvalid      = "Invalid"
	ReasonFailed       = "Failed"
)

// Error is a registry call that failed, with why in terms a user can act
// on. Field names the setting at fault: endpoint, caBundle, credentialId.
type Error struct {
	Reason  string
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Classify turns what a registry call returned into an *Error. what names
// the call ("list repositories").
func Classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
	)
	// First: a ping over HTTPS and plain HTTP fails with both errors, and
	// the certificate is what the user must fix.
	var certErr error
	switch {
	case errors.As(err, &verify):
		certErr = verify
	case errors.As(err, &unknownAuthority):
		certErr = unknownAuthority
	case errors.As(err, &hostname):
		certErr = hostname
	case errors.As(err, &invalid):
		certErr = invalid
	}
	if certErr != nil {
		return &Error{Reason: ReasonUntrusted, Field: "caBundle", Message: fmt.Sprintf("%s: the registry's certificate is not trusted: %v", what, certErr)}
	}
	var re *Error
	if errors.As(err, &re) {
		return err
	}
	var (
		recordHeader tls.RecordHeaderError
		te           *transport.Error
		dnsErr       *net.DNSError
		opErr        *net.OpError
		urlErr       *url.Error
		se           *StatusError
	)
	switch {
	case errors.As(err, &recordHeader):
		return &Error{Reason: ReasonUnreachable, Field: "endpoint", Message: what + ": the registry does not speak TLS (an http:// endpoint needs insecure)"}
	case errors.As(err, &te):
		return fromStatus(what, te.StatusCode, diagnostics(te))
	case errors.As(err, &se):
		return fromStatus(what, se.Status, se.Message)
	case errors.As(err, &dnsErr):
		return &Error{Reason: ReasonUnreachable, Field: "endpoint", Message: fmt.Sprintf("%s: no such host %s", what, dnsErr.Name)}
	case errors.As(err, &opErr):
		return &Error{Reason: ReasonUnreachable, Field: "endpoint", Message: fmt.Sprintf("%s: the registry is unreachable: %v", what, opErr)}
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return &Error{Reason: ReasonUnreachable, Field: "endpoint", Message: fmt.Sprintf("%s: the registry is unreachable: %v", what, rootCause(err))}
	case errors.Is(err, errPlainHTTP):
		return &Error{Reason: ReasonUnreachable, Field: "endpoint", Message: fmt.Sprintf("%s: %v", what, errPlainHTTP)}
	case errors.As(err, &urlErr):
		return &Error{Reason: ReasonUnreachable, Field: "endpoint", Message: fmt.Sprintf("%s: %v", what, rootCause(err))}
	}
	return &Error{Reason: ReasonFailed, Message: fmt.Sprintf("%s: %v", what, err)}
}

// diagnostics says what a registry's error answer says, code and message
// of each diagnostic, without their details (Go-printed maps of what the
// registry echoes back).
func diagnostics(te *transport.Error) string {
	if len(te.Errors) == 0 {
		return te.Error()
	}
	parts := make([]string, 0, len(te.Errors))
	for _, d := range te.Errors {
		parts = append(parts, strings.TrimSuffix(string(d.Code)+": "+d.Message, ": "))
	}
	return strings.Join(parts, "; ")
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// StatusError is an HTTP answer a vendor API adapter did not expect.
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

func fromStatus(what string, status int, msg string) error {
	switch status {
	case http.StatusUnauthorized:
		return &Error{Reason: ReasonUnauthorized, Field: "credentialId", Message: fmt.Sprintf("%s: the registry refused the credentials (wrong or expired): %s", what, msg)}
	case http.StatusForbidden:
		return &Error{Reason: ReasonForbidden, Field: "credentialId", Message: fmt.Sprintf("%s: the credentials lack permission: %s", what, msg)}
	case http.StatusNotFound:
		return &Error{Reason: ReasonNotFound, Message: fmt.Sprintf("%s: not found: %s", what, msg)}
	}
	if strings.Contains(msg, "MANIFEST_UNKNOWN") || strings.Contains(msg, "NAME_UNKNOWN") {
		return &Error{Reason: ReasonNotFound, Message: fmt.Sprintf("%s: not found: %s", what, msg)}
	}
	return &Error{Reason: ReasonFailed, Message: fmt.Sprintf("%s: the registry answered %d: %s", what, status, msg)}
}

// notFound is the error for a repository or tag that does not exist.
func notFound(format string, args ...any) error {
	return &Error{Reason: ReasonNotFound, Message: fmt.Sprintf(format, args...)}
}

// denied is the error for credentials a vendor API refused; forbidden says
// whether they authenticated but lack permission.
func denied(what, msg string, forbidden bool) error {
	if forbidden {
		return &Error{Reason: ReasonForbidden, Field: "credentialId", Message: fmt.Sprintf("%s: the credentials lack permission: %s", what, msg)}
	}
	return &Error{Reason: ReasonUnauthorized, Field: "credentialId", Message: fmt.Sprintf("%s: the registry refused the credentials (wrong or expired): %s", what, msg)}
}
