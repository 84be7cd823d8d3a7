package servertest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

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

// ExpectProblem sends a request, fails t unless the status is status, and,
// when loc is not empty, unless one of the problem's errors[].location
// starts with loc. It returns the problem.
func (h *Harness) ExpectProblem(t testing.TB, status int, method, path, token string, body any, loc string) map[string]any {
	t.Helper()
	code, p, _ := h.Do(method, path, token, body)
	if code != status {
		t.Fatalf("%s %s: status %d, want %d: %v", method, path, code, status, p)
	}
	if loc != "" && !slices.ContainsFunc(ErrorLocations(p), func(l string) bool { return strings.HasPrefix(l, loc) }) {
		t.Errorf("%s %s: locations %v, want %q in %v", method, path, ErrorLocations(p), loc, p)
	}
	return p
}

// With returns a copy of the request body m with the given keys set, as
// key, value pairs; a nil value removes the key. For tables of bad
// requests that each change one field of a good one.
func With(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}
