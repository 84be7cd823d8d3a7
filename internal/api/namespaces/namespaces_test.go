//go:build !unit

package namespaces_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/namespaces"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const clusterName = "sbx"

// env is one server with one real sandbox cluster connected as
// clusterName, shared by the subtests of TestNamespaces.
type env struct {
	h      *servertest.Harness
	c      *multicluster.Cluster
	sb     *sandbox.Manager
	sbName string
	user   string // a signed-in user without bindings
	node   string
	base   string // /api/v1/clusters/sbx/namespaces
}

func newEnv(t *testing.T) *env {
	t.Helper()
	sb, name := sandboxtest.NewManager(t)
	st, err := sb.Up(t.Context(), name, 1)
	if err != nil {
		t.Fatal(err)
	}
	h := servertest.New(t, servertest.Options{})
	c := h.ImportCluster(clusterName, st.KubeconfigPath)
	e := &env{h: h, c: c, sb: sb, sbName: name, user: h.CreateUser("nobody", "user"), base: "/api/v1/clusters/" + clusterName + "/namespaces"}
	servertest.Eventually(t, func() error {
		page, err := c.List("nodes", multicluster.Query{})
		if err != nil || len(page.Items) != 1 {
			return fmt.Errorf("nodes: %v", err)
		}
		e.node = page.Items[0].(*corev1.Node).Name
		return nil
	}).Should(gomega.Succeed())
	return e
}

func TestNamespaces(t *testing.T) {
	e := newEnv(t)
	t.Run("list", e.testList)
	t.Run("create and edit", e.testCreateEdit)
	t.Run("resource quotas", e.testQuotas)
	t.Run("limit ranges", e.testLimitRanges)
	t.Run("delete", e.testDelete)
	t.Run("errors", e.testErrors)
	t.Run("cluster down", e.testClusterDown)
}

// testClusterDown stops the cluster's control plane: its requests get a
// 503 that names it, with Retry-After.
func (e *env) testClusterDown(t *testing.T) {
	// A project member, for the requests whose authorization needs the
	// namespace's project (from the cluster's cache): a cluster that is
	// down makes them 503 too, never 403 (nor an audit row saying denied).
	project := "/api/v1/clusters/" + clusterName + "/projects/downtime"
	e.h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/"+clusterName+"/projects", e.h.Admin, map[string]any{"name": "downtime"})
	servertest.CreateNamespaces(t, e.c, "downtime")
	e.h.AddToProject(t, clusterName, "downtime", "downtime")
	dev := e.h.CreateUser("dev", "user")
	e.h.Expect(http.StatusOK, http.MethodPut, project+"/members/dev", e.h.Admin, map[string]string{"role": "member"})
	e.h.Expect(http.StatusOK, http.MethodGet, e.base+"/downtime/configmaps", dev, nil)

	if err := e.sb.Stop(t.Context(), e.sbName); err != nil {
		t.Fatal(err)
	}
	servertest.Eventually(t, func() error {
		code, p, hdr := e.h.Do(http.MethodGet, e.base, e.h.Admin, nil)
		if code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(p["detail"]), `"`+clusterName+`"`) || hdr.Get("Retry-After") == "" {
			return fmt.Errorf("list while the cluster is down: %d %v", code, p)
		}
		return nil
	}).Should(gomega.Succeed())
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, e.base + "/default", nil},
		{http.MethodPost, e.base, map[string]any{"name": "later"}},
		{http.MethodDelete, e.base + "/default?force=true", nil},
		{http.MethodGet, e.base + "/default/resourcequotas", nil},
		{http.MethodPost, e.base + "/default/limitranges", map[string]any{"name": "x", "limits": []map[string]any{{"type": "Pod"}}}},
	} {
		e.h.ExpectProblem(t, http.StatusServiceUnavailable, r.method, r.path, e.h.Admin, r.body, "")
	}
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, e.base + "/downtime/secrets/any?reveal=true", nil},
		{http.MethodPost, e.base + "/downtime/configmaps", map[string]any{"name": "later"}},
		{http.MethodGet, e.base + "/downtime/pods", nil},
	} {
		e.h.ExpectProblem(t, http.StatusServiceUnavailable, r.method, r.path, dev, r.body, "")
	}
	// The project's members are Wheelhouse's own records: still readable.
	e.h.Expect(http.StatusOK, http.MethodGet, project+"/members", dev, nil)
	audit := e.h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?user=dev", e.h.Admin, nil)
	for _, row := range audit["items"].([]any) {
		if r := row.(map[string]any); r["outcome"] == "denied" {
			t.Errorf("a request refused for the cluster being down is audited as denied: %v", r)
		}
	}
}

