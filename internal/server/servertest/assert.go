package servertest

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"
)

// eventuallyTimeout is how long Eventually waits: reads from the caches are
// eventually consistent, and a loaded CI machine runs many sandboxes.
const eventuallyTimeout = 2 * time.Minute

// Eventually retries f until it returns nil, failing the test with f's last
// error after eventuallyTimeout.
func Eventually(t *testing.T, f func() error) {
	t.Helper()
	deadline := time.Now().Add(eventuallyTimeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met in %s: %v", eventuallyTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// EventuallyTrue retries f until it returns true, failing the test after
// eventuallyTimeout.
func EventuallyTrue(t *testing.T, f func() bool) {
	t.Helper()
	Eventually(t, func() error {
		if !f() {
			return errors.New("still false")
		}
		return nil
	})
}

// ItemNames returns the "name" of every element of a list body's items.
func ItemNames(body map[string]any) []string {
	var out []string
	items, _ := body["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["name"].(string))
	}
	return out
}

// InvalidCase is a request the API must refuse with a 422 naming Loc.
type InvalidCase struct {
	Name, Method, Path string
	Body               any
	Loc                string
}

// ExpectInvalid sends every case as the admin, each in its own subtest.
func (h *Harness) ExpectInvalid(t *testing.T, cases []InvalidCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			code, resp, _ := h.Do(tc.Method, tc.Path, h.Admin, tc.Body)
			if code != http.StatusUnprocessableEntity || !slices.Contains(ErrorLocations(resp), tc.Loc) {
				t.Errorf("%s %s: %d with error locations %v, want 422 naming %s: %v", tc.Method, tc.Path, code, ErrorLocations(resp), tc.Loc, resp)
			}
		})
	}
}

// Invalid is an InvalidCase, for compact case tables.
func Invalid(name, method, path string, body any, loc string) InvalidCase {
	return InvalidCase{Name: name, Method: method, Path: path, Body: body, Loc: loc}
}
