package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

const adminPassword = "admin-password-1"

// harness is a real server on a fresh SQLite database, reached over HTTP.
type harness struct {
	t     *testing.T
	url   string
	store *store.Store
	srv   *Server
	logs  *syncBuffer
	clock *clock
	admin string // admin session token
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "wh.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Now()}
	svc := auth.NewService(auth.Config{Store: st, SessionTTL: time.Hour, Now: c.Now})
	if _, _, err := svc.EnsureAdmin(ctx, "admin", adminPassword); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(logs, nil)), Store: st, Auth: svc, MaxBodyBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	h := &harness{t: t, url: ts.URL, store: st, srv: srv, logs: logs, clock: c}
	h.admin = h.login("admin", adminPassword)
	return h
}

// do sends a JSON request and returns the status and decoded body.
func (h *harness) do(method, path, token string, body any) (int, map[string]any, http.Header) {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.url+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			h.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, out, resp.Header
}

func (h *harness) login(user, password string) string {
	h.t.Helper()
	code, body, _ := h.do(http.MethodPost, "/api/v1/login", "", map[string]string{"username": user, "password": password})
	if code != http.StatusOK {
		h.t.Fatalf("login %s: %d %v", user, code, body)
	}
	return body["token"].(string)
}

func (h *harness) createUser(name, role string) string {
	h.t.Helper()
	pw := name + "-password"
	code, body, _ := h.do(http.MethodPost, "/api/v1/users", h.admin, map[string]string{"username": name, "password": pw, "role": role})
	if code != http.StatusCreated {
		h.t.Fatalf("create user %s: %d %v", name, code, body)
	}
	return h.login(name, pw)
}

// expect fails the test unless the status is want.
func (h *harness) expect(want int, method, path, token string, body any) map[string]any {
	h.t.Helper()
	code, out, _ := h.do(method, path, token, body)
	if code != want {
		h.t.Fatalf("%s %s: status %d, want %d: %v", method, path, code, want, out)
	}
	return out
}

// errorLocations lists the errors[].location fields of a problem document.
func errorLocations(problem map[string]any) []string {
	var locs []string
	list, _ := problem["errors"].([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			locs = append(locs, m["location"].(string))
		}
	}
	return locs
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }
