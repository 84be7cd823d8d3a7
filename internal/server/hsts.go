package server

import "net/http"

// hstsHeader tells browsers to reach this host over HTTPS only, for a
// year: a later plain-HTTP link or a stripped redirect cannot expose a
// session token. Subdomains are left alone; they may be other services.
const hstsHeader = "max-age=31536000"

// strictTransport sets Strict-Transport-Security on every response served
// over HTTPS (browsers ignore it over plain HTTP, and a TLS-terminating
// proxy in front of insecure-http sets its own).
func (s *Server) strictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", hstsHeader)
		}
		next.ServeHTTP(w, r)
	})
}
