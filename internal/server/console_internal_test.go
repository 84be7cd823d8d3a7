package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestConsole(t *testing.T) {
	built := fstest.MapFS{
		"index.html":          {Data: []byte("<html>app</html>")},
		"assets/main-abc1.js": {Data: []byte("console.log(1)")},
		"favicon.svg":         {Data: []byte("<svg/>")},
	}
	tests := []struct {
		name         string
		files        fstest.MapFS
		method, path string
		wantStatus   int
		wantBody     string
		wantCache    string
	}{
		{"hashed asset", built, "GET", "/assets/main-abc1.js", 200, "console.log(1)", "public, max-age=31536000, immutable"},
		{"other file", built, "GET", "/favicon.svg", 200, "<svg/>", "no-cache"},
		{"root", built, "GET", "/", 200, "<html>app</html>", "no-cache"},
		{"deep link", built, "GET", "/clusters/local/ns/default/pods/web-1/logs", 200, "<html>app</html>", "no-cache"},
		{"index by name", built, "GET", "/index.html", 200, "<html>app</html>", "no-cache"},
		{"missing asset", built, "GET", "/assets/old-123.js", 404, "404 page not found", ""},
		{"unknown API path", built, "GET", "/api/v1/nothing", 404, "404 page not found", ""},
		{"unknown operations path", built, "GET", "/metricsz", 404, "404 page not found", ""},
		{"write", built, "POST", "/clusters", 405, "method not allowed", ""},
		{"not built", fstest.MapFS{".gitkeep": {}}, "GET", "/clusters", 503, "Console not built", "no-cache"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			newConsole(tc.files).ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != tc.wantStatus || !strings.Contains(string(body), tc.wantBody) {
				t.Fatalf("%s %s: %d %q, want %d containing %q", tc.method, tc.path, rec.Code, body, tc.wantStatus, tc.wantBody)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.wantCache {
				t.Errorf("Cache-Control %q, want %q", got, tc.wantCache)
			}
			if tc.wantStatus != http.StatusNotFound && tc.wantStatus != http.StatusMethodNotAllowed {
				if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
					t.Errorf("CSP %q", csp)
				}
			}
		})
	}
}
