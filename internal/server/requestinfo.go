package server

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-Id"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestInfo starts the request's operation.RequestInfo: it accepts a
// caller's X-Request-Id when it is well-formed (so a request can be traced
// across proxies) or makes one, echoes it, and records the source address.
func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		ri := &operation.RequestInfo{ID: id, Route: "unmatched", Path: r.URL.Path, SourceAddr: operation.SourceAddr(r.RemoteAddr)}
		next.ServeHTTP(w, r.WithContext(operation.WithRequestInfo(r.Context(), ri)))
	})
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
