package registry_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// What the vendor fixtures (harbor_test.go, acr_test.go, tcr_test.go,
// ecr_test.go) share. Each fixture is an httptest server that answers as
// the vendor's published API does, checks the request's authentication
// with the vendor's published algorithm computed here from the received
// request (never with the adapter's own signing code), and records what
// it was asked so that tests can assert on the wire form.

// unreachable is an endpoint where nothing listens.
const unreachable = "http://127.0.0.1:1"

// What the shared registry's team/app:v1 (basicDigest) is, as a vendor
// adapter reads it through the v2 API: a manifest list of two images.
const basicIndexType = "application/vnd.docker.distribution.manifest.list.v2+json"

var basicPlatforms = []registry.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}

// calls records the requests a fixture answered.
type calls struct {
	mu   sync.Mutex
	seen []string
}

func (c *calls) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = append(c.seen, s)
}

// all returns what was recorded.
func (c *calls) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

// last returns the last recorded request that starts with prefix.
func (c *calls) last(prefix string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.seen) - 1; i >= 0; i-- {
		if strings.HasPrefix(c.seen[i], prefix) {
			return c.seen[i]
		}
	}
	return ""
}

// serve starts h for the test's lifetime.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func cloudCred(typ string, kv ...string) *credentials.Credential {
	c := &credentials.Credential{Type: typ, Fields: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Fields[kv[i]] = kv[i+1]
	}
	return c
}

// pageOf returns the items of page (1-based) of size from items.
func pageOf[T any](items []T, page, size int) []T {
	from := (page - 1) * size
	if page < 1 || size < 1 || from >= len(items) {
		return []T{}
	}
	return items[from:min(from+size, len(items))]
}

// collect pages through a listing with limit and filter and returns the
// names of all items and the continue tokens it was given. It does not
// bound a page by the limit: Harbor's pages hold artifacts, each with any
// number of tags.
func collect[T any](t *testing.T, limit int, filter string, list func(registry.Page) (*registry.List[T], error), name func(T) string) (names, tokens []string) {
	t.Helper()
	p := registry.Page{Limit: limit, Filter: filter}
	for range 100 {
		l, err := list(p)
		if err != nil {
			t.Fatalf("page %+v: %v", p, err)
		}
		for _, it := range l.Items {
			names = append(names, name(it))
		}
		if l.Continue == "" {
			return names, tokens
		}
		tokens = append(tokens, l.Continue)
		p.Continue = l.Continue
	}
	t.Fatal("the listing never ended")
	return nil, nil
}
