package operation

import (
	"context"
	"net"
)

// RequestInfo travels with a request from the server's outermost
// middleware inward: inner layers fill in what they learn (the route, the
// caller) so the access log, the metrics and the audit record written on
// the way out can name them, and handlers read the request id and source
// address from it instead of from headers.
type RequestInfo struct {
	// ID is the request id echoed in X-Request-Id.
	ID string
	// Route is the matched operation ("GET /api/v1/users"), for metrics.
	Route string
	// Path is the request's path (never its query, which may carry
	// tokens), the target of its audit records.
	Path string
	// SourceAddr is the client's IP address (see SourceAddr).
	SourceAddr string
	// Username and UserID name the authenticated caller.
	Username string
	UserID   *uint64
	// Actor is who an unauthenticated request acted as: the user name a
	// login attempt was for (see NoteActor).
	Actor string
	// Err is an internal error kept out of the response and logged.
	Err error
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying ri.
func WithRequestInfo(ctx context.Context, ri *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

// Request returns the RequestInfo ctx carries; outside a request (a test
// calling a handler directly, background work) it is an empty one, so
// writes to it are harmless.
func Request(ctx context.Context) *RequestInfo {
	if ri, ok := ctx.Value(requestInfoKey{}).(*RequestInfo); ok {
		return ri
	}
	return &RequestInfo{}
}

// NoteActor records who an unauthenticated request acted as (the user name
// of a login attempt), for its audit record.
func NoteActor(ctx context.Context, name string) {
	Request(ctx).Actor = name
}

// SourceAddr is the client's IP address without the port. Wheelhouse does
// not trust X-Forwarded-For: a proxy in front must pass the connection
// through, or rate limits and audit records would name the proxy.
func SourceAddr(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}
