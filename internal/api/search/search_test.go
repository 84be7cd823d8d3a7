//go:build !unit

package search_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestSearch(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1)
	ctx := t.Context()
	for _, ns := range []string{"shop", "bank"} {
		servertest.CreateNamespaces(t, conn, ns)
		for i := 0; i < 3; i++ {
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("checkout-%d", i), Labels: map[string]string{"team": ns}}}
			if _, err := conn.Kube.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/c1/projects", h.Admin, map[string]any{"name": "shop"})
	h.AddToProject(t, "c1", "shop", "shop")
	member := h.CreateUser("member", "user")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/projects/shop/members/member", h.Admin, map[string]string{"role": "viewer"})
	nobody := h.CreateUser("nobody", "user")

	names := func(token, query string) []string {
		body := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/search?"+query, token, nil)
		var out []string
		for _, it := range body["items"].([]any) {
			m := it.(map[string]any)
			out = append(out, m["namespace"].(string)+"/"+m["name"].(string))
		}
		return out
	}
	// The configmaps reach the cache.
	servertest.Eventually(t, func() []string { return names(h.Admin, "q=checkout&kind=configmaps") }).Should(gomega.HaveLen(6))

	if got := names(h.Admin, "q=checkout&kind=configmaps"); len(got) != 6 || got[0] != "bank/checkout-0" {
		t.Errorf("admin: %v", got)
	}
	if got := names(member, "q=checkout"); !slices.Equal(got, []string{"shop/checkout-0", "shop/checkout-1", "shop/checkout-2"}) {
		t.Errorf("project viewer sees %v", got)
	}
	if got := names(nobody, "q=checkout"); len(got) != 0 {
		t.Errorf("a user without bindings sees %v", got)
	}
	if got := names(h.Admin, "labelSelector=team%3Dbank"); len(got) != 3 {
		t.Errorf("label selector: %v", got)
	}
	if got := names(h.Admin, "q=checkout&cluster=other"); len(got) != 0 {
		t.Errorf("cluster filter: %v", got)
	}

	// Pages.
	var all []string
	next := ""
	for i := 0; i < 10; i++ {
		body := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/search?q=checkout&kind=configmaps&limit=4&continue="+next, h.Admin, nil)
		for _, it := range body["items"].([]any) {
			all = append(all, it.(map[string]any)["name"].(string))
		}
		c, _ := body["continue"].(string)
		if c == "" {
			break
		}
		next = c
	}
	if len(all) != 6 {
		t.Errorf("paged %v", all)
	}

	for _, tt := range []struct{ query, location string }{
		{"", "query.q"},
		{"q=x&kind=widgets", "query.kind"},
		{"labelSelector=a%20in%20(b", "query.labelSelector"},
		{"q=x&continue=%21%21", "query.continue"},
	} {
		body := h.Expect(http.StatusBadRequest, http.MethodGet, "/api/v1/search?"+tt.query, h.Admin, nil)
		if !slices.Contains(servertest.ErrorLocations(body), tt.location) {
			t.Errorf("%s: %v", tt.query, body)
		}
	}
}
