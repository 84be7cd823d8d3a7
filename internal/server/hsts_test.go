package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestStrictTransportSecurity checks that every answer over HTTPS, errors
// and the pass-through included, carries Strict-Transport-Security, and
// that answers over plain HTTP do not.
func TestStrictTransportSecurity(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	plain := httptest.NewServer(h.Srv.Handler())
	t.Cleanup(plain.Close)
	for _, path := range []string{"/healthz", "/api/v1/users/me", "/api/v1/nope", "/k8s/clusters/nope/api/v1/pods", "/openapi.json"} {
		for _, srv := range []struct {
			url    string
			client *http.Client
			want   string
		}{{h.URL, h.Client, "max-age=31536000"}, {plain.URL, plain.Client(), ""}} {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.url+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security"); got != srv.want {
				t.Errorf("%s%s (%d): Strict-Transport-Security %q, want %q", srv.url, path, resp.StatusCode, got, srv.want)
			}
		}
	}
}
