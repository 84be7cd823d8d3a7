//go:build !unit

package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	applycorev1 "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/apply"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	clusterName = "sbx"
	ns          = "shop"
	applyURL    = "/api/v1/clusters/" + clusterName + "/apply"
	nsApplyURL  = "/api/v1/clusters/" + clusterName + "/namespaces/" + ns + "/apply"
)

type env struct {
	h *servertest.Harness
	c *multicluster.Cluster
	// kubeconfig is the sandbox's, for servers of other settings.
	kubeconfig string
}

func TestApply(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	kubeconfig := sandboxtest.Start(t, 1)
	c := h.ImportCluster(clusterName, kubeconfig)
	servertest.CreateNamespaces(t, c, ns)
	e := &env{h: h, c: c, kubeconfig: kubeconfig}
	t.Run("apply", e.testApply)
	t.Run("dryRun", e.testDryRun)
	t.Run("allOrNothing", e.testAllOrNothing)
	t.Run("badInput", e.testBadInput)
	t.Run("immutable", e.testImmutable)
	t.Run("crd", e.testCRD)
	t.Run("namespaced", e.testNamespaced)
	t.Run("projectMember", e.testProjectMember)
	t.Run("fieldConflict", e.testFieldConflict)
	t.Run("quotaExceeded", e.testQuotaExceeded)
	t.Run("admissionRejected", e.testAdmissionRejected)
	t.Run("partial", e.testPartial)
	t.Run("limits", e.testLimits)
}

const twoDocs = `# a config map and a deployment
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers:
      - name: cart
        image: cart:1
`