func (e *env) testList(t *testing.T) {
	var all servertest.List[namespaces.NamespaceView]
	if err := e.h.GetJSON(e.base, &all); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range all.Items {
		names = append(names, n.Name)
		if n.Phase != "Active" || n.UID == "" || n.CreationTimestamp.IsZero() {
			t.Errorf("view %+v", n)
		}
	}
	for _, want := range namespaces.Protected {
		if !slices.Contains(names, want) {
			t.Errorf("%s missing from %v", want, names)
		}
	}
	var page1, page2 servertest.List[namespaces.NamespaceView]
	if err := e.h.GetJSON(e.base+"?limit=2", &page1); err != nil {
		t.Fatal(err)
	}
	if err := e.h.GetJSON(e.base+"?limit=2&continue="+page1.Continue, &page2); err != nil {
		t.Fatal(err)
	}
	if len(page1.Items) != 2 || page1.Total != all.Total || page2.Items[0].Name != all.Items[2].Name {
		t.Errorf("pages %+v then %+v", page1, page2)
	}
	var sel servertest.List[namespaces.NamespaceView]
	if err := e.h.GetJSON(e.base+"?labelSelector=kubernetes.io/metadata.name%3Dkube-system", &sel); err != nil {
		t.Fatal(err)
	}
	if sel.Total != 1 || sel.Items[0].Name != "kube-system" {
		t.Errorf("label selector %+v", sel)
	}
	if err := e.h.GetJSON(e.base+"?name=kube-&sort=-name", &sel); err != nil {
		t.Fatal(err)
	}
	if sel.Total != 3 || sel.Items[0].Name != "kube-system" {
		t.Errorf("name filter %+v", sel)
	}
}

func (e *env) testCreateEdit(t *testing.T) {
	h := e.h
	v := servertest.Decode[namespaces.NamespaceView](t, h.Expect(http.StatusCreated, http.MethodPost, e.base, h.Admin, map[string]any{
		"name": "team-a", "labels": map[string]string{"team": "a"}, "annotations": map[string]string{"example.com/owner": "alice"},
	}))
	if v.Name != "team-a" || v.Labels["team"] != "a" || v.Annotations["example.com/owner"] != "alice" || v.Phase != "Active" {
		t.Errorf("created %+v", v)
	}
	var d namespaces.NamespaceDetail
	servertest.Eventually(t, func() error { return e.h.GetJSON(e.base+"/team-a", &d) }).Should(gomega.Succeed())
	if d.Counts["pods"] != 0 || d.Counts["deployments"] != 0 || len(d.Counts) < 10 || d.Quotas == nil {
		t.Errorf("detail %+v", d)
	}

	e.h.ExpectProblem(t, http.StatusConflict, http.MethodPost, e.base, h.Admin, map[string]any{"name": "team-a"}, "")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, e.base, h.Admin, map[string]any{"name": "Team_A"}, "body.name")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, e.base, h.Admin, map[string]any{"name": "-a"}, "body.name")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, e.base, h.Admin,
		map[string]any{"name": "ok", "labels": map[string]string{"bad key": "x"}}, "body.labels.bad key")

	v = servertest.Decode[namespaces.NamespaceView](t, h.Expect(http.StatusOK, http.MethodPatch, e.base+"/team-a", h.Admin, map[string]any{
		"labels": map[string]any{"team": nil, "env": "dev"}, "annotations": map[string]any{"example.com/owner": nil},
	}))
	if _, ok := v.Labels["team"]; ok || v.Labels["env"] != "dev" || v.Annotations["example.com/owner"] != "" {
		t.Errorf("patched %+v", v)
	}
	servertest.Eventually(t, func() error {
		var l servertest.List[namespaces.NamespaceView]
		if err := e.h.GetJSON(e.base+"?labelSelector=env%3Ddev", &l); err != nil {
			return err
		}
		if l.Total != 1 || l.Items[0].Name != "team-a" {
			return fmt.Errorf("selected %+v", l.Items)
		}
		return nil
	}).Should(gomega.Succeed())
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPatch, e.base+"/team-a", h.Admin,
		map[string]any{"labels": map[string]any{"env": "not valid!"}}, "body.labels.env")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPatch, e.base+"/missing", h.Admin, map[string]any{"labels": map[string]any{"a": "b"}}, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, e.base+"/missing", h.Admin, nil, "")
}

func (e *env) testQuotas(t *testing.T) {
	h := e.h
	ctx := t.Context()
	url := e.base + "/team-a/resourcequotas"
	q := servertest.Decode[namespaces.NamespaceResourceQuota](t, h.Expect(http.StatusCreated, http.MethodPost, url, h.Admin, map[string]any{
		"name": "compute", "hard": map[string]string{"pods": "10", "requests.cpu": "2", "requests.memory": "1Gi"},
	}))
	if q.Name != "compute" || q.Hard["requests.cpu"] != "2" || len(q.Usage) != 3 {
		t.Errorf("created %+v", q)
	}
	// Pods created before the quota controller has counted the namespace
	// once race with that first count (a stale 0 may stick until its
	// periodic resync); wait for it.
	servertest.Eventually(t, func() error {
		if err := e.h.GetJSON(url+"/compute", &q); err != nil {
			return err
		}
		if q.Used["pods"] != "0" {
			return fmt.Errorf("quota not counted yet: %+v", q.Used)
		}
		return nil
	}).Should(gomega.Succeed())
	for i := range 2 {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app-%d", i)},
			Spec: corev1.PodSpec{NodeName: e.node, Containers: []corev1.Container{{Name: "app", Image: "nginx",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
					corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}}}}},
		}
		if _, err := e.c.Kube.CoreV1().Pods("team-a").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	servertest.Eventually(t, func() error {
		if err := e.h.GetJSON(url+"/compute", &q); err != nil {
			return err
		}
		want := []namespaces.NamespaceQuotaUsage{
			{Resource: "pods", Hard: "10", Used: "2", Percent: ptr(20.0)},
			{Resource: "requests.cpu", Hard: "2", Used: "1", Percent: ptr(50.0)},
			{Resource: "requests.memory", Hard: "1Gi", Used: "512Mi", Percent: ptr(50.0)},
		}
		if !usageEqual(q.Usage, want) || q.Used["pods"] != "2" {
			return fmt.Errorf("usage %s, want %s", usageString(q.Usage), usageString(want))
		}
		return nil
	}).Should(gomega.Succeed())
	servertest.Eventually(t, func() error {
		var d namespaces.NamespaceDetail
		if err := e.h.GetJSON(e.base+"/team-a", &d); err != nil {
			return err
		}
		if d.Counts["pods"] != 2 || d.Counts["resourcequotas"] != 1 || len(d.Quotas) != 1 || d.Quotas[0].Usage[1].Used != "1" {
			return fmt.Errorf("namespace detail %+v", d)
		}
		return nil
	}).Should(gomega.Succeed())
	var l servertest.List[namespaces.NamespaceResourceQuota]
	if err := e.h.GetJSON(url, &l); err != nil || l.Total != 1 || l.Items[0].Name != "compute" {
		t.Errorf("list %+v, %v", l, err)
	}

	q = servertest.Decode[namespaces.NamespaceResourceQuota](t, h.Expect(http.StatusOK, http.MethodPut, url+"/compute", h.Admin,
		map[string]any{"hard": map[string]string{"pods": "4"}}))
	if len(q.Hard) != 1 || q.Hard["pods"] != "4" {
		t.Errorf("replaced %+v", q.Hard)
	}
	servertest.Eventually(t, func() error {
		if err := e.h.GetJSON(url+"/compute", &q); err != nil {
			return err
		}
		if len(q.Usage) != 1 || q.Usage[0].Used != "2" || q.Usage[0].Percent == nil || *q.Usage[0].Percent != 50 {
			return fmt.Errorf("usage after update %s", usageString(q.Usage))
		}
		return nil
	}).Should(gomega.Succeed())

	e.h.ExpectProblem(t, http.StatusConflict, http.MethodPost, url, h.Admin, map[string]any{"name": "compute", "hard": map[string]string{"pods": "1"}}, "")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, url, h.Admin, map[string]any{"name": "x", "hard": map[string]string{"pods": "lots"}}, "body.hard.pods")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPut, url+"/compute", h.Admin, map[string]any{"hard": map[string]string{"cpu": "1 core"}}, "body.hard.cpu")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, url, h.Admin, map[string]any{"name": "Bad_Name", "hard": map[string]string{"pods": "1"}}, "body.name")
	// Parses, but the API server refuses it; its field cause comes through.
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, url, h.Admin, map[string]any{"name": "neg", "hard": map[string]string{"pods": "-1"}}, "body.spec.hard")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPut, url+"/compute", h.Admin, map[string]any{"hard": map[string]string{"requests.cpu": "-2"}}, "body.spec.hard")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, url+"/missing", h.Admin, nil, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPut, url+"/missing", h.Admin, map[string]any{"hard": map[string]string{"pods": "1"}}, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, e.base+"/missing/resourcequotas", h.Admin, map[string]any{"name": "x", "hard": map[string]string{"pods": "1"}}, "")

	h.Expect(http.StatusCreated, http.MethodPost, url, h.Admin, map[string]any{"name": "gone", "hard": map[string]string{"services": "1"}})
	h.Expect(http.StatusNoContent, http.MethodDelete, url+"/gone", h.Admin, nil)
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodDelete, url+"/gone", h.Admin, nil, "")
}

func (e *env) testLimitRanges(t *testing.T) {
	h := e.h
	url := e.base + "/team-a/limitranges"
	lr := servertest.Decode[namespaces.NamespaceLimitRange](t, h.Expect(http.StatusCreated, http.MethodPost, url, h.Admin, map[string]any{
		"name": "defaults",
		"limits": []map[string]any{{"type": "Container", "max": map[string]string{"cpu": "2"},
			"default": map[string]string{"cpu": "500m"}, "defaultRequest": map[string]string{"cpu": "100m"}}},
	}))
	if len(lr.Limits) != 1 || lr.Limits[0].Max["cpu"] != "2" || lr.Limits[0].DefaultRequest["cpu"] != "100m" {
		t.Errorf("created %+v", lr)
	}
	servertest.Eventually(t, func() error { return e.h.GetJSON(url+"/defaults", &lr) }).Should(gomega.Succeed())
	var l servertest.List[namespaces.NamespaceLimitRange]
	if err := e.h.GetJSON(url, &l); err != nil || l.Total != 1 {
		t.Errorf("list %+v, %v", l, err)
	}
	lr = servertest.Decode[namespaces.NamespaceLimitRange](t, h.Expect(http.StatusOK, http.MethodPut, url+"/defaults", h.Admin, map[string]any{
		"limits": []map[string]any{{"type": "PersistentVolumeClaim", "max": map[string]string{"storage": "10Gi"}, "min": map[string]string{"storage": "1Gi"}}},
	}))
	if len(lr.Limits) != 1 || lr.Limits[0].Type != "PersistentVolumeClaim" || lr.Limits[0].Min["storage"] != "1Gi" {
		t.Errorf("replaced %+v", lr)
	}

	e.h.ExpectProblem(t, http.StatusConflict, http.MethodPost, url, h.Admin, map[string]any{"name": "defaults", "limits": []map[string]any{{"type": "Pod"}}}, "")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, url, h.Admin,
		map[string]any{"name": "x", "limits": []map[string]any{{"type": "Container", "max": map[string]string{"cpu": "two"}}}}, "body.limits[0].max.cpu")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, url, h.Admin,
		map[string]any{"name": "x", "limits": []map[string]any{{"type": "Deployment"}}}, "body.limits[0].type")
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, url, h.Admin, map[string]any{"name": "x", "limits": []any{}}, "body.limits")
	// min above max parses, but the API server refuses it.
	e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPut, url+"/defaults", h.Admin, map[string]any{
		"limits": []map[string]any{{"type": "Container", "max": map[string]string{"cpu": "1"}, "min": map[string]string{"cpu": "2"}}},
	}, "body.spec.limits")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, url+"/missing", h.Admin, nil, "")

	h.Expect(http.StatusNoContent, http.MethodDelete, url+"/defaults", h.Admin, nil)
	servertest.Eventually(t, func() error {
		code, _, _ := h.Do(http.MethodGet, url+"/defaults", h.Admin, nil)
		if code != http.StatusNotFound {
			return fmt.Errorf("status %d after delete", code)
		}
		return nil
	}).Should(gomega.Succeed())
}

