package servertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// Bounds of every wait in the API tests: reads from the caches are
// eventually consistent, and a loaded CI machine runs many sandboxes, so
// the timeout is generous; a pass usually takes well under a second.
const (
	WaitTimeout = 2 * time.Minute
	WaitPolling = 100 * time.Millisecond
)

// Eventually is Gomega's Eventually for t, bounded by WaitTimeout and
// polling every WaitPolling: the one way the API tests wait. f is what
// Gomega polls (a function returning an error, a value, or taking a
// Gomega); the matcher given to Should must hold before the deadline, or
// t fails with f's last answer. For example
//
//	servertest.Eventually(t, func() error { ... }).Should(gomega.Succeed())
func Eventually(t testing.TB, f any) gomega.AsyncAssertion {
	t.Helper()
	return gomega.NewWithT(t).Eventually(f).WithTimeout(WaitTimeout).WithPolling(WaitPolling)
}

// WaitFor polls GET path as the admin until the answer, decoded as T,
// passes check (nil error), and returns that answer. t fails at
// WaitTimeout with the last status or check error.
func WaitFor[T any](t testing.TB, h *Harness, path string, check func(T) error) T {
	t.Helper()
	var got T
	Eventually(t, func() error {
		var v T
		if err := h.GetJSON(path, &v); err != nil {
			return err
		}
		if err := check(v); err != nil {
			return err
		}
		got = v
		return nil
	}).Should(gomega.Succeed())
	return got
}

// WaitCached waits until the object kind namespace/name (namespace empty
// for cluster-scoped kinds) is in conn's cache.
func WaitCached(t testing.TB, conn *multicluster.Cluster, kind, namespace, name string) {
	t.Helper()
	Eventually(t, func() error {
		_, err := conn.Get(kind, namespace, name)
		return err
	}).Should(gomega.Succeed(), "%s %s/%s never reached the cache of cluster %s", kind, namespace, name, conn.Name())
}

// WaitReady waits until conn's caches are filled and it answers.
func WaitReady(t testing.TB, conn *multicluster.Cluster) {
	t.Helper()
	Eventually(t, conn.Available).Should(gomega.Succeed())
}

// GetJSON sends GET path as the admin and decodes the answer into out; it
// returns an error, for polling, unless the status is 200.
func (h *Harness) GetJSON(path string, out any) error {
	code, body, _ := h.Do(http.MethodGet, path, h.Admin, nil)
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %v", path, code, body)
	}
	return Remarshal(body, out)
}

// Remarshal converts a decoded JSON body into out (a typed view).
func Remarshal(in, out any) error {
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// Decode converts a decoded JSON body into a T, failing t if it cannot.
func Decode[T any](t testing.TB, in map[string]any) T {
	t.Helper()
	var out T
	if err := Remarshal(in, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// List is one page of a list endpoint.
type List[T any] struct {
	Items    []T    `json:"items"`
	Continue string `json:"continue"`
	Total    int    `json:"total"`
}
