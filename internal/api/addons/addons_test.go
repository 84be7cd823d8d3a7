//go:build !unit

package addons_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo/chartrepotest"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	clusterName = "c1"
	ns          = "ci"
	project     = "team"
)

type env struct {
	h *servertest.Harness
	c *multicluster.Cluster
	// member and viewer of the project the namespace is in.
	member, viewer string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	h := servertest.New(t, servertest.Options{})
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(h.Logs.String())
		}
	})
	c := h.ImportCluster(clusterName, sandboxtest.Start(t, 1))
	servertest.CreateNamespaces(t, c, ns, "other")
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/"+clusterName+"/projects", h.Admin, map[string]any{"name": project})
	h.AddToProject(t, clusterName, project, ns)
	e := &env{h: h, c: c, member: h.CreateUser("dev", "user"), viewer: h.CreateUser("watcher", "user")}
	base := "/api/v1/clusters/" + clusterName + "/projects/" + project
	h.Expect(http.StatusOK, http.MethodPut, base+"/members/dev", h.Admin, map[string]string{"role": "member"})
	h.Expect(http.StatusOK, http.MethodPut, base+"/members/watcher", h.Admin, map[string]string{"role": "viewer"})
	// JENKINS_HOME's volume: the sandbox has no provisioner.
	_, err := c.Kube.CoreV1().PersistentVolumes().Create(t.Context(), &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "jenkins-home"},
		Spec: corev1.PersistentVolumeSpec{
			StorageClassName:       "manual",
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/jenkins-home"}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func releases(rel string) string {
	return "/api/v1/clusters/" + clusterName + "/namespaces/" + ns + "/releases" + rel
}

// waitOperation waits until the release's operation id has ended and
// returns it.
func (e *env) waitOperation(t *testing.T, release, id string) addons.Operation {
	t.Helper()
	return servertest.WaitFor(t, e.h, releases("/"+release+"/operation"), func(op addons.Operation) error {
		if op.ID != id {
			return fmt.Errorf("operation %s, want %s", op.ID, id)
		}
		if op.State == addons.OpRunning {
			return fmt.Errorf("still running: %d/%d ready", op.ResourcesReady, op.ResourcesTotal)
		}
		return nil
	})
}

func TestAddons(t *testing.T) {
	e := newEnv(t)
	t.Run("Catalog", e.testCatalog)
	t.Run("RefusedInstalls", e.testRefusedInstalls)
	t.Run("JenkinsLife", e.testJenkinsLife)
	t.Run("MemberMayNotInstallClusterObjects", e.testMemberRights)
	t.Run("FromRepositories", e.testFromRepositories)
}

// testCatalog: the built-in charts are listed to the project's members,
// with README, values and the values schema of each.
func (e *env) testCatalog(t *testing.T) {
	h := e.h
	g := gomega.NewWithT(t)
	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/addon-charts", h.Admin, nil)
	g.Expect(servertest.ItemNames(list)).To(gomega.Equal([]string{"ingress-nginx", "jenkins", "metrics-server"}))
	projectList := "/api/v1/clusters/" + clusterName + "/projects/" + project + "/addon-charts"
	g.Expect(servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, projectList+"?name=ci", e.viewer, nil))).To(gomega.Equal([]string{"jenkins"}),
		"a viewer reads the catalog, filtered by name, description or keyword")
	h.ExpectProblem(t, http.StatusForbidden, http.MethodGet, "/api/v1/addon-charts", e.member, nil, "")

	d := servertest.Decode[addons.ChartDetail](t, h.Expect(http.StatusOK, http.MethodGet, projectList+"/jenkins", e.member, nil))
	g.Expect(d.Readme).To(gomega.ContainSubstring("Jenkins"))
	g.Expect(d.Values).To(gomega.ContainSubstring("persistence:"))
	g.Expect(d.ValuesSchema).To(gomega.HaveKey("properties"))
	g.Expect(d.Versions).To(gomega.HaveLen(1))
	h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/addon-charts/nope", h.Admin, nil, "path.chart")
	h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/addon-charts/jenkins?version=0.0.1", h.Admin, nil, "query.version")
}

// testRefusedInstalls: each bad install is a 4xx naming what is wrong,
// and nothing is written.
func (e *env) testRefusedInstalls(t *testing.T) {
	h := e.h
	good := map[string]any{"name": "refused", "chart": map[string]any{"name": "jenkins"},
		"values": map[string]any{"persistence": map[string]any{"enabled": false}}}
	cases := []struct {
		name   string
		path   string
		body   map[string]any
		status int
		loc    string
	}{
		{"values that break the schema", releases(""), servertest.With(good, "values", map[string]any{"service": map[string]any{"type": "Bogus"}}),
			http.StatusUnprocessableEntity, "body.values.service.type"},
		{"a chart not in the catalog", releases(""), servertest.With(good, "chart", map[string]any{"name": "nope"}), http.StatusNotFound, "body.chart.name"},
		{"a version the chart does not have", releases(""), servertest.With(good, "chart", map[string]any{"name": "jenkins", "version": "9.9.9"}),
			http.StatusNotFound, "body.chart.version"},
		{"a repository that does not exist", releases(""), servertest.With(good, "chart", map[string]any{"name": "jenkins", "repository": "nope"}),
			http.StatusNotFound, ""},
		{"a name that is not a DNS label", releases(""), servertest.With(good, "name", "Not_A_Name"), http.StatusUnprocessableEntity, "body.name"},
		{"a namespace that does not exist", "/api/v1/clusters/" + clusterName + "/namespaces/missing/releases", good, http.StatusNotFound, ""},
		{"a cluster that does not exist", "/api/v1/clusters/nope/namespaces/" + ns + "/releases", good, http.StatusNotFound, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.ExpectProblem(t, tc.status, http.MethodPost, tc.path, h.Admin, tc.body, tc.loc)
		})
	}
	h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, releases(""), e.viewer, good, "")
	h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, releases("/refused"), h.Admin, nil, "")
	list := h.Expect(http.StatusOK, http.MethodGet, releases(""), h.Admin, nil)
	if names := servertest.ItemNames(list); len(names) != 0 {
		t.Errorf("refused installs wrote releases: %v", names)
	}
}

// testJenkinsLife installs the built-in Jenkins chart and follows it
// through upgrade (with its diff first), drift and repair, rollback and
// uninstall, as a user of the console would.
func (e *env) testJenkinsLife(t *testing.T) {
	h := e.h
	g := gomega.NewWithT(t)
	ctx := t.Context()
	op := servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodPost, releases(""), h.Admin, map[string]any{
		"name": "jenkins", "chart": map[string]any{"name": "jenkins"}, "timeoutSeconds": 180,
		"values": map[string]any{"persistence": map[string]any{"storageClass": "manual"}, "admin": map[string]any{"password": "s3cret-Adm1n"}},
	}))
	g.Expect(op.Action).To(gomega.Equal("install"))
	g.Expect(op.StartedBy).To(gomega.Equal("admin"))
	h.ExpectProblem(t, http.StatusConflict, http.MethodPost, releases("/jenkins/repair"), h.Admin, map[string]any{}, "")
	done := e.waitOperation(t, "jenkins", op.ID)
	g.Expect(done.State).To(gomega.Equal(addons.OpSucceeded), done.Message)
	g.Expect(done.Revision).To(gomega.Equal(1))
	g.Expect(done.ResourcesTotal).To(gomega.BeNumerically(">", 0))
	audited := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=install-release-finished", h.Admin, nil)
	g.Expect(audited["items"]).To(gomega.ContainElement(gomega.And(gomega.HaveKeyWithValue("method", "POST"),
		gomega.HaveKeyWithValue("outcome", "success"))), "the install's outcome is audited")

	rel := servertest.Decode[addons.ReleaseDetail](t, h.Expect(http.StatusOK, http.MethodGet, releases("/jenkins"), e.viewer, nil))
	g.Expect(rel.Status).To(gomega.Equal("deployed"))
	g.Expect(rel.Ready).To(gomega.BeTrue(), "%+v", rel.Resources)
	g.Expect(rel.ManagedByWheelhouse).To(gomega.BeTrue())
	g.Expect(rel.Values).To(gomega.HaveKeyWithValue("admin", map[string]any{"password": addons.Hidden}), "the password never leaves")
	g.Expect(rel.Resources).To(gomega.ContainElement(gomega.HaveField("Kind", "StatefulSet")))

	h.ExpectProblem(t, http.StatusConflict, http.MethodPost, releases(""), h.Admin, map[string]any{"name": "jenkins", "chart": map[string]any{"name": "jenkins"},
		"values": map[string]any{"persistence": map[string]any{"enabled": false}}}, "body.name")

	// The upgrade's diff first, then the upgrade; the password sent back
	// hidden is kept.
	upgrade := map[string]any{"values": map[string]any{"persistence": map[string]any{"storageClass": "manual"},
		"admin": map[string]any{"password": addons.Hidden}, "service": map[string]any{"type": "NodePort"}}}
	plan := servertest.Decode[addons.Plan](t, h.Expect(http.StatusOK, http.MethodPost, releases("/jenkins/plan"), e.member, upgrade))
	g.Expect(plan.Diff).To(gomega.ContainElement(gomega.And(gomega.HaveField("Kind", "Service"), gomega.HaveField("Diff", gomega.ContainSubstring("+  type: NodePort")))))
	for _, d := range plan.Diff {
		g.Expect(d.Diff).NotTo(gomega.ContainSubstring("s3cret-Adm1n"))
	}
	op = servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodPut, releases("/jenkins"), h.Admin, upgrade))
	done = e.waitOperation(t, "jenkins", op.ID)
	g.Expect(done.State).To(gomega.Equal(addons.OpSucceeded), done.Message)
	g.Expect(done.Revision).To(gomega.Equal(2))
	svc, err := e.c.Kube.CoreV1().Services(ns).Get(ctx, "jenkins", metav1.GetOptions{})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(svc.Spec.Type).To(gomega.Equal(corev1.ServiceTypeNodePort))
	secret, err := e.c.Kube.CoreV1().Secrets(ns).Get(ctx, "jenkins", metav1.GetOptions{})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(string(secret.Data["jenkins-admin-password"])).To(gomega.Equal("s3cret-Adm1n"), "the hidden password kept its value")

	// Drift: scaled by hand, then repaired.
	_, err = e.c.Kube.CoreV1().Services(ns).Patch(ctx, "jenkins", types.MergePatchType, []byte(`{"spec":{"type":"ClusterIP"}}`),
		metav1.PatchOptions{FieldManager: "kubectl-edit"})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	drift := servertest.Decode[addons.Drift](t, h.Expect(http.StatusOK, http.MethodGet, releases("/jenkins/drift"), e.viewer, nil))
	g.Expect(drift.Drifted).To(gomega.BeTrue())
	g.Expect(drift.Objects).To(gomega.ContainElement(gomega.HaveField("Diff", gomega.ContainSubstring("+  type: NodePort"))))
	op = servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodPost, releases("/jenkins/repair"), e.member, map[string]any{}))
	g.Expect(e.waitOperation(t, "jenkins", op.ID).State).To(gomega.Equal(addons.OpSucceeded))
	drift = servertest.Decode[addons.Drift](t, h.Expect(http.StatusOK, http.MethodGet, releases("/jenkins/drift"), e.viewer, nil))
	g.Expect(drift.Drifted).To(gomega.BeFalse(), "%+v", drift.Objects)

	// Rollback to the first revision restores the service type.
	op = servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodPost, releases("/jenkins/rollback"), h.Admin,
		map[string]any{"revision": 1}))
	g.Expect(e.waitOperation(t, "jenkins", op.ID).State).To(gomega.Equal(addons.OpSucceeded))
	svc, err = e.c.Kube.CoreV1().Services(ns).Get(ctx, "jenkins", metav1.GetOptions{})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(svc.Spec.Type).To(gomega.Equal(corev1.ServiceTypeClusterIP))
	hist := h.Expect(http.StatusOK, http.MethodGet, releases("/jenkins/history"), e.viewer, nil)
	revs := servertest.Decode[struct{ Items []addons.Revision }](t, hist).Items
	g.Expect(revs).To(gomega.HaveLen(4))
	g.Expect(revs[0].Description).To(gomega.ContainSubstring("Rollback to 1"))
	rev := servertest.Decode[addons.RevisionDetail](t, h.Expect(http.StatusOK, http.MethodGet, releases("/jenkins/revisions/1"), e.viewer, nil))
	g.Expect(rev.Manifest).To(gomega.ContainSubstring("kind: StatefulSet"))
	g.Expect(rev.Manifest).NotTo(gomega.ContainSubstring("s3cret"))

	clusterList := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/"+clusterName+"/releases", e.member, nil)
	g.Expect(servertest.ItemNames(clusterList)).To(gomega.Equal([]string{"jenkins"}), "a member sees its project's releases")

	op = servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodDelete, releases("/jenkins"), h.Admin, nil))
	g.Expect(e.waitOperation(t, "jenkins", op.ID).State).To(gomega.Equal(addons.OpSucceeded))
	h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, releases("/jenkins"), h.Admin, nil, "")
	servertest.Eventually(t, func() error {
		_, err := e.c.Kube.AppsV1().StatefulSets(ns).Get(ctx, "jenkins", metav1.GetOptions{})
		if err == nil {
			return fmt.Errorf("the StatefulSet is still there")
		}
		return nil
	}).Should(gomega.Succeed())
}

// testMemberRights: a member may install a chart whose objects it may
// write, not one that brings cluster-wide RBAC; nothing is written.
func (e *env) testMemberRights(t *testing.T) {
	h := e.h
	p := h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, releases(""), e.member, map[string]any{
		"name": "metrics", "chart": map[string]any{"name": "metrics-server"}}, "")
	if detail, _ := p["detail"].(string); !strings.Contains(detail, "ClusterRole") && !strings.Contains(detail, "ServiceAccount") {
		t.Errorf("the refusal does not name the object: %v", p)
	}
	h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, releases("/metrics"), h.Admin, nil, "")
	h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, "/api/v1/clusters/"+clusterName+"/namespaces/other/releases", e.member,
		map[string]any{"name": "x", "chart": map[string]any{"name": "jenkins"}}, "")
}

// testFromRepositories installs from a classic repository the test serves
// over HTTP and from an OCI chart pushed to a real docker-registry: both
// are in the catalog, each chart names its repository and versions, and
// a chart or version the repository lacks is a 404 naming the field.
func (e *env) testFromRepositories(t *testing.T) {
	h := e.h
	g := gomega.NewWithT(t)
	classic := chartrepotest.NewServer()
	t.Cleanup(classic.Close)
	for _, v := range []string{"2.0.0", "2.1.0"} {
		g.Expect(classic.Add("jenkins", v, false)).To(gomega.Succeed())
	}
	reg, err := registrytest.Start(t.TempDir(), registrytest.Options{})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	t.Cleanup(reg.Stop)
	g.Expect(chartrepotest.PushOCI(reg, "charts", "", "", "metrics-server", "0.9.0")).To(gomega.Succeed())
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/chart-repositories", h.Admin, map[string]any{"name": "classic", "type": "http", "url": classic.URL, "insecure": true})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/chart-repositories", h.Admin, map[string]any{"name": "oci", "type": "oci", "url": "oci://" + reg.Host + "/charts", "insecure": true})

	catalog := servertest.Decode[struct{ Items []addons.CatalogChart }](t, h.Expect(http.StatusOK, http.MethodGet,
		"/api/v1/clusters/"+clusterName+"/projects/"+project+"/addon-charts", e.viewer, nil)).Items
	g.Expect(catalog).To(gomega.ContainElements(
		gomega.And(gomega.HaveField("Repository", "classic"), gomega.HaveField("Name", "jenkins"), gomega.HaveField("Version", "2.1.0")),
		gomega.And(gomega.HaveField("Repository", "oci"), gomega.HaveField("Name", "metrics-server"), gomega.HaveField("Version", "0.9.0")),
		gomega.And(gomega.HaveField("Repository", ""), gomega.HaveField("Name", "jenkins"))), "global repositories are a project's catalog too")
	d := servertest.Decode[addons.ChartDetail](t, h.Expect(http.StatusOK, http.MethodGet, "/api/v1/addon-charts/jenkins?repository=classic&version=2.0.0", h.Admin, nil))
	g.Expect(d.Version).To(gomega.Equal("2.0.0"))
	g.Expect(d.Versions).To(gomega.HaveLen(2))
	g.Expect(d.Versions[0].Version).To(gomega.Equal("2.1.0"), "newest first")

	h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, releases(""), h.Admin,
		map[string]any{"name": "x", "chart": map[string]any{"repository": "classic", "name": "nope"}}, "body.chart.name")
	h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, releases(""), h.Admin,
		map[string]any{"name": "x", "chart": map[string]any{"repository": "classic", "name": "jenkins", "version": "9.9.9"}}, "body.chart.version")

	for _, in := range []map[string]any{
		{"name": "ci2", "chart": map[string]any{"repository": "classic", "name": "jenkins", "version": "2.0.0"},
			"values": map[string]any{"persistence": map[string]any{"enabled": false}}},
		{"name": "metrics", "chart": map[string]any{"repository": "oci", "name": "metrics-server"}},
	} {
		op := servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodPost, releases(""), h.Admin, in))
		done := e.waitOperation(t, in["name"].(string), op.ID)
		g.Expect(done.State).To(gomega.Equal(addons.OpSucceeded), done.Message)
	}
	rel := servertest.Decode[addons.ReleaseDetail](t, h.Expect(http.StatusOK, http.MethodGet, releases("/ci2"), h.Admin, nil))
	g.Expect(rel.CatalogVersion).To(gomega.Equal("2.0.0"))
	rel = servertest.Decode[addons.ReleaseDetail](t, h.Expect(http.StatusOK, http.MethodGet, releases("/metrics"), h.Admin, nil))
	g.Expect(rel.CatalogVersion).To(gomega.Equal("0.9.0"))
	g.Expect(rel.Ready).To(gomega.BeTrue(), "%+v", rel.Resources)

	// An upgrade to the repository's newer version; then both go.
	op := servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodPut, releases("/ci2"), h.Admin,
		map[string]any{"chart": map[string]any{"repository": "classic", "name": "jenkins", "version": "2.1.0"}}))
	g.Expect(e.waitOperation(t, "ci2", op.ID).State).To(gomega.Equal(addons.OpSucceeded))
	rel = servertest.Decode[addons.ReleaseDetail](t, h.Expect(http.StatusOK, http.MethodGet, releases("/ci2"), h.Admin, nil))
	g.Expect(rel.CatalogVersion).To(gomega.Equal("2.1.0"))
	for _, name := range []string{"ci2", "metrics"} {
		op := servertest.Decode[addons.Operation](t, h.Expect(http.StatusAccepted, http.MethodDelete, releases("/"+name), h.Admin, nil))
		g.Expect(e.waitOperation(t, name, op.ID).State).To(gomega.Equal(addons.OpSucceeded))
	}
}
