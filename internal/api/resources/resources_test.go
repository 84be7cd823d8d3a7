//go:build !unit

package resources_test

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"net/http"
	"slices"
	"testing"

	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestAnyKind(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1)
	_, err := conn.Kube.CoreV1().ConfigMaps("default").Create(t.Context(),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "generic", Labels: map[string]string{"via": "generic"}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A CRD appears after the connection's discovery was cached.
	h.Expect(http.StatusOK, http.MethodPost, "/api/v1/clusters/c1/features/workloads", h.Admin, nil)

	kinds := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/resources", h.Admin, nil)["items"].([]any)
	var names []string
	for _, k := range kinds {
		m := k.(map[string]any)
		names = append(names, m["group"].(string)+"/"+m["resource"].(string))
	}
	for _, want := range []string{"core/configmaps", "apps/deployments", "apps.wheelhouse.dev/workloads", "core/nodes"} {
		if !slices.Contains(names, want) {
			t.Errorf("discovery lacks %s", want)
		}
	}

	base := "/api/v1/clusters/c1/resources/core/v1/configmaps"
	list := h.Expect(http.StatusOK, http.MethodGet, base+"?namespace=default&labelSelector=via%3Dgeneric", h.Admin, nil)
	if items := list["items"].([]any); len(items) != 1 {
		t.Fatalf("list: %v", items)
	}
	page := h.Expect(http.StatusOK, http.MethodGet, base+"?limit=1", h.Admin, nil)
	if page["metadata"].(map[string]any)["continue"] == nil {
		t.Errorf("a one-item page of every namespace's configmaps has no continue token: %v", page["metadata"])
	}
	got := h.Expect(http.StatusOK, http.MethodGet, base+"/generic?namespace=default", h.Admin, nil)
	if got["metadata"].(map[string]any)["managedFields"] != nil {
		t.Error("managedFields were not removed")
	}
	h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/resources/apps.wheelhouse.dev/v1alpha1/workloads?namespace=default", h.Admin, nil)
	h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/resources/core/v1/nodes", h.Admin, nil)

	loc := servertest.ErrorLocations(h.Expect(http.StatusUnprocessableEntity, http.MethodGet, base+"/generic", h.Admin, nil))
	if !slices.Contains(loc, "query.namespace") {
		t.Errorf("namespaced get without namespace: %v", loc)
	}
	h.Expect(http.StatusUnprocessableEntity, http.MethodGet, "/api/v1/clusters/c1/resources/core/v1/nodes?namespace=default", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/c1/resources/example.com/v1/widgets", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, base+"/missing?namespace=default", h.Admin, nil)
	h.Expect(http.StatusForbidden, http.MethodGet, base, h.CreateUser("nobody", "user"), nil)

	// The same kind under a namespace, as a project's members reach it.
	nsBase := "/api/v1/clusters/c1/namespaces/default/resources/core/v1/configmaps"
	if items := h.Expect(http.StatusOK, http.MethodGet, nsBase+"?labelSelector=via%3Dgeneric", h.Admin, nil)["items"].([]any); len(items) != 1 {
		t.Errorf("namespace list: %v", items)
	}
	if got := h.Expect(http.StatusOK, http.MethodGet, nsBase+"/generic", h.Admin, nil); got["metadata"].(map[string]any)["namespace"] != "default" {
		t.Errorf("namespace get: %v", got["metadata"])
	}
	loc = servertest.ErrorLocations(h.Expect(http.StatusUnprocessableEntity, http.MethodGet, "/api/v1/clusters/c1/namespaces/default/resources/core/v1/nodes", h.Admin, nil))
	if !slices.Contains(loc, "path.resource") {
		t.Errorf("cluster-scoped kind under a namespace: %v", loc)
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, nsBase+"/generic?propagationPolicy=Background", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, nsBase+"/generic", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodDelete, base+"/generic?namespace=default", h.Admin, nil)

	_, err = conn.Kube.CoreV1().ConfigMaps("default").Create(t.Context(),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "generic"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, base+"/generic?namespace=default&propagationPolicy=Background", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, base+"/generic?namespace=default", h.Admin, nil)
}

// TestAnyKindFollowsThePolicy: the any-kind routes authorize what each
// request does to which resource, as the pass-through does, and show
// Secret values only to those who may reveal them (audited).
func TestAnyKindFollowsThePolicy(t *testing.T) {
	g := NewWithT(t)
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1, "team")
	ctx := t.Context()
	_, err := conn.Kube.CoreV1().Secrets("team").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db"},
		StringData: map[string]string{"password": "hunter2-any-kind"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	for _, name := range []string{"a", "b"} {
		_, err = conn.Kube.CoreV1().ConfigMaps("team").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/c1/projects", h.Admin, map[string]any{"name": "p", "quota": map[string]string{"pods": "10"}, "namespaceQuota": map[string]string{"pods": "5"}})
	g.Eventually(func() int {
		code, _, _ := h.Do(http.MethodPost, "/api/v1/clusters/c1/projects/p/namespaces", h.Admin, map[string]string{"namespace": "team"})
		return code
	}).WithTimeout(time.Minute).Should(Equal(http.StatusOK))
	viewer, member := h.CreateUser("viewer", "user"), h.CreateUser("member", "user")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/projects/p/members/viewer", h.Admin, map[string]string{"role": "viewer"})
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/projects/p/members/member", h.Admin, map[string]string{"role": "member"})

	ns := "/api/v1/clusters/c1/namespaces/team/resources"
	value := base64.StdEncoding.EncodeToString([]byte("hunter2-any-kind"))
	for _, path := range []string{ns + "/core/v1/secrets", ns + "/core/v1/secrets/db"} {
		_, body, _ := h.Do(http.MethodGet, path, viewer, nil)
		raw, _ := json.Marshal(body)
		g.Expect(string(raw)).To(ContainSubstring(`"name":"db"`), path)
		g.Expect(string(raw)).NotTo(ContainSubstring(value), "a viewer read Secret values at %s", path)
		_, body, _ = h.Do(http.MethodGet, path, member, nil)
		raw, _ = json.Marshal(body)
		g.Expect(string(raw)).To(ContainSubstring(value), path)
	}
	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=reveal-secret", h.Admin, nil)["items"].([]any)
	g.Expect(audit).To(HaveLen(2))
	g.Expect(audit[0].(map[string]any)["username"]).To(Equal("member"))

	// What members may not change, whatever route they take.
	h.Expect(http.StatusForbidden, http.MethodDelete, ns+"/core/v1/resourcequotas/wheelhouse-project-quota", member, nil)
	h.Expect(http.StatusForbidden, http.MethodDelete, ns+"/rbac.authorization.k8s.io/v1/rolebindings/wheelhouse:project-members", member, nil)
	h.Expect(http.StatusForbidden, http.MethodDelete, ns+"/core/v1/configmaps/a", viewer, nil)
	h.Expect(http.StatusNoContent, http.MethodDelete, ns+"/core/v1/configmaps/a", member, nil)
	// Nor may a project's owner remove the quota that bounds it.
	owner := h.CreateUser("owner", "user")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/projects/p/members/owner", h.Admin, map[string]string{"role": "owner"})
	h.Expect(http.StatusForbidden, http.MethodDelete, ns+"/core/v1/resourcequotas/wheelhouse-project-quota", owner, nil)
	h.Expect(http.StatusNoContent, http.MethodDelete, ns+"/core/v1/configmaps/b", owner, nil)
}