func (e *env) testDelete(t *testing.T) {
	h := e.h
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		p := e.h.ExpectProblem(t, http.StatusConflict, http.MethodDelete, e.base+"/"+ns, h.Admin, nil, "")
		if !strings.Contains(fmt.Sprint(p["detail"]), "force=true") {
			t.Errorf("%s: %v", ns, p)
		}
	}
	del := servertest.Decode[namespaces.NamespaceDeleted](t, h.Expect(http.StatusOK, http.MethodDelete, e.base+"/team-a", h.Admin, nil))
	if del.Name != "team-a" || del.Phase != "Terminating" || del.Contained["pods"] != 2 || del.Contained["resourcequotas"] != 1 ||
		del.Contained["configmaps"] != 1 || del.Total < 4 {
		// configmaps: kube-root-ca.crt, which every namespace gets.
		t.Errorf("deleted %+v", del)
	}
	servertest.Eventually(t, func() error {
		code, _, _ := h.Do(http.MethodGet, e.base+"/team-a", h.Admin, nil)
		if code != http.StatusNotFound {
			return fmt.Errorf("status %d after delete", code)
		}
		return nil
	}).Should(gomega.Succeed())
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodDelete, e.base+"/team-a", h.Admin, nil, "")

	// A namespace created a moment ago may not be cached yet; deleting
	// it still works.
	h.Expect(http.StatusCreated, http.MethodPost, e.base, h.Admin, map[string]any{"name": "fleeting"})
	h.Expect(http.StatusOK, http.MethodDelete, e.base+"/fleeting", h.Admin, nil)

	// force passes the guard (the API server recreates kube-node-lease).
	del = servertest.Decode[namespaces.NamespaceDeleted](t, h.Expect(http.StatusOK, http.MethodDelete, e.base+"/kube-node-lease?force=true", h.Admin, nil))
	if del.Name != "kube-node-lease" {
		t.Errorf("forced %+v", del)
	}
}

func (e *env) testErrors(t *testing.T) {
	h := e.h
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/namespaces", h.Admin, nil, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, "/api/v1/clusters/nowhere/namespaces", h.Admin, map[string]any{"name": "x"}, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/namespaces/default/resourcequotas", h.Admin, nil, "")
	e.h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, e.base+"?labelSelector=a+in+(b", h.Admin, nil, "query.labelSelector")
	e.h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, e.base+"/default/resourcequotas?labelSelector=%3D%3D", h.Admin, nil, "query.labelSelector")
	e.h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, e.base+"/default/limitranges?fieldSelector=spec.x%3D1", h.Admin, nil, "query.fieldSelector")
	e.h.ExpectProblem(t, http.StatusUnauthorized, http.MethodGet, e.base, "", nil, "")

	ns := e.base + "/default"
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, e.base, nil},
		{http.MethodPost, e.base, map[string]any{"name": "x"}},
		{http.MethodGet, ns, nil},
		{http.MethodPatch, ns, map[string]any{}},
		{http.MethodDelete, ns, nil},
		{http.MethodGet, ns + "/resourcequotas", nil},
		{http.MethodPost, ns + "/resourcequotas", map[string]any{"name": "x", "hard": map[string]string{"pods": "1"}}},
		{http.MethodGet, ns + "/resourcequotas/x", nil},
		{http.MethodPut, ns + "/resourcequotas/x", map[string]any{"hard": map[string]string{"pods": "1"}}},
		{http.MethodDelete, ns + "/resourcequotas/x", nil},
		{http.MethodGet, ns + "/limitranges", nil},
		{http.MethodPost, ns + "/limitranges", map[string]any{"name": "x", "limits": []map[string]any{{"type": "Pod"}}}},
		{http.MethodGet, ns + "/limitranges/x", nil},
		{http.MethodPut, ns + "/limitranges/x", map[string]any{"limits": []map[string]any{{"type": "Pod"}}}},
		{http.MethodDelete, ns + "/limitranges/x", nil},
	} {
		e.h.ExpectProblem(t, http.StatusForbidden, r.method, r.path, e.user, r.body, "")
	}
}

func ptr[T any](v T) *T { return &v }

func usageEqual(a, b []namespaces.NamespaceQuotaUsage) bool {
	return slices.EqualFunc(a, b, func(x, y namespaces.NamespaceQuotaUsage) bool {
		return x.Resource == y.Resource && x.Hard == y.Hard && x.Used == y.Used &&
			(x.Percent == nil) == (y.Percent == nil) && (x.Percent == nil || *x.Percent == *y.Percent)
	})
}

func usageString(u []namespaces.NamespaceQuotaUsage) string {
	var parts []string
	for _, x := range u {
		p := "-"
		if x.Percent != nil {
			p = fmt.Sprint(*x.Percent)
		}
		parts = append(parts, fmt.Sprintf("%s %s/%s %s%%", x.Resource, x.Used, x.Hard, p))
	}
	return strings.Join(parts, ", ")
}
