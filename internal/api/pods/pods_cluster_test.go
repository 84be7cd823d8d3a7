//go:build !unit

package pods_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestClusterPods lists the pods of every namespace of a cluster through
// GET /api/v1/clusters/{cluster}/pods: selectors (indexed and not), the
// name filter, sorting, pages across namespaces, and the 4xx answers.
func TestClusterPods(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1)
	ctx := t.Context()
	node := ""
	servertest.Eventually(t, func() error {
		nodes, err := conn.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil || len(nodes.Items) == 0 {
			return fmt.Errorf("no node yet: %v", err)
		}
		node = nodes.Items[0].Name
		return nil
	}).Should(gomega.Succeed())
	// Nine pods over three namespaces, bound to the node or not; every pod
	// of the default namespaces (none expected) is excluded by app=.
	servertest.CreateNamespaces(t, conn, "cp-a", "cp-b", "cp-c")
	for i := range 9 {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i), Namespace: []string{"cp-a", "cp-b", "cp-c"}[i%3],
				Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%2), "tier": []string{"web", "api", "db"}[i/3]}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}},
		}
		if i < 6 {
			p.Spec.NodeName = node
		} else {
			p.Spec.SchedulerName = "no-such-scheduler" // stays unbound
		}
		if _, err := conn.Kube.CoreV1().Pods(p.Namespace).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	const path = "/api/v1/clusters/c1/pods"
	list := func(query string) map[string]any {
		t.Helper()
		return h.Expect(http.StatusOK, http.MethodGet, path+"?"+query, h.Admin, nil)
	}
	// namespace/name of every item
	keys := func(body map[string]any) []string {
		var out []string
		for _, it := range body["items"].([]any) {
			m := it.(map[string]any)
			out = append(out, m["namespace"].(string)+"/"+m["name"].(string))
		}
		return out
	}
	servertest.Eventually(t, func() error {
		if got := keys(list("labelSelector=app")); len(got) != 9 {
			return fmt.Errorf("%d pods listed, want 9: %v", len(got), got)
		}
		return nil
	}).Should(gomega.Succeed())

	tests := []struct {
		query string
		want  []string
	}{
		{"labelSelector=app", []string{"cp-a/p0", "cp-a/p3", "cp-a/p6", "cp-b/p1", "cp-b/p4", "cp-b/p7", "cp-c/p2", "cp-c/p5", "cp-c/p8"}},
		{"labelSelector=app%3Dapp-1", []string{"cp-a/p3", "cp-b/p1", "cp-b/p7", "cp-c/p5"}},
		{"labelSelector=app+in+(app-1),tier%3Dapi", []string{"cp-a/p3", "cp-c/p5"}},
		{"labelSelector=app%3Dapp-0,tier!%3Dweb", []string{"cp-a/p6", "cp-b/p4", "cp-c/p8"}},
		{"labelSelector=app&fieldSelector=spec.nodeName%3D" + url.QueryEscape(node), []string{"cp-a/p0", "cp-a/p3", "cp-b/p1", "cp-b/p4", "cp-c/p2", "cp-c/p5"}},
		{"labelSelector=app&fieldSelector=spec.nodeName%3D", []string{"cp-a/p6", "cp-b/p7", "cp-c/p8"}},
		{"labelSelector=tier%3Dweb&fieldSelector=metadata.namespace%3Dcp-b", []string{"cp-b/p1"}},
		{"labelSelector=app&name=p8", []string{"cp-c/p8"}},
		{"labelSelector=tier%3Ddb&sort=-name", []string{"cp-c/p8", "cp-b/p7", "cp-a/p6"}},
		{"labelSelector=app%3Dno-such-app", nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, keys(list(tc.query))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.query, diff)
		}
	}

	t.Run("pages across namespaces", func(t *testing.T) {
		var got []string
		q := "labelSelector=app&limit=2&sort=-name"
		for range 10 {
			body := list(q)
			if body["total"].(float64) != 9 {
				t.Errorf("total %v, want 9", body["total"])
			}
			got = append(got, keys(body)...)
			next, _ := body["continue"].(string)
			if next == "" {
				break
			}
			q = "labelSelector=app&limit=2&sort=-name&continue=" + url.QueryEscape(next)
		}
		want := keys(list("labelSelector=app&sort=-name"))
		if len(want) != 9 || !slices.Equal(got, want) {
			t.Errorf("paged %v, want %v", got, want)
		}
	})

	t.Run("4xx", func(t *testing.T) {
		h.Expect(http.StatusBadRequest, http.MethodGet, path+"?labelSelector=app%3D%3D%3D", h.Admin, nil)
		h.Expect(http.StatusBadRequest, http.MethodGet, path+"?fieldSelector=spec.hostname%3Dx", h.Admin, nil)
		h.Expect(http.StatusBadRequest, http.MethodGet, path+"?continue=bogus", h.Admin, nil)
		h.Expect(http.StatusUnprocessableEntity, http.MethodGet, path+"?sort=size", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nope/pods", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodGet, path, h.CreateUser("nobody", "user"), nil)
	})
}