func (e *env) testApply(t *testing.T) {
	res := e.apply(t, http.StatusOK, applyURL, "application/yaml", twoDocs)
	if len(res.Documents) != 2 || res.DryRun {
		t.Fatalf("result %+v", res)
	}
	for i, want := range []struct{ kind, name string }{{"ConfigMap", "settings"}, {"Deployment", "cart"}} {
		d := res.Documents[i]
		if d.Index != i || d.Kind != want.kind || d.Name != want.name || d.Namespace != ns || d.Action != apply.ActionCreated || d.ResourceVersion == "" {
			t.Errorf("document %d: %+v", i, d)
		}
	}
	if res.Documents[1].Line != 10 {
		t.Errorf("second document starts at line %d, want 10", res.Documents[1].Line)
	}
	dep, err := e.c.Kube.AppsV1().Deployments(ns).Get(t.Context(), "cart", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(dep.ManagedFields, func(m metav1.ManagedFieldsEntry) bool {
		return m.Manager == apply.FieldManager && m.Operation == metav1.ManagedFieldsOperationApply
	}) {
		t.Errorf("not applied by %s: %+v", apply.FieldManager, dep.ManagedFields)
	}
	// The same documents again change nothing.
	again := e.apply(t, http.StatusOK, applyURL, "application/yaml", twoDocs)
	if again.Documents[0].Action != apply.ActionUnchanged || again.Documents[1].Action != apply.ActionUnchanged {
		t.Errorf("second apply %+v", again)
	}
	// JSON works too: an array of objects.
	js := `[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-json","namespace":"shop"},"data":{"a":"b"}}]`
	if r := e.apply(t, http.StatusOK, applyURL, "application/json", js); r.Documents[0].Action != apply.ActionCreated {
		t.Errorf("json apply %+v", r)
	}
}

func (e *env) testDryRun(t *testing.T) {
	changed := strings.Replace(twoDocs, "color: blue", "color: green", 1)
	changed = strings.Replace(changed, "image: cart:1", "image: cart:2", 1)
	changed += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-one\n  namespace: shop\n"
	res := e.apply(t, http.StatusOK, applyURL+"?dryRun=true", "application/yaml", changed)
	if !res.DryRun || len(res.Documents) != 3 {
		t.Fatalf("result %+v", res)
	}
	cm, dep, created := res.Documents[0], res.Documents[1], res.Documents[2]
	if cm.Action != apply.ActionConfigured || !strings.Contains(cm.Diff, "-  color: blue\n+  color: green\n") ||
		!strings.HasPrefix(cm.Diff, "--- live/ConfigMap/shop/settings\n+++ applied/ConfigMap/shop/settings\n") {
		t.Errorf("config map diff %+v", cm)
	}
	if dep.Action != apply.ActionConfigured || !strings.Contains(dep.Diff, "+      - image: cart:2\n") {
		t.Errorf("deployment diff %+v", dep)
	}
	if created.Action != apply.ActionCreated || !strings.Contains(created.Diff, "+  name: new-one") {
		t.Errorf("created %+v", created)
	}
	for _, d := range res.Documents {
		if strings.Contains(d.Diff, "managedFields") || d.ResourceVersion != "" {
			t.Errorf("document %d: %+v", d.Index, d)
		}
	}
	// Nothing was written.
	live, err := e.c.Kube.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	if err != nil || live.Data["color"] != "blue" {
		t.Errorf("live config map %v %v", live.Data, err)
	}
	if _, err := e.c.Kube.CoreV1().ConfigMaps(ns).Get(t.Context(), "new-one", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("dry run created new-one: %v", err)
	}
}

// testAllOrNothing: the second document fails the API server's
// validation, so the first, valid, is not applied either.
func (e *env) testAllOrNothing(t *testing.T) {
	body := `apiVersion: v1
kind: ConfigMap
metadata:
  name: first
  namespace: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
  namespace: shop
spec:
  replicas: -1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: other}
    spec:
      containers:
      - name: c
        image: i
`
	p := e.problem(t, http.StatusUnprocessableEntity, applyURL, "application/yaml", body)
	locs := servertest.ErrorLocations(p)
	if !slices.Contains(locs, "body[1].spec.replicas") || !strings.Contains(p["detail"].(string), "document 1 (Deployment/shop/broken, line 7)") {
		t.Errorf("problem %v", p)
	}
	if _, err := e.c.Kube.CoreV1().ConfigMaps(ns).Get(t.Context(), "first", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("first document was applied: %v", err)
	}
}

func (e *env) testBadInput(t *testing.T) {
	badYAML := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  data: [unclosed\n"
	p := e.problem(t, http.StatusBadRequest, applyURL, "application/yaml", badYAML)
	if d := p["detail"].(string); !strings.HasPrefix(d, "document 1 (starting at line 6): invalid YAML at line 10: ") {
		t.Errorf("invalid YAML problem %v", p)
	}
	if locs := servertest.ErrorLocations(p); !slices.Equal(locs, []string{"body[1]"}) {
		t.Errorf("locations %v", locs)
	}

	p = e.problem(t, http.StatusBadRequest, applyURL, "application/yaml", "apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g\n")
	if !strings.Contains(p["detail"].(string), `unknown kind "Gizmo"`) || !slices.Contains(servertest.ErrorLocations(p), "body[0].kind") {
		t.Errorf("unknown kind problem %v", p)
	}
	p = e.problem(t, http.StatusBadRequest, applyURL, "application/yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
	if !slices.Contains(servertest.ErrorLocations(p), "body[0].metadata.name") {
		t.Errorf("missing name problem %v", p)
	}
	e.problem(t, http.StatusBadRequest, applyURL, "application/yaml", "# nothing\n---\n")
	e.problem(t, http.StatusNotFound, "/api/v1/clusters/nowhere/apply", "application/yaml", twoDocs)
	user := e.h.CreateUser("nobody", "user")
	e.raw(t, http.StatusForbidden, applyURL, user, "application/yaml", twoDocs)
	e.raw(t, http.StatusForbidden, nsApplyURL, user, "application/yaml", twoDocs)
}

// testImmutable: a change the API server refuses on update keeps its status
// and field causes.
func (e *env) testImmutable(t *testing.T) {
	job := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\n  namespace: shop\nspec:\n  template:\n    spec:\n" +
		"      restartPolicy: Never\n      containers:\n      - name: c\n        image: %s\n"
	e.apply(t, http.StatusOK, applyURL, "application/yaml", strings.Replace(job, "%s", "one:1", 1))
	p := e.problem(t, http.StatusUnprocessableEntity, applyURL, "application/yaml", strings.Replace(job, "%s", "two:2", 1))
	if !slices.Contains(servertest.ErrorLocations(p), "body[0].spec.template") || !strings.Contains(p["detail"].(string), "immutable") {
		t.Errorf("immutable problem %v", p)
	}
}

// testCRD: a CRD applied in one request, its objects in the next.
func (e *env) testCRD(t *testing.T) {
	crd := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`
	if r := e.apply(t, http.StatusOK, applyURL, "application/yaml", crd); r.Documents[0].Action != apply.ActionCreated {
		t.Fatalf("crd %+v", r)
	}
	widget := "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n"
	// The API server serves the new kind a moment after the CRD is created.
	var body []byte
	servertest.Eventually(t, func() error {
		var code int
		if code, body = e.raw(t, 0, nsApplyURL, e.h.Admin, "application/yaml", widget); code != http.StatusOK {
			return fmt.Errorf("widget not applied: %d %s", code, body)
		}
		return nil
	}).Should(gomega.Succeed())
	var r apply.ApplyResult
	if err := json.Unmarshal(body, &r); err != nil || r.Documents[0].Namespace != ns || r.Documents[0].Action != apply.ActionCreated {
		t.Errorf("widget %s %v", body, err)
	}
	// A document that does not fit the CRD's schema is the document's fault.
	p := e.problem(t, http.StatusUnprocessableEntity, applyURL, "application/yaml",
		"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w2\n  namespace: shop\nspec:\n  size: big\n")
	if !slices.Contains(servertest.ErrorLocations(p), "body[0].spec.size") {
		t.Errorf("schema violation problem %v", p)
	}
}

func (e *env) testNamespaced(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n"
	r := e.apply(t, http.StatusOK, nsApplyURL, "application/yaml", cm)
	if r.Documents[0].Namespace != ns {
		t.Errorf("namespace-less document went to %q", r.Documents[0].Namespace)
	}
	p := e.problem(t, http.StatusBadRequest, nsApplyURL, "application/yaml", cm+"---\n"+strings.Replace(cm, "local\n", "local\n  namespace: default\n", 1))
	if !slices.Contains(servertest.ErrorLocations(p), "body[1].metadata.namespace") {
		t.Errorf("other namespace problem %v", p)
	}
	p = e.problem(t, http.StatusBadRequest, nsApplyURL, "application/yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sneaky\n")
	if !slices.Contains(servertest.ErrorLocations(p), "body[0].kind") {
		t.Errorf("cluster-scoped problem %v", p)
	}
}

// testProjectMember: a member of the project holding the namespace may
// apply there through the namespaced endpoint, not cluster-wide.
func (e *env) testProjectMember(t *testing.T) {
	h := e.h
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/"+clusterName+"/projects", h.Admin, map[string]any{"name": "store"})
	h.AddToProject(t, clusterName, "store", ns)
	member := h.CreateUser("dev", "user")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/"+clusterName+"/projects/store/members/dev", h.Admin, map[string]string{"role": "member"})
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-member\n"
	e.raw(t, http.StatusOK, nsApplyURL, member, "application/yaml", cm)
	e.raw(t, http.StatusForbidden, applyURL, member, "application/yaml", cm)

	// Each document is judged by what it is: a member may not apply RBAC
	// or the project's quota in its namespace, and then nothing applies.
	for _, doc := range []string{
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: mine\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: admin\nsubjects:\n- kind: ServiceAccount\n  name: default\n",
		"apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: wheelhouse-project-quota\nspec:\n  hard:\n    pods: \"1000\"\n",
	} {
		code, out := e.raw(t, http.StatusForbidden, nsApplyURL, member, "application/yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-applied\n---\n"+doc)
		if code != http.StatusForbidden || !strings.Contains(string(out), `"location":"body[1].kind"`) {
			t.Errorf("member applies %q: %d %s", doc, code, out)
		}
	}
	if _, err := e.c.Kube.CoreV1().ConfigMaps(ns).Get(t.Context(), "not-applied", metav1.GetOptions{}); err == nil {
		t.Error("a refused apply applied its first document")
	}
}

// testFieldConflict: a field another manager owns is a 409 naming it,
// unless force takes it over; a namespace created by the same request is
// explained.
func (e *env) testFieldConflict(t *testing.T) {
	_, err := e.c.Kube.CoreV1().ConfigMaps(ns).Apply(t.Context(), applycorev1.ConfigMap("owned", ns).WithData(map[string]string{"k": "v1"}),
		metav1.ApplyOptions{FieldManager: "someone-else"})
	if err != nil {
		t.Fatal(err)
	}
	doc := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  namespace: shop\ndata:\n  k: v2\n"
	p := e.problem(t, http.StatusConflict, applyURL, "application/yaml", doc)
	if !slices.Contains(servertest.ErrorLocations(p), "body[0].data.k") {
		t.Errorf("conflict problem %v", p)
	}
	if r := e.apply(t, http.StatusOK, applyURL+"?force=true", "application/yaml", doc); r.Documents[0].Action != apply.ActionConfigured {
		t.Errorf("forced apply %+v", r)
	}

	p = e.problem(t, http.StatusNotFound, applyURL, "application/yaml",
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fresh\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: fresh\n")
	if !strings.Contains(p["detail"].(string), "created by document 0 of this request") {
		t.Errorf("namespace problem %v", p)
	}
	if _, err := e.c.Kube.CoreV1().Namespaces().Get(t.Context(), "fresh", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace fresh was created: %v", err)
	}
}

// raw posts body with contentType as token and returns the status and
// body; a non-zero want must match.
// testQuotaExceeded: an object a ResourceQuota does not allow is refused
// with the API server's status and reason, and nothing of the request is
// applied.
func (e *env) testQuotaExceeded(t *testing.T) {
	ctx := t.Context()
	const quotaNS = "quota-full"
	servertest.CreateNamespaces(t, e.c, quotaNS)
	rq := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "no-secrets"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"count/secrets": resource.MustParse("0")}}}
	if _, err := e.c.Kube.CoreV1().ResourceQuotas(quotaNS).Create(ctx, rq, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The quota controller has counted the namespace once its status is set.
	servertest.Eventually(t, func() error {
		got, err := e.c.Kube.CoreV1().ResourceQuotas(quotaNS).Get(ctx, "no-secrets", metav1.GetOptions{})
		if err != nil || len(got.Status.Hard) == 0 {
			return fmt.Errorf("quota not counted yet: %v", err)
		}
		return nil
	}).Should(gomega.Succeed())
	docs := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: before-secret\n  namespace: " + quotaNS + "\n---\n" +
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: over-quota\n  namespace: " + quotaNS + "\nstringData:\n  k: v\n"
	// Until the API server's quota admission sees the counted status it
	// refuses with "status unknown": wait for the real refusal with dry runs.
	servertest.Eventually(t, func() error {
		code, out := e.raw(t, 0, applyURL+"?dryRun=true", e.h.Admin, "application/yaml", docs)
		if code != http.StatusForbidden || !strings.Contains(string(out), "exceeded quota") {
			return fmt.Errorf("status %d: %s", code, out)
		}
		return nil
	}).Should(gomega.Succeed())
	p := e.problem(t, http.StatusForbidden, applyURL, "application/yaml", docs)
	if detail, _ := p["detail"].(string); !strings.Contains(detail, "exceeded quota") || !strings.Contains(detail, "no-secrets") {
		t.Errorf("quota problem %v", p)
	}
	if _, err := e.c.Kube.CoreV1().ConfigMaps(quotaNS).Get(ctx, "before-secret", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the document before the refused one was applied: %v", err)
	}
}

// testAdmissionRejected: a ValidatingAdmissionPolicy's denial reaches the
// caller with its message and nothing is applied.
func (e *env) testAdmissionRejected(t *testing.T) {
	ctx := t.Context()
	adm := e.c.Kube.AdmissionregistrationV1()
	fail := admissionv1.Fail
	policy := &admissionv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: "no-forbidden-key"},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
					Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
				}}}},
			Validations: []admissionv1.Validation{{
				Expression: "!has(object.data) || !('forbidden' in object.data)",
				Message:    "config maps may not carry a key named forbidden",
			}},
		}}
	if _, err := adm.ValidatingAdmissionPolicies().Create(ctx, policy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: "no-forbidden-key"},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        "no-forbidden-key",
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
			MatchResources: &admissionv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{corev1.LabelMetadataName: ns}}},
		}}
	if _, err := adm.ValidatingAdmissionPolicyBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = adm.ValidatingAdmissionPolicyBindings().Delete(context.Background(), "no-forbidden-key", metav1.DeleteOptions{})
		_ = adm.ValidatingAdmissionPolicies().Delete(context.Background(), "no-forbidden-key", metav1.DeleteOptions{})
	})
	doc := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rejected\n  namespace: " + ns + "\ndata:\n  forbidden: \"yes\"\n"
	// The API server starts enforcing a new policy within a few seconds:
	// wait for it with dry runs, which write nothing, then apply for real.
	servertest.Eventually(t, func() error {
		code, out := e.raw(t, 0, applyURL+"?dryRun=true", e.h.Admin, "application/yaml", doc)
		if code != http.StatusUnprocessableEntity {
			return fmt.Errorf("status %d: %s", code, out)
		}
		return nil
	}).Should(gomega.Succeed())
	_, out := e.raw(t, http.StatusUnprocessableEntity, applyURL, e.h.Admin, "application/yaml", doc)
	if !strings.Contains(string(out), "config maps may not carry a key named forbidden") || !strings.Contains(string(out), "no-forbidden-key") {
		t.Errorf("admission problem %s", out)
	}
	if _, err := e.c.Kube.CoreV1().ConfigMaps(ns).Get(ctx, "rejected", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the refused config map exists: %v", err)
	}
}

// testPartial: two Secrets under a quota of one pass their dry runs (each
// alone fits) and the second write is refused; the problem lists exactly
// the document that was applied.
func (e *env) testPartial(t *testing.T) {
	ctx := t.Context()
	const quotaNS = "quota-one"
	if _, err := e.c.Kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: quotaNS}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rq := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "one-secret"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"count/secrets": resource.MustParse("1")}}}
	if _, err := e.c.Kube.CoreV1().ResourceQuotas(quotaNS).Create(ctx, rq, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	servertest.Eventually(t, func() error {
		got, err := e.c.Kube.CoreV1().ResourceQuotas(quotaNS).Get(ctx, "one-secret", metav1.GetOptions{})
		if err != nil || len(got.Status.Hard) == 0 {
			return fmt.Errorf("quota not counted yet: %v", err)
		}
		return nil
	}).Should(gomega.Succeed())
	secret := func(name string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: " + quotaNS + "\nstringData:\n  k: v\n"
	}
	docs := secret("first") + "---\n" + secret("second")
	servertest.Eventually(t, func() error {
		code, out := e.raw(t, 0, applyURL+"?dryRun=true", e.h.Admin, "application/yaml", docs)
		if code != http.StatusOK {
			return fmt.Errorf("dry run: status %d: %s", code, out)
		}
		return nil
	}).Should(gomega.Succeed())
	_, out := e.raw(t, http.StatusForbidden, applyURL, e.h.Admin, "application/yaml", docs)
	var p struct {
		Detail  string                      `json:"detail"`
		Applied []apply.ApplyDocumentResult `json:"applied"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if len(p.Applied) != 1 || p.Applied[0].Name != "first" || p.Applied[0].Index != 0 || p.Applied[0].ResourceVersion == "" ||
		!strings.Contains(p.Detail, "document 1 (Secret/"+quotaNS+"/second") {
		t.Errorf("partial problem %s", out)
	}
	if _, err := e.c.Kube.CoreV1().Secrets(quotaNS).Get(ctx, "first", metav1.GetOptions{}); err != nil {
		t.Errorf("the applied document is not there: %v", err)
	}
	if _, err := e.c.Kube.CoreV1().Secrets(quotaNS).Get(ctx, "second", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the refused document is there: %v", err)
	}
}

// testLimits runs servers with small apply limits against the sandbox: a
// body over the document limit is a 413 and a request past its deadline a
// 504, both with nothing applied.
func (e *env) testLimits(t *testing.T) {
	ctx := t.Context()
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n"
	}
	docs := cm("limit-a") + "---\n" + cm("limit-b") + "---\n" + cm("limit-c")

	few := &env{h: servertest.New(t, servertest.Options{Apply: apply.Limits{MaxDocuments: 2}})}
	few.h.ImportCluster(clusterName, e.kubeconfig)
	p := few.problem(t, http.StatusRequestEntityTooLarge, applyURL, "application/yaml", docs)
	if !slices.Contains(servertest.ErrorLocations(p), "body[2]") {
		t.Errorf("too many documents: %v", p)
	}

	slow := &env{h: servertest.New(t, servertest.Options{Apply: apply.Limits{Timeout: time.Nanosecond}})}
	slow.h.ImportCluster(clusterName, e.kubeconfig)
	p = slow.problem(t, http.StatusGatewayTimeout, applyURL, "application/yaml", docs)
	if d, _ := p["detail"].(string); !strings.Contains(d, "nothing was applied") {
		t.Errorf("deadline: %v", p)
	}
	for _, name := range []string{"limit-a", "limit-b", "limit-c"} {
		if _, err := e.c.Kube.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s was applied: %v", name, err)
		}
	}
}

func (e *env) raw(t *testing.T, want int, path, token, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.h.URL+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if want != 0 && resp.StatusCode != want {
		t.Fatalf("POST %s: status %d, want %d: %s", path, resp.StatusCode, want, out)
	}
	return resp.StatusCode, out
}

func (e *env) apply(t *testing.T, want int, path, contentType, body string) apply.ApplyResult {
	t.Helper()
	_, out := e.raw(t, want, path, e.h.Admin, contentType, body)
	var r apply.ApplyResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	return r
}

func (e *env) problem(t *testing.T, want int, path, contentType, body string) map[string]any {
	t.Helper()
	_, out := e.raw(t, want, path, e.h.Admin, contentType, body)
	var p map[string]any
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	return p
}
