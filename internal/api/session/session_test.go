package session_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// burst sends n requests at once, each with the JSON body of body(i), and
// counts the answers by status.
func burst(t *testing.T, h *servertest.Harness, n int, method, path, token string, body func(i int) string) map[int]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			req, err := http.NewRequestWithContext(t.Context(), method, h.URL+path, strings.NewReader(body(i)))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := h.Client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			mu.Lock()
			counts[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return counts
}

// TestLoginBurst sends 100 wrong passwords at once: the limiter counts
// each attempt from its arrival, so at most 5 are answered 401 and the
// rest 429; the right password is then refused too.
func TestLoginBurst(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	h.CreateUser("alice", "user")
	counts := burst(t, h, 100, http.MethodPost, "/api/v1/login", "", func(i int) string {
		return fmt.Sprintf(`{"username":"alice","password":"guess-%d"}`, i)
	})
	if counts[401] > 5 || counts[401]+counts[429] != 100 {
		t.Errorf("answers %v, want at most five 401 and the rest 429", counts)
	}
	h.Expect(429, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "alice-password"})
}

// TestChangePasswordBurst does the same to the current password of a
// password change.
func TestChangePasswordBurst(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")
	counts := burst(t, h, 100, http.MethodPut, "/api/v1/users/me/password", alice, func(i int) string {
		return fmt.Sprintf(`{"currentPassword":"guess-%d","newPassword":"new-password-%d"}`, i, i)
	})
	if counts[422] > 5 || counts[422]+counts[429] != 100 {
		t.Errorf("answers %v, want at most five 422 and the rest 429", counts)
	}
	h.Expect(429, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "alice-password", "newPassword": "new-password-1"})
	h.Expect(429, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "alice-password"})
}
